//! What an alert is: which articles it follows, what makes it send a notice, and where
//! the notice goes.

use tidings_analyze::name_key;

/// Longest alert name, in characters.
pub const MAX_NAME_CHARS: usize = 64;
/// The default of `--min-articles`: a story of one article is not yet a story.
pub const DEFAULT_MIN_ARTICLES: u32 = 2;
/// The default of `--every` for update alerts: at most one notice per story per hour.
pub const DEFAULT_EVERY_SECONDS: i64 = 3600;

/// What makes a matching story send a notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Trigger {
    /// A matching story reaches `min_articles` unique articles.
    NewStory,
    /// A matching story begins to break.
    Breaking,
    /// A followed story gets new unique articles (at most one notice per `every`).
    Update,
}

impl Trigger {
    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::NewStory => "new-story",
            Trigger::Breaking => "breaking",
            Trigger::Update => "update",
        }
    }

    pub fn parse(text: &str) -> Result<Self, DefinitionError> {
        match text {
            "new-story" => Ok(Trigger::NewStory),
            "breaking" => Ok(Trigger::Breaking),
            "update" => Ok(Trigger::Update),
            other => Err(DefinitionError::Trigger(other.to_string())),
        }
    }
}

/// Where notices are posted, and the secret they are signed with.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Webhook {
    pub url: String,
    /// Never shown (lists and the API say only whether there is one).
    pub secret: String,
}

/// A saved alert. Every filter given must hold for an article to match; a story matches
/// once one of its articles does.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Alert {
    pub name: String,
    /// In the search syntax.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// The entity as the user wrote it; matched by its name key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity: Option<String>,
    /// Language codes; empty means any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub langs: Vec<String>,
    /// An outlet, by the name the input gives (case does not matter).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    pub min_articles: u32,
    pub trigger: Trigger,
    /// Update alerts: seconds between two notices about one story.
    pub every_seconds: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook: Option<Webhook>,
}

/// Why an alert cannot be saved, in the user's terms.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DefinitionError {
    #[error("an alert name has 1 to {MAX_NAME_CHARS} letters, digits, '-' or '_' ({0:?} does not)")]
    Name(String),
    #[error("the query cannot be used: {0}")]
    Query(#[from] tidings_query::QueryError),
    #[error("the entity {0:?} has no letters or digits to match by")]
    Entity(String),
    #[error("{0:?} is not a language code (for example en, nb, nn, de)")]
    Lang(String),
    #[error("--on must be new-story, breaking or update, not {0:?}")]
    Trigger(String),
    #[error("--min-articles must be at least 1")]
    MinArticles,
    #[error("cannot read {0:?} as an interval (30m, 2h, 1d)")]
    Every(String),
    #[error("the webhook URL {0:?} is not an http:// or https:// URL")]
    WebhookUrl(String),
    #[error("the webhook secret is empty")]
    EmptySecret,
}

impl Alert {
    /// Checks everything a user gave, so that a saved alert always runs.
    pub fn validate(&self) -> Result<(), DefinitionError> {
        let name_ok = !self.name.is_empty()
            && self.name.chars().count() <= MAX_NAME_CHARS
            && self.name.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_');
        if !name_ok {
            return Err(DefinitionError::Name(self.name.clone()));
        }
        if let Some(q) = &self.query {
            tidings_query::parse(q)?;
        }
        if let Some(e) = &self.entity
            && name_key(e).is_empty()
        {
            return Err(DefinitionError::Entity(e.clone()));
        }
        if let Some(bad) = self.langs.iter().find(|l| !tidings_analyze::Lang::all().iter().any(|k| k.code() == *l)) {
            return Err(DefinitionError::Lang(bad.clone()));
        }
        if self.min_articles == 0 {
            return Err(DefinitionError::MinArticles);
        }
        if let Some(w) = &self.webhook {
            if !(w.url.starts_with("http://") || w.url.starts_with("https://")) {
                return Err(DefinitionError::WebhookUrl(w.url.clone()));
            }
            if w.secret.is_empty() {
                return Err(DefinitionError::EmptySecret);
            }
        }
        Ok(())
    }

    /// The alert as lists and the API show it: the webhook's secret left out.
    pub fn public(&self) -> serde_json::Value {
        let mut v = serde_json::to_value(self).unwrap_or_default();
        if let Some(w) = v.get_mut("webhook").and_then(|w| w.as_object_mut()) {
            w.remove("secret");
        }
        v
    }
}

/// Reads an interval: a number with `s`, `m`, `h` or `d`.
pub fn parse_every(text: &str) -> Result<i64, DefinitionError> {
    let bad = || DefinitionError::Every(text.to_string());
    let t = text.trim();
    let (digits, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len()));
    let n: i64 = digits.parse().map_err(|_| bad())?;
    let scale = match unit {
        "s" => 1,
        "m" => 60,
        "h" | "" => 3600,
        "d" => 86_400,
        _ => return Err(bad()),
    };
    n.checked_mul(scale).filter(|s| *s > 0).ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert() -> Alert {
        Alert {
            name: "ferry-fires".into(),
            query: Some("ferry fire".into()),
            entity: None,
            langs: vec!["nb".into(), "en".into()],
            source: None,
            min_articles: 2,
            trigger: Trigger::NewStory,
            every_seconds: DEFAULT_EVERY_SECONDS,
            webhook: Some(Webhook { url: "https://example.invalid/hook".into(), secret: "s3cret".into() }),
        }
    }

    #[test]
    fn a_good_alert_validates_and_hides_its_secret() {
        let a = alert();
        assert_eq!(a.validate(), Ok(()));
        let shown = a.public().to_string();
        assert!(!shown.contains("s3cret") && shown.contains("example.invalid"), "{shown}");
    }

    #[test]
    fn bad_parts_are_named() {
        let bad = |f: fn(&mut Alert)| {
            let mut a = alert();
            f(&mut a);
            a.validate().expect_err("refused")
        };
        assert!(matches!(bad(|a| a.name = "no spaces".into()), DefinitionError::Name(_)));
        assert!(matches!(bad(|a| a.query = Some("\"\"".into())), DefinitionError::Query(_)));
        assert!(matches!(bad(|a| a.langs = vec!["xx".into()]), DefinitionError::Lang(_)));
        assert!(matches!(bad(|a| a.min_articles = 0), DefinitionError::MinArticles));
        assert!(matches!(bad(|a| a.entity = Some("--".into())), DefinitionError::Entity(_)));
        assert!(matches!(
            bad(|a| a.webhook = Some(Webhook { url: "ftp://x".into(), secret: "s".into() })),
            DefinitionError::WebhookUrl(_)
        ));
    }

    #[test]
    fn intervals_read_with_their_units() {
        assert_eq!(parse_every("30m"), Ok(1800));
        assert_eq!(parse_every("2h"), Ok(7200));
        assert_eq!(parse_every("1d"), Ok(86_400));
        assert!(parse_every("0h").is_err());
        assert!(parse_every("soon").is_err());
        assert_eq!(Trigger::parse("breaking"), Ok(Trigger::Breaking));
        assert!(Trigger::parse("sometimes").is_err());
    }
}
