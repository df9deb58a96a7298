"""Trend charts as static SVG files (pygal), made at render time from the day summaries.

pygal is slow to import and to draw, and most runs move none of a chart's points: each chart's
SVG is kept beside a digest of its inputs (a `ChartCache`, saved in the store), and pygal is
imported and run only for a chart whose inputs changed.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, MutableMapping
from datetime import date, timedelta
from typing import Any

CHART_DIR = "assets/charts"
CACHE = "charts.json"  # the store's file of each chart's input digest and SVG
# stem -> {"digest": ..., "svg": ...}; a chart whose digest matches is not drawn again.
ChartCache = MutableMapping[str, dict[str, str]]
_DRAWING = "1"  # bump when _render draws differently, so every kept SVG is drawn again
# (file stem, title, days shown, kind, value of a summary)
Value = Callable[[dict[str, Any]], float | None]


def _coverage(s: dict[str, Any]) -> float | None:
    return s.get("coverage")


def _pass_rate(s: dict[str, Any]) -> float | None:
    tests = s.get("tests") or {}
    run = tests.get("run") or 0
    return round(100.0 * tests.get("passed", 0) / run, 1) if run else None


def _prs(s: dict[str, Any]) -> float | None:
    return s.get("prs_merged", 0)


def _deploys(s: dict[str, Any]) -> float | None:
    return len(s.get("deploys") or [])


def _commits(s: dict[str, Any]) -> float | None:
    work = s.get("work")  # version 1 summaries hold the commit count only
    return work.get("commits", 0) if work else s.get("commits")


def _lines(s: dict[str, Any]) -> float | None:
    work = s.get("work")
    return work.get("added", 0) + work.get("deleted", 0) if work else None


CHARTS: tuple[tuple[str, str, int, str, Value], ...] = (
    ("commits-30", "Commits per day, last 30 days", 30, "bar", _commits),
    ("lines-30", "Changed lines per day, last 30 days", 30, "bar", _lines),
    ("coverage-30", "Line coverage, last 30 days (%)", 30, "line", _coverage),
    ("coverage-90", "Line coverage, last 90 days (%)", 90, "line", _coverage),
    ("pass-rate-30", "Test pass rate, last 30 days (%)", 30, "line", _pass_rate),
    ("prs-30", "Pull requests merged per day, last 30 days", 30, "bar", _prs),
    ("deploys-30", "Deployments per day, last 30 days", 30, "bar", _deploys),
)
_STAMP = re.compile(r"<!--Generated with pygal[^>]*-->")
_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)


def chart_path(stem: str) -> str:
    """Return a chart's path inside the site."""
    return f"{CHART_DIR}/{stem}.svg"


def _has_data(span: int, value: Value, end: date, summaries: dict[str, dict[str, Any]]) -> bool:
    """Return True when some day of the chart's span has a value other than None or 0."""
    for n in range(span):
        summary = summaries.get((end - timedelta(days=n)).isoformat())
        if summary is not None and value(summary):
            return True
    return False


def present_charts(end: date, summaries: dict[str, dict[str, Any]]) -> list[tuple[str, str]]:
    """Return (stem, title) of the charts that have data: a chart of nothing is left out."""
    return [
        (stem, title)
        for stem, title, span, _kind, value in CHARTS
        if _has_data(span, value, end, summaries)
    ]


def render_charts(
    end: date, summaries: dict[str, dict[str, Any]], cache: ChartCache | None = None
) -> dict[str, str]:
    """Return the charts that have data, each over the days up to `end`; a day without is a gap.

    With a cache, a chart whose inputs are those of a kept SVG is not drawn again, and the
    cache ends up holding exactly the charts returned.
    """
    present = {stem for stem, _title in present_charts(end, summaries)}
    files, kept = {}, {}
    for stem, title, span, kind, value in CHARTS:
        if stem not in present:
            continue
        values = _values(span, value, end, summaries)
        digest = _digest(stem, title, span, kind, end, values)
        old = cache.get(stem) if cache is not None else None
        if old is not None and old.get("digest") == digest and isinstance(old.get("svg"), str):
            svg = old["svg"]
        else:
            svg = _render(stem, title, span, kind, values, end)
        files[chart_path(stem)] = svg
        kept[stem] = {"digest": digest, "svg": svg}
    if cache is not None:
        cache.clear()
        cache.update(kept)
    return files


def _values(
    span: int, value: Value, end: date, summaries: dict[str, dict[str, Any]]
) -> list[float | None]:
    """Return the chart's value of each day of its span, oldest first (None: no summary)."""
    out = []
    for n in range(span - 1, -1, -1):
        summary = summaries.get((end - timedelta(days=n)).isoformat())
        out.append(value(summary) if summary is not None else None)
    return out


def _digest(
    stem: str, title: str, span: int, kind: str, end: date, values: list[float | None]
) -> str:
    """Return a digest of everything a chart's SVG is drawn from."""
    from statusbot import __version__

    text = json.dumps([__version__, _DRAWING, stem, title, span, kind, end.isoformat(), values])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _render(
    stem: str,
    title: str,
    span: int,
    kind: str,
    values: list[float | None],
    end: date,
) -> str:
    """Return one chart drawn by pygal as static SVG, the same bytes for the same inputs."""
    import pygal  # type: ignore[import-untyped]
    from pygal.style import Style  # type: ignore[import-untyped]

    days = [end - timedelta(days=n) for n in range(span - 1, -1, -1)]
    style = Style(
        background="#ffffff",
        plot_background="#ffffff",
        foreground="#333333",
        foreground_strong="#111111",
        foreground_subtle="#999999",
        colors=("#2a7ae2",),
        font_family="DejaVu Sans, Helvetica, Arial, sans-serif",
        title_font_size=18,
        label_font_size=12,
        major_label_font_size=12,
    )
    percent = kind == "line"
    options: dict[str, Any] = {
        "js": [],  # no script: the image is static and never fetches anything
        "style": style,
        "width": 720,
        "height": 260,
        "show_legend": False,
        "title": title,
        "x_labels": [d.strftime("%b %d") for d in days],
        "x_labels_major_every": 7 if span <= 30 else 14,
        "show_minor_x_labels": False,
        "truncate_label": -1,
        "margin": 12,
        "print_values": False,
        "no_data_text": "no data yet",
    }
    if percent:
        chart = pygal.Line(
            range=(0, 100), allow_interruptions=True, dots_size=2, show_dots=span <= 30, **options
        )
    else:
        top = max([int(v) for v in values if v is not None] + [1])
        step = max(1, -(-top // 5))
        chart = pygal.Bar(y_labels=list(range(0, top + step, step)), **options)
    # pygal names each chart with a random uuid and stamps the date: the same data must give the
    # same bytes, or every run would commit new charts.
    chart.uuid = stem
    chart.add(title, values)
    svg = chart.render(is_unicode=True)
    # Its config script only feeds the interactive tooltips, which an <img> never runs anyway.
    return _SCRIPT.sub("", _STAMP.sub("", svg))
