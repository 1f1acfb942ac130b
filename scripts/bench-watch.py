#!/usr/bin/env python3
"""Benchmark: what `tidings watch` costs when nothing is new.

Serves FEEDS small RSS feeds from 50 loopback hosts (127.0.0.1 … 127.0.0.50, so that
per-host politeness works as it would across outlets), each with an ETag, answering 304
to a conditional request. Follows them all in a fresh data directory, runs one pass to
learn the ETags, then measures the CPU time (user + system) of a second, all-304 pass and
reports it against the 5-minute cycle.

    scripts/bench-watch.py [FEEDS=500]   (needs a release build: cargo build --release)
"""
import http.server, os, resource, subprocess, sys, tempfile, threading, time

FEEDS = int(sys.argv[1]) if len(sys.argv) > 1 else 500
HOSTS = 50
BIN = os.environ.get("TIDINGS_BIN", "target/release/tidings")


class Feed(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        etag = '"%s-v1"' % self.path.strip("/")
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        body = ("<?xml version='1.0'?><rss version='2.0'><channel><title>Feed %s</title>"
                "<item><title>Only item of %s</title><guid>%s-1</guid><description>Nothing new here.</description></item>"
                "</channel></rss>" % (self.path, self.path, self.path)).encode()
        self.send_response(200)
        self.send_header("ETag", etag)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def main():
    servers = []
    for h in range(1, HOSTS + 1):
        s = http.server.ThreadingHTTPServer(("127.0.0.%d" % h, 0), Feed)
        threading.Thread(target=s.serve_forever, daemon=True).start()
        servers.append(s)
    data = tempfile.mkdtemp()
    opml = os.path.join(data, "feeds.opml")
    with open(opml, "w") as f:
        f.write("<opml version='2.0'><body>")
        for i in range(FEEDS):
            s = servers[i % HOSTS]
            f.write("<outline text='f%d' xmlUrl='http://127.0.0.%d:%d/f%d.rss'/>" % (i, i % HOSTS + 1, s.server_address[1], i))
        f.write("</body></opml>")
    store = os.path.join(data, "store")
    subprocess.run([BIN, "sources", "import", "-q", "--data", store, opml], check=True)
    watch = [BIN, "watch", "--once", "--all", "-q", "--data", store, "--host-delay-ms", "100"]
    subprocess.run(watch, check=True, stdout=subprocess.DEVNULL)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.time()
    out = subprocess.run(watch, check=True, capture_output=True, text=True).stdout.strip()
    wall = time.time() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(out)
    print("%d feeds, nothing new: %.2f s CPU in a %.1f s pass = %.2f%% of one core over a 5-minute cycle"
          % (FEEDS, cpu, wall, 100 * cpu / 300))


if __name__ == "__main__":
    main()
