"""Reading refs without git: every answer checked against `git rev-parse` on real repositories."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import bare_remote, commit, git, make_repo

from statusbot.gitpages.git import GitError
from statusbot.gitpages.refs import branch_tips, common_dir, git_common_dir, git_dir_of, read_ref

WHEN = datetime(2026, 2, 8, 9, 0, tzinfo=UTC)
REFS = [
    "HEAD",
    "refs/heads/main",
    "refs/heads/gh-pages",
    "refs/heads/deep/name",
    "refs/tags/v1",
    "refs/remotes/origin/main",
    "refs/heads/missing",
    "ORIG_HEAD",
]


def rev_parse(checkout: Path, ref: str) -> str | None:
    """Return what git says `ref` points at (not peeled), or None."""
    done = subprocess.run(
        ["git", "-C", str(checkout), "rev-parse", "-q", "--verify", ref],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() or None


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Return a checkout with branches, an annotated tag and a remote-tracking branch."""
    repo = make_repo(tmp_path / "project")
    commit(repo, "one", WHEN)
    git(repo, "branch", "gh-pages")
    commit(repo, "two", WHEN)
    git(repo, "branch", "deep/name")
    git(repo, "tag", "-a", "-m", "release", "v1")
    git(repo, "update-ref", "refs/remotes/origin/main", "HEAD~1")
    return repo


def assert_agrees(checkout: Path) -> None:
    """Assert read_ref gives rev-parse's answer for every ref of REFS in `checkout`."""
    git_dir = git_dir_of(checkout)
    found = {ref: read_ref(git_dir, ref) for ref in REFS}
    assert found == {ref: rev_parse(checkout, ref) for ref in REFS}
    assert found["refs/heads/main"] is not None
    assert found["refs/heads/missing"] is None


def test_loose_refs(project: Path) -> None:
    assert not (project / ".git" / "packed-refs").exists()
    assert_agrees(project)


def test_packed_refs(project: Path) -> None:
    git(project, "pack-refs", "--all", "--prune")
    assert not (project / ".git" / "refs" / "heads" / "main").exists()
    assert_agrees(project)


def test_loose_ref_wins_over_its_packed_copy(project: Path) -> None:
    git(project, "pack-refs", "--all", "--prune")
    git(project, "update-ref", "refs/heads/gh-pages", "HEAD")  # now loose, packed copy is stale
    assert (project / ".git" / "refs" / "heads" / "gh-pages").is_file()
    assert_agrees(project)
    assert read_ref(git_dir_of(project), "refs/heads/gh-pages") == rev_parse(project, "HEAD")


def test_symbolic_detached_and_unborn_head(project: Path) -> None:
    git(project, "symbolic-ref", "refs/heads/alias", "refs/heads/gh-pages")
    assert read_ref(git_dir_of(project), "refs/heads/alias") == rev_parse(project, "gh-pages")
    git(project, "checkout", "-q", "--detach", "HEAD~1")
    assert_agrees(project)
    git(project, "checkout", "-q", "--orphan", "fresh")
    assert read_ref(git_dir_of(project), "HEAD") is None
    assert_agrees(project)


def test_linked_worktree_has_its_own_head(project: Path, tmp_path: Path) -> None:
    linked = tmp_path / "linked"
    git(project, "worktree", "add", "-q", str(linked), "gh-pages")
    git(project, "pack-refs", "--all")
    git(linked, "commit", "-q", "--allow-empty", "-m", "in the worktree")

    assert git_dir_of(linked) == project / ".git" / "worktrees" / "linked"
    assert common_dir(git_dir_of(linked)) == project / ".git"
    assert git_common_dir(linked) == project / ".git"
    assert_agrees(linked)
    assert_agrees(project)
    assert read_ref(git_dir_of(linked), "HEAD") == rev_parse(project, "gh-pages")
    assert read_ref(git_dir_of(project), "HEAD") == rev_parse(project, "main")


def test_bare_repository_and_not_a_repository(tmp_path: Path, project: Path) -> None:
    bare = bare_remote(tmp_path / "remote.git")
    git(project, "push", "-q", str(bare), "main", "gh-pages")

    assert git_dir_of(bare) == bare
    assert read_ref(bare, "refs/heads/gh-pages") == rev_parse(project, "gh-pages")
    assert read_ref(bare, "HEAD") == rev_parse(project, "main")
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(GitError, match="is not a git repository"):
        git_dir_of(plain)


def test_names_that_leave_the_git_dir_are_not_refs(project: Path) -> None:
    git_dir = git_dir_of(project)
    (git_dir / "refs" / "evil").write_text(rev_parse(project, "HEAD") or "")
    assert read_ref(git_dir, "refs/../refs/evil") is None
    assert read_ref(git_dir, "config") is None
    assert read_ref(git_dir, "refs/heads") is None  # a directory, not a ref


def test_reading_refs_starts_no_process(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    git(project, "pack-refs", "--all")
    git_dir = git_dir_of(project)
    expected = rev_parse(project, "gh-pages")

    def no_process(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"a process was started: {args}")

    monkeypatch.setattr(subprocess, "Popen", no_process)
    assert read_ref(git_dir, "refs/heads/gh-pages") == expected
    assert git_dir_of(project) == git_dir
    assert branch_tips(project, "gh-pages", "origin") == (expected, None)
