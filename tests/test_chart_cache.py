"""The chart cache: a chart is drawn again only when its inputs changed, through a real publish."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from conftest import branch_file, commit, make_repo
from site_archive import START, summary

from statusbot.charts import CACHE, render_charts

END = START + timedelta(days=119)
KEPT = "<svg>kept, not drawn</svg>"


def summaries(bump: int = 0) -> dict[str, dict]:
    """Return 120 days of summaries; `bump` adds commits to the last day."""
    found = {
        (START + timedelta(days=n)).isoformat(): summary(START + timedelta(days=n), n)
        for n in range(120)
    }
    found[END.isoformat()]["commits"] += bump
    return found


def test_a_chart_with_unchanged_inputs_is_not_drawn_again():
    cache: dict[str, dict[str, str]] = {}
    first = render_charts(END, summaries(), cache)
    assert first == render_charts(END, summaries())  # a cache changes no byte
    assert sorted(cache) == sorted(p.split("/")[-1][: -len(".svg")] for p in first)
    for kept in cache.values():  # a marker in place of each SVG: returned only if not redrawn
        kept["svg"] = KEPT
    again = render_charts(END, summaries(), cache)
    assert set(again.values()) == {KEPT}


def test_a_changed_input_draws_that_chart_only():
    cache: dict[str, dict[str, str]] = {}
    render_charts(END, summaries(), cache)
    for kept in cache.values():
        kept["svg"] = KEPT
    moved = render_charts(END, summaries(bump=5), cache)
    assert (
        moved["assets/charts/commits-30.svg"]
        == render_charts(END, summaries(bump=5))["assets/charts/commits-30.svg"]
    )
    assert cache["commits-30"]["svg"] != KEPT
    others = {path: svg for path, svg in moved.items() if "commits-30" not in path}
    assert others and set(others.values()) == {KEPT}


def test_a_later_end_or_a_damaged_entry_is_drawn_again():
    cache: dict[str, dict[str, str]] = {}
    render_charts(END, summaries(), cache)
    for kept in cache.values():
        kept["svg"] = KEPT
    later = render_charts(END + timedelta(days=1), summaries(), cache)
    assert KEPT not in later.values()  # the labels moved by a day: every chart is new
    cache["commits-30"] = {"digest": "not a digest", "svg": KEPT}
    assert KEPT not in render_charts(END + timedelta(days=1), summaries(), cache).values()


def configured(tmp_path: Path) -> Path:
    """Return a project whose git history is its source and whose gh-pages is its site."""
    repo = make_repo(tmp_path / "project")
    (repo / "statusbot.yml").write_text(
        "timezone: UTC\npeople: [{name: Dev One, emails: [dev1@example.com]}]\n"
        "sources: {git: [.]}\npublish: {repo: ., branch: gh-pages, remote: null}\n"
    )
    return repo


def test_publish_keeps_the_charts_in_the_store_and_a_dry_run_saves_nothing(tmp_path, run_cli):
    repo = configured(tmp_path)
    day = date(2026, 2, 9)
    at = datetime(2026, 2, 9, 10, tzinfo=UTC)
    commit(repo, "First change", at)
    cache = repo / ".git" / "statusbot" / CACHE
    dry = run_cli(repo, "--date", day.isoformat(), "--dry-run", "publish")
    assert dry.exit_code == 0 and not cache.exists()
    assert run_cli(repo, "--date", day.isoformat(), "publish").exit_code == 0
    kept = json.loads(cache.read_text())
    svg = branch_file(repo, "gh-pages", "assets/charts/commits-30.svg")
    assert kept["commits-30"]["svg"].strip() == svg.strip()
    # While a chart's inputs stay, the page gets the kept SVG (a note moves no chart's point).
    for chart in kept.values():
        chart["svg"] = KEPT
    cache.write_text(json.dumps(kept))
    assert run_cli(repo, "--date", day.isoformat(), "note", "Planned the next step").exit_code == 0
    assert run_cli(repo, "--date", day.isoformat(), "publish").exit_code == 0
    assert branch_file(repo, "gh-pages", "assets/charts/commits-30.svg").strip() == KEPT
    # A new commit moves today's point: that chart is drawn again.
    commit(repo, "Second change", at + timedelta(hours=1))
    assert run_cli(repo, "--date", day.isoformat(), "publish").exit_code == 0
    drawn = branch_file(repo, "gh-pages", "assets/charts/commits-30.svg")
    assert drawn.strip() not in (KEPT, svg.strip()) and "<svg" in drawn
    assert json.loads(cache.read_text())["commits-30"]["svg"].strip() == drawn.strip()


def test_a_drawn_chart_is_valid_svg_with_its_title_axes_and_values():
    from xml.etree import ElementTree

    days = summaries(bump=5)
    svg = render_charts(END, days)["assets/charts/commits-30.svg"]
    root = ElementTree.fromstring(svg)  # well-formed, so an <img> decodes it
    ns = "{http://www.w3.org/2000/svg}"
    texts = [t.text for t in root.iter(f"{ns}text")]
    assert "Commits per day, last 30 days" in texts
    assert f"{END:%b %d}" in texts and "0" in texts  # today's date on x, zero on y
    titled = [r.find(f"{ns}title") for r in root.iter(f"{ns}rect")]
    bars = [t.text for t in titled if t is not None]
    assert len(bars) == 30  # one bar a day, each titled with its value
    assert bars[-1] == f"{END:%b %d}: {days[END.isoformat()]['commits']}"
    line = render_charts(END, days)["assets/charts/coverage-90.svg"]
    assert "<polyline" in line and "Line coverage, last 90 days (%)" in line
