"""The built site in a real headless Chromium, served on 127.0.0.1: it renders, charts load."""

from __future__ import annotations

import json
import re
import struct
import subprocess
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sitebuild import DAYS, HOSTILE, BuiltSite, tool

pytestmark = [pytest.mark.browser, pytest.mark.jekyll]

CHROMIUM_TIMEOUT = 120
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--window-size=1200,1800",
]
# A test-only page (never part of the site) that opens a site page in a same-origin frame, waits
# for its images, and writes what a reader would see into its own DOM for --dump-dom to print.
CHECK = """<!doctype html><html><body><pre id="result">pending</pre>
<iframe id="f" src="{page}" width="1200" height="1800"></iframe>
<script>
const f = document.getElementById("f");
f.addEventListener("load", () => {{
  const d = f.contentDocument;
  const imgs = Array.from(d.images);
  const wait = imgs.map(i => i.complete ? 1 : new Promise(r => {{ i.onload = i.onerror = r; }}));
  Promise.all(wait).then(() => {{
    document.getElementById("result").textContent = JSON.stringify({{
      title: d.title,
      headings: Array.from(d.querySelectorAll("h1, h2")).map(h => h.textContent.trim()),
      images: imgs.map(i => ({{src: i.getAttribute("src"), width: i.naturalWidth}})),
      scripts: d.querySelectorAll('script:not([type="application/ld+json"])').length,
      text: d.body.innerText,
    }});
  }});
}});
</script></body></html>"""


class Handler(SimpleHTTPRequestHandler):
    """Serves _site, the check page, and records every request with its status."""

    requests: list[tuple[str, int]]

    def do_GET(self) -> None:
        if self.path.startswith("/__check?page="):
            body = CHECK.format(page=self.path.split("=", 1)[1]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        self.requests.append((self.path, int(code)))

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server(built_site: BuiltSite) -> Iterator[tuple[str, list[tuple[str, int]]]]:
    assert built_site.returncode == 0, built_site.output
    requests: list[tuple[str, int]] = []
    handler = type("H", (Handler,), {"requests": requests})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(built_site.site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", requests
    finally:
        httpd.shutdown()
        httpd.server_close()


def chromium(tmp: Path, *args: str) -> str:
    """Run headless Chromium with a fresh profile; return its stdout."""
    profile = tmp / f"profile-{len(list(tmp.glob('profile-*')))}"
    done = subprocess.run(
        [tool("chromium"), *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=CHROMIUM_TIMEOUT,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def seen(tmp: Path, base: str, page: str) -> dict:
    """Return what the check page reports about a site page after it loaded."""
    dom = chromium(tmp, "--virtual-time-budget=15000", "--dump-dom", f"{base}/__check?page={page}")
    match = re.search(r'<pre id="result">(.*?)</pre>', dom, re.S)
    assert match and match.group(1) != "pending", dom[:2000]
    import html

    return json.loads(html.unescape(match.group(1)))


def screenshot(tmp: Path, base: str, page: str, name: str) -> Path:
    """Take a screenshot of a page; return the PNG."""
    out = tmp / name
    chromium(tmp, f"--screenshot={out}", f"{base}{page}")
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1200, 1800)
    assert len(data) > 30_000  # a page with text and charts, not a blank canvas
    return out


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("chromium")


def test_index_renders_with_its_charts(server, shots):
    base, requests = server
    report = seen(shots, base, "/")
    # jekyll-seo-tag strips tags from the title; the site title shows as text everywhere else.
    assert report["title"] == "Recent days | Status {{ site.github }}"
    assert report["headings"][:3] == [
        "Status {{ site.github }} <b>",
        "This week: 2026-W06",
        "Trends",
    ]
    charts = [i for i in report["images"] if i["src"].endswith(".svg")]
    assert len(charts) == 5
    assert all(i["width"] > 0 for i in charts), charts  # every chart image decoded
    assert report["scripts"] == 0
    assert ("/assets/charts/coverage-30.svg", 200) in requests
    screenshot(shots, base, "/", "index.png")


def test_day_page_renders_hostile_text_as_text(server, shots):
    base, _ = server
    page = f"/days/{DAYS[0]}/"
    report = seen(shots, base, page)
    assert report["title"].startswith(f"Daily Status - {DAYS[0]} |")
    assert report["headings"][:4] == [
        f"Daily Status - {DAYS[0]}", "Accomplishments", "Risks & Challenges", "Key Effort"
    ]  # fmt: skip
    for name in (
        "liquid_output",
        "liquid_include",
        "raw_closer",
        "script",
        "js_link",
        "typography",
    ):
        assert HOSTILE[name] in report["text"], name
    assert report["scripts"] == 0
    assert f"Daily Status - {DAYS[1]} →" in report["text"]
    screenshot(shots, base, page, "day.png")


def test_weekly_page_renders(server, shots):
    base, _ = server
    report = seen(shots, base, "/weeks/2026-W05/")
    assert report["headings"][0] == "Week 2026-W05"
    assert "Open risks" in report["headings"] and "Tests and coverage" in report["headings"]
    assert report["scripts"] == 0
