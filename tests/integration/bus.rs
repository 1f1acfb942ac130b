//! Several machines: articles published to NATS JetStream (`ingest --bus`) and placed
//! into PostgreSQL by `tidings place`, one active placer and a hot standby. Needs a NATS
//! server with JetStream and PostgreSQL (skipped with a message where either is absent,
//! unless `TIDINGS_REQUIRE_NATS=1` / `TIDINGS_REQUIRE_POSTGRES=1`).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tidings_bus::testing::TestStream;

use crate::serve::Server;
use crate::store::stored_stories;
use crate::target::Target;
use crate::{TestDir, stdout, tidings};

/// A generated stream of `n` articles in a file.
fn generated(dir: &TestDir, n: usize) -> PathBuf {
    let out = tidings!("generate", "--articles", n.to_string(), "--seed", "11");
    assert!(out.status.success());
    dir.write("stream.jsonl", &out.stdout)
}

fn publish(stream: &TestStream, file: &Path) {
    let out = tidings!("ingest", "--bus", stream.url(), file);
    assert!(out.status.success(), "ingest --bus failed: {}", String::from_utf8_lossy(&out.stderr));
}

/// `tidings place` on `store` from `stream`, running.
fn placer(store: &Target, stream: &TestStream) -> Child {
    store
        .command("place", &["--bus", &stream.url(), "--idle-ms", "300", "--standby-every", "1"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("tidings place starts")
}

/// Waits until the store has `n` articles committed (or fails after `limit`).
fn wait_for(store: &Target, n: i64, limit: Duration) {
    let started = Instant::now();
    while store.committed_articles() < n {
        assert!(
            started.elapsed() < limit,
            "only {} of {n} articles placed after {limit:?}",
            store.committed_articles()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Asks a placer to stop (SIGTERM) and waits for it to exit cleanly.
fn stop(mut child: Child) {
    let pid = child.id().to_string();
    Command::new("kill").args(["-TERM", &pid]).status().expect("kill runs");
    let status = child.wait().expect("the placer exits");
    assert!(status.success(), "the placer exited with {status}");
}

/// The stores and stream a test needs, or `None` (skipped) where a server is absent.
fn setup(dir: &TestDir) -> Option<(Target, TestStream)> {
    let stream = TestStream::create()?;
    let store = Target::postgres(dir)?;
    Some((store, stream))
}

#[test]
fn the_stream_gives_the_stories_of_a_direct_ingest() {
    let dir = TestDir::new();
    let Some((store, stream)) = setup(&dir) else { return };
    let file = generated(&dir, 3000);
    let direct = Target::sqlite(&dir);
    assert!(direct.run("ingest", &[&file]).status.success());
    publish(&stream, &file);
    // Published twice: the stream's duplicate window stores each article once.
    let again = tidings!("ingest", "--bus", stream.url(), &file);
    assert!(stdout(&again).contains("0 articles published"), "{}", stdout(&again));
    let child = placer(&store, &stream);
    wait_for(&store, 3000, Duration::from_secs(120));
    stop(child);
    assert_eq!(stored_stories(&store), stored_stories(&direct), "the same stories as a direct ingest");
}

#[test]
fn a_standby_takes_over_from_a_killed_placer_and_nothing_is_lost_or_doubled() {
    let dir = TestDir::new();
    let Some((store, stream)) = setup(&dir) else { return };
    let file = generated(&dir, 6000);
    let direct = Target::sqlite(&dir);
    assert!(direct.run("ingest", &[&file]).status.success());
    publish(&stream, &file);
    let mut active = placer(&store, &stream);
    // Mid-stream: some batches committed, more to come.
    wait_for(&store, 1, Duration::from_secs(60));
    let standby = placer(&store, &stream);
    std::thread::sleep(Duration::from_millis(500));
    assert!(store.committed_articles() < 6000, "the stream outran the test; make it longer");
    active.kill().expect("SIGKILL");
    active.wait().expect("reaped");
    let killed_at = Instant::now();
    let before = store.committed_articles();
    while store.committed_articles() == before {
        assert!(killed_at.elapsed() < Duration::from_secs(30), "the standby did not take over");
        std::thread::sleep(Duration::from_millis(50));
    }
    eprintln!("standby placing {:.1} s after the active placer was killed", killed_at.elapsed().as_secs_f64());
    wait_for(&store, 6000, Duration::from_secs(120));
    stop(standby);
    assert_eq!(stored_stories(&store), stored_stories(&direct), "every article once, the same stories");
}

#[test]
fn messages_that_are_not_articles_are_set_aside_and_the_placer_goes_on() {
    let dir = TestDir::new();
    let Some((store, stream)) = setup(&dir) else { return };
    let mut publisher = stream.bus().publisher();
    publisher.publish("junk-1", b"{not json".to_vec()).expect("published");
    publisher.publish("junk-2", br#"{"id": "x", "published": 7}"#.to_vec()).expect("published");
    let good = br#"{"id": "a1", "title": "Ferry strike ends", "text": "The ferry crews went back to work on Monday."}"#;
    publisher.publish("a1", good.to_vec()).expect("published");
    publisher.flush().expect("acknowledged");
    let child = placer(&store, &stream);
    wait_for(&store, 1, Duration::from_secs(60));
    stop(child);
    let dead = stream.bus().count(&stream.bus().location().dead_subject()).expect("counted");
    assert_eq!(dead, 2, "both bad messages set aside");
    assert_eq!(store.committed_articles(), 1);
    let stats = store.run("stats", &["--json", "--bus", &stream.url()]);
    assert!(stats.status.success(), "{}", String::from_utf8_lossy(&stats.stderr));
    let stats: serde_json::Value = serde_json::from_str(&stdout(&stats)).expect("JSON");
    assert_eq!(stats["bus"]["dead_letters"], 2, "{stats}");
    assert_eq!(stats["bus"]["articles"], 3, "{stats}");
    assert_eq!(stats["bus"]["placed_through"], 3, "the good article was the third message: {stats}");
}

#[test]
fn an_api_node_publishes_and_every_node_answers_the_same_stories() {
    let dir = TestDir::new();
    let Some((store, stream)) = setup(&dir) else { return };
    // The schema first: API nodes only read it.
    assert!(store.run("ingest", &[crate::examples().join("news/norsk.jsonl")]).status.success());
    let before = store.committed_articles();
    let writer_node = Server::start_target_with(&store, Some("a-token-of-some-length"), &["--bus", &stream.url()]);
    let body = std::fs::read(crate::examples().join("news/international.jsonl")).expect("sample");
    let (status, _, answer) = writer_node.request(
        "POST",
        "/api/v1/articles",
        &[("Authorization", "Bearer a-token-of-some-length"), ("Content-Type", "application/x-ndjson")],
        &body,
    );
    let answer: serde_json::Value = serde_json::from_slice(&answer).expect("JSON");
    assert_eq!(status, 200, "{answer}");
    let published = answer["added"].as_i64().expect("added");
    assert!(published > 0, "{answer}");
    assert_eq!(store.committed_articles(), before, "published, not stored, by the API node");
    let child = placer(&store, &stream);
    wait_for(&store, before + published, Duration::from_secs(60));
    stop(child);
    // A second node over the same database, with its own index.
    let index2 = dir.path("index-2");
    let Target::Postgres { db, .. } = &store else { unreachable!("setup gives PostgreSQL") };
    let bin = assert_cmd::cargo::cargo_bin("tidings");
    let index2 = index2.to_string_lossy().into_owned();
    let reader_node = Server::start_command(Command::new(bin), Path::new(&db.url()), None, &["--index", &index2]);
    let list = |node: &Server| node.get_json("/api/v1/stories?sort=size&limit=100").1["stories"].clone();
    let started = Instant::now();
    while list(&writer_node) != list(&reader_node) {
        assert!(started.elapsed() < Duration::from_secs(30), "the nodes disagree");
        std::thread::sleep(Duration::from_millis(200));
    }
    let stories = list(&reader_node);
    let total: i64 = stories.as_array().expect("a list").iter().map(|s| s["articles"].as_i64().unwrap_or(0)).sum();
    assert_eq!(total, before + published, "every article in a story both nodes list");
}

/// A NATS server of the test's own (JetStream, its own store directory), which the test
/// can stop and start again on the same port.
struct PrivateNats {
    port: u16,
    dir: PathBuf,
    child: Option<Child>,
}

impl PrivateNats {
    /// `None` (with a message) where `nats-server` is not installed, unless
    /// `TIDINGS_REQUIRE_NATS=1`.
    fn start(dir: &TestDir) -> Option<PrivateNats> {
        let installed = Command::new("nats-server").arg("--version").output().is_ok_and(|o| o.status.success());
        if !installed {
            assert!(
                std::env::var("TIDINGS_REQUIRE_NATS").is_err(),
                "TIDINGS_REQUIRE_NATS=1 but nats-server is not installed"
            );
            eprintln!("skipped: nats-server is not installed");
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().expect("bound").port();
        let mut nats = PrivateNats { port, dir: dir.path("nats"), child: None };
        nats.resume();
        Some(nats)
    }

    fn url(&self, stream: &str) -> String {
        format!("nats://127.0.0.1:{}/{stream}", self.port)
    }

    fn resume(&mut self) {
        let child = Command::new("nats-server")
            .args(["-a", "127.0.0.1", "-p", &self.port.to_string(), "-js", "-sd"])
            .arg(&self.dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("nats-server starts");
        self.child = Some(child);
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(started.elapsed() < Duration::from_secs(10), "nats-server does not listen");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for PrivateNats {
    fn drop(&mut self) {
        self.kill();
    }
}

#[test]
fn a_nats_outage_holds_loader_and_placer_back_and_loses_nothing() {
    let dir = TestDir::new();
    let Some(store) = Target::postgres(&dir) else { return };
    let Some(mut nats) = PrivateNats::start(&dir) else { return };
    let url = nats.url("outage");
    let file = generated(&dir, 4000);
    let lines: Vec<String> = std::fs::read_to_string(&file).expect("stream").lines().map(str::to_string).collect();
    let first = dir.write("first.jsonl", lines[..2000].join("\n") + "\n");
    let second = dir.write("second.jsonl", lines[2000..].join("\n") + "\n");
    let out = tidings!("ingest", "--bus", &url, &first);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let placer = store
        .command("place", &["--bus", &url, "--idle-ms", "300"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("tidings place starts");
    wait_for(&store, 1, Duration::from_secs(60));
    nats.kill();
    // The loader starts while the server is away: it holds back and retries.
    let loader = Command::new(assert_cmd::cargo::cargo_bin("tidings"))
        .args(["ingest", "--bus", &url])
        .arg(&second)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the loader starts");
    std::thread::sleep(Duration::from_secs(4));
    nats.resume();
    let loaded = loader.wait_with_output().expect("the loader ends");
    assert!(loaded.status.success(), "the loader gave up: {}", stdout(&loaded));
    wait_for(&store, 4000, Duration::from_secs(120));
    stop(placer);
    let stored = stored_stories(&store);
    assert_eq!(stored.len(), 4000, "every article once");
}

#[test]
fn an_api_node_without_its_stream_answers_unavailable() {
    let dir = TestDir::new();
    let Some(store) = Target::postgres(&dir) else { return };
    let Some(mut nats) = PrivateNats::start(&dir) else { return };
    assert!(store.run("ingest", &[crate::examples().join("news/norsk.jsonl")]).status.success());
    let node = Server::start_target_with(&store, Some("a-token-of-some-length"), &["--bus", &nats.url("api")]);
    nats.kill();
    let started = Instant::now();
    let (status, _, body) = node.request(
        "POST",
        "/api/v1/articles",
        &[("Authorization", "Bearer a-token-of-some-length"), ("Content-Type", "application/x-ndjson")],
        br#"{"id": "b1", "title": "Bridge closed", "text": "The bridge closed for repairs on Friday."}"#,
    );
    let body: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["error"]["code"], "unavailable", "{body}");
    assert!(started.elapsed() < Duration::from_secs(30), "answered within the request's patience");
    assert!(!body.to_string().contains("127.0.0.1"), "no internal details: {body}");
}

#[test]
fn a_placer_whose_database_connections_are_cut_connects_again_and_loses_nothing() {
    let dir = TestDir::new();
    let Some((store, stream)) = setup(&dir) else { return };
    let file = generated(&dir, 6000);
    publish(&stream, &file);
    let placer = placer(&store, &stream);
    wait_for(&store, 1, Duration::from_secs(60));
    let Target::Postgres { db, .. } = &store else { unreachable!("setup gives PostgreSQL") };
    // What a server restart does to its sessions.
    db.sql(&format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{}' AND pid <> pg_backend_pid()",
        db.name()
    ));
    assert!(store.committed_articles() < 6000, "the stream outran the test; make it longer");
    wait_for(&store, 6000, Duration::from_secs(120));
    stop(placer);
    assert_eq!(stored_stories(&store).len(), 6000, "every article once");
}

/// A loopback server of `n` RSS feeds (`/feed/N.xml`, one item each, without a page to
/// fetch), counting the requests to each path.
struct FeedServer {
    base: String,
    requests: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, usize>>>,
}

impl FeedServer {
    fn start() -> FeedServer {
        use std::io::{BufRead, BufReader, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let requests = std::sync::Arc::new(std::sync::Mutex::new(std::collections::HashMap::new()));
        let seen = requests.clone();
        std::thread::spawn(move || {
            for mut stream in listener.incoming().flatten() {
                let mut line = String::new();
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                if reader.read_line(&mut line).is_err() {
                    continue;
                }
                while reader.read_line(&mut String::new()).is_ok_and(|n| n > 2) {}
                let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
                *seen.lock().expect("lock").entry(path.clone()).or_insert(0) += 1;
                let n = path.trim_start_matches("/feed/").trim_end_matches(".xml");
                let body = format!(
                    "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Kanal {n}</title>\
                     <item><guid>melding-{n}</guid><title>Melding nummer {n} fra kanalen</title>\
                     <pubDate>Tue, 23 Apr 2019 10:{:02}:00 +0200</pubDate>\
                     <description>Dette er melding nummer {n}, skrevet for testen av to vaktere som deler kanalene.</description>\
                     </item></channel></rss>",
                    n.parse::<u32>().unwrap_or(0) % 60
                );
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        FeedServer { base, requests }
    }
}

#[test]
fn two_watchers_share_the_feeds_and_poll_each_once_per_interval() {
    let dir = TestDir::new();
    let Some((store, stream)) = setup(&dir) else { return };
    let server = FeedServer::start();
    let feeds = 50;
    let sources = |args: &[&str]| {
        Command::new(assert_cmd::cargo::cargo_bin("tidings"))
            .arg("sources")
            .arg(args[0])
            .args(store.data_args())
            .args(&args[1..])
            .output()
            .expect("tidings runs")
    };
    for n in 0..feeds {
        let out = sources(&["add", &format!("{}/feed/{n}.xml", server.base)]);
        assert!(out.status.success(), "sources add: {}", String::from_utf8_lossy(&out.stderr));
    }
    // `sources add` fetched each feed once to see what it is; the watchers' polls count from here.
    server.requests.lock().expect("lock").clear();
    let watcher = || {
        store
            .command("watch", &["--bus", &stream.url(), "--interval", "3600", "--workers", "2", "--host-delay-ms", "0"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("tidings watch starts")
    };
    let watchers = [watcher(), watcher()];
    let placing = placer(&store, &stream);
    wait_for(&store, feeds, Duration::from_secs(60));
    // Both watchers stay on for a while: neither may poll a feed the other polled.
    std::thread::sleep(Duration::from_secs(2));
    for w in watchers {
        stop(w);
    }
    stop(placing);
    let requests = server.requests.lock().expect("lock").clone();
    for n in 0..feeds {
        assert_eq!(requests.get(&format!("/feed/{n}.xml")), Some(&1), "feed {n} polled once: {requests:?}");
    }
    assert_eq!(store.committed_articles(), feeds, "each item placed once");
    let listed = stdout(&sources(&["list", "--json"]));
    let published: i64 = listed
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("a JSON line")["articles"].as_i64().unwrap_or(0))
        .sum();
    assert_eq!(published, feeds, "each feed's item counted once: {listed}");
}
