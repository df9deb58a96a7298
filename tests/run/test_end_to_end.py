"""The whole cycle through the CLI, on real repositories and a real bare remote."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import USER, bare_remote, branch_file, commit, git, make_repo, set_mtime
from freezegun import freeze_time

DAY = "2026-02-08"
NOON = datetime(2026, 2, 8, 12, 0, tzinfo=UTC)
PAGE = f"_posts/{DAY}-daily-status.md"

JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="E2E" tests="3">
<testcase classname="e2e" name="test_create_delete"/>
<testcase classname="e2e" name="test_restart"/>
<testcase classname="e2e" name="test_delete_during_provisioning"/>
</testsuite></testsuites>
"""

COBERTURA = """<?xml version="1.0" ?>
<coverage line-rate="{rate}" version="7.4">
<packages><package name="aap_client" line-rate="{rate}"><classes>
<class name="c" filename="aap/client.py" line-rate="{rate}"><lines>
{lines}
</lines></class></classes></package>
<package name="provisioning" line-rate="0.5"><classes>
<class name="p" filename="prov/p.py" line-rate="0.5"><lines>
<line number="1" hits="1"/><line number="2" hits="0"/>
</lines></class></classes></package></packages></coverage>
"""


def cobertura(covered: int, total: int) -> str:
    lines = "\n".join(
        f'<line number="{i}" hits="{1 if i <= covered else 0}"/>' for i in range(1, total + 1)
    )
    return COBERTURA.format(rate=covered / total, lines=lines)


def fingerprint(repo: Path) -> dict[str, str]:
    """Return what a user would notice changing in their checkout."""
    return {
        "status": git(repo, "status", "--porcelain", "--untracked-files=all"),
        "head": git(repo, "rev-parse", "HEAD"),
        "branch": git(repo, "symbolic-ref", "HEAD"),
        "index": hashlib.sha256((repo / ".git" / "index").read_bytes()).hexdigest(),
    }


def test_embedded_default_commits_the_page_to_the_local_pages_branch(tmp_path, run_cli):
    repo = make_repo(tmp_path / "project")
    commit(repo, "Add the parser", datetime(2026, 2, 8, 9, 30, tzinfo=UTC))
    commit(repo, "Yesterday's work", datetime(2026, 2, 7, 9, 30, tzinfo=UTC))
    commit(
        repo,
        "Someone else's",
        datetime(2026, 2, 8, 10, 0, tzinfo=UTC),
        author=("Other", "other@example.com"),
    )
    (repo / "untracked.txt").write_text("mine")
    origin = bare_remote(tmp_path / "origin.git")
    git(repo, "remote", "add", "origin", str(origin))
    before = fingerprint(repo)

    with freeze_time(NOON):
        result = run_cli(repo / ".", "publish")

    assert result.exit_code == 0, result.output
    page = branch_file(repo, "gh-pages", PAGE)
    assert "title: Daily Status - 2026-02-08" in page
    assert "Added the parser" in page
    assert "Yesterday" not in page and "Someone else" not in page
    assert f"page: gh-pages:{PAGE}" in result.output
    assert f"git show gh-pages:{PAGE}" in result.output
    assert fingerprint(repo) == before
    assert git(origin, "branch", "--list") == ""  # nothing pushed without --push
    assert branch_file(repo, "gh-pages", "_config.yml").startswith("#")


def test_second_run_with_the_same_facts_makes_no_commit(tmp_path, run_cli):
    repo = make_repo(tmp_path / "project")
    commit(repo, "Work", datetime(2026, 2, 8, 9, 30, tzinfo=UTC))
    with freeze_time(NOON):
        first = run_cli(repo, "publish")
        tip = git(repo, "rev-parse", "gh-pages")
        second = run_cli(repo, "publish")
    assert first.exit_code == 0 and second.exit_code == 0
    assert git(repo, "rev-parse", "gh-pages") == tip
    assert "no change" in second.output
    assert git(repo, "rev-list", "--count", "gh-pages") == "1"


def test_pages_branch_commits_are_not_read_back_as_work(tmp_path, run_cli):
    """Reading all branches must skip the Pages branch, or every run makes a new commit."""
    repo = make_repo(tmp_path / "project")
    commit(repo, "Work", datetime(2026, 2, 8, 9, 30, tzinfo=UTC))
    with freeze_time(NOON):
        run_cli(repo, "publish")
        facts = json.loads(run_cli(repo, "collect").output)
    assert [c["summary"] for c in facts["commits"]] == ["Work"]


def test_push_flag_pushes_the_embedded_default_to_origin(tmp_path, run_cli):
    repo = make_repo(tmp_path / "project")
    commit(repo, "Work", datetime(2026, 2, 8, 9, 30, tzinfo=UTC))
    origin = bare_remote(tmp_path / "origin.git")
    git(repo, "remote", "add", "origin", str(origin))
    with freeze_time(NOON):
        result = run_cli(repo, "publish", "--push")
    assert result.exit_code == 0, result.output
    assert git(origin, "rev-parse", "gh-pages") == git(repo, "rev-parse", "gh-pages")


def configured_project(tmp_path: Path) -> tuple[Path, Path, Path]:
    """Two source repos, reports, and a Pages repo with a bare remote, under one config."""
    app = make_repo(tmp_path / "app")
    lib = make_repo(tmp_path / "lib")
    site = make_repo(tmp_path / "site")
    commit(site, "Site repo", datetime(2026, 1, 1, tzinfo=UTC))
    origin = bare_remote(tmp_path / "site-origin.git")
    git(site, "remote", "add", "origin", str(origin))
    commit(app, "Implement job lifecycle", datetime(2026, 2, 8, 8, 0, tzinfo=UTC))
    git(app, "checkout", "-q", "-b", "feature/aap-direct")
    commit(app, "Nest job status", datetime(2026, 2, 8, 9, 0, tzinfo=UTC))
    commit(
        lib,
        "Replace interface{} with any",
        datetime(2026, 2, 8, 10, 0, tzinfo=UTC),
        author=("Dev One", "dev1@work.example"),
    )
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "e2e.xml").write_text(JUNIT)
    set_mtime(reports / "e2e.xml", NOON)
    (tmp_path / "statusbot.yml").write_text(f"""\
timezone: Europe/Prague
people:
  - name: Dev One
    emails: [{USER[1]}, dev1@work.example]
sources:
  git: [app, lib]
  junit: ["reports/**/*.xml"]
  coverage: ["coverage.xml"]
publish:
  repo: site
  branch: gh-pages
  remote: origin
""")
    return site, origin, tmp_path


def test_config_with_two_repos_reports_notes_and_deploys(tmp_path, run_cli):
    site, origin, root = configured_project(tmp_path)
    cov = root / "coverage.xml"
    cov.write_text(cobertura(739, 1000))
    set_mtime(cov, datetime(2026, 2, 7, 12, 0, tzinfo=UTC))
    with freeze_time(datetime(2026, 2, 7, 12, 0, tzinfo=UTC)):
        assert run_cli(root, "publish").exit_code == 0  # the snapshot of the day before
    cov.write_text(cobertura(870, 1000))
    set_mtime(cov, NOON)
    with freeze_time(NOON):
        for args in (
            ["note", "Explored the fulfillment-service architecture"],
            ["note", "AAP Direct misses ReconciledConfigVersion", "--risk", "critical"],
            ["note", "Flaky staging DNS", "--risk", "low"],
            ["note", "Implementing the AAP Direct provider", "--key-effort"],
            [
                "record",
                "deploy",
                "--env",
                "vmaas-dev",
                "--version",
                "b4b15d3",
                "--url",
                "https://example.com/deploys/1",
                "--note",
                "stuck VMs deleted",
            ],
        ):
            assert run_cli(root, *args).exit_code == 0
        result = run_cli(root, "publish")
    assert result.exit_code == 0, result.output
    assert "pushed" in result.output
    assert git(origin, "rev-parse", "gh-pages") == git(site, "rev-parse", "gh-pages")
    page = branch_file(origin, "gh-pages", PAGE)
    accomplishments = page.split("## Accomplishments\n")[1].split("\n\n")[0].splitlines()
    # one item per piece of work; the test's file names are random: FILE stands for them
    code = sorted(re.sub(r"file-\d+\.txt", "FILE", a) for a in accomplishments[1:4])
    assert code == [
        "- Implemented job lifecycle in FILE on main in app (1 commit, +2/−0 lines in 1 file)",
        "- Replaced interface&#123;&#125; with any in FILE on main in lib "
        "(1 commit, +2/−0 lines in 1 file)",
        "- Worked on branch feature/aap-direct in app: Nest job status "
        "(1 commit, +2/−0 lines in 1 file)",
    ]
    assert accomplishments[:1] + accomplishments[4:] == [
        "- Explored the fulfillment-service architecture",
        "- Executed E2E tests (3/3 passing)",
        "- Expanded test coverage: overall 73.9% → 86.9% (+13.0%), "
        "aap&#95;client 73.9% → 87.0% (+13.1%)",
        "- Deployed [b4b15d3](https://example.com/deploys/1) to vmaas-dev (stuck VMs deleted)",
    ]
    risks = page.split("## Risks & Challenges\n")[1].split("\n\n")[0].splitlines()
    assert risks == [
        "- **CRITICAL:** AAP Direct misses ReconciledConfigVersion",
        "- **LOW:** Flaky staging DNS",
    ]
    assert page.rstrip().endswith("## Key Effort\nImplementing the AAP Direct provider")


def test_malformed_report_is_named_and_the_rest_still_publishes(tmp_path, run_cli):
    site, _origin, root = configured_project(tmp_path)
    bad = root / "reports" / "broken.xml"
    bad.write_text("<testsuite><testcase name='x'>")
    set_mtime(bad, NOON)
    with freeze_time(NOON):
        result = run_cli(root, "-q", "publish")
    assert result.exit_code == 0, result.output
    page = branch_file(site, "gh-pages", PAGE)
    assert "Executed E2E tests (3/3 passing)" in page
    risk = [line for line in page.splitlines() if "broken.xml" in line]
    assert len(risk) == 1 and risk[0].startswith("- **MEDIUM:** Source ")
    assert "reports/broken.xml" in risk[0] and "stale" in risk[0]
    assert str(tmp_path) not in page  # no machine paths on a public page


def test_bad_config_gives_one_line_per_problem_and_exit_1(tmp_path, run_cli):
    make_repo(tmp_path)
    (tmp_path / "statusbot.yml").write_text("timezone: Nowhere/Land\npublish: {branch: 7}\n")
    result = run_cli(tmp_path, "publish")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"Error: {tmp_path / 'statusbot.yml'}: timezone: unknown time zone 'Nowhere/Land'",
        f"{tmp_path / 'statusbot.yml'}: publish.branch: expected a non-empty string, "
        "got an integer",
    ]
    assert "Traceback" not in result.output


def test_hostile_text_is_escaped_in_the_page(tmp_path, run_cli):
    repo = make_repo(tmp_path / "project")
    hostile = "{{ site }} {% include x %} <script>alert(1)</script> | a | b"
    commit(repo, hostile, datetime(2026, 2, 8, 9, 0, tzinfo=UTC))
    with freeze_time(NOON):
        assert run_cli(repo, "note", "--", "---").exit_code == 0
        assert (
            run_cli(
                repo, "note", "[x](javascript:alert(1)) {% endraw %}", "--risk", "high"
            ).exit_code
            == 0
        )
        assert run_cli(repo, "publish").exit_code == 0
    page = branch_file(repo, "gh-pages", PAGE)
    body = page.split("---\n", 2)[2]
    for raw in ("{{", "{%", "<script", "|", "](javascript", "\n---"):
        assert raw not in body, raw
    import html

    shown = html.unescape(body)
    assert hostile in shown and "[x](javascript:alert(1)) {% endraw %}" in shown
    assert "\n- ---\n" in "\n" + shown


def test_a_day_without_activity_gets_a_short_honest_page(tmp_path, run_cli):
    repo = make_repo(tmp_path / "project")
    commit(repo, "Old", datetime(2026, 1, 1, tzinfo=UTC))
    with freeze_time(NOON):
        result = run_cli(repo, "publish")
    assert result.exit_code == 0
    page = branch_file(repo, "gh-pages", PAGE)
    assert "- No recorded activity for this day." in page
    assert "- None identified." in page


def test_past_date_publishes_that_day_and_future_is_refused(tmp_path, run_cli):
    repo = make_repo(tmp_path / "project")
    commit(repo, "Friday work", datetime(2026, 2, 6, 9, 0, tzinfo=UTC))
    with freeze_time(NOON):
        assert run_cli(repo, "--date", "2026-02-06", "publish").exit_code == 0
        future = run_cli(repo, "--date", "2026-03-01", "publish")
        bad = run_cli(repo, "--date", "yesterday", "publish")
    assert "Friday work" in branch_file(repo, "gh-pages", "_posts/2026-02-06-daily-status.md")
    assert future.exit_code == 2 and "in the future" in future.output
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output


def test_render_writes_the_site_tree_without_git_writes(tmp_path, run_cli):
    repo = make_repo(tmp_path / "project")
    commit(repo, "Work", datetime(2026, 2, 8, 9, 0, tzinfo=UTC))
    out = tmp_path / "out"
    with freeze_time(NOON):
        result = run_cli(repo, "render", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "Work" in (out / PAGE).read_text()
    assert (out / "_config.yml").is_file() and (out / "_layouts" / "default.html").is_file()
    assert git(repo, "branch", "--list", "gh-pages") == ""


def test_user_templates_override_one_file(tmp_path, run_cli):
    repo = make_repo(tmp_path / "project")
    commit(repo, "Work", datetime(2026, 2, 8, 9, 0, tzinfo=UTC))
    templates = tmp_path / "mine"
    templates.mkdir()
    (templates / "day.md.j2").write_text("---\ntitle: {{ title }}\n---\nMine: {{ day }}\n")
    (tmp_path / "statusbot.yml").write_text(
        "sources: {git: [project]}\npublish: {repo: project, remote: null}\ntemplates_dir: mine\n"
    )
    with freeze_time(NOON):
        assert run_cli(tmp_path, "publish").exit_code == 0
    assert branch_file(repo, "gh-pages", PAGE).endswith("Mine: 2026-02-08")


def test_init_writes_a_valid_starter_and_refuses_to_overwrite(tmp_path, run_cli):
    make_repo(tmp_path)
    first = run_cli(tmp_path, "init")
    second = run_cli(tmp_path, "init")
    assert first.exit_code == 0 and second.exit_code == 1
    assert "already exists" in second.output
    from statusbot import config

    cfg = config.load(tmp_path / "statusbot.yml", tmp_path)
    assert cfg.publish.branch == "gh-pages"


def test_dry_run_writes_nothing(tmp_path, run_cli):
    repo = make_repo(tmp_path / "project")
    commit(repo, "Work", datetime(2026, 2, 8, 9, 0, tzinfo=UTC))
    with freeze_time(NOON):
        result = run_cli(repo, "--dry-run", "publish")
        noted = run_cli(repo, "--dry-run", "note", "hello")
    assert result.exit_code == 0 and "would change" in result.output and PAGE in result.output
    assert noted.exit_code == 0
    assert git(repo, "branch", "--list", "gh-pages") == ""
    assert not (repo / ".git" / "statusbot" / "records.jsonl").exists()


def test_outside_a_git_checkout_is_one_clear_line(tmp_path, run_cli):
    result = run_cli(tmp_path, "publish")
    assert result.exit_code == 1
    assert "is not a git repository" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_no_git_user_is_one_clear_line(tmp_path, run_cli):
    repo = make_repo(tmp_path / "project", user=None)
    with freeze_time(NOON):
        result = run_cli(repo, "publish")
    assert result.exit_code == 1
    assert "set `git config user.email`" in result.output


@pytest.mark.skipif(shutil.which("git") is None, reason="git is required")
def test_collect_prints_facts_as_json(tmp_path, run_cli):
    repo = make_repo(tmp_path / "project")
    sha = commit(repo, "Work", datetime(2026, 2, 8, 9, 0, tzinfo=UTC))
    with freeze_time(NOON):
        result = run_cli(repo, "collect")
    facts = json.loads(result.output)
    assert facts["day"] == DAY and facts["commits"][0]["sha"] == sha
    assert facts["commits"][0]["branches"] == ["main"]
