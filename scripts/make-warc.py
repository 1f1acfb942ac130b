#!/usr/bin/env python3
"""Wraps a JSON Lines corpus (from `tidings generate`) as a gzipped WARC of news pages:
each article becomes an HTML page with navigation, a JSON-LD block, the article, a
"most read" box and a footer, in a WARC response record (one gzip member per record,
as in CC-NEWS), preceded by its request record. For the WARC ingest benchmark:

    tidings generate --articles 20000 > c.jsonl && scripts/make-warc.py c.jsonl c.warc.gz
    tidings ingest -v --data D c.warc.gz
"""
import gzip, html, json, sys

NAV = "".join("<li><a href='/%s'>%s</a></li>" % (s, s.title()) for s in ["nyheter", "sport", "kultur", "debatt", "okonomi", "video"])
BOX = "".join("<li><a href='/sak/%d'>Mest lest sak nummer %d med en lang tittel</a></li>" % (i, i) for i in range(10))


def page(a):
    paragraphs = "".join("<p>%s</p>" % html.escape(p) for p in a.get("text", "").split(". ") if p)
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": a.get("title", ""),
                     "datePublished": a.get("published", "")})
    return ("<!doctype html><html lang='%s'><head><meta charset='utf-8'><title>%s | Avisa</title>"
            "<meta property='og:title' content='%s'><script type='application/ld+json'>%s</script>"
            "<style>body{font-family:serif}</style></head><body><header><nav><ul>%s</ul></nav></header>"
            "<main><article><h1>%s</h1>%s</article><aside><h2>Mest lest</h2><ol>%s</ol></aside></main>"
            "<footer><p>Ansvarlig redaktør: Kari Nordmann · Personvern · Informasjonskapsler · Kontakt oss</p></footer>"
            "</body></html>") % (a.get("lang", "nb"), html.escape(a.get("title", "")), html.escape(a.get("title", ""), quote=True),
                                 ld.replace("</", "<\\/"), NAV, html.escape(a.get("title", "")), paragraphs, BOX)


def record(kind, uri, block):
    head = ("WARC/1.0\r\nWARC-Type: %s\r\nWARC-Target-URI: %s\r\nWARC-Date: 2026-11-20T00:00:00Z\r\n"
            "Content-Length: %d\r\n\r\n" % (kind, uri, len(block))).encode()
    return gzip.compress(head + block + b"\r\n\r\n", compresslevel=1)


def main():
    src, dst = sys.argv[1], sys.argv[2]
    with open(src) as inp, open(dst, "wb") as out:
        for i, line in enumerate(inp):
            a = json.loads(line)
            uri = "https://avisa.example/sak/%d" % i
            out.write(record("request", uri, ("GET /sak/%d HTTP/1.1\r\nHost: avisa.example\r\n\r\n" % i).encode()))
            body = page(a).encode()
            http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n\r\n" % len(body)
            out.write(record("response", uri, http + body))


if __name__ == "__main__":
    main()
