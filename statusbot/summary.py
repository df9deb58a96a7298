"""A day's compact summary (counts, safe text, open risks): what the index, archive and charts
are rendered from, so they never re-read the day pages."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import date
from typing import Any

from statusbot.compose import Risk, Sections
from statusbot.key_effort import top_items
from statusbot.model import CODE_KINDS, RISK_LEVELS, RISK_RANK, Facts, WorkItem

# Version 2 adds "work" (the day's commits, merges and changed lines, from the items) and
# "main" (the headline of the day's main item); version 1 summaries still build every page.
VERSION = 2
READABLE = (1, 2)
DAYS_DIR = "_data/days"
# Risks a person records at these levels stay on later pages until a note resolves them;
# lower ones, and risks derived from a day's facts (a failing test), belong to their day only.
CARRIED_LEVELS = ("critical", "high")
MAX_THEME_ITEMS = 12
THEMES = {
    "notes": "Notes",
    "pull_request": "Pull requests and reviews",
    "reviews": "Pull requests and reviews",
    "test_runs": "Tests and coverage",
    "coverage": "Tests and coverage",
    "workflow_runs": "CI runs",
    "deploys": "Deployments",
    "finding": "Findings",
    "metrics": "Metrics",
}
THEME_ORDER = ("Notes", "Code", "Pull requests and reviews", "Tests and coverage", "Deployments")


def theme_of(item: WorkItem) -> str:
    """Return the week page's theme of an item, from its kind."""
    if item.kind in THEMES:
        return THEMES[item.kind]
    code = item.kind == "other" and (item.size.commits or item.size.merges)
    return "Code" if item.kind in CODE_KINDS or code else "Other"


def summary_path(day: date) -> str:
    """Return the path of a day's summary inside the site."""
    return f"{DAYS_DIR}/{day.isoformat()}.json"


def day_url(day: date | str) -> str:
    """Return a day page's URL path (the site's permalink for posts)."""
    return f"/days/{day}/"


def iso_week(day: date) -> str:
    """Return the ISO week label of a day, like 2026-W06."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def risk_id(day: date, text: str) -> str:
    """Return the short stable id of a risk recorded on `day` with `text`."""
    return hashlib.sha1(f"{day.isoformat()}\n{text}".encode()).hexdigest()[:6]


def merged_prs(facts: Facts) -> int:
    """Return how many pull requests were merged: from GitHub facts, else GitHub merge commits."""
    if facts.pull_requests:
        return sum(1 for pr in facts.pull_requests if pr.state == "merged" or pr.merged_at)
    return sum(
        1 for c in facts.commits if c.is_merge and c.summary.startswith("Merge pull request")
    )


def carry_risks(
    facts: Facts,
    sections: Sections,
    previous_open: list[dict[str, Any]],
    resolved: set[str],
) -> tuple[Sections, list[dict[str, Any]], list[dict[str, Any]]]:
    """Add still-open risks of earlier days to the page; return it, the open and the resolved."""
    from statusbot import markup as md

    resolved = {r.lower() for r in resolved}
    earlier = [r for r in previous_open if r["since"] < str(facts.day)]
    carried = [r for r in earlier if r["id"] not in resolved]
    fresh = [
        {
            # The note's own day, as `note --risk` printed the id (Monday holds weekend notes).
            "id": risk_id(n.day, n.text),
            "level": n.risk,
            "text": md.text(n.text),
            "since": n.day.isoformat(),
        }
        for n in facts.notes
        if n.risk in CARRIED_LEVELS
    ]
    new = list({r["id"]: r for r in fresh}.values())  # the same risk noted twice is one risk
    closed = [r for r in [*earlier, *new] if r["id"] in resolved]
    new = [r for r in new if r["id"] not in resolved]
    extra = [
        Risk(r["level"], f"{r['text']} (open since {r['since']}, risk id {r['id']})")
        for r in carried
        if r["level"] in RISK_LEVELS
    ]
    risks = sorted([*sections.risks, *extra], key=lambda r: RISK_RANK[r.level])
    prose = sections.prose
    if prose is not None:  # the summarizer's page shows the carried risks too
        reworded = sorted([*prose.risks, *extra], key=lambda r: RISK_RANK[r.level])
        prose = replace(prose, risks=tuple(reworded))
    return replace(sections, risks=tuple(risks), prose=prose), [*carried, *new], closed


def themes(sections: Sections) -> dict[str, list[str]]:
    """Return the day's built-in items grouped by theme, from their kinds."""
    grouped: dict[str, list[str]] = {}
    for item in sections.accomplishments:
        items = grouped.setdefault(theme_of(item), [])
        if len(items) < MAX_THEME_ITEMS:
            items.append(item.line)
    return grouped


def work(facts: Facts) -> dict[str, int]:
    """Return the day's commits, merges and changed lines (binary/vendored files apart)."""
    from statusbot.workitems import size_of

    size = size_of([c for c in facts.commits if not c.is_merge])
    return {
        "commits": size.commits,
        "merges": sum(1 for c in facts.commits if c.is_merge),
        "added": size.added,
        "deleted": size.deleted,
        "files": size.files,
    }


def summarize(
    facts: Facts,
    sections: Sections,
    open_risks: list[dict[str, Any]],
    resolved: list[dict[str, Any]],
) -> dict[str, Any]:
    """Return the day's summary: counts for the index and charts, safe text for the weekly page."""
    from statusbot import markup as md

    passed = sum(t.passed for t in facts.tests)
    run = sum(t.run for t in facts.tests)
    covered = sum(c.lines_covered for c in facts.coverage)
    valid = sum(c.lines_valid for c in facts.coverage)
    return {
        "v": VERSION,
        "day": facts.day.isoformat(),
        "commits": sum(1 for c in facts.commits if not c.is_merge),
        "prs_merged": merged_prs(facts),
        "tests": {
            "passed": passed,
            "run": run,
            "failed": sum(t.failures + t.errors for t in facts.tests),
        },
        "coverage": round(100.0 * covered / valid, 1) if valid else None,
        "deploys": [
            {
                "env": md.text(d.environment, 80),
                "version": md.text(d.version, 80),
                "status": d.status,
            }
            for d in facts.deployments
        ],
        "risks": len(sections.risks),
        "critical": sum(1 for r in sections.risks if r.level == "critical"),
        "open_risks": open_risks,
        "resolved": sorted(resolved, key=lambda r: r["id"]),
        "themes": themes(sections),
        "key_effort": sections.key_effort,
        "work": work(facts),
        "main": main_item(facts, sections),
    }


def main_item(facts: Facts, sections: Sections) -> str | None:
    """Return the headline of the day's main item (what the index names), or None."""
    top = top_items(facts, sections.accomplishments)
    return (top[0].headline or top[0].title) if top else None


def dumps(summary: dict[str, Any]) -> str:
    """Return a summary as compact, deterministic JSON."""
    return json.dumps(summary, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def loads(data: bytes) -> dict[str, Any] | None:
    """Return a stored summary, or None when it is not one this version can read."""
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(value, dict) or value.get("v") not in READABLE or "day" not in value:
        return None
    return value
