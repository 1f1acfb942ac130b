//! The store: incremental and idempotent ingest, crash safety, one writer at a time,
//! browsing, search, and refusing databases that are not ours.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::serve::Server;
use crate::target::Target;
use crate::{TestDir, examples, json_lines, stdout, tidings};

fn ingest(store: &Target, inputs: &[&Path]) -> std::process::Output {
    let out = store.run("ingest", inputs);
    assert!(out.status.success(), "ingest into {} failed: {}", store.name(), String::from_utf8_lossy(&out.stderr));
    out
}

/// Every stored article as `id → story`, from `tidings export`.
pub(crate) fn stored_stories(store: &Target) -> HashMap<String, String> {
    let out = store.run("export", &["articles"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut map = HashMap::new();
    for line in stdout(&out).lines() {
        let a: Value = serde_json::from_str(line).expect("export is JSON Lines");
        let id = a["id"].as_str().expect("id").to_string();
        assert!(map.insert(id.clone(), a["story"].as_str().expect("story").to_string()).is_none(), "{id} twice");
    }
    map
}

/// `id → story` from a one-shot `tidings cluster` run over the same inputs.
fn clustered_at_once(dir: &TestDir, inputs: &[&Path]) -> HashMap<String, String> {
    let assignments = dir.path("assignments.jsonl");
    let mut cmd = assert_cmd::Command::cargo_bin("tidings").expect("binary builds");
    cmd.arg("cluster").args(inputs).arg("--assignments").arg(&assignments);
    assert!(cmd.output().expect("runs").status.success());
    json_lines(&assignments)
        .iter()
        .map(|a| {
            (a["id"].as_str().unwrap_or_default().to_string(), a["story"].as_str().unwrap_or_default().to_string())
        })
        .collect()
}

/// Writes the JSON Lines of `files` published before (or from) `day` into two files.
fn split_by_day(dir: &TestDir, files: &[&Path], day: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let (mut before, mut after) = (String::new(), String::new());
    for file in files {
        for line in std::fs::read_to_string(file).expect("sample").lines() {
            let a: Value = serde_json::from_str(line).expect("sample is JSON Lines");
            let published = a["published"].as_str().expect("sample articles are dated");
            let part = if &published[..10] < day { &mut before } else { &mut after };
            part.push_str(line);
            part.push('\n');
        }
    }
    assert!(!before.is_empty() && !after.is_empty());
    (dir.write("day1.jsonl", before), dir.write("day2.jsonl", after))
}

#[test]
fn ingesting_twice_adds_nothing_and_browsing_works() {
    let dir = TestDir::new();
    for store in Target::all(&dir) {
        ingesting_twice_adds_nothing_and_browsing_works_in(&store);
    }
}

fn ingesting_twice_adds_nothing_and_browsing_works_in(data: &Target) {
    let first = stdout(&ingest(data, &[&examples().join("news")]));
    let n = crate::sample_articles();
    assert!(first.starts_with(&format!("{n} articles added, 0 already stored")), "{first}");
    let before = stored_stories(data);
    let second = stdout(&ingest(data, &[&examples().join("news")]));
    assert!(second.starts_with(&format!("0 articles added, {n} already stored")), "{second}");
    assert_eq!(stored_stories(data), before);

    let stories = data.run("stories", &["--largest", "--limit", "3", "--json"]);
    let stories: Vec<Value> = stdout(&stories).lines().map(|l| serde_json::from_str(l).expect("JSON")).collect();
    assert_eq!(stories.len(), 3);
    assert!(stories[0]["articles"].as_i64() >= stories[1]["articles"].as_i64());
    let vladivostok = stories.iter().find(|s| s["title"].as_str().is_some_and(|t| t.contains("Vladivostok")));
    let story = vladivostok.expect("the summit is among the largest stories")["story"].as_str().expect("id");

    let timeline = stdout(&data.run("story", &[story]));
    assert!(timeline.contains("Vladivostok") && timeline.contains("2019-04-25"), "{timeline}");
    let json = data.run("story", &[story, "--json"]);
    let json: Value = serde_json::from_str(&stdout(&json)).expect("JSON");
    assert_eq!(json["articles"].as_array().map(Vec::len), Some(8));

    let german = stdout(&data.run("stories", &["--lang", "de", "--json", "--limit", "100"]));
    assert!(german.lines().all(|l| l.contains("\"de\"")) && !german.is_empty());
    let stats = data.run("stats", &["--json"]);
    let stats: Value = serde_json::from_str(&stdout(&stats)).expect("JSON");
    assert_eq!(stats["articles"], crate::sample_articles());
    assert_eq!(stats["copies"], 4);
    assert_eq!(stats["ingest_runs"], 2);
}

#[test]
fn day_one_then_day_two_gives_the_stories_of_one_run() {
    let dir = TestDir::new();
    let news = examples().join("news");
    let files = [news.join("norsk.jsonl"), news.join("international.jsonl")];
    let files: Vec<&Path> = files.iter().map(|p| p.as_path()).collect();
    let (day1, day2) = split_by_day(&dir, &files, "2019-04-10");
    let at_once = clustered_at_once(&dir, &files);
    for store in Target::all(&dir) {
        ingest(&store, &[&day1]);
        ingest(&store, &[&day2]);
        assert_eq!(stored_stories(&store), at_once, "{}", store.name());
    }
}

#[test]
fn a_split_stream_of_many_batches_resumes_exactly() {
    let dir = TestDir::new();
    let generated = tidings!("generate", "--articles", "5000", "--seed", "7");
    let lines: Vec<&str> = std::str::from_utf8(&generated.stdout).expect("UTF-8").lines().collect();
    // Splits that fall inside a batch of 2048, so the second and third runs replay.
    let parts = [&lines[..1500], &lines[1500..3100], &lines[3100..]];
    let files: Vec<_> =
        parts.iter().enumerate().map(|(i, p)| dir.write(&format!("part{i}.jsonl"), p.join("\n") + "\n")).collect();
    let whole = dir.write("whole.jsonl", lines.join("\n") + "\n");
    let at_once = clustered_at_once(&dir, &[&whole]);
    for store in Target::all(&dir) {
        for f in &files {
            ingest(&store, &[f]);
        }
        assert_eq!(stored_stories(&store), at_once, "{}", store.name());
    }
}

/// Story rows agree with the articles: every article's story exists and counts it.
fn assert_consistent(data: &Target) {
    let articles = stored_stories(data);
    let out = data.run("export", &["stories"]);
    let mut counted: HashMap<String, i64> = HashMap::new();
    for story in articles.values() {
        *counted.entry(story.clone()).or_default() += 1;
    }
    let stories: HashMap<String, i64> = stdout(&out)
        .lines()
        .map(|l| {
            let s: Value = serde_json::from_str(l).expect("JSON");
            (s["story"].as_str().expect("id").to_string(), s["articles"].as_i64().expect("count"))
        })
        .collect();
    assert_eq!(stories, counted, "story rows disagree with the articles");
}

#[test]
fn a_killed_ingest_loses_nothing_and_a_second_writer_is_refused() {
    let dir = TestDir::new();
    let generated = tidings!("generate", "--articles", "16000", "--seed", "3");
    let input = dir.write("big.jsonl", &generated.stdout);
    for store in Target::all(&dir) {
        killed_ingest_in(&store, &input);
    }
}

fn killed_ingest_in(data: &Target, input: &Path) {
    let mut child = data
        .command("ingest", &[input])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("ingest starts");

    // Wait for the first committed batch, then try a second writer and kill the first.
    let deadline = Instant::now() + Duration::from_secs(120);
    while data.committed_articles() == 0 {
        assert!(Instant::now() < deadline, "no batch committed in time");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(child.try_wait().expect("wait").is_none(), "the ingest finished before it could be killed");
    let second = data.run("ingest", &[input]);
    assert!(!second.status.success());
    let message = String::from_utf8_lossy(&second.stderr);
    assert!(message.contains("locked by another writer"), "{}: {message}", data.name());
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    let partial = data.committed_articles();
    assert!(partial > 0 && partial < 16000, "killed mid-run ({partial} articles committed in {})", data.name());

    ingest(data, &[input]);
    let stored = stored_stories(data);
    assert_eq!(stored.len(), 16000);
    assert_consistent(data);
}

#[test]
fn search_finds_compound_parts_phrases_and_filters() {
    let dir = TestDir::new();
    for store in Target::all(&dir) {
        search_in(&store);
    }
}

fn search_in(data: &Target) {
    ingest(data, &[&examples().join("news")]);
    let ids = |args: &[&str]| -> HashSet<String> {
        let mut cmd = data.command("search", &["--json"]);
        cmd.args(args);
        let out = cmd.output().expect("runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        stdout(&out)
            .lines()
            .map(|l| {
                serde_json::from_str::<Value>(l).expect("JSON")["article"]["id"].as_str().unwrap_or("").to_string()
            })
            .collect()
    };
    // *atomprogram* finds *atomvåpenprogrammet* (a plain-text article).
    assert!(ids(&["atomprogram"]).contains("dagbladet-2019-04-25-kim-putin"));
    let ferry = ids(&["\"gikk på grunn\""]);
    assert!(!ferry.is_empty());
    let english = ids(&["ferry", "--lang", "en"]);
    assert!(!english.is_empty());
    let later = ids(&["ferje", "--since", "2019-04-12"]);
    let all = ids(&["ferje", "--limit", "100"]);
    assert!(!later.is_empty() && later.len() < all.len() && later.is_subset(&all));

    // The index is derived: removed, it is rebuilt on the next search.
    std::fs::remove_dir_all(data.index_dir().join("index")).expect("index removed");
    assert!(ids(&["atomprogram"]).contains("dagbladet-2019-04-25-kim-putin"));
    let bad = data.run("search", &["((((((((((x"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("cannot read the query"));
}

#[test]
fn foreign_and_corrupt_databases_are_refused_and_left_alone() {
    let dir = TestDir::new();
    let input = examples().join("news/norsk.jsonl");

    let foreign = dir.path("foreign");
    std::fs::create_dir_all(&foreign).expect("mkdir");
    let conn = rusqlite::Connection::open(foreign.join("tidings.sqlite")).expect("sqlite");
    conn.execute_batch("CREATE TABLE notes (x TEXT); INSERT INTO notes VALUES ('mine');").expect("foreign db");
    drop(conn);
    let before = std::fs::read(foreign.join("tidings.sqlite")).expect("read");
    let out = tidings!("ingest", "--data", &foreign, &input);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a tidings store"));
    assert_eq!(std::fs::read(foreign.join("tidings.sqlite")).expect("read"), before);

    let corrupt = dir.path("corrupt");
    let garbage: Vec<u8> = (0..16384u32).map(|i| (i * 7919 % 251) as u8).collect();
    dir.write("corrupt/tidings.sqlite", &garbage);
    let out = tidings!("ingest", "--data", &corrupt, &input);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a SQLite database"));
    assert_eq!(std::fs::read(corrupt.join("tidings.sqlite")).expect("read"), garbage);

    let out = tidings!("stories", "--data", dir.path("nothing-here"));
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no tidings store"));
}

#[test]
fn a_damaged_story_row_is_reported_not_shown_empty() {
    // SQLite only: PostgreSQL's JSONB columns refuse JSON that does not parse.
    let dir = TestDir::new();
    ingest(&Target::sqlite(&dir), &[&examples().join("news/norsk.jsonl")]);
    let data = dir.path("data");
    let conn = rusqlite::Connection::open(data.join("tidings.sqlite")).expect("sqlite");
    conn.execute("UPDATE stories SET sources = '[\"cut off' WHERE id = 1", []).expect("damaged on purpose");
    drop(conn);
    let out = tidings!("story", "--data", &data, "s000001");
    assert!(!out.status.success(), "a damaged row must not print as a story without sources");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("s000001") && err.contains("damaged") && err.contains("sources"), "{err}");
    let other = tidings!("story", "--data", &data, "s000002");
    assert!(other.status.success(), "the other stories still read: {}", String::from_utf8_lossy(&other.stderr));
}

/// The stories of a storyline, by the ids of their first articles.
fn storyline_of(data: &Target, story: &str) -> Value {
    let out = data.run("storyline", &[story, "--json"]);
    assert!(out.status.success(), "{}", crate::stderr(&out));
    serde_json::from_str(&stdout(&out)).expect("one JSON object")
}

#[test]
fn storylines_link_continuing_stories_and_grow_across_runs() {
    let dir = TestDir::new();
    let corpus = examples().join("crosslang.jsonl");
    // The Arctic meeting is announced and held in September; the rescue base it led to
    // is funded in October, in a later run.
    let (before, after) = split_by_day(&dir, &[&corpus], "2026-10-01");
    for store in Target::all(&dir) {
        storylines_in(&store, &before, &after);
    }
}

fn storylines_in(data: &Target, before: &Path, after: &Path) {
    assert!(ingest(data, &[before]).status.success());
    let stories = stored_stories(data);
    let meeting = &stories["xl-arctic-meeting-en"];
    let line = storyline_of(data, meeting);
    let ids = |line: &Value| -> Vec<String> {
        line["stories"].as_array().expect("stories").iter().map(|s| s["story"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(ids(&line), [stories["xl-arctic-announce-nb"].clone(), meeting.clone()]);
    assert!(line["stories"][1]["continues"]["shared"].as_array().unwrap().iter().any(|n| n == "Ingrid Solheim"));

    assert!(ingest(data, &[after]).status.success());
    // (The second run replays the first one's last, unfinished batch: story ids may change.)
    let stories = stored_stories(data);
    let line = storyline_of(data, &stories["xl-arctic-hammerfest-nb"]);
    let members = ids(&line);
    assert_eq!(members.len(), 3, "{members:?}");
    for part in ["xl-arctic-announce-en", "xl-arctic-meeting-sv", "xl-arctic-hammerfest-en"] {
        assert!(members.contains(&stories[part]), "{part} is not in {members:?}");
    }
    // Similar events that continue nothing stay out of any storyline.
    let out = data.run("storyline", &[&stories["xl-riksbank-cut-sv"]]);
    assert!(!out.status.success() && crate::stderr(&out).contains("no storyline"), "{}", stdout(&out));
    let listed = data.run("storylines", &[] as &[&str]);
    assert!(stdout(&listed).contains(&line["storyline"].as_str().unwrap().to_string()), "{}", stdout(&listed));
}

#[test]
fn both_stores_give_the_same_stories_cards_storylines_and_api_answers() {
    let dir = TestDir::new();
    let (sqlite, Some(postgres)) = (Target::sqlite(&dir), Target::postgres(&dir)) else { return };
    let news = examples().join("news");
    let crosslang = examples().join("crosslang.jsonl");
    for store in [&sqlite, &postgres] {
        ingest(store, &[&news]);
        ingest(store, &[&crosslang]);
    }
    for export in ["articles", "stories"] {
        let (a, b) = (sqlite.run("export", &[export]), postgres.run("export", &[export]));
        assert!(!a.stdout.is_empty());
        assert_eq!(stdout(&a), stdout(&b), "export {export} differs");
    }
    let stories = stored_stories(&sqlite);
    let rognvika = &stories["nrk-2019-05-07-nve-kvikkleire"];
    let arctic = &stories["xl-arctic-meeting-en"];
    let paths = [
        "/api/v1/stories".to_string(),
        "/api/v1/stories?sort=size&limit=7".into(),
        "/api/v1/stories?sort=trending".into(),
        "/api/v1/stories?lang=nn".into(),
        "/api/v1/stories?entity=Rognvika".into(),
        "/api/v1/stories?entity=Theresa%20Mays".into(),
        "/api/v1/stories?source=ntb.example&since=2019-04-01".into(),
        "/api/v1/stories?q=skred".into(),
        format!("/api/v1/stories/{rognvika}"),
        format!("/api/v1/storylines/{arctic}"),
        "/api/v1/storylines".into(),
        "/api/v1/search?q=ferje&limit=5".into(),
        "/api/v1/sources".into(),
        "/api/v1/articles/nrk-2019-05-07-nve-kvikkleire".into(),
    ];
    let (a, b) = (Server::start_target(&sqlite, None), Server::start_target(&postgres, None));
    // A short form folded into a full name finds the story in both databases.
    let (_, may) = b.get_json("/api/v1/stories?entity=Theresa%20Mays");
    assert_eq!(may["stories"][0]["entities"][0]["name"], "Theresa May", "{may}");
    let mut first_page = None;
    for path in &paths {
        let (sa, ja) = a.get_json(path);
        let (sb, jb) = b.get_json(path);
        assert_eq!((sa, &ja), (sb, &jb), "{path} answers differently");
        first_page.get_or_insert(ja);
    }
    // The next page, by the cursor the first one gave.
    let cursor = first_page.and_then(|p| p["next_cursor"].as_str().map(str::to_string)).expect("a second page");
    let next = format!("/api/v1/stories?cursor={cursor}");
    assert_eq!(a.get_json(&next), b.get_json(&next), "{next}");
    let stats = |s: &Server| {
        let (_, mut v) = s.get_json("/api/v1/stats");
        v["schema_version"] = Value::Null;
        v
    };
    assert_eq!(stats(&a), stats(&b));
}

#[test]
fn an_index_pointed_at_another_postgres_store_is_rebuilt_for_it() {
    let dir = TestDir::new();
    let (Some(a), Some(b)) = (Target::postgres(&dir), Target::postgres(&dir)) else { return };
    // Both use the same index directory (`dir/pg-index`), as a careless operator might.
    assert_eq!(a.index_dir(), b.index_dir());
    ingest(&a, &[&examples().join("news/norsk.jsonl")]);
    ingest(&b, &[&examples().join("news/international.jsonl")]);
    let hits = |store: &Target, query: &str| stdout(&store.run("search", &["--json", query])).lines().count();
    assert!(hits(&a, "ulveflokk") > 0, "a Norwegian story in the Norwegian store");
    assert_eq!(hits(&b, "ulveflokk"), 0, "the index now follows the international store");
    assert!(hits(&b, "Vladivostok") > 0);
    assert!(hits(&a, "ulveflokk") > 0, "and back again");
}
