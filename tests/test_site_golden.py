"""Golden pages of the browsable site from a fixed fixture: the index, a day page, a week."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime

from golden_pages import check_golden, reference_facts

from statusbot.compose import compose
from statusbot.history import History
from statusbot.model import Commit, Deployment, Facts, Note, TestSuiteResult
from statusbot.render import render_day
from statusbot.site import build_day
from statusbot.summary import risk_id, summary_path

RISK = "AAP Direct missing ReconciledConfigVersion update - provider doesn't set this field"


def day_facts(day: date, n: int) -> Facts:
    """Return a plain day of work: commits, a test run, a deploy on some days."""
    at = datetime(day.year, day.month, day.day, 10, tzinfo=UTC)
    base = reference_facts()
    notes: tuple[Note, ...] = ()
    if n == 0:
        notes = (Note(text=RISK, at=at, day=day, risk="critical"),)
    work = [
        Commit("app", f"{i:040x}", f"Change {i} of day {n}", "Dev One", "dev1@example.com", at,
               ("feature/aap",))
        for i in range(1 + n % 3)
    ]  # fmt: skip
    merge = Commit("app", "f" * 40, "Merge pull request #1 from dev/x", "Dev One",
                   "dev1@example.com", at, ("main",), is_merge=True)  # fmt: skip
    commits = (*work, merge)
    deploys = (Deployment("vmaas-dev cluster", f"image {n:07x}", "success", at),) if n % 2 else ()
    tests = (TestSuiteResult("E2E", "e2e.xml", 4, 4 - n % 2, n % 2, 0, 0),)
    return replace(
        base,
        day=day,
        notes=notes,
        commits=commits,
        tests=tests,
        deployments=deploys,
        coverage_changes=(),
        coverage=(replace(base.coverage[0], lines_covered=800 + 10 * n),),
    )


def site_history() -> tuple[History, dict[str, str], dict[str, str]]:
    """Render 2026-02-02 .. 2026-02-08 in order; return the history, day pages and site files."""
    history = History()
    pages: dict[str, str] = {}
    files: dict[str, str] = {}
    days = [date(2026, 2, d) for d in range(2, 8)]
    for n, day in enumerate(days):
        facts = day_facts(day, n)
        sections, out = build_day(facts, compose(facts), history, set())
        pages[day.isoformat()] = render_day(facts, sections)
        history = history.with_day(json.loads(out[summary_path(day)]))
        files.update(out)
    facts = reference_facts()  # 2026-02-08: the reference day, with yesterday's risk carried
    sections, out = build_day(facts, compose(facts), history, set())
    pages["2026-02-08"] = render_day(facts, sections)
    history = history.with_day(json.loads(out[summary_path(facts.day)]))
    files.update(out)
    return history, pages, files


def test_index_day_and_week_match_the_golden_files():
    _history, pages, files = site_history()
    check_golden("site-index.md", files["index.md"])
    check_golden("site-day-2026-02-07.md", pages["2026-02-07"])
    check_golden("site-week-2026-W06.md", files["weeks/2026-W06.md"])
    assert site_history()[2] == files  # same facts, same bytes


def test_the_critical_risk_carries_to_later_days():
    _history, pages, files = site_history()
    rid = risk_id(date(2026, 2, 2), RISK)
    assert f"(open since 2026-02-02, risk id {rid})" in pages["2026-02-07"]
    assert "risk id" not in pages["2026-02-02"]  # on its own day it reads as recorded
    week = files["weeks/2026-W06.md"]
    assert f"risk id {rid}; still open" in week


def test_a_note_resolving_the_risk_ends_the_carry():
    history, _pages, _files = site_history()
    rid = risk_id(date(2026, 2, 2), RISK)
    facts = day_facts(date(2026, 2, 9), 7)
    sections, out = build_day(facts, compose(facts), history, {rid.upper()})
    assert all(rid not in r.text for r in sections.risks)
    summary = json.loads(out[summary_path(facts.day)])
    assert rid not in [r["id"] for r in summary["open_risks"]]
    assert [r["id"] for r in summary["resolved"]] == [rid]
    assert f"risk id {rid}; resolved on 2026-02-09" in out["weeks/2026-W07.md"]
