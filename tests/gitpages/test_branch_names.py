"""Branch names as git accepts them: the pure check beside `git check-ref-format --branch`."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from statusbot import config
from statusbot.errors import ConfigError, PublishError
from statusbot.gitpages.names import branch_problem, check_branch

NAMES = [
    "gh-pages", "main", "pages/status", "a.b", "v1.0", "é-ünïcode", "x@y", "a/b/c", "_x", "A",
    "a{b}", "a!b", "a,b", "a=b", "a'b", "a+b", "(x)", "@x", "x@", "a.lock.b", "lock",
    "", "-x", "a..b", "a/.b", ".a", "a.", "a.lock", "a.lock/b", "x/", "/x", "a//b", "a b",
    "a\tb", "a\x7fb", "a~b", "a^b", "a:b", "a?b", "a*b", "a[b", "a\\b", "a@{b", "@{-1}",
    "a/./b", "a/../b", "..", ".",
]  # fmt: skip
# Names git takes as branch names that would still make a Pages branch people trip over.
REFUSED_THOUGH_GIT_TAKES = {"@", "refs/heads/x", "refs/tags/v1"}


def git_accepts(name: str, cwd: Path) -> bool:
    """Return whether `git check-ref-format --branch` accepts `name` (outside any repository)."""
    done = subprocess.run(
        ["git", "check-ref-format", "--branch", name],
        cwd=cwd,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "GIT_CEILING_DIRECTORIES": str(cwd.parent), "HOME": str(cwd)},
        check=False,
    )
    return done.returncode == 0


@pytest.mark.parametrize("name", NAMES)
def test_check_agrees_with_git(name: str, tmp_path: Path) -> None:
    assert (branch_problem(name) is None) == git_accepts(name, tmp_path), name


@pytest.mark.parametrize("name", sorted(REFUSED_THOUGH_GIT_TAKES))
def test_names_git_takes_but_statusbot_refuses(name: str, tmp_path: Path) -> None:
    assert git_accepts(name, tmp_path)
    assert branch_problem(name) is not None


def test_head_is_refused_as_git_does(tmp_path: Path) -> None:
    assert not git_accepts("HEAD", tmp_path)
    assert branch_problem("HEAD") == (
        "'HEAD' names the checked-out commit, not a branch; use e.g. gh-pages"
    )


def test_messages_say_what_to_write() -> None:
    assert branch_problem("refs/heads/pages") == (
        "write the branch name without refs/heads/: 'pages'"
    )
    assert branch_problem("a..b") == "'a..b' is not a valid branch name (contains '..')"
    assert (
        branch_problem("x.lock") == "'x.lock' is not a valid branch name (a part ends with '.lock')"
    )
    with pytest.raises(PublishError, match=r"^publish.branch: 'a b' is not a valid branch name"):
        check_branch("a b")


@pytest.mark.parametrize(
    ("branch", "problem"),
    [
        ("HEAD", "'HEAD' names the checked-out commit, not a branch; use e.g. gh-pages"),
        ("refs/heads/x", "write the branch name without refs/heads/: 'x'"),
        ("bad..name", "'bad..name' is not a valid branch name (contains '..')"),
    ],
)
def test_config_load_refuses_bad_branch(tmp_path: Path, branch: str, problem: str) -> None:
    path = tmp_path / "statusbot.yml"
    path.write_text(f"publish:\n  branch: '{branch}'\n", encoding="utf-8")

    with pytest.raises(ConfigError) as caught:
        config.load(path, tmp_path)

    assert caught.value.message == f"{path}: publish.branch: {problem}"
