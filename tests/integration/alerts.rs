//! Breaking news and alerts, end to end, on an invented corpus of two days: ordinary
//! stories, one that runs slowly through both days, and one that surges on the second.

use serde_json::{Value, json};

use crate::target::Target;
use crate::{TestDir, tidings};

/// One invented story: its headline words, the sentences its reports draw on and the
/// details that make each report its own text.
struct Topic {
    key: &'static str,
    headlines: &'static [&'static str],
    sentences: &'static [&'static str],
    details: &'static [&'static str],
}

const SURGE: Topic = Topic {
    key: "fire",
    headlines: &[
        "Fire at Kvalnes ferry terminal",
        "Kvalnes ferry terminal evacuated as fire spreads",
        "Smoke over Kvalnes: ferry terminal ablaze",
        "Firefighters battle blaze at Kvalnes ferry terminal",
    ],
    sentences: &[
        "A fire broke out in the waiting hall of the Kvalnes ferry terminal on Tuesday morning.",
        "Firefighters from three stations were sent to the terminal and passengers were evacuated.",
        "Thick smoke drifted over the harbour and the ferries to Storøya were stopped.",
        "The fire service said nobody was hurt but the terminal building was badly damaged.",
        "Police asked drivers to keep away from the ferry quay while the fire crews worked.",
    ],
    details: &[
        "A passenger waiting for the early ferry said the alarm went off just before nine.",
        "The harbour master said the terminal would stay closed for the rest of the day.",
        "A ferry captain described flames coming through the roof of the waiting hall.",
        "The municipality opened the school gym for passengers stranded by the fire.",
        "Witnesses saw black smoke from the main road above the Kvalnes harbour.",
        "The ferry company said it would run extra departures once the quay reopened.",
        "An electrician had worked on the ticket machines in the hall the day before.",
        "Fire investigators will examine the terminal once the building has cooled down.",
    ],
};

const SLOW: Topic = Topic {
    key: "budget",
    headlines: &[
        "Holmvik council debates harbour budget",
        "Harbour budget splits Holmvik council",
        "Holmvik councillors argue over harbour spending",
    ],
    sentences: &[
        "The Holmvik council continued its debate on the harbour budget for next year.",
        "The opposition wants the money for the new breakwater moved to the school budget.",
        "The mayor said the harbour investment would bring jobs to the fishing industry.",
        "A final vote on the budget is expected at the end of the week.",
    ],
    details: &[
        "The finance committee presented new figures for the breakwater costs.",
        "Fishermen attended the council meeting to support the harbour plans.",
        "Parents from the school asked the council to repair the gymnasium first.",
        "The council administration warned that loan costs had risen this year.",
        "An engineer explained why the old breakwater could not be repaired.",
        "The youth council sent a letter about the harbour swimming area.",
        "Two councillors proposed selling the old harbour warehouse.",
        "The county governor asked Holmvik for a plan to reduce its debt.",
        "The harbour board chair said the tender could start in spring.",
        "The budget debate went on until late in the evening.",
        "A local business group backed the harbour investment in a letter.",
        "The council agreed to hear the breakwater contractors next week.",
    ],
};

const ORDINARY: &[Topic] = &[
    Topic {
        key: "choir",
        headlines: &["Brennvik choir wins national contest", "Choir from Brennvik takes first prize"],
        sentences: &[
            "The Brennvik youth choir won the national choir contest in the concert hall on Saturday.",
            "The jury praised the choir for its arrangement of old fishing songs.",
        ],
        details: &["The conductor has led the choir for twenty years.", "The choir will tour the coast next summer."],
    },
    Topic {
        key: "moose",
        headlines: &["Moose on the railway delays trains", "Trains held up by moose near Lakselv"],
        sentences: &[
            "A moose walking along the railway line near Lakselv stopped the morning trains.",
            "The railway company said delays lasted for almost an hour before the animal left the tracks.",
        ],
        details: &["Commuters waited on the platform in the cold.", "A train driver filmed the moose from the cab."],
    },
    Topic {
        key: "library",
        headlines: &["New library opens in Solbakken", "Solbakken gets a library with a rooftop garden"],
        sentences: &[
            "The new public library in Solbakken opened its doors with a rooftop garden and a reading room.",
            "Librarians expect the building to draw students from the whole valley.",
        ],
        details: &[
            "Hundreds of children came for the opening story hour.",
            "The architect used timber from local forests.",
        ],
    },
    Topic {
        key: "salmon",
        headlines: &["Salmon prices climb at the Tromvik auction", "Record salmon price in Tromvik"],
        sentences: &[
            "Salmon prices at the Tromvik fish auction climbed to the highest level this year.",
            "Exporters blamed low catches in the north and strong demand from restaurants abroad.",
        ],
        details: &["One buyer paid a record price for a single lot.", "Fish farmers welcomed the rising prices."],
    },
    Topic {
        key: "bridge",
        headlines: &["Repairs close Saltnes bridge for a week", "Saltnes bridge shut for repairs"],
        sentences: &[
            "The Saltnes bridge will be closed to cars for a week while workers repair its steel joints.",
            "Drivers must take the detour through the tunnel, which adds twenty minutes to the trip.",
        ],
        details: &["Cyclists may still cross on the walkway.", "The road authority apologised for the short notice."],
    },
];

/// The reports of a topic: `n` articles from `outlets` in turn, starting at `start` (Unix
/// seconds) and `every` seconds apart.
fn reports(topic: &Topic, n: usize, start: i64, every: i64, outlets: &[&str]) -> Vec<Value> {
    (0..n)
        .map(|i| {
            let s = topic.sentences;
            let text = format!(
                "{} {} {} {}",
                topic.details[i % topic.details.len()],
                s[i % s.len()],
                s[(i + 1) % s.len()],
                topic.details[(i + 3) % topic.details.len()]
            );
            let at = jiff::Timestamp::from_second(start + i as i64 * every).expect("a time");
            json!({
                "id": format!("{}-{i}", topic.key),
                "published": at.to_string(),
                "lang": "en",
                "source": outlets[i % outlets.len()],
                "title": topic.headlines[i % topic.headlines.len()],
                "text": text,
            })
        })
        .collect()
}

/// 2026-03-02 00:00 UTC.
const DAY1: i64 = 1_772_409_600;
const HOUR: i64 = 3600;

/// The two days as JSON Lines: day 1 holds the ordinary stories and most of the slow one
/// (a report every two hours); day 2 the rest of the slow one, then eight reports of the
/// fire from five outlets within 49 minutes.
fn two_days() -> (String, String) {
    let outlets = ["Nordavis", "Kystposten", "Fjordtidende", "Dagsnytt", "Havbladet"];
    let mut day1: Vec<Value> = Vec::new();
    for (i, topic) in ORDINARY.iter().enumerate() {
        day1.extend(reports(topic, 2, DAY1 + (7 + 2 * i as i64) * HOUR, 3 * HOUR, &outlets[i % 3..]));
    }
    let slow = reports(&SLOW, 12, DAY1 + 6 * HOUR, 2 * HOUR, &outlets);
    day1.extend(slow[..9].iter().cloned());
    let mut day2: Vec<Value> = slow[9..].to_vec();
    day2.extend(reports(&SURGE, 8, DAY1 + 24 * HOUR + 9 * HOUR, 7 * 60, &outlets));
    let lines = |v: &mut Vec<Value>| {
        v.sort_by_key(|a| a["published"].as_str().map(str::to_string));
        v.iter().map(|a| a.to_string() + "\n").collect::<String>()
    };
    (lines(&mut day1), lines(&mut day2))
}

/// Writes the two days and ingests them in two runs.
fn ingest_two_days(dir: &TestDir, target: &Target) {
    let (day1, day2) = two_days();
    for (name, text) in [("day1.jsonl", day1), ("day2.jsonl", day2)] {
        let path = dir.write(name, &text);
        let out = target.run("ingest", &[path.as_os_str()]);
        assert!(out.status.success(), "{}: {}", target.name(), String::from_utf8_lossy(&out.stderr));
    }
}

fn stories_json(target: &Target, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["--json"];
    args.extend_from_slice(extra);
    let out = target.run("stories", &args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).expect("a JSON story")).collect()
}

#[test]
fn the_surging_story_breaks_and_the_others_do_not() {
    let dir = TestDir::new();
    for target in Target::all(&dir) {
        ingest_two_days(&dir, &target);
        let stories = stories_json(&target, &["--breaking", "--limit", "100"]);
        let breaking: Vec<&Value> = stories.iter().filter(|s| s["breaking"] == true).collect();
        assert_eq!(breaking.len(), 1, "{}: {stories:#?}", target.name());
        let fire = breaking[0];
        assert_eq!(stories[0]["id"], fire["id"], "listed first");
        assert!(fire["title"].as_str().unwrap_or_default().contains("Kvalnes"), "{fire}");
        assert_eq!(fire["unique_articles"], 8);
        // It broke at its fifth report (09:28), when five reports from five outlets fell
        // within the hour.
        assert_eq!(fire["breaking_since"], "2026-03-03T09:28:00Z");
        let slow = stories.iter().find(|s| s["title"].as_str().is_some_and(|t| t.contains("Holmvik")));
        let slow = slow.expect("the council story");
        assert_eq!(slow["breaking"], false);
        assert_eq!(slow["articles"], 12, "the slow story is one story across both days");
        assert!(stories.iter().all(|s| s["breaking"] == false || s["id"] == fire["id"]));
        // The same in one run.
        let once = dir.path(&format!("once-{}", target.name()));
        let (day1, day2) = two_days();
        let both = dir.write(&format!("both-{}.jsonl", target.name()), &(day1 + &day2));
        let out = tidings!("ingest", "--data", &once, "--index", once.join("index"), &both);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let out = tidings!("stories", "--data", &once, "--json", "--breaking", "--limit", "1");
        let first: Value = serde_json::from_slice(&out.stdout).expect("one story");
        assert_eq!((&first["id"], &first["breaking_since"]), (&fire["id"], &fire["breaking_since"]));
        // Three hours later the stream has moved on: the fire calms down though no report
        // of it came.
        let later = reports(&ORDINARY[0], 1, DAY1 + 24 * HOUR + 13 * HOUR, HOUR, &["Nordavis"]);
        let later =
            dir.write(&format!("later-{}.jsonl", target.name()), later[0].to_string().replace("choir-0", "choir-9"));
        assert!(target.run("ingest", &[later.as_os_str()]).status.success());
        let stories = stories_json(&target, &["--breaking", "--limit", "100"]);
        assert!(stories.iter().all(|s| s["breaking"] == false), "{stories:#?}");
    }
}

/// One request a receiver got.
#[derive(Debug, Clone)]
struct Received {
    path: String,
    key: String,
    signature: String,
    body: Vec<u8>,
}

/// A webhook receiver on a loopback port: it records every request and answers each
/// with what `answer` says for it (given how many requests with its key came before).
struct Receiver {
    port: u16,
    got: std::sync::Arc<std::sync::Mutex<Vec<Received>>>,
}

impl Receiver {
    fn start(answer: impl Fn(&Received, usize) -> &'static str + Send + 'static) -> Self {
        use std::io::{BufRead, BufReader, Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
        let port = listener.local_addr().expect("an address").port();
        let got = std::sync::Arc::new(std::sync::Mutex::new(Vec::<Received>::new()));
        let log = got.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().expect("a stream"));
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    continue;
                }
                let path = line.split_whitespace().nth(1).unwrap_or_default().to_string();
                let (mut length, mut key, mut signature) = (0usize, String::new(), String::new());
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
                        break;
                    }
                    let (name, value) = header.split_once(':').unwrap_or_default();
                    match name.trim().to_ascii_lowercase().as_str() {
                        "content-length" => length = value.trim().parse().unwrap_or(0),
                        "idempotency-key" => key = value.trim().to_string(),
                        "tidings-signature" => signature = value.trim().to_string(),
                        _ => {}
                    }
                }
                let mut body = vec![0; length];
                if reader.read_exact(&mut body).is_err() {
                    continue;
                }
                let received = Received { path, key, signature, body };
                let before = {
                    let mut log = log.lock().expect("the log");
                    let before = log.iter().filter(|r| r.key == received.key).count();
                    log.push(received.clone());
                    before
                };
                let status = answer(&received, before);
                let reply = format!("HTTP/1.1 {status}\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
                let _ = stream.write_all(reply.as_bytes());
            }
        });
        Receiver { port, got }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn received(&self) -> Vec<Received> {
        self.got.lock().expect("the log").clone()
    }
}

/// Runs `tidings alerts SUB --data … ARGS…`.
fn alerts(target: &Target, sub: &str, args: &[&str]) -> std::process::Output {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("tidings"));
    cmd.args(["alerts", sub]).args(target.data_args()).args(args);
    cmd.output().expect("tidings runs")
}

fn add_alert(target: &Target, args: &[&str]) {
    let out = alerts(target, "add", args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

fn log(target: &Target, name: &str) -> Vec<Value> {
    let out = alerts(target, "log", &[name, "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).expect("a JSON notice")).collect()
}

/// Lets the outbox's retries fall due now.
fn time_passes(target: &Target) {
    target.sql("UPDATE alert_notices SET next_attempt_ts = 0 WHERE status = 'pending'");
}

#[test]
fn webhooks_are_signed_retried_after_a_500_and_arrive_once_across_runs() {
    let dir = TestDir::new();
    // Every notice's first attempt gets a 500; later ones are acknowledged.
    let receiver = Receiver::start(|_, before| if before == 0 { "500 Internal Server Error" } else { "200 OK" });
    let secret = dir.write("secret", "a shared secret of the newsroom\n");
    for target in Target::all(&dir) {
        let hook = receiver.url(&format!("/{}", target.name()));
        let secret = secret.to_str().expect("a path");
        add_alert(
            &target,
            &["fire", "--query", "Kvalnes", "--on", "breaking", "--webhook", &hook, "--secret-file", secret],
        );
        add_alert(&target, &["council", "--entity", "Holmvik", "--webhook", &hook, "--secret-file", secret]);
        add_alert(&target, &["choirs", "--query", "choir", "--lang", "en", "--min-articles", "1"]);
        let (day1, day2) = two_days();
        let day1 = dir.write(&format!("d1-{}.jsonl", target.name()), day1);
        let day2 = dir.write(&format!("d2-{}.jsonl", target.name()), day2);
        let empty = dir.write("empty.jsonl", "");
        let run = |file: &std::path::Path| {
            let out = target.run("ingest", &[file.as_os_str(), "--deliver-timeout".as_ref(), "20".as_ref()]);
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            String::from_utf8_lossy(&out.stdout).to_string()
        };
        // Day 1: the council story reaches two articles; its webhook answers 500.
        let said = run(&day1);
        assert!(said.contains("0 delivered, 1 to retry"), "{said}");
        let council = log(&target, "council");
        assert_eq!(council.len(), 1);
        assert_eq!(
            (&council[0]["trigger"], &council[0]["status"], &council[0]["attempts"]),
            (&json!("new-story"), &json!("pending"), &json!(1))
        );
        assert_eq!(council[0]["last_status"], 500);
        // Alerts without a webhook keep their notices for the log.
        assert_eq!(log(&target, "choirs")[0]["status"], "none");
        // Day 2: the fire breaks; the council notice is retried once its time comes.
        time_passes(&target);
        run(&day2);
        let fire = log(&target, "fire");
        assert_eq!(fire.len(), 1, "one breaking episode, one notice: {fire:?}");
        assert_eq!(log(&target, "council")[0]["status"], "delivered");
        time_passes(&target);
        let said = run(&empty);
        assert!(said.contains("1 delivered"), "{said}");
        // Again, and the same files again: nothing new is sent.
        run(&day1);
        run(&day2);
        let mine: Vec<Received> =
            receiver.received().into_iter().filter(|r| r.path == format!("/{}", target.name())).collect();
        assert_eq!(mine.len(), 4, "two notices, two attempts each: {mine:?}");
        let keys: std::collections::BTreeSet<&str> = mine.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(keys.len(), 2, "each notice keeps its Idempotency-Key across attempts");
        for r in &mine {
            assert!(tidings_alert::verify("a shared secret of the newsroom", &r.signature, &r.body), "{r:?}");
            assert!(!tidings_alert::verify("another secret", &r.signature, &r.body));
            let body: Value = serde_json::from_slice(&r.body).expect("a JSON body");
            assert_eq!(body["notice"], r.key.as_str());
        }
        let fire_body: Value =
            serde_json::from_slice(&mine.iter().find(|r| r.key.contains("breaking")).expect("the fire notice").body)
                .expect("JSON");
        assert_eq!((&fire_body["alert"], &fire_body["trigger"]), (&json!("fire"), &json!("breaking")));
        assert_eq!(fire_body["story"]["breaking"], true);
        assert!(fire_body["story"]["title"].as_str().is_some_and(|t| t.contains("Kvalnes")));
        assert!(!fire_body["articles"].as_array().expect("articles").is_empty());
        assert_eq!(log(&target, "fire")[0]["attempts"], 2);
    }
}

/// A receiver that misbehaves: `kind` is "huge" (a 10 MB answer), "redirect" (to itself,
/// forever) or "slow" (reads the request, then says nothing for five minutes).
fn hostile(kind: &'static str) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let url = format!("http://127.0.0.1:{}/hook", listener.local_addr().expect("an address").port());
    let location = url.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let location = location.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 65536];
                let _ = stream.read(&mut buf);
                match kind {
                    "huge" => {
                        let size = 10 << 20;
                        let _ = write!(stream, "HTTP/1.1 200 OK\r\nContent-Length: {size}\r\n\r\n");
                        let chunk = vec![b'x'; 1 << 20];
                        for _ in 0..10 {
                            if stream.write_all(&chunk).is_err() {
                                break;
                            }
                        }
                    }
                    "redirect" => {
                        let _ =
                            write!(stream, "HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n");
                    }
                    _ => std::thread::sleep(std::time::Duration::from_secs(300)),
                }
            });
        }
    });
    url
}

#[test]
fn unreachable_huge_looping_and_slow_receivers_never_block_ingest() {
    let dir = TestDir::new();
    let target = Target::sqlite(&dir);
    let secret = dir.write("secret", "another shared secret");
    let secret = secret.to_str().expect("a path");
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
        format!("http://127.0.0.1:{}/hook", listener.local_addr().expect("an address").port())
    };
    let hooks =
        [("unreachable", closed), ("huge", hostile("huge")), ("loop", hostile("redirect")), ("slow", hostile("slow"))];
    for (name, url) in &hooks {
        add_alert(&target, &[name, "--entity", "Holmvik", "--webhook", url, "--secret-file", secret]);
    }
    let (day1, _) = two_days();
    let day1 = dir.write("day1.jsonl", day1);
    let started = std::time::Instant::now();
    let out = target.run("ingest", &[day1.as_os_str(), "--deliver-timeout".as_ref(), "3".as_ref()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(started.elapsed() < std::time::Duration::from_secs(60), "ingest waited for a receiver");
    assert_eq!(target.committed_articles(), 19, "everything stored whatever the receivers do");
    let status = |name: &str| {
        let notices = log(&target, name);
        assert_eq!(notices.len(), 1, "{name}: {notices:?}");
        (notices[0]["status"].as_str().unwrap_or_default().to_string(), notices[0]["last_error"].clone())
    };
    assert_eq!(status("unreachable").0, "pending", "a receiver that is down is tried again");
    assert_eq!(status("huge").0, "delivered", "a 2xx is an acknowledgement; its body is not read");
    let (looped, error) = status("loop");
    assert_eq!(looped, "failed", "webhooks are not redirected");
    assert!(error.as_str().is_some_and(|e| e.contains("302")), "{error}");
    // The slow receiver is cut off by the deadline and tried again later.
    let slow = log(&target, "slow");
    assert_eq!((&slow[0]["status"], &slow[0]["attempts"]), (&json!("pending"), &json!(1)), "{slow:?}");
    assert!(
        slow[0]["last_error"].as_str().is_some_and(|e| e.contains("timeout") || e.contains("timed out")),
        "{slow:?}"
    );
}

/// A feed as a feed reader reads it (feed-rs), or a failure naming the path.
fn atom(server: &crate::serve::Server, path: &str) -> feed_rs::model::Feed {
    let (status, headers, body) = server.request("GET", path, &[], b"");
    assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&body));
    assert!(headers.to_ascii_lowercase().contains("application/atom+xml"), "{path}: {headers}");
    let feed = feed_rs::parser::parse(body.as_slice()).unwrap_or_else(|e| panic!("{path}: not a feed ({e})"));
    assert_eq!(feed.feed_type, feed_rs::model::FeedType::Atom, "{path}");
    feed
}

#[test]
fn alerts_are_kept_over_the_api_and_followed_as_atom_feeds() {
    use crate::serve::{Server, TOKEN};
    let dir = TestDir::new();
    for target in Target::all(&dir) {
        ingest_two_days(&dir, &target);
        let server = Server::start_target(&target, Some(TOKEN));
        let auth = format!("Bearer {TOKEN}");
        let put = |name: &str, body: &Value, with_token: bool| {
            let headers: Vec<(&str, &str)> = if with_token { vec![("Authorization", auth.as_str())] } else { vec![] };
            server.request("PUT", &format!("/api/v1/alerts/{name}"), &headers, body.to_string().as_bytes()).0
        };
        let fire = json!({"query": "Kvalnes fire", "trigger": "breaking",
                          "webhook": {"url": "https://hooks.example/T000/secret-path", "secret": "hush"}});
        assert_eq!(put("fire", &fire, false), 401, "writes need the token");
        assert_eq!(put("fire", &fire, true), 201);
        assert_eq!(put("fire", &json!({"query": "Kvalnes", "trigger": "breaking"}), true), 200, "replaced");
        assert_eq!(put("fire", &json!({"query": "\"\""}), true), 400, "a query with no words");
        assert_eq!(put("bad name", &json!({"query": "x"}), true), 400);
        assert_eq!(put("council", &fire, true), 201);
        let (status, list) = server.get_json("/api/v1/alerts");
        assert_eq!(status, 200);
        let text = list.to_string();
        assert!(!text.contains("hush") && !text.contains("secret-path"), "no secret, no webhook path: {text}");
        assert_eq!(list["alerts"][1]["webhook"]["url"], "https://hooks.example/…");
        let (status, _) = server.get_json("/api/v1/alerts/nothing");
        assert_eq!(status, 404);
        let delete = |name: &str| {
            server.request("DELETE", &format!("/api/v1/alerts/{name}"), &[("Authorization", &auth)], b"").0
        };
        assert_eq!(delete("council"), 204);
        assert_eq!(delete("council"), 404);

        // New reports of the fire over the API: the alert tells, its feed shows it.
        let more: Vec<Value> =
            reports(&SURGE, 3, DAY1 + 24 * HOUR + 9 * HOUR + 52 * 60, 60, &["Nordavis", "Dagsnytt", "Havbladet"])
                .into_iter()
                .map(|mut a| {
                    a["id"] = json!(format!("late-{}", a["id"].as_str().unwrap_or_default()));
                    a
                })
                .collect();
        let before = atom(&server, "/stories.atom");
        let (status, _, body) = server.request(
            "POST",
            "/api/v1/articles",
            &[("Authorization", &auth), ("Content-Type", "application/json")],
            Value::from(more).to_string().as_bytes(),
        );
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        let (_, one) = server.get_json("/api/v1/alerts/fire");
        let (_, doc) = server.get_json("/api/v1/openapi.json");
        let schema = crate::serve::response_schema(&doc, "/api/v1/alerts/{name}", "get", 200);
        crate::serve::check(&doc, &schema, &one, "/api/v1/alerts/fire");
        let (_, list) = server.get_json("/api/v1/alerts");
        let schema = crate::serve::response_schema(&doc, "/api/v1/alerts", "get", 200);
        crate::serve::check(&doc, &schema, &list, "/api/v1/alerts");
        let notices = one["notices"].as_array().expect("notices");
        assert_eq!(notices.len(), 1, "{one}");
        assert_eq!(notices[0]["trigger"], "breaking");

        let alert_feed = atom(&server, "/alerts/fire.atom");
        assert_eq!(alert_feed.entries.len(), 1);
        assert!(alert_feed.entries[0].title.as_ref().is_some_and(|t| t.content.contains("Kvalnes")));
        assert_eq!(atom(&server, "/alerts/fire.atom").entries[0].id, alert_feed.entries[0].id, "stable ids");
        let after = atom(&server, "/stories.atom");
        let fire_entry = |f: &feed_rs::model::Feed| {
            f.entries.iter().find(|e| e.title.as_ref().is_some_and(|t| t.content.contains("Kvalnes"))).cloned()
        };
        let (was, now) = (fire_entry(&before).expect("listed"), fire_entry(&after).expect("listed"));
        assert_eq!(was.id, now.id, "a story keeps its entry id");
        assert!(now.updated > was.updated, "updated moves when the story grows");
        let search = atom(&server, "/search.atom?q=Kvalnes");
        assert_eq!(search.entries.len(), 1);
        let entity = atom(&server, "/stories.atom?entity=Holmvik");
        assert!(entity.entries.iter().all(|e| e.title.as_ref().is_some_and(|t| t.content.contains("Holmvik"))));
        assert!(!entity.entries.is_empty());
        let (status, _, _) = server.request("GET", "/alerts/nothing.atom", &[], b"");
        assert_eq!(status, 404);

        // The pages point feed readers to the feeds, and list the alerts.
        let (_, _, front) = server.request("GET", "/?lang=en", &[], b"");
        let front = String::from_utf8_lossy(&front);
        assert!(front.contains(r#"<link rel="alternate" type="application/atom+xml""#), "{front}");
        assert!(front.contains("/stories.atom?lang=en"), "{front}");
        let (_, _, page) = server.request("GET", "/alerts", &[], b"");
        let page = String::from_utf8_lossy(&page);
        assert!(page.contains("/alerts/fire.atom") && page.contains("Breaking") && page.contains("Kvalnes"), "{page}");
        drop(server);
    }
}

/// Reads Server-Sent Events from `GET path` until `done` says so (or 30 s pass): each as
/// (id, event, data).
fn sse(
    addr: &str,
    path: &str,
    last_event_id: Option<&str>,
    done: impl Fn(&[(i64, String, Value)]) -> bool,
) -> Vec<(i64, String, Value)> {
    use std::io::{BufRead, BufReader, Write};
    let mut stream = std::net::TcpStream::connect(addr).expect("connects");
    stream.set_read_timeout(Some(std::time::Duration::from_secs(30))).expect("timeout");
    let resume = last_event_id.map(|id| format!("Last-Event-ID: {id}\r\n")).unwrap_or_default();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n{resume}\r\n").expect("sent");
    let mut reader = BufReader::new(stream);
    let (mut events, mut id, mut kind) = (Vec::new(), 0i64, String::new());
    let mut line = String::new();
    while !done(&events) {
        line.clear();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            break;
        }
        let l = line.trim_end();
        if let Some(v) = l.strip_prefix("id:") {
            id = v.trim().parse().expect("a numeric id");
        } else if let Some(v) = l.strip_prefix("event:") {
            kind = v.trim().to_string();
        } else if let Some(v) = l.strip_prefix("data:") {
            events.push((id, kind.clone(), serde_json::from_str(v.trim()).expect("JSON data")));
        }
    }
    events
}

#[test]
fn live_events_tell_of_stories_and_notices_and_resume_from_the_last_id() {
    use crate::serve::{Server, TOKEN};
    let dir = TestDir::new();
    for target in Target::all(&dir) {
        let (day1, day2) = two_days();
        let day1 = dir.write(&format!("e1-{}.jsonl", target.name()), day1);
        assert!(target.run("ingest", &[day1.as_os_str()]).status.success());
        add_alert(&target, &["fire", "--query", "Kvalnes", "--on", "breaking"]);
        let server = Server::start_target(&target, Some(TOKEN));
        let addr = server.addr.clone();
        let reader = std::thread::spawn(move || {
            sse(&addr, "/api/v1/events", None, |e| e.iter().any(|(_, k, _)| k == "alert.notice"))
        });
        std::thread::sleep(std::time::Duration::from_millis(700));
        let auth = format!("Bearer {TOKEN}");
        let (status, _, body) = server.request(
            "POST",
            "/api/v1/articles",
            &[("Authorization", &auth), ("Content-Type", "application/x-ndjson")],
            day2.as_bytes(),
        );
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        let live = reader.join().expect("the reader");
        let kinds: Vec<&str> = live.iter().map(|(_, k, _)| k.as_str()).collect();
        assert!(kinds.contains(&"story.grew") && kinds.contains(&"story.created"), "{kinds:?}");
        let breaking = live.iter().find(|(_, k, _)| k == "story.breaking").expect("the fire broke");
        assert!(breaking.2["title"].as_str().is_some_and(|t| t.contains("Kvalnes")));
        let notice = live.iter().find(|(_, k, _)| k == "alert.notice").expect("the alert told");
        assert_eq!((&notice.2["alert"], &notice.2["trigger"]), (&json!("fire"), &json!("breaking")));
        assert!(live.windows(2).all(|w| w[0].0 < w[1].0), "ids increase");
        // Reconnecting after the first event gives the rest again, in order.
        let first = live[0].0.to_string();
        let want = live.len() - 1;
        let again = sse(&server.addr, "/api/v1/events", Some(&first), |e| e.len() >= want);
        let ids = |v: &[(i64, String, Value)]| v.iter().map(|(id, k, _)| (*id, k.clone())).collect::<Vec<_>>();
        assert_eq!(ids(&again), ids(&live[1..]));
        let (status, _, _) = server.request("GET", "/api/v1/events", &[("Last-Event-ID", "yesterday")], b"");
        assert_eq!(status, 400);
    }
}
