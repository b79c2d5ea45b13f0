"""Reads the DOM Chromium built from sipsentry's status page (its --dump-dom
output) and prints what a reader of the page sees, one fact a line, for the
browser test to assert on:

  row NAME [rankN] | state | registered on | since | last switch | test call
  server NAME | role and server | up/down | method | status | RTT | Retry-After
  text TEXT            a text node that holds a '<'
  elements script=N    how many <script> elements the DOM has
  asset TAG ATTR=URL   an element or rule that makes the browser fetch something
  offsite TAG ATTR=URL a URL that leaves the page's own host
  refresh N            the <meta http-equiv="refresh"> delay

Usage: status_dom.py DOM_FILE PAGE_URL
"""
import re
import sys
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

# Attributes that make a browser fetch (or navigate to) a URL.
URL_ATTRIBUTES = {"src", "href", "action", "srcset", "poster", "data", "background"}
# Elements whose URL attribute loads something into the page itself.
LOADING = {"script", "img", "iframe", "frame", "embed", "object", "video", "audio",
           "source", "track", "input", "link"}


class StatusPage(HTMLParser):
    def __init__(self, page_url):
        super().__init__(convert_charrefs=True)
        self.page_host = urlsplit(page_url).netloc
        self.page_url = page_url
        self.facts = []
        self.scripts = 0
        self.in_line = False  # inside <tbody class="line">
        self.row = None  # the cells of the <tr> being read
        self.row_kind = None
        self.rank = None
        self.in_style = False
        self.line_name = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag == "script":
            self.scripts += 1
        if tag == "style":
            self.in_style = True
        if tag == "meta" and (attributes.get("http-equiv") or "").lower() == "refresh":
            self.facts.append(f"refresh {attributes.get('content')}")
        for name, value in attrs:
            if name in URL_ATTRIBUTES and value is not None:
                self.check_url(tag, name, value, loads=tag in LOADING)
        self.check_css(tag, attributes.get("style") or "")
        if tag == "tbody":
            self.in_line = "line" in classes
        elif tag == "tr" and self.in_line:
            self.row, self.rank = [], None
            self.row_kind = "server" if "server" in classes else "row"
        elif tag == "td" and self.row is not None:
            self.row.append("")
        elif tag == "span" and "state" in classes and self.row is not None:
            self.rank = next((c for c in classes if c.startswith("rank")), None)

    def handle_endtag(self, tag):
        if tag == "style":
            self.in_style = False
        elif tag == "tbody":
            self.in_line = False
        elif tag == "tr" and self.row is not None:
            cells = [" ".join(cell.split()) for cell in self.row]
            if self.row_kind == "row":
                self.line_name = cells[0]
                cells[0] = f"{cells[0]} [{self.rank}]"
                self.facts.append("row " + " | ".join(cells))
            else:
                # The server cell starts with an arrow (U+21B3) under its line.
                cells[0] = cells[0].lstrip("\u21b3 ")
                self.facts.append(f"server {self.line_name} | " + " | ".join(cells))
            self.row = None

    def handle_data(self, data):
        if self.in_style:
            self.check_css("style", data)
            return
        if "<" in data:
            self.facts.append("text " + " ".join(data.split()))
        if self.row is not None and self.row:
            self.row[-1] += data

    def check_css(self, tag, css):
        # CSS fetches through url() and @import.
        for found in re.findall(r"url\(([^)]*)\)|@import\s+([^;]+)", css):
            self.check_url(tag, "css", "".join(found).strip("'\" "), loads=True)

    def check_url(self, tag, attribute, value, loads):
        fact = f"{tag} {attribute}={value}"
        if loads:
            self.facts.append("asset " + fact)
        target = urlsplit(urljoin(self.page_url, value))
        if target.scheme not in ("http", "https") or target.netloc != self.page_host:
            self.facts.append("offsite " + fact)


def main():
    sys.stdout.reconfigure(encoding="utf-8")
    page = StatusPage(sys.argv[2])
    with open(sys.argv[1], encoding="utf-8") as dom:
        page.feed(dom.read())
    page.close()
    for fact in page.facts:
        print(fact)
    print(f"elements script={page.scripts}")


main()
