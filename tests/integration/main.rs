//! End-to-end tests of the `tidings` binary: one test binary, one module per command,
//! with a small harness (`tidings!` runs the binary, `TestDir` holds files).

mod alerts;
mod analyze;
mod bench_corpora;
mod browser;
mod bus;
mod cluster;
mod crosslang;
mod errors;
mod hostile;
mod model;
mod serve;
mod store;
mod target;
mod watch;

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

/// Runs the tidings binary with the given arguments and returns its output.
macro_rules! tidings {
    ($($arg:expr),* $(,)?) => {{
        let mut cmd = assert_cmd::Command::cargo_bin("tidings").expect("binary builds");
        $( cmd.arg($arg); )*
        cmd.output().expect("tidings runs")
    }};
}
pub(crate) use tidings;

/// The sample corpus that ships in the repository.
pub fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

/// The number of articles in the sample corpus (its gold file has a line for each).
pub fn sample_articles() -> usize {
    let gold = std::fs::read_to_string(examples().join("gold.jsonl")).expect("examples/gold.jsonl");
    gold.lines().filter(|l| !l.trim().is_empty()).count()
}

/// The shared development corpora, if this checkout has them beside it.
pub fn bench_corpus(name: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench").join(name);
    if path.exists() {
        Some(path)
    } else {
        eprintln!("skipped: {} is absent (the development corpora live in ../shared/bench)", path.display());
        None
    }
}

/// A temporary directory for inputs and outputs.
pub struct TestDir(tempfile::TempDir);

impl Default for TestDir {
    fn default() -> Self {
        Self(tempfile::tempdir().expect("temp dir"))
    }
}

impl TestDir {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.path().join(name)
    }

    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&p, bytes).expect("write");
        p
    }
}

/// Every line of a JSON Lines file.
pub fn json_lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .expect("output exists")
        .lines()
        .map(|l| serde_json::from_str(l).expect("valid JSON line"))
        .collect()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `id → story` from the sample corpus's gold file.
pub fn gold() -> std::collections::HashMap<String, String> {
    json_lines(&examples().join("gold.jsonl"))
        .into_iter()
        .map(|v| (v["id"].as_str().unwrap().to_string(), v["story"].as_str().unwrap().to_string()))
        .collect()
}
