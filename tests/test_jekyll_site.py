"""The published branch built by the real jekyll: clean build, links, feed, and hostile text."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from defusedxml import ElementTree
from sitebuild import CONTROL, DAYS, HOSTILE, LONG, BuiltSite

pytestmark = pytest.mark.jekyll

ATOM = "{http://www.w3.org/2005/Atom}"


class Page(HTMLParser):
    """An HTML page's text, elements and links, as a browser would read them."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    @property
    def text(self) -> str:
        """Return the visible text with whitespace collapsed."""
        return re.sub(r"\s+", " ", "".join(self.parts))

    def links(self) -> list[str]:
        """Return every href and src."""
        return [v for _, a in self.tags for k, v in a.items() if k in ("href", "src") and v]


def page(site: BuiltSite, path: str) -> Page:
    return Page((site.site / path).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def site(built_site: BuiltSite) -> BuiltSite:
    assert built_site.returncode == 0, built_site.output
    return built_site


def html_files(site: BuiltSite) -> list[Path]:
    return sorted(site.site.rglob("*.html"))


def test_jekyll_builds_without_warnings(site):
    noisy = [
        line
        for line in site.output.splitlines()
        if re.search(r"warn|error|deprecat|liquid|exception", line, re.IGNORECASE)
    ]
    assert noisy == []
    for day in DAYS:
        assert (site.site / "days" / day.isoformat() / "index.html").is_file()
    for path in ("index.html", "archive/index.html", "archive/2026-01/index.html",
                 "archive/2026-02/index.html", "weeks/2026-W05/index.html",
                 "weeks/2026-W06/index.html", "feed.xml", "assets/main.css"):  # fmt: skip
        assert (site.site / path).is_file(), path


def test_every_internal_link_resolves(site):
    checked = 0
    for file in html_files(site):
        for link in Page(file.read_text(encoding="utf-8")).links():
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path:
                continue
            base = site.site if parts.path.startswith("/") else file.parent
            target = (base / unquote(parts.path).lstrip("/")).resolve()
            if target.is_dir():
                target = target / "index.html"
            assert target.is_file() or target.with_suffix(".html").is_file(), (
                f"{file.relative_to(site.site)} links to {link}, which is not in _site"
            )
            checked += 1
    assert checked > 100  # the days, weeks, months, charts and styles are all linked


def test_feed_is_valid_atom_with_every_day(site):
    root = ElementTree.parse(site.site / "feed.xml").getroot()
    assert root.tag == f"{ATOM}feed"
    titles = [e.findtext(f"{ATOM}title") for e in root.iter(f"{ATOM}entry")]
    assert titles == [f"Daily Status - {d}" for d in reversed(DAYS)]
    for entry in root.iter(f"{ATOM}entry"):
        content = Page(entry.findtext(f"{ATOM}content") or "")
        assert not [t for t, _ in content.tags if t in ("script", "img", "iframe")]


def test_hostile_text_shows_literally_on_the_day_page(site):
    first = page(site, f"days/{DAYS[0]}/index.html")
    for name, text in HOSTILE.items():
        expected = text.replace("\u202e", "").replace("\u202c", "")
        assert expected in first.text, name
    # A very long commit message is cut, not dropped; control characters are gone.
    assert "Long " + LONG[:100] in first.text and LONG not in first.text
    assert "Control bell escape[31m red tab end" in first.text
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", first.text)
    assert CONTROL not in first.text


def test_nothing_hostile_runs_or_pulls_in_a_file(site):
    for file in [*html_files(site), site.site / "feed.xml"]:
        html = file.read_text(encoding="utf-8")
        name = file.relative_to(site.site)
        assert "root:x:0:0" not in html, name
        parsed = Page(html)
        for tag, attrs in parsed.tags:
            # jekyll-seo-tag's JSON-LD is data, never run; any other script is a leak.
            if tag == "script":
                assert attrs == {"type": "application/ld+json"}, (name, attrs)
            assert tag not in ("iframe", "object", "embed"), (name, tag)
            assert not [k for k in attrs if k.startswith("on")], (name, tag, attrs)
            for key in ("href", "src"):
                value = (attrs.get(key) or "").strip().lower()
                assert not value.startswith(("javascript:", "data:", "vbscript:")), (name, value)
        for data in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S):
            json.loads(data)  # the JSON-LD block is whole: nothing broke out of it
        # Liquid never ran on the untrusted text: no site.time was expanded into a date.
        assert not re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}", parsed.text), name


def test_site_title_from_config_is_literal(site):
    index = page(site, "index.html")
    assert "Status {{ site.github }} <b>" in index.text
    assert ("b", {}) not in index.tags


def test_day_pages_link_previous_and_next_day(site):
    middle = page(site, f"days/{DAYS[2]}/index.html")
    rel = {a.get("rel"): a.get("href") for t, a in middle.tags if t == "a" and a.get("rel")}
    assert (rel["prev"], rel["next"]) == (f"/days/{DAYS[1]}/", f"/days/{DAYS[3]}/")
    assert "Daily Status - 2026-01-30" in middle.text
    for heading in ("Accomplishments", "Risks & Challenges", "Key Effort"):
        assert ("h2", {"id": re.sub(r"[^a-z]+", "-", heading.lower())}) in middle.tags or (
            heading in middle.text
        )


def test_critical_risk_carries_over_until_resolved(site):
    carried = f"open since {DAYS[0]}, risk id {site.risk_id}"
    for day in DAYS[1:5]:
        assert carried in page(site, f"days/{day}/index.html").text, day
    for day in DAYS[5:]:
        assert site.risk_id not in page(site, f"days/{day}/index.html").text, day
    week = page(site, "weeks/2026-W06/index.html").text
    assert f"risk id {site.risk_id}; resolved on {DAYS[5]}" in week
    assert "Fixed the build" in page(site, f"days/{DAYS[5]}/index.html").text


def test_index_has_this_week_on_top_then_days_newest_first(site):
    index = page(site, "index.html")
    headings = [
        t for t in re.findall(r"<h2[^>]*>(.*?)</h2>", (site.site / "index.html").read_text())
    ]
    assert "This week" in headings[0] and "2026-W06" in headings[0]
    days = re.findall(r"\b(2026-\d\d-\d\d) \(\w{3}\):", index.text)
    assert days == [d.isoformat() for d in reversed(DAYS)]
    assert "1 PR merged · tests 2/4 passing · 1 deployment · 3 risks (1 critical)" in index.text
    charts = [a["src"] for t, a in index.tags if t == "img"]
    assert len(charts) == 5 and all(c.endswith(".svg") for c in charts)


def test_charts_are_static_svg(site):
    charts = sorted((site.site / "assets" / "charts").glob("*.svg"))
    assert [c.stem for c in charts] == [
        "coverage-30", "coverage-90", "deploys-30", "pass-rate-30", "prs-30"
    ]  # fmt: skip
    for chart in charts:
        root = ElementTree.parse(chart).getroot()
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        assert not [e for e in root.iter() if e.tag.endswith("script")]
