"""Trend charts as static SVG files, drawn at render time from the day summaries.

Each chart is a few dozen SVG elements written here (a bar or a line per day, a titled value on
each, labelled axes): pygal drew the same charts but cost more to import and draw (about 95 ms
of a changed run) than all the rest of the rendering. Most runs move none of a chart's points,
so each chart's SVG is also kept beside a digest of its inputs (a `ChartCache`, saved in the
store) and drawn only when its inputs changed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, MutableMapping
from datetime import date, timedelta
from typing import Any

CHART_DIR = "assets/charts"
CACHE = "charts.json"  # the store's file of each chart's input digest and SVG
# stem -> {"digest": ..., "svg": ...}; a chart whose digest matches is not drawn again.
ChartCache = MutableMapping[str, dict[str, str]]
_DRAWING = "2"  # bump when _render draws differently, so every kept SVG is drawn again
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
_WIDTH, _HEIGHT = 720, 260
_COLOR = "#2a7ae2"
_FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"


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
    """Return one chart as static SVG (bars, or a line broken at gaps); same inputs, same bytes."""
    days = [end - timedelta(days=n) for n in range(span - 1, -1, -1)]
    if kind == "line":
        top, ticks = 100, list(range(0, 101, 20))
    else:
        top = max([int(v) for v in values if v is not None] + [1])
        step = max(1, -(-top // 5))
        ticks = list(range(0, top + step, step))
        top = ticks[-1]
    left, right, upper, lower = 56.0, _WIDTH - 28.0, 44.0, _HEIGHT - 34.0
    slot = (right - left) / span

    def x(n: int) -> float:
        return left + slot * (n + 0.5)

    def y(v: float) -> float:
        return lower - (lower - upper) * min(max(v, 0.0), top) / top

    label = _escape(title)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="chart-{stem}" class="chart {kind}" '
        f'width="{_WIDTH}" height="{_HEIGHT}" viewBox="0 0 {_WIDTH} {_HEIGHT}" role="img" '
        f'aria-label="{label}" font-family="{_FONT}">',
        f"<title>{label}</title>",
        f'<rect width="{_WIDTH}" height="{_HEIGHT}" fill="#ffffff"/>',
        f'<text x="{_WIDTH / 2:g}" y="26" text-anchor="middle" font-size="18" '
        f'fill="#111111">{label}</text>',
        '<g class="axis y" font-size="12" fill="#333333" text-anchor="end">',
    ]
    for tick in ticks:
        out.append(
            f'<line x1="{left:g}" x2="{right:g}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            f'stroke="{"#999999" if tick == 0 else "#e5e5e5"}"/>'
            f'<text x="{left - 6:g}" y="{y(tick) + 4:.1f}">{tick}</text>'
        )
    out.append("</g>")
    out.append('<g class="axis x" font-size="12" fill="#333333" text-anchor="middle">')
    every = 7 if span <= 30 else 14
    for n in range(span - 1, -1, -every):  # today labelled, then every week (fortnight) back
        out.append(f'<text x="{x(n):.1f}" y="{lower + 18:g}">{days[n]:%b %d}</text>')
    out.append("</g>")
    out.append(f'<g class="series" fill="{_COLOR}" stroke="{_COLOR}">')
    if kind == "line":
        run: list[str] = []
        segments = []
        for n, v in enumerate(values):
            if v is None:
                if run:
                    segments.append(run)
                run = []
            else:
                run.append(f"{x(n):.1f},{y(v):.1f}")
        if run:
            segments.append(run)
        for points in segments:
            out.append(f'<polyline fill="none" stroke-width="2" points="{" ".join(points)}"/>')
    for n, v in enumerate(values):
        if v is None:
            continue
        value = f"{days[n]:%b %d}: {v:g}{'%' if kind == 'line' else ''}"
        if kind == "line":
            radius = 2.5 if span <= 30 else 0.01
            out.append(
                f'<circle cx="{x(n):.1f}" cy="{y(v):.1f}" r="{radius:g}">'
                f"<title>{value}</title></circle>"
            )
        else:
            height = lower - y(v)
            out.append(
                f'<rect x="{x(n) - slot * 0.4:.1f}" y="{y(v):.1f}" width="{slot * 0.8:.1f}" '
                f'height="{height:.1f}" stroke="none"><title>{value}</title></rect>'
            )
    out.append("</g>")
    if all(v is None for v in values):
        out.append(
            f'<text x="{_WIDTH / 2:g}" y="{(upper + lower) / 2:g}" text-anchor="middle" '
            f'font-size="16" fill="#999999">no data yet</text>'
        )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _escape(text: str) -> str:
    """Return text safe inside SVG markup and attributes."""
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )
