//! Redirects and robots.txt against a loopback server: each hop waits its turn at its host
//! like any request, only http(s) targets are followed, and a site's `Crawl-delay` spaces
//! our requests.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tidings_fetch::{FetchConfig, FetchError, Fetched, Fetcher, Permission, Validators};

/// The requests a server saw: path and arrival time.
type Seen = Arc<Mutex<Vec<(String, Instant)>>>;

/// A server that answers `/start` with a redirect to `/end`, `/escape` with one to a file,
/// and `/end` with a body; it records when each request arrived.
fn server() -> (String, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let seen: Seen = Arc::default();
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
                    break;
                }
            }
            log.lock().expect("lock").push((path.clone(), Instant::now()));
            let answer = match path.as_str() {
                "/start" => "HTTP/1.1 302 Found\r\nLocation: /end\r\nContent-Length: 0\r\n\r\n".to_string(),
                "/robots.txt" => {
                    let rules = "User-agent: *\nCrawl-delay: 1\nDisallow: /private/\n";
                    format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{rules}", rules.len())
                }
                "/escape" => {
                    "HTTP/1.1 301 Moved\r\nLocation: file:///etc/passwd\r\nContent-Length: 0\r\n\r\n".to_string()
                }
                _ => "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n\r\ndone".to_string(),
            };
            let mut out = stream;
            let _ = out.write_all(answer.as_bytes());
        }
    });
    (base, seen)
}

#[test]
fn each_redirect_hop_waits_for_its_host_and_only_web_targets_are_followed() {
    let (base, seen) = server();
    let delay = Duration::from_millis(300);
    let fetcher = Fetcher::new(FetchConfig { host_delay: delay, retries: 0, ..FetchConfig::default() });
    match fetcher.get(&format!("{base}/start"), &Validators::default()) {
        Ok(Fetched::Body(body)) => {
            assert_eq!(body.bytes, b"done");
            assert_eq!(body.url, format!("{base}/end"));
        }
        other => panic!("{other:?}"),
    }
    let times = seen.lock().expect("lock").clone();
    assert_eq!(times.iter().map(|(p, _)| p.as_str()).collect::<Vec<_>>(), ["/start", "/end"]);
    assert!(times[1].1 - times[0].1 >= delay, "the second hop waited for the host: {:?}", times[1].1 - times[0].1);

    let refused = fetcher.get(&format!("{base}/escape"), &Validators::default());
    assert_eq!(refused, Err(FetchError::BadRedirect("file:///etc/passwd".into())));
}

#[test]
fn robots_txt_is_asked_once_and_its_crawl_delay_spaces_the_requests() {
    let (base, seen) = server();
    let fetcher = Fetcher::new(FetchConfig { host_delay: Duration::ZERO, retries: 0, ..FetchConfig::default() });
    assert_eq!(fetcher.permission(&format!("{base}/private/memo")), Permission::Disallowed);
    assert_eq!(fetcher.permission(&format!("{base}/news/1")), Permission::Allowed);
    for page in ["/news/1", "/news/2"] {
        assert!(matches!(fetcher.get(&format!("{base}{page}"), &Validators::default()), Ok(Fetched::Body(_))));
    }
    let times = seen.lock().expect("lock").clone();
    let paths: Vec<&str> = times.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(paths, ["/robots.txt", "/news/1", "/news/2"], "robots.txt once, kept for the site");
    for pair in times.windows(2) {
        let gap = pair[1].1 - pair[0].1;
        assert!(gap >= Duration::from_millis(900), "Crawl-delay: 1 outweighs our zero delay: {gap:?}");
    }
}
