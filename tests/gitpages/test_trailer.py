"""Every commit statusbot writes to the Pages branch carries `Generated-by: statusbot`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pages_repo import DAY1, DAY2, git, publish, push_from_other

from statusbot.gitpages.commits import TRAILER, with_trailer
from statusbot.gitpages.squash import squash_history

START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def trailers(repo: Path, ref: str) -> list[str]:
    """Return the Generated-by values git itself parses from the commit at `ref`."""
    out = git(repo, "log", "-1", "--format=%(trailers:key=Generated-by,valueonly)", ref)
    return out.splitlines()


@pytest.mark.parametrize(
    "message",
    [
        "Daily status 2026-02-08",
        "Daily status 2026-02-08\n",
        "Daily status\n\nThree commits, two reviews.\n",
        "Daily status\n\nBody.\n\nCo-authored-by: A <a@example.com>\n",
        "Subject: with a colon\n",
        f"Daily status\n\n{TRAILER}\n",
    ],
)
def test_git_reads_exactly_one_trailer(repo: Path, message: str) -> None:
    text = with_trailer(message)
    parsed = git(repo, "interpret-trailers", "--parse", input=text).splitlines()

    assert parsed.count(TRAILER) == 1
    assert text.startswith(message.rstrip("\n"))
    assert with_trailer(text) == text
    if "Co-authored-by" in message:
        assert parsed == ["Co-authored-by: A <a@example.com>", TRAILER]


def test_publish_and_rebuild_commits_carry_the_trailer(repo: Path, bare: Path, tmp_path: Path):
    first = publish(repo, DAY1, remote="origin", push=True)
    assert trailers(repo, first.commit) == ["statusbot"]
    assert git(repo, "log", "-1", "--format=%s", first.commit) == "Publish daily status"

    theirs = push_from_other(tmp_path, bare, "extra.md", "a person's own commit\n")
    rebuilt = publish(repo, DAY2, remote="origin", push=True, push_retries=1)

    assert rebuilt.rebuilt == 1
    assert trailers(repo, rebuilt.commit) == ["statusbot"]
    assert trailers(repo, theirs) == []  # a person's commit stays unmarked


def test_squash_root_carries_the_trailer_and_replays_keep_theirs(repo: Path, bare, monkeypatch):
    for day in range(1, 8):
        stamp = (START + timedelta(days=day - 1)).isoformat()
        monkeypatch.setenv("GIT_COMMITTER_DATE", stamp)
        monkeypatch.setenv("GIT_AUTHOR_DATE", stamp)
        page = {f"_posts/2026-01-{day:02d}-daily-status.md": b"# day\n"}
        publish(repo, page, message=f"day {day}")
    monkeypatch.delenv("GIT_COMMITTER_DATE")
    monkeypatch.delenv("GIT_AUTHOR_DATE")

    note = squash_history(repo, "gh-pages", older_than=START + timedelta(days=4))

    assert note is not None and note.startswith("squashed")
    commits = git(repo, "rev-list", "gh-pages").splitlines()
    assert len(commits) == 4
    for oid in commits:
        assert trailers(repo, oid) == ["statusbot"]
    root = commits[-1]
    assert git(repo, "log", "-1", "--format=%s", root).startswith("statusbot: Pages history")
