"""Reading the history from the Pages branch: the same summaries, usually in one git process."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from conftest import make_repo
from site_archive import START, archive

from statusbot.gitpages.publish import publish_site
from statusbot.history import load, needed
from statusbot.summary import summary_path


def git_processes(trace: Path) -> list[str]:
    """Return the git commands a GIT_TRACE file recorded."""
    lines = trace.read_text().splitlines() if trace.exists() else []
    return [line.split("built-in: ", 1)[1] for line in lines if "built-in: " in line]


def test_a_dense_archive_is_read_in_one_git_process(tmp_path, monkeypatch):
    repo = make_repo(tmp_path / "project")
    publish_site(repo, archive(400), message="archive")
    trace = tmp_path / "trace"
    monkeypatch.setenv("GIT_TRACE", str(trace))
    day = START + timedelta(days=400)
    history = load(repo, "gh-pages", "", day)
    assert [cmd.split()[:2] for cmd in git_processes(trace)] == [["git", "cat-file"]]
    days = [START + timedelta(days=n) for n in range(400)]
    assert history.days == days
    assert sorted(history.summaries) == sorted(d.isoformat() for d in needed(day, days))


def test_a_needed_day_older_than_the_charts_is_read_by_the_same_process(tmp_path, monkeypatch):
    repo = make_repo(tmp_path / "project")
    files = archive(40)  # then nothing for 200 days: the index's recent days are old ones
    publish_site(repo, files, message="archive")
    trace = tmp_path / "trace"
    monkeypatch.setenv("GIT_TRACE", str(trace))
    day = START + timedelta(days=240)
    history = load(repo, "gh-pages", "", day)
    days = [START + timedelta(days=n) for n in range(40)]
    assert sorted(history.summaries) == sorted(d.isoformat() for d in needed(day, days))
    assert len(history.summaries) == 37 and len(git_processes(trace)) == 1
    assert history.previous_open_risks(day) == []  # the day before, 200 days back, was read


@pytest.mark.parametrize("prefix", ["", "status"])
def test_no_branch_or_no_summaries_is_an_empty_history(tmp_path, prefix):
    repo = make_repo(tmp_path / "project")
    assert load(repo, "gh-pages", prefix, START).days == []
    publish_site(repo, {"index.md": b"home\n"}, prefix=prefix, message="a site, no days")
    assert load(repo, "gh-pages", prefix, START).days == []


def test_a_prefixed_site_reads_its_own_folder(tmp_path):
    repo = make_repo(tmp_path / "project")
    files = {f"status/{path}": data for path, data in archive(10).items()}
    files[summary_path(START)] = b"{not ours"  # the root's folder is another site's
    publish_site(repo, files, message="archive")
    history = load(repo, "gh-pages", "status", START + timedelta(days=10))
    assert len(history.days) == 10 and len(history.summaries) == 10
