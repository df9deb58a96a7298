"""A branch checked out in any worktree is never moved: publish and squash refuse it."""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import Result
from conftest import USER, commit, git, make_repo

from statusbot.errors import PublishError
from statusbot.gitpages.publish import publish_site
from statusbot.gitpages.refs import git_dir_of
from statusbot.gitpages.squash import squash_history
from statusbot.gitpages.worktrees import holders

WHEN = datetime(2026, 2, 8, 9, 30, tzinfo=UTC)
FIX = (
    "statusbot never moves a checked-out branch: "
    "publish to another branch, e.g. gh-pages, or from a clone"
)


def project(tmp_path: Path, branch: str) -> Path:
    """Lay out an `app` source, a `site` repo on main and a config publishing to `branch` /docs."""
    app = make_repo(tmp_path / "app")
    commit(app, "Add the parser", WHEN)
    site = make_repo(tmp_path / "site")
    commit(site, "Site", WHEN - timedelta(days=1), filename="README.md")
    (tmp_path / "statusbot.yml").write_text(
        f"timezone: UTC\npeople:\n  - name: Dev One\n    emails: [{USER[1]}]\n"
        "sources:\n  git: [app]\n  junit: []\n  coverage: []\n"
        f"publish:\n  repo: site\n  branch: {branch}\n  path: /docs\n  remote: null\n"
    )
    return site


def dirty(checkout: Path) -> None:
    """Leave staged and unstaged work in a checkout, as a person in the middle of a change."""
    (checkout / "staged.txt").write_text("staged\n")
    git(checkout, "add", "staged.txt")
    (checkout / "README.md").write_text("unstaged edit\n")
    (checkout / "new.txt").write_text("untracked\n")


def snapshot(checkout: Path) -> dict[str, object]:
    """Return what must not change: every ref, the index, status, HEAD and the files."""
    index = git_dir_of(checkout) / "index"
    return {
        "refs": git(checkout, "for-each-ref", "--format=%(refname) %(objectname)"),
        "head": git(checkout, "symbolic-ref", "-q", "HEAD"),
        "index": hashlib.sha256(index.read_bytes()).hexdigest(),
        "status": git(checkout, "status", "--porcelain", "-uall"),
        "files": {
            str(p.relative_to(checkout)): p.read_bytes()
            for p in sorted(checkout.rglob("*"))
            if p.is_file() and ".git" not in p.relative_to(checkout).parts
        },
    }


def test_publish_to_the_checked_out_branch_is_refused(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    site = project(tmp_path, "main")
    dirty(site)
    git(site, "status")  # let status refresh the index once, before the snapshot
    before = snapshot(site)

    result = run_cli(tmp_path, "--date", "2026-02-08", "publish")

    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        f"Error: publish.branch 'main' is checked out in the worktree at {site}, and {FIX}"
    )
    assert snapshot(site) == before
    assert git(site, "log", "--format=%s", "main") == "Site"


def test_branch_checked_out_in_a_linked_worktree_is_refused(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    site = project(tmp_path, "gh-pages")
    assert run_cli(tmp_path, "--date", "2026-02-07", "publish").exit_code == 0
    linked = tmp_path / "pages-checkout"
    git(site, "worktree", "add", "-q", str(linked), "gh-pages")
    dirty(linked)
    git(linked, "status")
    before, before_main = snapshot(linked), snapshot(site)

    result = run_cli(tmp_path, "--date", "2026-02-08", "publish")

    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        f"Error: publish.branch 'gh-pages' is checked out in the worktree at {linked}, and {FIX}"
    )
    assert snapshot(linked) == before
    assert snapshot(site) == before_main

    git(site, "worktree", "remove", "--force", str(linked))
    again = run_cli(tmp_path, "--date", "2026-02-08", "publish")
    assert again.exit_code == 0, again.output
    assert "2026-02-08" in git(site, "ls-tree", "-r", "--name-only", "gh-pages")


def test_a_detached_worktree_elsewhere_does_not_block(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    site = project(tmp_path, "gh-pages")
    git(site, "worktree", "add", "-q", "--detach", str(tmp_path / "detached"), "main")

    result = run_cli(tmp_path, "--date", "2026-02-08", "publish")

    assert result.exit_code == 0, result.output
    assert git(site, "rev-parse", "--verify", "-q", "gh-pages")


def test_squash_refuses_a_checked_out_branch(tmp_path: Path) -> None:
    site = make_repo(tmp_path / "site")
    for day in range(5):
        commit(site, f"day {day}", WHEN - timedelta(days=60 - day))
    tip = git(site, "rev-parse", "main")

    with pytest.raises(PublishError, match=r"'main' is checked out in the worktree at "):
        squash_history(site, "main", older_than=WHEN - timedelta(days=30))
    assert git(site, "rev-parse", "main") == tip


def test_holders_agree_with_git_branch_force(tmp_path: Path) -> None:
    """Every branch holders() names, `git branch -f` refuses to move, and the reverse."""
    repo = make_repo(tmp_path / "repo")
    commit(repo, "one", WHEN)
    for name in ("linked", "rebased", "bisected", "free", "detached"):
        git(repo, "branch", name)
    git(repo, "worktree", "add", "-q", str(tmp_path / "wt-linked"), "linked")
    git(repo, "worktree", "add", "-q", str(tmp_path / "wt-rebase"), "rebased")
    git(repo, "worktree", "add", "-q", "--detach", str(tmp_path / "wt-detached"), "detached")
    git(repo, "worktree", "add", "-q", str(tmp_path / "wt-bisect"), "bisected")
    # A rebase stopped halfway detaches HEAD but still holds the branch, as git sees it.
    rebase_dir = git_dir_of(tmp_path / "wt-rebase") / "rebase-merge"
    rebase_dir.mkdir()
    (rebase_dir / "head-name").write_text("refs/heads/rebased\n")
    git(tmp_path / "wt-rebase", "checkout", "-q", "--detach")
    (rebase_dir / "head-name").write_text("refs/heads/rebased\n")
    git(tmp_path / "wt-bisect", "bisect", "start")
    git(tmp_path / "wt-bisect", "checkout", "-q", "--detach")

    held = holders(git_dir_of(repo))

    assert held == {
        "refs/heads/main": repo,
        "refs/heads/linked": tmp_path / "wt-linked",
        "refs/heads/rebased": tmp_path / "wt-rebase",
        "refs/heads/bisected": tmp_path / "wt-bisect",
    }
    for name in ("main", "linked", "rebased", "bisected", "free", "detached"):
        moved = subprocess.run(
            ["git", "-C", str(repo), "branch", "-f", name, "HEAD"], capture_output=True, check=False
        )
        assert (moved.returncode != 0) == (f"refs/heads/{name}" in held), name


def test_bare_repository_has_no_checked_out_branch(tmp_path: Path) -> None:
    bare = tmp_path / "bare.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))

    result = publish_site(bare, {"index.md": b"x\n"}, branch="main", message="Publish")

    assert result.commit == git(bare, "rev-parse", "main")
    assert holders(bare) == {}
