"""The push survives a remote that moved: fetch, rebuild on the remote's commit, push again."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from pages_repo import DAY1, DAY2, git, publish, push_from_other, rev

from statusbot.errors import PublishError
from statusbot.gitpages.push import PushRejected
from statusbot.gitpages.tree import read_file

DAY3 = {"_posts/2026-02-10-daily-status.md": b"---\nlayout: post\n---\n# Tuesday\n"}


def first_parents(repo: Path, ref: str) -> list[str]:
    return git(repo, "rev-list", "--first-parent", ref).splitlines()


def test_rejected_push_is_rebuilt_on_the_remote_and_pushed(repo, bare, tmp_path):
    publish(repo, DAY1, remote="origin", push=True)
    theirs = push_from_other(tmp_path, bare, "extra.md", "pushed from elsewhere\n")

    result = publish(repo, DAY2, remote="origin", push=True, push_retries=2)

    assert result.pushed and result.rebuilt == 1
    assert "rebuilt on the remote's commit (1x)" in result.push_message
    tip = rev(bare, "refs/heads/gh-pages")
    assert tip == rev(repo, "refs/heads/gh-pages") == result.commit
    assert git(bare, "rev-parse", f"{tip}^") == theirs  # on top of theirs: nothing forced
    assert read_file(bare, "gh-pages", "extra.md") == b"pushed from elsewhere\n"
    for path, data in {**DAY1, **DAY2}.items():
        assert read_file(bare, "gh-pages", path) == data
    assert git(bare, "log", "-1", "--format=%s", "gh-pages") == "Publish daily status"
    assert git(bare, "rev-list", "--merges", "--count", "gh-pages") == "0"


def test_our_version_of_a_page_wins_and_theirs_of_other_files_stays(repo, bare, tmp_path):
    publish(repo, DAY1, remote="origin", push=True)
    push_from_other(tmp_path, bare, "_posts/2026-02-08-daily-status.md", "theirs\n")
    push_from_other(tmp_path, bare, "notes.md", "theirs too\n")
    changed = {"_posts/2026-02-08-daily-status.md": b"---\nlayout: post\n---\n# Ours\n"}

    result = publish(repo, changed, remote="origin", push=True, push_retries=1)

    assert result.pushed
    page = read_file(bare, "gh-pages", "_posts/2026-02-08-daily-status.md")
    assert page == changed["_posts/2026-02-08-daily-status.md"]
    assert read_file(bare, "gh-pages", "notes.md") == b"theirs too\n"


def test_commits_left_by_an_outage_are_all_rebuilt(repo, bare, tmp_path):
    publish(repo, DAY1, remote="origin", push=True)
    missing = tmp_path / "missing.git"
    git(repo, "remote", "set-url", "origin", str(missing))
    for day in (DAY2, DAY3):
        with pytest.raises(PublishError, match="does not appear to be a git repository"):
            publish(repo, day, remote="origin", push=True, push_retries=3)
    git(repo, "remote", "set-url", "origin", str(bare))
    theirs = push_from_other(tmp_path, bare, "extra.md", "x\n")

    result = publish(repo, DAY3, remote="origin", push=True, push_retries=3)

    assert result.pushed and result.rebuilt == 1
    for path, data in {**DAY1, **DAY2, **DAY3}.items():
        assert read_file(bare, "gh-pages", path) == data
    assert first_parents(bare, "gh-pages")[1] == theirs


def test_remote_already_holding_our_files_fast_forwards_without_a_commit(repo, bare, tmp_path):
    publish(repo, DAY1, remote="origin", push=True)
    publish(repo, DAY2, remote="origin", push=False)  # local only
    name, data = next(iter(DAY2.items()))
    theirs = push_from_other(tmp_path, bare, name, data.decode())

    result = publish(repo, DAY2, remote="origin", push=True, push_retries=1)

    assert result.commit is None
    assert rev(repo, "refs/heads/gh-pages") == theirs == rev(bare, "refs/heads/gh-pages")


def test_retries_are_bounded_when_the_remote_keeps_moving(repo, bare, tmp_path):
    publish(repo, DAY1, remote="origin", push=True)
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", "-b", "gh-pages", str(bare), str(other))
    # Each time our fetch lands, another machine pushes again: every retry is rejected.
    hook = repo / ".git" / "hooks" / "reference-transaction"
    hook.write_text(
        "#!/bin/sh\n"
        '[ "$1" = committed ] || exit 0\n'
        "grep -q ' refs/remotes/origin/gh-pages$' || exit 0\n"
        f"cd '{other}' && git pull -q --ff-only origin gh-pages"
        " && date +%s%N >> moves.txt && git add moves.txt"
        " && git -c user.name=O -c user.email=o@example.com commit -q -m move"
        " && git push -q origin gh-pages\n"
        f"echo fetched >> '{tmp_path / 'fetches.log'}'\n"
    )
    hook.chmod(hook.stat().st_mode | stat.S_IEXEC)
    push_from_other(tmp_path, bare, "extra.md", "x\n")

    with pytest.raises(PushRejected) as caught:
        publish(repo, DAY2, remote="origin", push=True, push_retries=2)

    assert "fetch first" in caught.value.message
    assert (tmp_path / "fetches.log").read_text().count("fetched") == 2
    ours = rev(repo, "refs/heads/gh-pages")
    assert read_file(repo, "gh-pages", next(iter(DAY2))) is not None
    assert ours != rev(bare, "refs/heads/gh-pages")
    assert git(bare, "log", "-1", "--format=%s", "gh-pages") == "move"  # theirs, not forced


def test_no_retries_keeps_the_old_one_line_rejection(repo, bare, tmp_path):
    publish(repo, DAY1, remote="origin", push=True)
    push_from_other(tmp_path, bare, "extra.md", "x\n")
    with pytest.raises(PushRejected, match=r"rejected \(fetch first\)"):
        publish(repo, DAY2, remote="origin", push=True)
