//! `tidings serve` end to end: a real server process on a free loopback port, spoken to
//! over raw HTTP/1.1. Responses are checked against the served OpenAPI document.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::{TestDir, examples};

pub const TOKEN: &str = "test-token-0123456789abcdef";

/// A running server; killed when dropped.
pub struct Server {
    pub child: Child,
    pub addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts `tidings serve` on port 0 and reads the address it bound.
    pub fn start(data: &Path, token: Option<&str>) -> Server {
        Server::start_with(data, token, &[])
    }

    /// Starts `tidings serve` with more arguments.
    pub fn start_with(data: &Path, token: Option<&str>, extra: &[&str]) -> Server {
        let bin = assert_cmd::cargo::cargo_bin("tidings");
        Server::start_command(Command::new(bin), data, token, extra)
    }

    /// Starts `tidings serve` over a test store of either kind.
    pub fn start_target(target: &crate::target::Target, token: Option<&str>) -> Server {
        Server::start_target_with(target, token, &[])
    }

    /// Starts `tidings serve` over a test store of either kind, with more arguments.
    pub fn start_target_with(target: &crate::target::Target, token: Option<&str>, extra: &[&str]) -> Server {
        let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("tidings"));
        cmd.args(["serve", "--bind", "127.0.0.1:0"]).args(target.data_args()).args(extra);
        Server::spawn(cmd, token)
    }

    /// Starts `tidings serve` through `cmd`: the binary itself, or a command that runs it
    /// (as another user, say) with the rest of the arguments.
    pub fn start_command(mut cmd: Command, data: &Path, token: Option<&str>, extra: &[&str]) -> Server {
        cmd.args(["serve", "--bind", "127.0.0.1:0", "--data"]).arg(data).args(extra);
        Server::spawn(cmd, token)
    }

    /// Runs a prepared `serve` command and reads the address it bound.
    fn spawn(mut cmd: Command, token: Option<&str>) -> Server {
        cmd.env_remove("TIDINGS_TOKEN");
        if let Some(t) = token {
            cmd.env("TIDINGS_TOKEN", t);
        }
        let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().expect("serve starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("serve prints its address");
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_string();
        Server { child, addr }
    }

    /// One request; returns status, headers (lowercased names) and body.
    pub fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> (u16, String, Vec<u8>) {
        self.try_request(method, path, headers, body).expect("send and read")
    }

    /// One request, or the I/O error that ended it (a server may answer and close before
    /// a large body is sent: the client then sees a broken pipe or a reset).
    pub fn try_request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> std::io::Result<(u16, String, Vec<u8>)> {
        let mut s = TcpStream::connect(&self.addr)?;
        s.set_read_timeout(Some(Duration::from_secs(60)))?;
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.addr,
            body.len()
        );
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("\r\n");
        s.write_all(req.as_bytes())?;
        // An early answer (413) shows as a failed write; the answer may still be readable.
        let sent = s.write_all(body);
        let mut raw = Vec::new();
        let read = s.read_to_end(&mut raw);
        if raw.is_empty() {
            sent?;
            read?;
        }
        Ok(parse_response(&raw))
    }

    pub fn get_json(&self, path: &str) -> (u16, Value) {
        let (status, _, body) = self.request("GET", path, &[], b"");
        (status, serde_json::from_slice(&body).unwrap_or_else(|e| panic!("{path}: not JSON ({e})")))
    }
}

fn parse_response(raw: &[u8]) -> (u16, String, Vec<u8>) {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a complete response");
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let status: u16 = head.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("status");
    let mut body = raw[split + 4..].to_vec();
    if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        body = dechunk(&body);
    }
    (status, head.to_ascii_lowercase(), body)
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = b.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&b[..eol]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&b[eol + 2..eol + 2 + size]);
        b = &b[eol + 2 + size + 2..];
    }
    out
}

/// A store with the sample corpus.
pub fn sample_store(dir: &TestDir) -> std::path::PathBuf {
    let data = dir.path("data");
    let out = crate::tidings!("ingest", "-q", "--data", &data, examples().join("news"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    data
}

/// Checks a JSON value against a schema of the OpenAPI document (the subset it uses:
/// `$ref`, `type` (one or a list), `required`, `properties`, `items`, `enum`).
pub(crate) fn check(doc: &Value, schema: &Value, v: &Value, at: &str) {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().expect("ref name");
        return check(doc, &doc["components"]["schemas"][name], v, at);
    }
    if let Some(t) = schema.get("type") {
        let types: Vec<&str> = match t {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let ok = types.iter().any(|t| match *t {
            "object" => v.is_object(),
            "array" => v.is_array(),
            "string" => v.is_string(),
            "integer" => v.is_i64() || v.is_u64(),
            "number" => v.is_number(),
            "boolean" => v.is_boolean(),
            "null" => v.is_null(),
            _ => false,
        });
        assert!(ok, "{at}: {v} is not {types:?}");
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        assert!(values.contains(v), "{at}: {v} is not one of {values:?}");
    }
    // As in JSON Schema, `required` constrains objects only (a nullable object may be null).
    if let (Some(required), true) = (schema.get("required").and_then(Value::as_array), v.is_object()) {
        for r in required.iter().filter_map(Value::as_str) {
            assert!(v.get(r).is_some(), "{at}: missing {r} in {v}");
        }
    }
    if let (Some(props), Some(obj)) = (schema.get("properties").and_then(Value::as_object), v.as_object()) {
        for (k, value) in obj {
            let sub = props.get(k).unwrap_or_else(|| panic!("{at}: {k} is not in the OpenAPI document"));
            check(doc, sub, value, &format!("{at}.{k}"));
        }
    }
    if let (Some(items), Some(list)) = (schema.get("items"), v.as_array()) {
        for (i, item) in list.iter().enumerate() {
            check(doc, items, item, &format!("{at}[{i}]"));
        }
    }
}

/// The schema of a path's response for a status.
pub(crate) fn response_schema(doc: &Value, path: &str, method: &str, status: u16) -> Value {
    let mut r = doc["paths"][path][method]["responses"][status.to_string()].clone();
    if let Some(name) = r.get("$ref").and_then(Value::as_str).and_then(|s| s.rsplit('/').next()) {
        r = doc["components"]["responses"][name].clone();
    }
    r["content"]["application/json"]["schema"].clone()
}

#[test]
fn the_api_answers_as_its_openapi_document_says() {
    let dir = TestDir::new();
    let server = Server::start(&sample_store(&dir), None);
    let (status, doc) = server.get_json("/api/v1/openapi.json");
    assert_eq!(status, 200);
    let ok = |path: &str, template: &str| {
        let (status, v) = server.get_json(path);
        assert_eq!(status, 200, "{path}: {v}");
        check(&doc, &response_schema(&doc, template, "get", 200), &v, path);
        v
    };
    // Every story exactly once over the pages of each order.
    let stored = ok("/api/v1/stats", "/api/v1/stats")["stories"].as_u64().expect("story count") as usize;
    for sort in ["fresh", "size", "trending", "breaking"] {
        let mut seen = std::collections::HashSet::new();
        let mut cursor: Option<String> = None;
        loop {
            let path = match &cursor {
                Some(c) => format!("/api/v1/stories?sort={sort}&limit=7&cursor={c}"),
                None => format!("/api/v1/stories?sort={sort}&limit=7"),
            };
            let page = ok(&path, "/api/v1/stories");
            for s in page["stories"].as_array().expect("stories") {
                assert!(seen.insert(s["id"].as_str().expect("id").to_string()), "{sort}: {} twice", s["id"]);
            }
            match page["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_string()),
                None => break,
            }
        }
        let all = if sort == "trending" { seen.len() } else { stored };
        assert_eq!(seen.len(), all, "{sort}");
        assert!(!seen.is_empty());
    }
    let largest = ok("/api/v1/stories?sort=size&limit=3", "/api/v1/stories");
    let sizes: Vec<i64> =
        largest["stories"].as_array().expect("list").iter().map(|s| s["articles"].as_i64().unwrap_or(0)).collect();
    assert!(sizes.windows(2).all(|w| w[0] >= w[1]), "{sizes:?}");

    let summit = ok("/api/v1/stories?entity=Vladivostok", "/api/v1/stories");
    let id = summit["stories"][0]["id"].as_str().expect("a story names Vladivostok").to_string();
    let story = ok(&format!("/api/v1/stories/{id}"), "/api/v1/stories/{id}");
    let times: Vec<&str> =
        story["articles"].as_array().expect("articles").iter().filter_map(|a| a["published"].as_str()).collect();
    assert!(times.len() >= 2);
    let article_id = story["articles"][0]["id"].as_str().expect("article id").to_string();
    let article = ok(&format!("/api/v1/articles/{article_id}"), "/api/v1/articles/{id}");
    assert!(article["text"].as_str().is_some_and(|t| !t.is_empty()));

    // The Vladivostok summit continues the Hanoi summit (the same leader, weeks before).
    let continues = story["continues"]["story"].as_str().expect("the summit continues an earlier story").to_string();
    let line_id = story["storyline"].as_str().expect("storyline").to_string();
    let listed = ok("/api/v1/storylines", "/api/v1/storylines");
    assert!(listed["storylines"].as_array().is_some_and(|l| l.iter().any(|l| l["storyline"] == line_id.as_str())));
    let line = ok(&format!("/api/v1/storylines/{id}"), "/api/v1/storylines/{id}");
    assert_eq!(line["storyline"], line_id.as_str(), "any story of a storyline finds it");
    let members: Vec<&str> =
        line["stories"].as_array().expect("stories").iter().filter_map(|s| s["id"].as_str()).collect();
    assert!(members.contains(&id.as_str()) && members.contains(&continues.as_str()), "{members:?}");

    let hits = ok("/api/v1/search?q=atomprogram&limit=5", "/api/v1/search");
    assert!(hits["total"].as_u64().unwrap_or(0) >= 1);
    let by_query = ok("/api/v1/stories?q=Vladivostok", "/api/v1/stories");
    assert!(by_query["stories"].as_array().is_some_and(|s| s.iter().any(|s| s["id"] == id.as_str())));
    ok("/api/v1/sources", "/api/v1/sources");
    ok("/api/v1/stats", "/api/v1/stats");

    // Errors: stable codes, the status of the table, the Error schema.
    for (path, status, code) in [
        ("/api/v1/stories/s999999", 404, "not_found"),
        ("/api/v1/articles/nope", 404, "not_found"),
        ("/api/v1/stories?sort=loudest", 400, "invalid_parameter"),
        ("/api/v1/stories?limit=0", 400, "invalid_parameter"),
        ("/api/v1/stories?since=yesterdayish", 400, "invalid_parameter"),
        ("/api/v1/stories?sort=size&cursor=f.1.2", 400, "invalid_parameter"),
        ("/api/v1/stories?colour=red", 400, "invalid_parameter"),
        ("/api/v1/search?q=%28%28%28%28%28%28%28%28%28x", 400, "invalid_query"),
        ("/api/v1/nothing-here", 404, "not_found"),
        ("/api/v1/storylines/s999999", 404, "not_found"),
        ("/api/v1/storylines?limit=500", 400, "invalid_parameter"),
    ] {
        let (got, v) = server.get_json(path);
        assert_eq!((got, v["error"]["code"].as_str()), (status, Some(code)), "{path}: {v}");
        assert_eq!(v["error"]["status"], status);
        let schema = json!({"$ref": "#/components/schemas/Error"});
        check(&doc, &schema, &v, path);
    }
    let (status, _, _) = server.request("POST", "/api/v1/articles", &[], b"[]");
    assert_eq!(status, 403, "writes are off without a token");
}

fn article(id: &str, title: &str, text: &str, published: &str) -> Value {
    json!({"id": id, "title": title, "text": text, "published": published, "source": "api.example", "lang": "nb"})
}

#[test]
fn posted_articles_are_committed_guarded_by_the_token_and_survive_sigterm() {
    let dir = TestDir::new();
    let data = sample_store(&dir);
    let server = Server::start(&data, Some(TOKEN));
    let body = serde_json::to_vec(&json!([
        article("api-1", "Ferja «Landegode» på grunn igjen", "Ferja «Landegode» gikk på grunn ved Kjerringøy nord for Bodø natt til fredag. 40 passasjerer ble evakuert.", "2019-05-03T06:00:00Z"),
        {"id": "api-bad", "published": "not a date at all", "title": 5},
    ]))
    .expect("json");
    let bearer = format!("Bearer {TOKEN}");
    let (status, _, _) = server.request("POST", "/api/v1/articles", &[], &body);
    assert_eq!(status, 401);
    let (status, _, _) =
        server.request("POST", "/api/v1/articles", &[("Authorization", "Bearer wrong-token-0123456789ab")], &body);
    assert_eq!(status, 403);
    let (status, _, report) = server.request("POST", "/api/v1/articles", &[("Authorization", &bearer)], &body);
    let report: Value = serde_json::from_slice(&report).expect("json");
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["added"], 1);
    assert_eq!(report["rejected"][0]["record"], 2);
    let (_, again) = {
        let (s, _, b) = server.request("POST", "/api/v1/articles", &[("Authorization", &bearer)], &body);
        (s, serde_json::from_slice::<Value>(&b).expect("json"))
    };
    assert_eq!((again["added"].as_u64(), again["skipped"].as_u64()), (Some(0), Some(1)));
    let (_, found) = server.get_json("/api/v1/articles/api-1");
    assert!(found["story"].as_str().is_some_and(|s| s.starts_with('s')));
    // The index catches up in the background: searchable within moments.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let (_, hits) = server.get_json("/api/v1/search?q=Landegode%20evakuert");
        if hits["hits"].as_array().is_some_and(|h| h.iter().any(|h| h["article"]["id"] == "api-1")) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the posted article is not searchable after 20 s: {hits}");
        std::thread::sleep(Duration::from_millis(50));
    }

    // Too large: refused (with the JSON error, unless the server closed the connection
    // before the client had sent the body and the answer was lost), and the server carries on.
    let big = vec![b' '; 17 << 20];
    match server.try_request("POST", "/api/v1/articles", &[("Authorization", &bearer)], &big) {
        Ok((status, _, body413)) => assert_eq!(status, 413, "{}", String::from_utf8_lossy(&body413)),
        Err(e) => {
            assert!(matches!(e.kind(), std::io::ErrorKind::BrokenPipe | std::io::ErrorKind::ConnectionReset), "{e}")
        }
    }
    assert_eq!(server.get_json("/api/v1/stats").0, 200, "the server carries on after a refused body");

    // SIGTERM while a large request is in flight: it is answered, and committed.
    let many: Vec<Value> = (0..3000)
        .map(|i| {
            article(
                &format!("bulk-{i}"),
                &format!("Melding nummer {i}"),
                &format!("Dette er melding {i} om sak {i} i kommune {}.", i % 50),
                "2019-05-04T08:00:00Z",
            )
        })
        .collect();
    let payload = serde_json::to_vec(&many).expect("json");
    let addr = server.addr.clone();
    let bearer2 = bearer.clone();
    let request = std::thread::spawn(move || {
        let s = Server { child: Command::new("true").spawn().expect("placeholder"), addr };
        s.request("POST", "/api/v1/articles", &[("Authorization", &bearer2)], &payload)
    });
    std::thread::sleep(Duration::from_millis(300));
    let pid = server.child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().expect("kill").success());
    let (status, _, report) = request.join().expect("request thread");
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&report));
    let mut server = server;
    let exit = server.child.wait().expect("server exits");
    assert!(exit.success(), "{exit:?}");
    let out = crate::tidings!("stats", "--data", &data);
    let stats = String::from_utf8_lossy(&out.stdout).to_string();
    let expected = crate::sample_articles() + 1 + 3000;
    assert!(stats.contains(&expected.to_string()), "every accepted article stored: {stats}");
}

#[test]
fn slow_clients_do_not_stall_the_server() {
    let dir = TestDir::new();
    let server = Server::start(&sample_store(&dir), None);
    // Fifty clients that send half a request line and then nothing.
    let trickles: Vec<TcpStream> = (0..50)
        .map(|_| {
            let mut s = TcpStream::connect(&server.addr).expect("connect");
            s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ").expect("send");
            s
        })
        .collect();
    let started = Instant::now();
    let (status, _) = server.get_json("/api/v1/stories?limit=1");
    assert_eq!(status, 200);
    assert!(started.elapsed() < Duration::from_secs(5), "answered while slow clients wait");
    drop(trickles);
}

#[test]
fn pages_escape_what_came_from_articles() {
    let dir = TestDir::new();
    let hostile = [
        json!({"id": "x1", "published": "2019-05-05T10:00:00Z", "source": "<script>alert('src')</script>", "lang": "en",
               "url": "javascript:alert(1)", "title": "<script>window.pwned=1</script> Bridge \"closed\" ' onmouseover='alert(2)",
               "text": "<img src=x onerror=alert(3)> The bridge over the river was closed after cracks were found in its pillars on Sunday."}),
        json!({"id": "x2", "published": "2019-05-05T12:00:00Z", "source": "Næringsliv & Økonomi", "lang": "nb",
               "url": "https://example.org/bro?a=1&b=\"2\"", "title": "Brua over elva er stengt etter at det ble funnet sprekker",
               "text": "Brua over elva ble stengt søndag etter at inspektører fant sprekker i pilarene. Omkjøring er skiltet."}),
    ];
    let input = dir.write("hostile.jsonl", hostile.iter().map(|v| format!("{v}\n")).collect::<String>());
    let data = dir.path("data");
    let out = crate::tidings!("ingest", "-q", "--data", &data, &input);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let server = Server::start(&data, None);
    let (_, v) = server.get_json("/api/v1/articles/x1");
    let story = v["story"].as_str().expect("story").to_string();
    let pages = [
        "/".to_string(),
        format!("/story/{story}"),
        "/search?q=bridge".to_string(),
        "/sources".to_string(),
        "/source/%3Cscript%3Ealert('src')%3C%2Fscript%3E".to_string(),
        "/entity/%3Cscript%3E".to_string(),
    ];
    for page in &pages {
        let (status, head, body) = server.request("GET", page, &[], b"");
        let html = String::from_utf8_lossy(&body);
        assert!(status == 200 || status == 404, "{page}: {status}");
        assert!(head.contains("content-security-policy: default-src 'none'"), "{page}: no CSP");
        assert!(!html.contains("<script"), "{page}: a script element got through");
        // The story summary quotes the body as text (`&#60;img …`): only a real tag could act.
        assert!(!html.contains("<img"), "{page}: an element with an attribute got through");
        assert!(!html.contains("href=\"javascript:"), "{page}: a javascript: link");
        assert!(!html.contains("' onmouseover='"), "{page}: a quote broke out");
    }
    let (_, _, body) = server.request("GET", &format!("/story/{story}"), &[("Accept-Language", "nb-NO")], b"");
    let html = String::from_utf8_lossy(&body);
    assert!(html.contains("&#60;script&#62;window.pwned=1&#60;/script&#62;"), "the title is shown as text");
    let (_, _, front) = server.request("GET", "/", &[("Accept-Language", "nb-NO")], b"");
    let front = String::from_utf8_lossy(&front);
    assert!(front.contains("Brua over elva er stengt"), "æøå and Norwegian text render");
    assert!(front.contains("05.05.2019 12:00 UTC"), "Norwegian date format");
}

#[test]
fn story_and_entity_pages_give_each_name_once_with_its_type() {
    let dir = TestDir::new();
    let server = Server::start(&sample_store(&dir), None);
    // The Brexit vote's articles write *Theresa May* and the genitive *Theresa Mays*: one
    // entity, the genitive folded in and still found.
    let (_, by_genitive) = server.get_json("/api/v1/stories?entity=Theresa%20Mays");
    let id = by_genitive["stories"][0]["id"].as_str().expect("a story names Theresa Mays").to_string();
    let (_, story) = server.get_json(&format!("/api/v1/stories/{id}"));
    let entities = story["entities"].as_array().expect("entities");
    let named = |name: &str| entities.iter().filter(|e| e["name"] == name).count();
    assert_eq!((named("Theresa May"), named("Theresa Mays")), (1, 0), "{entities:?}");
    let may = entities.iter().find(|e| e["name"] == "Theresa May").expect("Theresa May");
    assert_eq!((may["type"].as_str(), &may["aliases"]), (Some("person"), &serde_json::json!(["Theresa Mays"])));
    let (status, _, page) = server.request("GET", &format!("/story/{id}"), &[], b"");
    let page = String::from_utf8_lossy(&page);
    assert_eq!(status, 200);
    assert!(page.contains("<dt>People</dt>") && page.contains("<dt>Places</dt>"), "names grouped by type: {page}");
    assert!(page.contains(r#"title="also written Theresa Mays">Theresa May</a>"#), "{page}");
    let (status, _, page) = server.request("GET", "/entity/Theresa%20Mays", &[], b"");
    let page = String::from_utf8_lossy(&page);
    assert_eq!(status, 200);
    assert!(page.contains("Person · also written Theresa May<"), "the entity page says what it is: {page}");
    assert!(page.contains(&format!("href=\"/story/{id}\"")), "{page}");
}

#[test]
fn storyline_pages_show_continuing_stories_on_one_timeline() {
    let dir = TestDir::new();
    let server = Server::start(&sample_store(&dir), None);
    let (_, summit) = server.get_json("/api/v1/stories?entity=Vladivostok");
    let id = summit["stories"][0]["id"].as_str().expect("a story names Vladivostok").to_string();
    let (_, story) = server.get_json(&format!("/api/v1/stories/{id}"));
    let line = story["storyline"].as_str().expect("storyline").to_string();
    let (status, _, page) = server.request("GET", &format!("/story/{id}"), &[], b"");
    let page = String::from_utf8_lossy(&page);
    assert_eq!(status, 200);
    assert!(page.contains(&format!("href=\"/storyline/{line}\"")), "the story page links its storyline");
    let (status, _, page) = server.request("GET", &format!("/storyline/{line}"), &[], b"");
    let page = String::from_utf8_lossy(&page);
    assert_eq!(status, 200);
    assert!(page.contains(&format!("href=\"/story/{id}\"")), "{page}");
    assert!(page.matches("<rect").count() >= 2, "a bar per story on the timeline");
    let (status, _, list) = server.request("GET", "/storylines", &[], b"");
    let list = String::from_utf8_lossy(&list);
    assert_eq!(status, 200);
    assert!(list.contains(&format!("href=\"/storyline/{line}\"")));
    assert!(!list.contains("More storylines"), "the sample has fewer storylines than a page");
    let (_, _, first) = server.request("GET", "/storylines?limit=1", &[], b"");
    assert!(String::from_utf8_lossy(&first).contains("offset=1"), "a full page links the next");
    let (status, _, _) = server.request("GET", "/storyline/s999999", &[], b"");
    assert_eq!(status, 404);
}
