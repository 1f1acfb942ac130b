//! Several machines: articles published to NATS JetStream (`ingest --bus`) and placed
//! into PostgreSQL by `tidings place`, one active placer and a hot standby. Needs a NATS
//! server with JetStream and PostgreSQL (skipped with a message where either is absent,
//! unless `TIDINGS_REQUIRE_NATS=1` / `TIDINGS_REQUIRE_POSTGRES=1`).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tidings_bus::testing::TestStream;

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
    let started = Instant::now();
    while store.committed_articles() == before {
        assert!(started.elapsed() < Duration::from_secs(30), "the standby did not take over");
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
}
