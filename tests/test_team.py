"""A two-person team across a week with a weekend: working days, team and person pages."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import branch_file, commit, git, make_repo, set_mtime
from github_server import TOKEN, FakeGitHub
from sitebuild import export, jekyll_build

PRAGUE = ZoneInfo("Europe/Prague")
JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuite name="API" tests="3">
<testcase classname="api" name="create"/><testcase classname="api" name="delete"/>
<testcase classname="api" name="retry"><failure message="boom"/></testcase>
</testsuite>
"""
ANA = ("Ana Novak", "ana@example.com")
BEA = ("Bea Roth", "bea@example.com")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """Return a moment of March 2026 in Prague (summer time starts on Sunday the 29th)."""
    return datetime(2026, 3, day, hour, minute, tzinfo=PRAGUE)


@pytest.fixture
def server() -> Iterator[FakeGitHub]:
    with FakeGitHub().running() as fake:
        yield fake


@pytest.fixture
def team(tmp_path: Path, server: FakeGitHub, run_cli, monkeypatch) -> Path:
    """Thursday to Monday of two people: commits in a real repo, PRs on the loopback GitHub."""
    monkeypatch.setenv("STATUSBOT_GITHUB_TOKEN", TOKEN)
    repo = make_repo(tmp_path / "api", user=ANA)
    commit(repo, "Thursday groundwork", at(26, 10), author=ANA)
    commit(repo, "Friday late fix", at(27, 23, 30), author=BEA)  # Friday's page, not Monday's
    commit(repo, "Weekend hotfix", at(29, 10), author=BEA)  # a Sunday, so Sunday gets a page
    commit(repo, "Monday cleanup 1", at(30, 9), author=ANA)
    commit(repo, "Monday cleanup 2", at(30, 9, 30), author=ANA)
    commit(repo, "Monday cleanup 3", at(30, 10), author=ANA)
    git(repo, "checkout", "-q", "-b", "retries")
    commit(repo, "Retry the provisioning call", at(30, 11), author=ANA)
    commit(repo, "Back off between retries", at(30, 12), author=ANA)
    git(repo, "checkout", "-q", "main")
    server.add_pull(
        "acme/api",
        21,
        title="Provisioning retries",
        author="ana",
        created=at(30, 12, 30),
        updated=at(30, 13),
        commits=4,
        head_ref="retries",
        checks=[("lint", "completed", "failure")],
    )
    server.add_pull(
        "acme/api",
        22,
        title="Fix the login redirect",
        author="bea",
        created=at(27, 9),
        updated=at(30, 10),
        merged=at(30, 10),
        state="closed",
        commits=2,
        head_ref="login",
    )
    server.add_deploy(
        "acme/api",
        "production",
        "b4b15d3" + "0" * 33,
        creator="bea",
        created=at(30, 14),
        statuses=[("success", at(30, 14, 5))],
    )
    (repo / "statusbot.yml").write_text(
        f"""\
timezone: Europe/Prague
workdays: Mon-Fri
people:
  - name: {ANA[0]}
    github: ana
    emails: [{ANA[1]}]
  - name: {BEA[0]}
    github: bea
    emails: [{BEA[1]}]
sources:
  junit: [reports/*.xml]
  coverage: []
github:
  api_url: {server.base_url}
  repos: [acme/api]
publish:
  remote: null
""",
        encoding="utf-8",
    )
    (repo / "reports").mkdir()
    junit = repo / "reports" / "junit.xml"
    junit.write_text(JUNIT, encoding="utf-8")
    set_mtime(junit, at(30, 15))
    note = run_cli(
        repo, "note", "Paired on the redirect bug", "--person", BEA[0], "--date", "2026-03-30"
    )
    assert note.exit_code == 0, note.output
    mine = run_cli(repo, "note", "Planned the retry rollout", "--date", "2026-03-30")
    assert mine.exit_code == 0, mine.output  # no --person: the first person's
    for day in ("2026-03-27", "2026-03-28", "2026-03-29", "2026-03-30"):
        done = run_cli(repo, "--date", day, "publish")
        assert done.exit_code == 0, done.output
    return repo


def on_pages(repo: Path, path: str) -> str | None:
    try:
        return branch_file(repo, "gh-pages", path)
    except subprocess.CalledProcessError:
        return None


def test_monday_covers_the_weekend_and_a_quiet_saturday_gets_no_page(team):
    monday = on_pages(team, "_posts/2026-03-30-daily-status.md")
    assert monday is not None
    assert "Weekend hotfix" in monday and "Monday cleanup 3" in monday
    assert "Friday late fix" not in monday  # 23:30 Friday in Prague is before the window
    assert "Friday late fix" in (on_pages(team, "_posts/2026-03-27-daily-status.md") or "")
    assert on_pages(team, "_posts/2026-03-28-daily-status.md") is None  # quiet Saturday
    assert "Weekend hotfix" in (on_pages(team, "_posts/2026-03-29-daily-status.md") or "")


def test_team_page_shows_each_person_then_the_team(team):
    page = on_pages(team, "team/2026-03-30.md")
    assert page is not None
    assert "permalink: /team/2026-03-30/" in page
    ana, bea = page.index("## [Ana Novak]"), page.index("## [Bea Roth]")
    merged = page.index("## Merged Pull Requests")
    assert ana < bea < merged < page.index("## Deployments") < page.index("## Risks & Challenges")
    ana_part, bea_part = page[ana:bea], page[bea:merged]
    assert "Monday cleanup" in ana_part and "Planned the retry rollout" in ana_part
    assert "Created pull request [#21]" in ana_part and "Weekend hotfix" not in ana_part
    assert "Weekend hotfix" in bea_part and "Paired on the redirect bug" in bea_part
    assert "Monday cleanup" not in bea_part
    assert "Key effort: Creating pull request [#21](" in ana_part  # PR activity wins
    team_part = page[merged:]
    assert "- Merged pull request [#22](" in team_part
    assert "Deployed acme/api" in team_part and "to production" in team_part
    assert "**HIGH:** CI failing on pull request [#21]" in team_part
    assert "- Executed API tests (2/3 passing, 1 failing)" in team_part
    assert "**HIGH:** 1 failing test in API: api.retry" in team_part
    assert 'People: [Ana Novak]({{ "/people/ana-novak/" | relative_url }})' in page


def test_each_person_has_a_page_and_a_list_of_days(team):
    ana = on_pages(team, "people/ana-novak/2026-03-30.md")
    bea = on_pages(team, "people/bea-roth/2026-03-30.md")
    assert ana is not None and bea is not None
    assert 'title: "Daily Status - Ana Novak - 2026-03-30"' in ana
    assert "permalink: /people/ana-novak/2026-03-30/" in ana
    assert "Monday cleanup" in ana and "Weekend hotfix" not in ana
    assert "**HIGH:** CI failing on pull request [#21]" in ana
    assert "Merged pull request [#22](" in bea and "Weekend hotfix" in bea
    assert "CI failing" not in bea
    listing = on_pages(team, "people/bea-roth/index.md")
    assert listing is not None and 'where: "person", "bea-roth"' in listing
    assert on_pages(team, "team/2026-03-28.md") is None


def test_note_for_someone_not_in_people_is_refused(team, run_cli):
    result = run_cli(team, "note", "Hi", "--person", "Zed")
    assert result.exit_code == 1
    assert "--person 'Zed' is not one of the people (Ana Novak, Bea Roth)" in result.output


@pytest.mark.jekyll
def test_jekyll_builds_the_team_page_and_lists_a_persons_days(team, tmp_path):
    source, site = tmp_path / "branch", tmp_path / "_site"
    export(team, "gh-pages", source)
    done = jekyll_build(source, site)
    assert done.returncode == 0, done.stdout + done.stderr
    team_html = (site / "team" / "2026-03-30" / "index.html").read_text(encoding="utf-8")
    assert (
        'href="/people/bea-roth/2026-03-30/"' in team_html and "Provisioning retries" in team_html
    )
    days = (site / "people" / "bea-roth" / "index.html").read_text(encoding="utf-8")
    assert 'href="/people/bea-roth/2026-03-30/"' in days
    assert "/people/ana-novak/" not in days  # only Bea's days
    assert (site / "people" / "ana-novak" / "2026-03-30" / "index.html").is_file()
    home = (site / "index.html").read_text(encoding="utf-8")
    for link in re.findall(r'href="(/(?:people|team)/[^"]*)"', home):  # the index's team links
        assert (site / link.strip("/") / "index.html").is_file(), link
    assert 'href="/people/ana-novak/"' in home and 'href="/team/2026-03-30/"' in home
