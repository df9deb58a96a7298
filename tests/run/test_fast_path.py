"""A run that finds nothing new renders nothing; any change of input or branch renders again."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import branch_file, commit, configured_site, git, make_repo, set_mtime
from freezegun import freeze_time

from statusbot.config import build
from statusbot.gitpages import locate
from statusbot.run import fastpath
from statusbot.store import Store

NOON = datetime(2026, 2, 8, 12, 0, tzinfo=UTC)
PAGE = "_posts/2026-02-08-daily-status.md"
PROBE = (
    "import sys; from freezegun import freeze_time; from statusbot.cli import main\n"
    "try:\n"
    "    with freeze_time('2026-02-08 12:00:00'): main()\n"
    "finally:\n"
    "    print('heavy:', sorted(m for m in ('jinja2',) if m in sys.modules))\n"
    "    print('libs:', sorted(m for m in ('git', 'github', 'jinja2', 'yaml')"
    " if m in sys.modules))\n"
)
JUNIT = '<testsuite name="unit" tests="{n}" failures="0"><testcase name="t" /></testsuite>\n'


def probe(cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run `statusbot publish` in a fresh process; return its output."""
    done = subprocess.run([sys.executable, "-c", PROBE, "publish"], cwd=cwd, env=env or os.environ,
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_no_change_run_loads_no_template_or_chart_library(tmp_path):
    repo = make_repo(tmp_path / "project")
    commit(repo, "Work", datetime(2026, 2, 8, 9, 0, tzinfo=UTC))
    first = probe(repo)
    assert "committed" in first and "heavy: ['jinja2']" in first
    tip = git(repo, "rev-parse", "gh-pages")
    second = probe(repo)
    assert "no change" in second and "heavy: []" in second
    assert git(repo, "rev-parse", "gh-pages") == tip


def test_a_no_change_run_starts_no_git_and_imports_no_gitpython_jinja2_pygithub_or_yaml(tmp_path):
    repo = make_repo(tmp_path / "project")
    commit(repo, "Work", datetime(2026, 2, 8, 9, 0, tzinfo=UTC))
    assert "committed" in probe(repo)
    shim = tmp_path / "bin"
    shim.mkdir()
    log = tmp_path / "git-calls"
    real = subprocess.run(["which", "git"], capture_output=True, text=True, check=True).stdout
    (shim / "git").write_text(f'#!/bin/sh\necho "$@" >> {log}\nexec {real.strip()} "$@"\n')
    (shim / "git").chmod(0o755)
    env = {**os.environ, "PATH": f"{shim}{os.pathsep}{os.environ['PATH']}"}
    out = probe(repo, env)
    assert "no change" in out and "libs: []" in out
    assert not log.exists(), log.read_text()
    commit(repo, "More", datetime(2026, 2, 8, 10, 0, tzinfo=UTC))  # the shim sees a full run
    assert "committed" in probe(repo, env) and log.read_text().strip()


def shortcut(run_cli, cwd: Path, store: Path, *args: str) -> bool:
    """Run publish; return whether it ended at the snapshot (the last run's record untouched)."""
    before = (store / fastpath.LAST_RUN).stat()
    result = run_cli(cwd, *args, "publish")
    assert result.exit_code == 0, result.output
    after = (store / fastpath.LAST_RUN).stat()
    return (before.st_ino, before.st_mtime_ns) == (after.st_ino, after.st_mtime_ns)


def site_with_reports(tmp_path: Path) -> Path:
    """Lay out the configured site with a JUnit glob and one report; return the store."""
    configured_site(tmp_path, sources="  metrics: []\n", tail="")
    config = tmp_path / "statusbot.yml"
    config.write_text(config.read_text().replace("junit: []", "junit: ['reports/*.xml']"))
    (tmp_path / "reports").mkdir()
    report = tmp_path / "reports" / "unit.xml"
    report.write_text(JUNIT.format(n=1))
    set_mtime(report, NOON - timedelta(hours=1))
    return tmp_path / "site" / ".git" / "statusbot"


CHANGES = {
    "a new commit": lambda t: commit(t / "app", "More", NOON - timedelta(hours=2)),
    "a new branch": lambda t: git(t / "app", "branch", "topic"),
    "a packed ref": lambda t: git(t / "app", "pack-refs", "--all"),
    "a touched report": lambda t: set_mtime(t / "reports" / "unit.xml", NOON),
    "a new report": lambda t: (t / "reports" / "more.xml").write_text(JUNIT.format(n=2)),
    "a changed config": lambda t: (t / "statusbot.yml").write_text(
        (t / "statusbot.yml").read_text().replace("Dev One", "Dev 1")
    ),
    "a moved remote branch": lambda t: git(
        t / "site", "update-ref", "refs/remotes/origin/gh-pages", "main"
    ),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_each_input_change_defeats_the_shortcut(tmp_path, run_cli, change):
    store = site_with_reports(tmp_path)
    with freeze_time(NOON):
        assert "committed" in run_cli(tmp_path, "publish").output
        commit(tmp_path / "site", "Site work", NOON - timedelta(hours=3))  # not a source repo
        assert shortcut(run_cli, tmp_path, store)
        CHANGES[change](tmp_path)
        assert not shortcut(run_cli, tmp_path, store)
        assert shortcut(run_cli, tmp_path, store)


def test_a_note_or_another_day_defeats_the_shortcut_and_a_dry_run_never_takes_it(tmp_path, run_cli):
    store = site_with_reports(tmp_path)
    with freeze_time(NOON):
        assert "committed" in run_cli(tmp_path, "publish").output
        assert shortcut(run_cli, tmp_path, store)
        assert "dry run" in run_cli(tmp_path, "--dry-run", "publish").output
        assert run_cli(tmp_path, "note", "Reviewed the plan").exit_code == 0
        assert not shortcut(run_cli, tmp_path, store)
        assert "Reviewed the plan" in branch_file(tmp_path / "site", "gh-pages", PAGE)
        assert shortcut(run_cli, tmp_path, store)
    with freeze_time(NOON + timedelta(days=1)):
        assert not shortcut(run_cli, tmp_path, store)
        assert shortcut(run_cli, tmp_path, store)


def test_a_changed_git_identity_defeats_the_shortcut_when_people_come_from_git(tmp_path, run_cli):
    repo = make_repo(tmp_path / "project")
    commit(repo, "Work", NOON - timedelta(hours=1))
    store = repo / ".git" / "statusbot"
    with freeze_time(NOON):
        assert "committed" in run_cli(repo, "publish").output
        assert shortcut(run_cli, repo, store)
        git(repo, "config", "user.name", "Someone Else")
        assert not shortcut(run_cli, repo, store)
        home = Path(os.environ["HOME"])
        (home / ".gitconfig").write_text("[core]\n\tquotepath = false\n")
        assert not shortcut(run_cli, repo, store)
        assert shortcut(run_cli, repo, store)


def test_a_failing_source_or_github_in_play_means_collecting_every_run(tmp_path, run_cli):
    store = site_with_reports(tmp_path)
    (tmp_path / "reports" / "broken.xml").write_text("<testsuite")
    set_mtime(tmp_path / "reports" / "broken.xml", NOON - timedelta(hours=1))
    with freeze_time(NOON):
        assert "1 failing source" in run_cli(tmp_path, "publish").output
        assert json.loads((store / fastpath.LAST_RUN).read_text())["snapshot"] is None
        assert not shortcut(run_cli, tmp_path, store)
    people = [{"name": "Dev", "emails": ["d@example.com"], "github": "dev"}]
    config = build({"people": people, "sources": {"git": []}}, base=tmp_path, path=None)
    assert fastpath.snapshot(config, Store(tmp_path), NOON.date(), False, None) is None
    people[0]["github"] = None
    config = build({"people": people, "sources": {"git": []}}, base=tmp_path, path=None)
    assert fastpath.snapshot(config, Store(tmp_path), NOON.date(), False, None) is not None


def test_refs_are_read_without_git_from_loose_and_packed_files(tmp_path):
    repo = make_repo(tmp_path / "r")
    first = commit(repo, "One", NOON)
    git(repo, "branch", "topic")
    git(repo, "pack-refs", "--all")
    second = commit(repo, "Two", NOON)
    common = locate.common_dir(repo)
    assert common is not None
    assert locate.read_ref(common, "refs/heads/topic") == first  # packed
    assert locate.read_ref(common, "refs/heads/main") == second  # loose, over the packed one
    assert locate.read_ref(common, "HEAD") == second  # symbolic
    assert locate.read_ref(common, "refs/heads/none") is None
    worktree = tmp_path / "wt"
    git(repo, "worktree", "add", "-q", str(worktree), "topic")
    assert locate.common_dir(worktree) == common
    before = locate.ref_state(worktree, lambda ref: False)
    commit(worktree, "Three", NOON)
    assert locate.ref_state(worktree, lambda ref: False) != before
    assert locate.ref_state(tmp_path / "nowhere", lambda ref: False) is None


def test_the_store_files_named_as_the_run_writes_them():
    from statusbot.render import data_dir
    from statusbot.summarizer import SUMMARIES

    assert SUMMARIES in fastpath.OWN_FILES
    assert fastpath._data_dir("templates") == data_dir("templates")


def test_new_facts_a_changed_template_or_a_moved_branch_render_again(tmp_path, run_cli):
    repo = make_repo(tmp_path / "project")
    commit(repo, "Work", datetime(2026, 2, 8, 9, 0, tzinfo=UTC))
    templates = tmp_path / "mine"
    templates.mkdir()
    (templates / "day.md.j2").write_text("---\ntitle: {{ title }}\n---\nOne: {{ day }}\n")
    (tmp_path / "statusbot.yml").write_text(
        "sources: {git: [project]}\npublish: {repo: project, remote: null}\ntemplates_dir: mine\n"
    )
    with freeze_time(NOON):
        assert run_cli(tmp_path, "publish").exit_code == 0
        assert "no change" in run_cli(tmp_path, "publish").output

        (templates / "day.md.j2").write_text("---\ntitle: {{ title }}\n---\nTwo: {{ day }}\n")
        assert "committed" in run_cli(tmp_path, "publish").output
        assert branch_file(repo, "gh-pages", PAGE).endswith("Two: 2026-02-08")

        git(repo, "branch", "-f", "gh-pages", "gh-pages~1")  # someone reset the branch
        assert "committed" in run_cli(tmp_path, "publish").output
        assert branch_file(repo, "gh-pages", PAGE).endswith("Two: 2026-02-08")

        assert run_cli(tmp_path, "note", "Reviewed the plan").exit_code == 0
        assert "committed" in run_cli(tmp_path, "publish").output
