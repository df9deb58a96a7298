"""Four real busy days replayed into git repositories: the page must account for every commit."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from realdays import DAYS, REAL_DAYS, load, numstat_sum, replay

from statusbot.compose import compose
from statusbot.key_effort import doing
from statusbot.model import CODE_KINDS, Facts, Person
from statusbot.providers.git import collect_commits
from statusbot.render import render_day
from statusbot.workitems import MAX_ITEMS, weight

GOLDEN = Path(__file__).parent / "golden"
REGEN = os.environ.get("STATUSBOT_REGEN_GOLDEN") == "1"

pytestmark = pytest.mark.skipif(
    not REAL_DAYS.is_dir(), reason="shared/real-days is not beside the repository"
)


def page_of(name: str, tmp_path: Path) -> tuple[dict, dict[str, str], Facts, object]:
    """Replay a day, collect it as the pipeline does, compose it; return everything."""
    day = load(name)
    shas = replay(day, tmp_path / "repo")
    person = Person("Someone", emails=(day["person_email"],))
    when = date.fromisoformat(day["day"])
    start = datetime(when.year, when.month, when.day, tzinfo=UTC)
    commits, failures = collect_commits([tmp_path / "repo"], (person,), start, start + timedelta(1))
    assert failures == []
    facts = Facts(day=when, timezone="UTC", people=(person,), commits=tuple(commits))
    return day, shas, facts, compose(facts)


def in_day(day: dict) -> list[dict]:
    """Return the day's commits by its person, authored within the UTC day."""
    when = date.fromisoformat(day["day"])
    return [
        c
        for c in day["commits"]
        if c["author_email"] == day["person_email"]
        and datetime.fromisoformat(c["authored_at"]).astimezone(UTC).date() == when
    ]


@pytest.mark.parametrize("name", DAYS)
def test_the_page_accounts_for_every_commit_once_with_numstat_sizes(name, tmp_path):
    day, shas, facts, sections = page_of(name, tmp_path)
    expected = in_day(day)
    original = {shas[c["sha"]]: c for c in expected}
    assert {c.sha for c in facts.commits} == set(original)
    code = [i for i in sections.accomplishments if i.kind in CODE_KINDS or i.kind == "other"]
    assert 1 <= len(code) <= MAX_ITEMS
    counted = [e for i in code for e in i.evidence if e in original]
    assert sorted(counted) == sorted(original)  # each commit in exactly one item
    merges = sum(1 for c in expected if c["is_merge"])
    assert sum(i.size.commits for i in code) == len(expected) - merges
    assert sum(i.size.merges for i in code) == merges
    for item in code:
        work = {original[e]["sha"] for e in item.evidence if e in original}
        work = {s for s in work if not next(c for c in expected if c["sha"] == s)["is_merge"]}
        added, deleted = numstat_sum(day, work)
        assert (
            item.size.added + item.size.apart_added,
            item.size.deleted + item.size.apart_deleted,
        ) == (
            added,
            deleted,
        ), item.line
        assert len(item.line) <= 400
        if item.kind != "other" and work:
            assert f" on {day['default_branch']}" in item.line  # the default branch is named


@pytest.mark.parametrize("name", DAYS)
def test_key_effort_names_the_largest_item_first(name, tmp_path):
    _day, _shas, _facts, sections = page_of(name, tmp_path)
    code = [i for i in sections.accomplishments if i.kind in CODE_KINDS]
    largest = max(code, key=weight)
    verb, rest = doing(largest.headline)
    assert verb and sections.key_effort.startswith(verb.capitalize() + rest)
    assert len(sections.key_effort) <= 300


@pytest.mark.parametrize("name", ["go-junit-report-2019-10-06.json", "mkdocs-2015-06-19.json"])
def test_real_day_pages_match_the_golden_files(name, tmp_path):
    _day, _shas, facts, sections = page_of(name, tmp_path)
    text = render_day(facts, sections)
    path = GOLDEN / f"real-day-{name.removesuffix('.json')}.md"
    if REGEN:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), (
        f"{path.name} differs; if the change is intended, rerun with STATUSBOT_REGEN_GOLDEN=1"
    )


def test_the_largest_real_item_keeps_vendored_and_binary_files_apart(tmp_path):
    _day, _shas, _facts, sections = page_of("mkdocs-2015-06-19.json", tmp_path)
    themes = sections.accomplishments[0]
    assert themes.area == "mkdocs/themes" and themes.size.commits == 12
    assert themes.size.apart_files > 0  # fonts and minified assets
    assert "binary, vendored or generated files apart" in themes.line
    assert themes.line.startswith("Removed mkdocs/themes on master: Bootstrap theme; ")


def test_real_days_read_as_work_not_as_file_names(tmp_path):
    """The rough spots of the first real-day pages stay fixed (pycobertura's day)."""
    _day, _shas, _facts, sections = page_of("pycobertura-2020-05-29.json", tmp_path)
    lines = [i.line for i in sections.accomplishments]
    assert not any(".svg" in line.split(":")[0] or ".txt" in line.split(":")[0] for line in lines)
    assert not any("documented documentation" in line.lower() for line in lines)
    assert any(
        line.startswith("Updated dependencies on master: repinned coverage") for line in lines
    )
    (merges,) = [line for line in lines if line.startswith("Merged")]
    assert "branch master on master" not in merges
    assert merges.endswith("into master; merged master into chore/blacken (3 merges)")
