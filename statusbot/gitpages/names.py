"""Branch names and site paths as git accepts them, checked in pure Python (no process)."""

from __future__ import annotations

import re

from statusbot.errors import PublishError

# Characters git refuses anywhere in a ref name: controls, space, ~ ^ : ? * [ and backslash.
_BAD_CHARS = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]")


def branch_problem(name: object) -> str | None:
    """Return why `name` can't be a branch to publish to (git's `check-ref-format --branch`)."""
    if not isinstance(name, str) or not name:
        return "a branch name can't be empty"
    if name == "HEAD" or name == "@":
        return f"{name!r} names the checked-out commit, not a branch; use e.g. gh-pages"
    if name.startswith("refs/heads/"):
        return f"write the branch name without refs/heads/: {name[len('refs/heads/') :]!r}"
    if name.startswith("refs/"):
        return f"{name!r} would be a branch named like a ref; use a plain name such as gh-pages"
    if name.startswith("-"):
        return f"{name!r} is not a valid branch name (starts with '-')"
    reason = _refname_problem(name)
    return f"{name!r} is not a valid branch name ({reason})" if reason else None


def _refname_problem(name: str) -> str | None:
    """Return which of git's ref-name rules `refs/heads/<name>` breaks, or None."""
    bad = _BAD_CHARS.search(name)
    if bad:
        return f"contains {bad.group()!r}"
    if ".." in name:
        return "contains '..'"
    if "@{" in name:
        return "contains '@{'"
    if name.startswith("/") or name.endswith("/") or "//" in name:
        return "has an empty part between slashes"
    if name.endswith("."):
        return "ends with '.'"
    for part in name.split("/"):
        if part.startswith("."):
            return "a part starts with '.'"
        if part.endswith(".lock"):
            return "a part ends with '.lock'"
    return None


def check_branch(name: str) -> None:
    """Raise PublishError unless `name` is a branch statusbot may publish to."""
    problem = branch_problem(name)
    if problem:
        raise PublishError(f"publish.branch: {problem}")


def check_path(path: str, what: str) -> str:
    """Return `path` without outer slashes, or raise PublishError if it could escape the tree."""
    clean = path.strip("/")
    parts = clean.split("/")
    if (
        not clean
        or "\\" in clean
        or any(ord(c) < 0x20 for c in clean)
        or any(p in ("", ".", "..") or p.lower() == ".git" for p in parts)
    ):
        raise PublishError(f"{what} {path!r} is not a relative path inside the site")
    return clean
