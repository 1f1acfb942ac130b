//! `tidings sources` and `tidings watch` against a local HTTP server that this test starts
//! on 127.0.0.1, serving feeds and pages we wrote: RSS with ETags that changes between
//! polls, Atom without validators, JSON Feed, broken XML, a 500, a redirect loop, a
//! 100 MB body, a Latin-1 page, a paywalled page and a missing page.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::Value;

use crate::{TestDir, tidings};

/// What the fixture server saw: path and request headers (lowercased names).
type Seen = Arc<Mutex<Vec<(String, HashMap<String, String>)>>>;

/// The fixture server: serves until the test process ends.
struct Fixtures {
    base: String,
    /// Which version of the changing feed is served (1, then 2).
    version: Arc<AtomicUsize>,
    seen: Seen,
}

impl Fixtures {
    fn start() -> Fixtures {
        Self::with_robots(None)
    }

    /// The fixtures with a robots.txt (without one, `/robots.txt` is a 404).
    fn with_robots(robots: Option<&'static str>) -> Fixtures {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let version = Arc::new(AtomicUsize::new(1));
        let seen: Seen = Arc::default();
        let (v, s, b) = (version.clone(), seen.clone(), base.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (v, s, b) = (v.clone(), s.clone(), b.clone());
                std::thread::spawn(move || serve(stream, &b, &v, &s, robots));
            }
        });
        Fixtures { base, version, seen }
    }

    fn requests_to(&self, path: &str) -> Vec<HashMap<String, String>> {
        let seen = self.seen.lock().expect("lock");
        seen.iter().filter(|(p, _)| p == path).map(|(_, h)| h.clone()).collect()
    }
}

fn serve(stream: TcpStream, base: &str, version: &AtomicUsize, seen: &Seen, robots: Option<&str>) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    seen.lock().expect("lock").push((path.clone(), headers.clone()));
    let mut out = stream;
    let v = version.load(Ordering::SeqCst);
    let respond = |out: &mut TcpStream, status: &str, extra: &str, body: &[u8]| {
        let head = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n", body.len());
        let _ = out.write_all(head.as_bytes());
        let _ = out.write_all(body);
    };
    match path.as_str() {
        "/robots.txt" if robots.is_some() => {
            respond(&mut out, "200 OK", "Content-Type: text/plain\r\n", robots.unwrap_or_default().as_bytes())
        }
        "/nordlys.rss" => {
            let etag = format!("\"nordlys-v{v}\"");
            if headers.get("if-none-match") == Some(&etag) {
                respond(&mut out, "304 Not Modified", &format!("ETag: {etag}\r\n"), b"");
            } else {
                let extra =
                    format!("ETag: {etag}\r\nContent-Type: application/rss+xml\r\nCache-Control: max-age=60\r\n");
                respond(&mut out, "200 OK", &extra, nordlys_rss(base, v).as_bytes());
            }
        }
        "/fjord.atom" => {
            respond(&mut out, "200 OK", "Content-Type: application/atom+xml\r\n", fjord_atom(base).as_bytes())
        }
        "/tt.json" => respond(&mut out, "200 OK", "Content-Type: application/feed+json\r\n", tt_json(base).as_bytes()),
        "/broken.xml" => {
            respond(&mut out, "200 OK", "Content-Type: application/rss+xml\r\n", b"<rss><channel><title>Oops</tit")
        }
        "/error.rss" => respond(&mut out, "500 Internal Server Error", "", b"down"),
        "/loop.rss" => respond(&mut out, "302 Found", "Location: /loop.rss\r\n", b""),
        "/to-file.rss" => respond(&mut out, "301 Moved Permanently", "Location: file:///etc/passwd\r\n", b""),
        "/huge.rss" => {
            let size = 100usize << 20;
            let head =
                format!("HTTP/1.1 200 OK\r\nContent-Length: {size}\r\nContent-Type: application/rss+xml\r\n\r\n");
            let _ = out.write_all(head.as_bytes());
            let chunk = vec![b' '; 1 << 16];
            for _ in 0..size / chunk.len() {
                if out.write_all(&chunk).is_err() {
                    return;
                }
            }
        }
        "/a/ferje.html" => respond(&mut out, "200 OK", "Content-Type: text/html; charset=utf-8\r\n", FERJE.as_bytes()),
        "/a/strom.html" => {
            respond(&mut out, "200 OK", "Content-Type: text/html; charset=ISO-8859-1\r\n", &latin1_page())
        }
        "/a/lonn.html" => respond(&mut out, "200 OK", "Content-Type: text/html\r\n", PAYWALL.as_bytes()),
        "/a/ras.html" => respond(&mut out, "200 OK", "Content-Type: text/html\r\n", RAS.as_bytes()),
        "/a/storm.html" => respond(&mut out, "200 OK", "Content-Type: text/html\r\n", STORM.as_bytes()),
        "/" => {
            let home = format!(
                "<html><head><title>Nordlys</title>\
                 <link rel=\"alternate\" type=\"application/rss+xml\" title=\"Siste\" href=\"/nordlys.rss\">\
                 <link rel=\"alternate\" type=\"application/atom+xml\" href=\"{base}/fjord.atom\"></head>\
                 <body><h1>Nordlys</h1></body></html>"
            );
            respond(&mut out, "200 OK", "Content-Type: text/html; charset=utf-8\r\n", home.as_bytes())
        }
        "/one.html" => {
            let page =
                "<html><head><link rel=\"alternate\" type=\"application/rss+xml\" href=\"nordlys.rss\"></head></html>";
            respond(&mut out, "200 OK", "Content-Type: text/html\r\n", page.as_bytes())
        }
        "/news-sitemap.xml" => {
            respond(&mut out, "200 OK", "Content-Type: application/xml\r\n", news_sitemap(base).as_bytes())
        }
        "/sitemap-index.xml.gz" => {
            let index = format!(
                "<?xml version=\"1.0\"?><sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\
                 <sitemap><loc>{base}/news-sitemap.xml</loc></sitemap><sitemap><loc>{base}/gone.xml</loc></sitemap>\
                 </sitemapindex>"
            );
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            let _ = gz.write_all(index.as_bytes());
            let zipped = gz.finish().unwrap_or_default();
            respond(&mut out, "200 OK", "Content-Type: application/x-gzip\r\n", &zipped)
        }
        "/slow.rss" => respond(&mut out, "200 OK", "Content-Type: application/rss+xml\r\n", slow_rss(base).as_bytes()),
        // A page that answers only after two minutes (a server hanging on a request).
        "/a/hang.html" => {
            std::thread::sleep(std::time::Duration::from_secs(120));
            respond(&mut out, "200 OK", "Content-Type: text/html\r\n", RAS.as_bytes())
        }
        _ => respond(&mut out, "404 Not Found", "", b"not here"),
    }
}

fn nordlys_rss(base: &str, version: usize) -> String {
    let extra = if version >= 2 {
        format!(
            "<item><title>Storm stenger fergesamband</title><link>{base}/a/storm.html</link><guid>nordlys-3</guid>\
             <pubDate>31 Dec 9998 12:00:00 +0100</pubDate><description>Uvær i nord.</description></item>"
        )
    } else {
        String::new()
    };
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Nordlys Nett</title><link>{base}/</link><language>nb</language><ttl>1</ttl>
{extra}
<item><title>Ferja gikk på grunn</title><link>{base}/a/ferje.html</link><guid>nordlys-1</guid><pubDate>Mon, 02 Mar 2026 09:30:00 +0100</pubDate><description>Ingen skadd.</description></item>
<item><title>Strømprisen stiger igjen</title><link>{base}/a/strom.html</link><guid>nordlys-2</guid><pubDate>Mon, 02 Mar 2026 10:00:00 +0100</pubDate><description>Kort.</description></item>
</channel></rss>"#
    )
}

/// A Google News sitemap of two pages, published now.
fn news_sitemap(base: &str) -> String {
    let now = jiff::Timestamp::now();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>{base}/a/ferje.html</loc><news:news><news:publication><news:name>Nordlys Nett</news:name><news:language>nb</news:language></news:publication><news:publication_date>{now}</news:publication_date><news:title>Ferja gikk på grunn</news:title></news:news></url>
<url><loc>{base}/a/ras.html</loc><news:news><news:publication><news:name>Nordlys Nett</news:name><news:language>nb</news:language></news:publication><news:publication_date>{now}</news:publication_date><news:title>Ras stenger vegen</news:title></news:news></url>
</urlset>"#
    )
}

/// A feed whose second page hangs.
fn slow_rss(base: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Treg</title>
<item><title>Ferja gikk på grunn</title><link>{base}/a/ferje.html</link><guid>slow-1</guid><description>Ingen skadd.</description></item>
<item><title>Henger</title><link>{base}/a/hang.html</link><guid>slow-2</guid><description>Kommer senere.</description></item>
</channel></rss>"#
    )
}

fn fjord_atom(base: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Fjordavisa</title><id>urn:fjord</id><updated>2026-03-02T12:00:00Z</updated>
<entry><title>Rasfare stengde vegen</title><id>urn:fjord:1</id><link href="{base}/a/ras.html"/><updated>2026-03-02T11:00:00Z</updated><summary>Vegen er stengd.</summary></entry>
<entry><title>Lønnsoppgjøret er i havn</title><id>urn:fjord:2</id><link href="{base}/a/lonn.html"/><updated>2026-03-02T11:30:00Z</updated><summary>Partene vart samde natt til fredag, og streiken er avverga for i år.</summary></entry>
</feed>"#
    )
}

fn tt_json(base: &str) -> String {
    serde_json::json!({
        "version": "https://jsonfeed.org/version/1.1", "title": "TT Nyheter",
        "items": [{"id": "tt-1", "url": format!("{base}/a/gone.html"), "title": "Riksdagen röstade om budgeten",
                   "content_text": "Riksdagen röstade på onsdagen igenom regeringens budget med knapp marginal.",
                   "date_published": "2026-03-04T08:00:00+01:00", "language": "sv"}]
    })
    .to_string()
}

const FERJE: &str = r#"<!doctype html><html lang="nb"><head><title>Ferja gikk på grunn | Nordlys Nett</title>
<link rel="canonical" href="/nyheter/ferja-gikk-pa-grunn">
<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":"Ferja gikk på grunn utenfor Bodø","datePublished":"2026-03-02T07:15:00+01:00"}</script>
</head><body><nav><a href="/">Forsiden</a></nav><article><h1>Ferja gikk på grunn utenfor Bodø</h1>
<p>Ferja MS «Landegode» gikk på grunn ved Helligvær søndag kveld med 43 passasjerer om bord. Ingen ble skadd, opplyser Hovedredningssentralen.</p>
<p>Redningsskøyta kom fram etter en halvtime, og passasjerene ble ført i land i Bodø like før midnatt.</p></article>
<footer>Personvern</footer></body></html>"#;

fn latin1_page() -> Vec<u8> {
    let mut page = b"<html><head><title>Str\xf8mprisen stiger igjen</title></head><body><article>".to_vec();
    page.extend_from_slice(b"<p>Str\xf8mprisen i Nord-Norge steg igjen denne uka. Mange husholdninger i Troms og Finnmark f\xe5r regninger som er dobbelt s\xe5 store som i fjor, viser nye tall fra Statistisk sentralbyr\xe5.</p>");
    page.extend_from_slice(
        b"<p>Bl\xe5b\xe6rbonden p\xe5 \xd8ksnes sier kostnadene \xf8ker for alle.</p></article></body></html>",
    );
    page
}

const PAYWALL: &str = r#"<html><head><meta property="og:title" content="Lønnsoppgjøret er i havn">
<meta name="description" content="Partene ble enige."></head><body><div class="paywall"><a href="/login">Logg inn</a></div></body></html>"#;

const RAS: &str = r#"<html lang="nn"><head><meta property="article:published_time" content="2026-03-02T10:45:00Z"></head><body><article>
<h1>Rasfare stengde vegen</h1><p>Fylkesvegen gjennom dalen vart stengd laurdag etter at geologar fann sprekker i fjellsida over vegen, og bebuarane må køyre omvegen over fjellet i minst to veker.</p>
</article></body></html>"#;

const STORM: &str = r#"<html lang="nb"><body><article><h1>Storm stenger fergesamband</h1>
<p>Flere fergesamband i Nordland er innstilt tirsdag på grunn av stormen som har nådd kysten. Meteorologisk institutt har sendt ut farevarsel for hele Helgeland.</p></article></body></html>"#;

fn feeds(data: &std::path::Path) -> Vec<Value> {
    let out = tidings!("sources", "list", "--json", "--data", data);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).expect("json")).collect()
}

fn feed<'f>(feeds: &'f [Value], path: &str) -> &'f Value {
    feeds.iter().find(|f| f["url"].as_str().is_some_and(|u| u.ends_with(path))).unwrap_or_else(|| panic!("{path}"))
}

fn articles(data: &std::path::Path) -> Vec<Value> {
    let out = tidings!("export", "--data", data);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).expect("json")).collect()
}

fn watch_once(data: &std::path::Path) -> String {
    let out = tidings!(
        "watch",
        "--once",
        "--all",
        "-q",
        "--data",
        data,
        "--host-delay-ms",
        "0",
        "--retries",
        "1",
        "--retry-backoff-ms",
        "10",
        "--timeout",
        "10"
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn watch_follows_feeds_fetches_pages_and_survives_bad_ones() {
    let server = Fixtures::start();
    let base = &server.base;
    let dir = TestDir::new();
    let data = dir.path("data");
    let opml = format!(
        r#"<?xml version="1.0"?><opml version="2.0"><body><outline text="Norsk">
<outline text="Nordlys" xmlUrl="{base}/nordlys.rss"/><outline text="Fjordavisa" xmlUrl="{base}/fjord.atom"/></outline>
<outline text="TT" xmlUrl="{base}/tt.json"/><outline text="Broken" xmlUrl="{base}/broken.xml"/>
<outline text="Down" xmlUrl="{base}/error.rss"/><outline text="Loop" xmlUrl="{base}/loop.rss"/>
<outline text="To a file" xmlUrl="{base}/to-file.rss"/>
<outline text="Not http" xmlUrl="ftp://example.org/feed"/></body></opml>"#
    );
    let opml = dir.write("feeds.opml", opml);
    let out = tidings!("sources", "import", "--data", &data, &opml);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("7 feeds added, 0 already followed, 1 refused"));
    let out = tidings!("sources", "add", "--data", &data, format!("{base}/huge.rss"));
    assert!(out.status.success());
    let again = tidings!("sources", "add", "--data", &data, format!("{base}/huge.rss"));
    assert!(String::from_utf8_lossy(&again.stdout).contains("already following"));
    assert!(!tidings!("sources", "add", "--data", &data, "javascript:alert(1)").status.success());
    let bad_port = tidings!("sources", "add", "--data", &data, "http://[::1]:99999/");
    assert!(!bad_port.status.success() && String::from_utf8_lossy(&bad_port.stderr).contains("valid port"));
    assert_eq!(feeds(&data).len(), 8);

    // First pass: every good feed's items are stored; the bad feeds are recorded.
    let summary = watch_once(&data);
    assert!(summary.contains("polled 8 feeds (0 unchanged, 5 failed)"), "{summary}");
    let stored = articles(&data);
    assert_eq!(stored.len(), 5, "{stored:#?}");
    let by_title = |t: &str| {
        stored.iter().find(|a| a["title"].as_str().is_some_and(|x| x.starts_with(t))).unwrap_or_else(|| panic!("{t}"))
    };
    let ferje = by_title("Ferja gikk på grunn utenfor Bodø");
    assert_eq!(ferje["id"], format!("{base}/nyheter/ferja-gikk-pa-grunn"), "the canonical URL is the id");
    assert_eq!(ferje["published"], "2026-03-02T06:15:00Z", "the page's own time, not the feed's");
    assert_eq!(ferje["source"], "Nordlys Nett");
    assert!(
        ferje["body"].as_str().is_some_and(|t| t.contains("43 passasjerer") && !t.contains("Personvern")),
        "{ferje}"
    );
    let strom = by_title("Strømprisen stiger igjen");
    assert!(strom["body"].as_str().is_some_and(|t| t.contains("Blåbærbonden på Øksnes")), "Latin-1 decoded: {strom}");
    let lonn = by_title("Lønnsoppgjøret er i havn");
    assert!(
        lonn["body"].as_str().is_some_and(|t| t.starts_with("Partene vart samde")),
        "the feed's lead is kept: {lonn}"
    );
    let tt = by_title("Riksdagen röstade");
    assert!(tt["body"].as_str().is_some_and(|t| t.contains("knapp marginal")), "a missing page keeps the item: {tt}");
    let listed = feeds(&data);
    assert_eq!(feed(&listed, "/error.rss")["last_error"], "HTTP 500");
    assert_eq!(feed(&listed, "/error.rss")["failures"], 1);
    assert!(feed(&listed, "/loop.rss")["last_error"].as_str().is_some_and(|e| e.contains("redirects")));
    let to_file = &feed(&listed, "/to-file.rss")["last_error"];
    assert!(
        to_file.as_str().is_some_and(|e| e.contains("file:///etc/passwd, which is not an http(s) URL")),
        "{to_file}"
    );
    assert!(feed(&listed, "/huge.rss")["last_error"].as_str().is_some_and(|e| e.contains("larger than")));
    assert!(feed(&listed, "/broken.xml")["last_error"].as_str().is_some_and(|e| e.contains("not a readable")));
    assert_eq!(feed(&listed, "/nordlys.rss")["articles"], 2);
    assert_eq!(feed(&listed, "/nordlys.rss")["ttl_s"], 60);
    assert_eq!(feed(&listed, "/error.rss")["last_status"], 500);
    let ua = &server.requests_to("/nordlys.rss")[0]["user-agent"];
    assert!(ua.starts_with("tidings/"), "{ua}");
    assert_eq!(server.requests_to("/error.rss").len(), 2, "one retry of a 500");

    // Second pass, nothing new: a 304 for the feed with an ETag, the same body for the other.
    let summary = watch_once(&data);
    assert!(summary.contains("polled 8 feeds (3 unchanged, 5 failed), fetched 0 pages, added 0 articles"), "{summary}");
    let conditional = server.requests_to("/nordlys.rss");
    assert_eq!(conditional.last().and_then(|h| h.get("if-none-match")).map(String::as_str), Some("\"nordlys-v1\""));
    assert_eq!(feed(&feeds(&data), "/error.rss")["failures"], 2);

    // The feed changes: only its new item is fetched and stored. Its date is in the year
    // 9998, which is not believed: it is dated by when it was fetched.
    let before_fetch = jiff::Timestamp::now();
    server.version.store(2, Ordering::SeqCst);
    let summary = watch_once(&data);
    assert!(summary.contains("fetched 1 pages, added 1 articles"), "{summary}");
    let stored = articles(&data);
    assert_eq!(stored.len(), 6);
    let mut ids: Vec<&str> = stored.iter().filter_map(|a| a["id"].as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 6, "every article once");
    let storm = stored.iter().find(|a| a["title"] == "Storm stenger fergesamband").expect("the new item");
    let dated: jiff::Timestamp = storm["published"].as_str().expect("dated").parse().expect("RFC 3339");
    assert!(dated >= before_fetch && dated <= jiff::Timestamp::now(), "the fetch time, not 9998: {storm}");
    assert_eq!(server.requests_to("/a/ferje.html").len(), 1, "a page is fetched once");
}

#[test]
fn pages_robots_txt_disallows_are_never_asked_for_and_their_summaries_are_stored() {
    let server = Fixtures::with_robots(Some("User-agent: *\nDisallow: /a/\n\nUser-agent: otherbot\nDisallow:\n"));
    let dir = TestDir::new();
    let data = dir.path("data");
    let out = tidings!("sources", "add", "--data", &data, format!("{}/nordlys.rss", server.base));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let summary = watch_once(&data);
    assert!(summary.contains("added 2 articles (2 pages disallowed by robots.txt"), "{summary}");
    assert!(server.requests_to("/a/ferje.html").is_empty() && server.requests_to("/a/strom.html").is_empty());
    assert_eq!(server.requests_to("/robots.txt").len(), 1);
    let stored = articles(&data);
    let ferje = stored.iter().find(|a| a["title"] == "Ferja gikk på grunn").expect("the item is stored");
    assert_eq!(ferje["body"], "Ingen skadd.", "the feed's summary stands in for the page");
    assert_eq!(feed(&feeds(&data), "/nordlys.rss")["disallowed"], 2);
    let listed = tidings!("sources", "list", "--data", &data);
    assert!(String::from_utf8_lossy(&listed.stdout).contains("2 pages disallowed by robots.txt"));
}

#[test]
fn sources_add_finds_the_feeds_a_web_page_names() {
    let server = Fixtures::start();
    let base = &server.base;
    let dir = TestDir::new();
    let data = dir.path("data");
    let text = |out: &std::process::Output| String::from_utf8_lossy(&out.stdout).into_owned();
    let one = tidings!("sources", "add", "--data", &data, format!("{base}/one.html"));
    assert!(one.status.success(), "{}", String::from_utf8_lossy(&one.stderr));
    assert!(text(&one).contains(&format!("names one feed: {base}/nordlys.rss")), "{}", text(&one));
    assert!(text(&one).contains(&format!("following {base}/nordlys.rss")));
    let several = tidings!("sources", "add", "--data", &data, format!("{base}/"));
    assert!(!several.status.success(), "several feeds: the user chooses");
    assert!(text(&several).contains(&format!("{base}/fjord.atom")) && text(&several).contains("(Siste)"));
    assert!(String::from_utf8_lossy(&several.stderr).contains("--all"));
    assert_eq!(feeds(&data).len(), 1);
    let all = tidings!("sources", "add", "--data", &data, format!("{base}/"), "--all");
    assert!(all.status.success());
    assert!(
        text(&all).contains(&format!("already following {base}/nordlys.rss"))
            && text(&all).contains(&format!("following {base}/fjord.atom"))
    );
    assert_eq!(feeds(&data).len(), 2);
    let none = tidings!("sources", "add", "--data", &data, format!("{base}/a/ras.html"));
    assert!(!none.status.success() && String::from_utf8_lossy(&none.stderr).contains("names no feed"));
    let feed_itself = tidings!("sources", "add", "--data", &data, format!("{base}/tt.json"));
    assert!(text(&feed_itself).contains(&format!("following {base}/tt.json")), "a feed is followed as it is");
    assert_eq!(feeds(&data).len(), 3);
}

#[test]
fn news_sitemaps_and_gzipped_sitemap_indexes_bring_their_pages() {
    let server = Fixtures::start();
    for source in ["/news-sitemap.xml", "/sitemap-index.xml.gz"] {
        let dir = TestDir::new();
        let data = dir.path("data");
        let out = tidings!("sources", "add", "--data", &data, format!("{}{source}", server.base));
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let summary = watch_once(&data);
        assert!(
            summary.contains("polled 1 feeds (0 unchanged, 0 failed), fetched 2 pages, added 2 articles"),
            "{source}: {summary}"
        );
        let stored = articles(&data);
        let ferje =
            stored.iter().find(|a| a["id"].as_str().is_some_and(|id| id.contains("ferja-gikk"))).expect("the page");
        assert!(ferje["body"].as_str().is_some_and(|t| t.contains("43 passasjerer")), "the page itself: {ferje}");
        assert!(stored.iter().any(|a| a["url"].as_str().is_some_and(|u| u.ends_with("/a/ras.html"))), "{stored:?}");
        let listed = feeds(&data);
        assert_eq!(feed(&listed, source)["title"], "Nordlys Nett", "the sitemap's outlet names the source");
        // Nothing new: the pages are not fetched again.
        let again = watch_once(&data);
        assert!(again.contains("fetched 0 pages, added 0 articles"), "{source}: {again}");
    }
    assert_eq!(server.requests_to("/a/ferje.html").len(), 2, "once per store");
}

#[test]
fn sigterm_mid_pass_stops_the_watcher_at_once_keeping_what_it_fetched() {
    let server = Fixtures::start();
    let dir = TestDir::new();
    let data = dir.path("data");
    let out = tidings!("sources", "add", "--data", &data, format!("{}/slow.rss", server.base));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut watcher = std::process::Command::new(assert_cmd::cargo::cargo_bin("tidings"))
        .args(["watch", "--data"])
        .arg(&data)
        .args(["--host-delay-ms", "0", "--timeout", "300", "--workers", "1", "-q"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("the watcher starts");
    // Once the hanging page is asked for, the other has been fetched (one worker, items
    // in order).
    let asked = std::time::Instant::now();
    while server.requests_to("/a/hang.html").is_empty() {
        assert!(asked.elapsed() < std::time::Duration::from_secs(60), "the watcher never asked for the page");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let sent = std::time::Instant::now();
    let kill = std::process::Command::new("kill").args(["-TERM", &watcher.id().to_string()]).status();
    assert!(kill.is_ok_and(|s| s.success()));
    let status = watcher.wait().expect("the watcher exits");
    assert!(status.success(), "a clean exit: {status}");
    let took = sent.elapsed();
    assert!(took < std::time::Duration::from_secs(30), "stopped long before the page answered: {took:?}");
    let stored = articles(&data);
    let titles: Vec<&str> = stored.iter().filter_map(|a| a["title"].as_str()).collect();
    assert!(titles.iter().any(|t| t.starts_with("Ferja gikk på grunn")), "the fetched page is kept: {titles:?}");
    assert!(!titles.contains(&"Henger"), "the unfinished item is not stored as its summary: {titles:?}");
    let listed = feeds(&data);
    let slow = feed(&listed, "/slow.rss");
    let now = jiff::Timestamp::now().as_second();
    assert!(slow["next_poll_ts"].as_i64().is_some_and(|t| t <= now), "due again at once: {slow}");
    assert_eq!(slow["body_hash"], Value::Null, "not marked unchanged, so the next poll brings the item again");
}

#[test]
fn warc_files_are_ingested_with_each_pages_own_time() {
    let dir = TestDir::new();
    let record = |uri: &str, body: &[u8]| {
        let mut block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n".to_vec();
        block.extend_from_slice(body);
        let mut r = format!(
            "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2026-11-20T00:00:00Z\r\nContent-Length: {}\r\n\r\n",
            block.len()
        )
        .into_bytes();
        r.extend(block);
        r.extend_from_slice(b"\r\n\r\n");
        r
    };
    let mut warc = Vec::new();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    for (uri, page) in [("https://nordlys.example/ferje", FERJE), ("https://fjord.example/ras", RAS)] {
        warc.extend(record(uri, page.as_bytes()));
        gz.write_all(&record(uri, page.as_bytes())).expect("gzip");
    }
    let plain = dir.write("crawl.warc", &warc);
    let packed = dir.write("crawl.warc.gz", gz.finish().expect("gzip"));
    for input in [plain, packed] {
        let data = dir.path(&format!("data-{}", input.display().to_string().len()));
        let out = tidings!("ingest", "-q", "--data", &data, &input);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let stored = articles(&data);
        assert_eq!(stored.len(), 2, "{stored:#?}");
        let ras = stored.iter().find(|a| a["url"] == "https://fjord.example/ras").expect("ras");
        assert_eq!(ras["published"], "2026-03-02T10:45:00Z", "the page's time, not WARC-Date");
        assert_eq!(ras["lang"], "nn");
    }
}

#[test]
fn serve_watch_stores_and_serves_what_the_feeds_bring() {
    let fixtures = Fixtures::start();
    let dir = TestDir::new();
    let data = dir.path("data");
    let out = tidings!("sources", "add", "--data", &data, format!("{}/nordlys.rss", fixtures.base));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let server = crate::serve::Server::start_with(&data, None, &["--watch", "--host-delay-ms", "0"]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let (_, hits) = server.get_json("/api/v1/search?q=Landegode");
        if hits["hits"].as_array().is_some_and(|h| !h.is_empty()) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the watched feed's article is not searchable: {hits}");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let (_, stats) = server.get_json("/api/v1/stats");
    assert_eq!(stats["articles"], 2, "{stats}");
    let (status, _, _) = server.request("POST", "/api/v1/articles", &[("Authorization", "Bearer x")], b"[]");
    assert_eq!(status, 403, "watching does not open the write endpoint without a token");
}
