"""Golden pages: the reference page's structure rebuilt from equivalent facts, byte for byte."""

from __future__ import annotations

import re

from conftest import require_shared
from golden_pages import check_golden, reference_facts

from statusbot.compose import compose
from statusbot.render import render_day


def test_reference_day_matches_the_golden_page():
    facts = reference_facts()
    page = render_day(facts, compose(facts))
    check_golden("reference-day.md", page)
    assert render_day(facts, compose(facts)) == page  # same facts, same bytes


def structure(page: str) -> tuple[list[str], list[str], list[str]]:
    """Return the front matter keys, the headings, and the risk markers of a page."""
    front = page.split("---\n")[1]
    keys = [line.split(":", 1)[0] for line in front.splitlines() if line]
    headings = re.findall(r"(?m)^#+ .*$", page)
    markers = re.findall(r"\*\*([A-Z]+):\*\*", page)
    return keys, [re.sub(r"\d{4}-\d{2}-\d{2}", "DAY", h) for h in headings], markers


def test_structure_matches_the_reference_page():
    reference = require_shared("reference/daily-status-2026-02-08.md")
    facts = reference_facts()
    ours = render_day(facts, compose(facts))
    theirs = reference.read_text(encoding="utf-8")
    assert structure(ours) == structure(theirs)
    assert ours.split("---\n")[1] == theirs.split("---\n")[1]  # same front matter, same day
    # The fragments statusbot composes read as the reference's own wording.
    for fragment in (
        "E2E tests (3/3 passing)",
        "Expanded test coverage: AAP client 73.9% → 87.0% (+13.1%), "
        "provisioning package 70.4% → 74.1% (+3.7%)",
        "**CRITICAL:** AAP Direct missing ReconciledConfigVersion update",
    ):
        assert fragment in ours
        assert fragment in theirs
