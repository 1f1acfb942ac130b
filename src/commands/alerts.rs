//! `tidings alerts add|list|remove|test|log`: saved alerts, kept in the store.

use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use serde_json::json;
use tidings_alert::{Alert, Trigger, Webhook, parse_every};
use tidings_store::{Access, AlertRow, Alerts, Store};

use crate::cli::AlertsCommand;

pub fn run(command: AlertsCommand) -> Result<ExitCode> {
    match command {
        AlertsCommand::Add {
            data,
            name,
            query,
            entity,
            lang,
            source,
            min_articles,
            on,
            every,
            webhook,
            secret_file,
            replace,
        } => {
            let webhook = match (webhook, secret_file) {
                (Some(url), Some(file)) => {
                    let secret = std::fs::read_to_string(&file)
                        .with_context(|| format!("cannot read the webhook secret from {}", file.display()))?;
                    Some(Webhook { url, secret: secret.trim().to_string() })
                }
                _ => None,
            };
            let alert = Alert {
                name: name.clone(),
                query,
                entity,
                langs: lang.into_iter().map(|l| l.trim().to_string()).filter(|l| !l.is_empty()).collect(),
                source,
                min_articles,
                trigger: Trigger::parse(&on)?,
                every_seconds: parse_every(&every)?,
                webhook,
            };
            alert.validate().with_context(|| format!("alert {name:?}"))?;
            let alerts = Alerts::open(&data.location())?;
            match alerts.save(&name, &serde_json::to_string(&alert)?, replace)? {
                None => bail!("an alert named {name:?} exists; remove it first or give --replace"),
                Some(true) => out!("saved alert {name}: {}", describe(&alert))?,
                Some(false) => out!("replaced alert {name}: {}", describe(&alert))?,
            }
        }
        AlertsCommand::Import { data, file, replace } => {
            let text = std::fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let mut read = Vec::new();
            for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
                let alert: Alert = serde_json::from_str(line)
                    .with_context(|| format!("{}, line {}: not an alert", file.display(), i + 1))?;
                alert.validate().with_context(|| format!("{}, line {}", file.display(), i + 1))?;
                read.push((alert.name.clone(), serde_json::to_string(&alert)?));
            }
            let saved = Alerts::open(&data.location())?.save_all(&read, replace)?;
            out!("{saved} alerts saved, {} skipped (names taken; --replace replaces them)", read.len() as u64 - saved)?;
        }
        AlertsCommand::List { data, json } => {
            let rows = Alerts::open(&data.location())?.list()?;
            for row in &rows {
                let alert = read(row)?;
                if json {
                    let mut shown = alert.public();
                    shown["created_at"] = json!(row.created_at);
                    shown["updated_at"] = json!(row.updated_at);
                    out!("{shown}")?;
                } else {
                    out!("{:<20} {}", row.name, describe(&alert))?;
                }
            }
            if !json && rows.is_empty() {
                out!("no alerts yet (tidings alerts add NAME --query …)")?;
            }
        }
        AlertsCommand::Remove { data, name } => {
            if !Alerts::open(&data.location())?.remove(&name)? {
                bail!("no alert is named {name:?}");
            }
            out!("removed alert {name}")?;
        }
        AlertsCommand::Test { data, name, json } => {
            let store = Store::open(&data.location(), Access::Read)?;
            let row =
                Alerts::open(&data.location())?.get(&name)?.with_context(|| format!("no alert is named {name:?}"))?;
            let alert = read(&row)?;
            let previews = tidings_engine::alerting::preview(&store, &alert)?;
            let told = previews.iter().filter(|p| p.trigger.is_some()).count();
            for p in &previews {
                let trigger = p.trigger.map(Trigger::as_str);
                if json {
                    out!("{}", json!({"story": p.story, "matching_articles": p.matching, "notice": trigger}))?;
                } else {
                    out!(
                        "{}  {:>4} unique  {:>3} matching  {:<10} {}",
                        p.story.story,
                        p.story.unique_articles,
                        p.matching,
                        trigger.unwrap_or("-"),
                        p.story.title
                    )?;
                }
            }
            if !json {
                out!("{} stories match {name}; {told} would be told (nothing was sent)", previews.len())?;
            }
        }
        AlertsCommand::Log { data, name, limit, json } => {
            let alerts = Alerts::open(&data.location())?;
            if alerts.get(&name)?.is_none() {
                bail!("no alert is named {name:?}");
            }
            let notices = alerts.notices(Some(&name), limit)?;
            for n in &notices {
                if json {
                    out!("{}", serde_json::to_string(n)?)?;
                } else {
                    let error = n.last_error.as_deref().map(|e| format!("  ({e})")).unwrap_or_default();
                    if n.status == "none" {
                        out!("{}  {:<10} {}  kept (no webhook)", n.created_at, n.trigger, n.story)?;
                        continue;
                    }
                    out!(
                        "{}  {:<10} {}  {} after {} attempts{error}",
                        n.created_at,
                        n.trigger,
                        n.story,
                        n.status,
                        n.attempts
                    )?;
                }
            }
            if !json && notices.is_empty() {
                out!("{name} has sent no notices yet")?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn read(row: &AlertRow) -> Result<Alert> {
    serde_json::from_str(&row.definition).with_context(|| format!("alert {:?} is stored damaged", row.name))
}

/// One line about an alert: its filters, trigger and webhook.
fn describe(a: &Alert) -> String {
    let mut parts = Vec::new();
    if let Some(q) = &a.query {
        parts.push(format!("query {q:?}"));
    }
    if let Some(e) = &a.entity {
        parts.push(format!("entity {e:?}"));
    }
    if !a.langs.is_empty() {
        parts.push(format!("in {}", a.langs.join(",")));
    }
    if let Some(s) = &a.source {
        parts.push(format!("from {s}"));
    }
    if parts.is_empty() {
        parts.push("every story".into());
    }
    let mut line = format!("{}; on {} at {} unique articles", parts.join(", "), a.trigger.as_str(), a.min_articles);
    if a.trigger == Trigger::Update {
        line.push_str(&format!(", at most every {} min", a.every_seconds / 60));
    }
    if let Some(w) = &a.webhook {
        line.push_str(&format!(", webhook {}", w.url));
    }
    line
}
