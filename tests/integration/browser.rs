//! The web UI in a real browser: headless Chromium driven over WebDriver (chromedriver)
//! through the front page, a story page, a search, pagination, a phone-sized window, and a
//! story whose articles carry script. Screenshots of each page are kept in
//! `target/tmp/browser-screenshots/` as test artifacts.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs them). Without them the
//! test is skipped with a message, unless `TIDINGS_REQUIRE_BROWSER` is set (CI sets it), in
//! which case their absence fails the test.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

use crate::TestDir;
use crate::serve::{Server, sample_store};

/// Where chromedriver and chromium live, if installed.
fn browser_binaries() -> Option<(PathBuf, PathBuf)> {
    let find = |var: &str, names: &[&str]| -> Option<PathBuf> {
        if let Some(p) = std::env::var_os(var) {
            return Some(PathBuf::from(p));
        }
        names.iter().map(|n| Path::new("/usr/bin").join(n)).find(|p| p.exists())
    };
    let driver = find("CHROMEDRIVER", &["chromedriver"])?;
    let chromium = find("CHROMIUM", &["chromium", "chromium-browser"])?;
    Some((driver, chromium))
}

/// A chromedriver process on a free loopback port; killed when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    fn start(binary: &Path) -> Driver {
        let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
        let child = Command::new(binary)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{} does not start: {e}", binary.display()));
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not listen on port {port} within 30 s");
            std::thread::sleep(Duration::from_millis(50));
        }
        Driver { child, url: format!("http://127.0.0.1:{port}") }
    }
}

/// Saves a screenshot of the current page under `target/tmp/browser-screenshots/NAME.png`.
async fn screenshot(client: &Client, name: &str) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot directory");
    let png = client.screenshot().await.expect("screenshot");
    assert!(png.starts_with(b"\x89PNG"), "{name}: the screenshot is not a PNG");
    std::fs::write(dir.join(format!("{name}.png")), png).expect("write screenshot");
}

/// Story ids linked from the stories list on the current page, in order.
async fn listed_story_ids(client: &Client) -> Vec<String> {
    let mut ids = Vec::new();
    for link in client.find_all(Locator::Css("ol.stories li.story h2 a")).await.expect("story links") {
        let href = link.attr("href").await.expect("href").expect("story links have an href");
        ids.push(href.trim_start_matches("/story/").to_string());
    }
    ids
}

/// Whether the text holds a date written the Norwegian way, `dd.mm.yyyy`.
fn has_norwegian_date(text: &str) -> bool {
    let shape: Vec<bool> = "00.00.0000".chars().map(|c| c == '0').collect();
    let chars: Vec<char> = text.chars().collect();
    chars
        .windows(shape.len())
        .any(|w| w.iter().zip(&shape).all(|(c, digit)| c.is_ascii_digit() == *digit && (*digit || *c == '.')))
}

/// Clicks an element that leads to another page and waits until that page has loaded
/// (a WebDriver click may return before the navigation it starts).
async fn follow(client: &Client, element: fantoccini::elements::Element, what: &str) {
    let before = client.current_url().await.expect("url");
    element.click().await.unwrap_or_else(|e| panic!("{what}: {e}"));
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let url = client.current_url().await.expect("url");
        let ready = eval(client, "return document.readyState").await;
        if url != before && ready == json!("complete") {
            return;
        }
        assert!(Instant::now() < deadline, "{what}: still on {url} after 20 s");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Runs a script in the page and returns its value.
async fn eval(client: &Client, script: &str) -> Value {
    client.execute(script, vec![]).await.unwrap_or_else(|e| panic!("script {script:?} failed: {e}"))
}

/// Hostile articles: titles, sources, URLs and bodies carrying script.
fn hostile_articles(dir: &TestDir) -> PathBuf {
    let rows = [
        json!({"id": "h1", "published": "2019-05-05T10:00:00Z", "source": "<script>window.pwned=2</script>", "lang": "en",
               "url": "javascript:window.pwned=3", "title": "<script>window.pwned=1</script> Bridge \"closed\" ' onmouseover='window.pwned=4",
               "text": "<img src=x onerror=\"window.pwned=5\"> The bridge over the river was closed after cracks were found in its pillars on Sunday."}),
        json!({"id": "h2", "published": "2019-05-05T12:00:00Z", "source": "Bygdeposten", "lang": "en",
               "url": "https://example.org/bridge?a=1&b=\"2\"", "title": "Bridge over the river closed after cracks found in pillars",
               "text": "<svg onload=\"window.pwned=6\"></svg> Inspectors closed the bridge over the river on Sunday after finding cracks in its pillars."}),
    ];
    dir.write("hostile.jsonl", rows.iter().map(|v| format!("{v}\n")).collect::<String>())
}

#[test]
fn the_web_ui_works_in_a_real_browser() {
    let Some((driver_bin, chromium)) = browser_binaries() else {
        assert!(
            std::env::var_os("TIDINGS_REQUIRE_BROWSER").is_none(),
            "TIDINGS_REQUIRE_BROWSER is set but chromium/chromedriver are not installed (apt-get install chromium chromium-driver)"
        );
        eprintln!("skipped: chromium and chromedriver are not installed (apt-get install chromium chromium-driver)");
        return;
    };
    let dir = TestDir::new();
    let data = sample_store(&dir);
    // An alert that the hostile articles set off, for the Alerts page.
    let out = crate::tidings!(
        "alerts",
        "add",
        "bridges",
        "--data",
        &data,
        "--query",
        "bridge pillars",
        "--min-articles",
        "1"
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = crate::tidings!("ingest", "-q", "--data", &data, hostile_articles(&dir));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let server = Server::start(&data, None);
    let (_, stats) = server.get_json("/api/v1/stats");
    let (_, hostile) = server.get_json("/api/v1/articles/h1");
    let hostile_story = hostile["story"].as_str().expect("the hostile article has a story").to_string();
    let driver = Driver::start(&driver_bin);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--window-size=1280,900", "--lang=nb-NO"],
                "prefs": {"intl.accept_languages": "nb-NO,nb,en"}
            }),
        );
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&driver.url)
            .await
            .expect("a Chromium session");
        let base = format!("http://{}", server.addr);
        let result = drive(&client, &base, &stats, &hostile_story).await;
        let _ = client.close().await;
        result
    });
}

/// The walk through the UI; each step asserts what a reader sees.
async fn drive(client: &Client, base: &str, stats: &Value, hostile_story: &str) {
    front_page(client, base).await;
    let story = story_page(client).await;
    search(client, &story).await;
    pagination(client, base, stats["stories"].as_u64().expect("stats.stories") as usize).await;
    scripts_do_not_run(client, base, hostile_story).await;
    alerts_page(client, base, hostile_story).await;
    phone(client, base).await;
}

/// The Alerts page, reached from the header: the alert, its feed, and its notice leading to
/// the story it told of.
async fn alerts_page(client: &Client, base: &str, story: &str) {
    client.goto(&format!("{base}/")).await.expect("front page");
    let feed =
        client.find(Locator::Css("link[rel=alternate][type='application/atom+xml']")).await.expect("a feed link");
    assert!(feed.attr("href").await.expect("href").is_some_and(|h| h.contains("/stories.atom")));
    follow(client, client.find(Locator::LinkText("Alerts")).await.expect("the Alerts link"), "open Alerts").await;
    assert_eq!(client.title().await.expect("title"), "Alerts · tidings");
    let alert = client.find(Locator::Css("li.alert h2")).await.expect("an alert").text().await.expect("text");
    assert!(alert.starts_with("bridges"), "{alert}");
    let atom = client.find(Locator::Css("li.alert a.feed")).await.expect("its feed link");
    assert_eq!(atom.attr("href").await.expect("href").as_deref(), Some("/alerts/bridges.atom"));
    let notice = client.find(Locator::Css("ol.notices li a")).await.expect("a notice");
    let told = notice.text().await.expect("text");
    assert!(told.contains("Bridge"), "the notice names its story: {told}");
    screenshot(client, "alerts").await;
    follow(client, notice, "open the story of the notice").await;
    assert!(client.current_url().await.expect("url").path().ends_with(&format!("/story/{story}")));
}

async fn front_page(client: &Client, base: &str) {
    client.goto(&format!("{base}/")).await.expect("front page");
    assert_eq!(client.title().await.expect("title"), "Stories · tidings");
    let ids = listed_story_ids(client).await;
    assert!(ids.len() >= 10, "the front page lists stories: {ids:?}");
    let sparklines = client.find_all(Locator::Css("ol.stories svg.spark polyline")).await.expect("sparklines");
    assert!(!sparklines.is_empty(), "stories have sparklines");
    let meta = client.find(Locator::Css("ol.stories li.story .meta")).await.expect("meta").text().await.expect("text");
    assert!(has_norwegian_date(&meta), "dates follow the browser's Norwegian locale (dd.mm.yyyy): {meta:?}");
    screenshot(client, "front-page").await;
}

/// Opens the largest story from the size-sorted front page and returns its title.
async fn story_page(client: &Client) -> String {
    follow(client, client.find(Locator::LinkText("Largest")).await.expect("a size sort link"), "sort by size").await;
    let first = client.find(Locator::Css("ol.stories li.story h2 a")).await.expect("a story link");
    let title = first.text().await.expect("title text");
    follow(client, first, "open the story").await;
    let url = client.current_url().await.expect("url");
    assert!(url.path().starts_with("/story/s"), "a story page: {url}");
    let h1 = client.find(Locator::Css("main h1")).await.expect("h1").text().await.expect("text");
    assert_eq!(h1, title, "the story page shows the story's title");
    let bars = client.find_all(Locator::Css("svg.timeline rect")).await.expect("timeline bars");
    assert!(!bars.is_empty(), "the story page has a timeline chart with bars");
    let articles = client.find_all(Locator::Css("ol.articles li.article")).await.expect("articles");
    assert!(articles.len() >= 2, "the largest story lists its articles");
    let visible = eval(client, "return document.querySelector('svg.timeline').getBoundingClientRect().height").await;
    assert!(visible.as_f64().unwrap_or(0.0) > 20.0, "the timeline is drawn at a visible size: {visible}");
    screenshot(client, "story-page").await;
    title
}

/// Searches for a word of the story's title with the header's search form.
async fn search(client: &Client, title: &str) {
    let word = title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 5)
        .max_by_key(|w| w.chars().count())
        .expect("a long word in the title")
        .to_string();
    let input = client.find(Locator::Css("header input[name=q]")).await.expect("the search box");
    input.send_keys(&word).await.expect("type a query");
    follow(client, client.find(Locator::Css("header button[type=submit]")).await.expect("button"), "search").await;
    let url = client.current_url().await.expect("url");
    assert_eq!(url.path(), "/search");
    let hits = client.find_all(Locator::Css("ul.hits li")).await.expect("hits");
    assert!(!hits.is_empty(), "searching {word:?} finds articles");
    let mut shown = Vec::new();
    for hit in &hits {
        shown.push(hit.text().await.expect("hit text").to_lowercase());
    }
    assert!(shown.iter().any(|t| t.contains(&word.to_lowercase())), "a hit shows {word:?}: {shown:?}");
    let value =
        client.find(Locator::Css("header input[name=q]")).await.expect("box").prop("value").await.expect("value");
    assert_eq!(value.as_deref(), Some(word.as_str()), "the search box keeps the query");
    screenshot(client, "search").await;
}

/// Follows "More stories" from a ten-story first page until the end: every story exactly once.
async fn pagination(client: &Client, base: &str, stories: usize) {
    client.goto(&format!("{base}/?limit=10")).await.expect("first page");
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let ids = listed_story_ids(client).await;
        assert!(ids.len() <= 10, "a page holds at most the limit");
        seen.extend(ids);
        pages += 1;
        if pages == 2 {
            screenshot(client, "front-page-2").await;
        }
        match client.find(Locator::Css("a[rel=next]")).await {
            Ok(next) => follow(client, next, "next page").await,
            Err(_) => break,
        }
        assert!(pages <= stories, "pagination does not end");
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "no story appears on two pages");
    assert_eq!(seen.len(), stories, "the pages together list every story");
    assert!(pages >= 3, "the sample spans several pages of ten");
}

/// A story whose titles, outlet, URL and bodies carry script: nothing runs, the text shows.
async fn scripts_do_not_run(client: &Client, base: &str, story: &str) {
    for path in [
        format!("/story/{story}"),
        "/".to_string(),
        "/search?q=bridge".to_string(),
        "/sources".to_string(),
        "/alerts".to_string(),
    ] {
        client.goto(&format!("{base}{path}")).await.expect("page");
        let pwned = eval(client, "return window.pwned === undefined ? null : window.pwned").await;
        assert_eq!(pwned, Value::Null, "{path}: a script from an article ran");
        let scripts = eval(client, "return document.scripts.length").await;
        assert_eq!(scripts, json!(0), "{path}: the page has script elements");
        let handlers =
            eval(client, "return [...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length")
                .await;
        assert_eq!(handlers, json!(0), "{path}: an element carries an event handler attribute");
        let js_links =
            eval(client, "return [...document.links].filter(a => a.protocol === 'javascript:').length").await;
        assert_eq!(js_links, json!(0), "{path}: a javascript: link");
    }
    client.goto(&format!("{base}/story/{story}")).await.expect("hostile story");
    let body = client.find(Locator::Css("main")).await.expect("main").text().await.expect("text");
    assert!(body.contains("<script>window.pwned=1</script>"), "the hostile title is shown as text: {body}");
    let titles = client.find_all(Locator::Css("ol.articles li.article a")).await.expect("article links");
    assert!(!titles.is_empty(), "the hostile story lists its articles");
    screenshot(client, "hostile-story").await;
}

/// A phone-sized window: the front page and a story page fit without sideways scrolling.
async fn phone(client: &Client, base: &str) {
    client.set_window_size(390, 844).await.expect("phone-sized window");
    for (path, name) in [("/", "phone-front-page"), ("/?sort=size&limit=1", "phone-list")] {
        client.goto(&format!("{base}{path}")).await.expect("page");
        let overflow =
            eval(client, "return document.documentElement.scrollWidth - document.documentElement.clientWidth").await;
        assert!(overflow.as_i64().unwrap_or(1) <= 0, "{path}: the page scrolls sideways on a phone ({overflow}px)");
        screenshot(client, name).await;
    }
    let link = client.find(Locator::Css("ol.stories li.story h2 a")).await.expect("a story");
    follow(client, link, "open the story").await;
    let overflow =
        eval(client, "return document.documentElement.scrollWidth - document.documentElement.clientWidth").await;
    assert!(overflow.as_i64().unwrap_or(1) <= 0, "the story page scrolls sideways on a phone ({overflow}px)");
    screenshot(client, "phone-story-page").await;
}
