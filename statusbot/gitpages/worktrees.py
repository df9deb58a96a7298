"""Which worktree holds a branch: a branch checked out anywhere is never moved by statusbot.

Read from the files git keeps per worktree, as git's own check does (HEAD, a rebase's
head-name, BISECT_START), without starting a process.
"""

from __future__ import annotations

import re
from pathlib import Path

from statusbot.errors import PublishError
from statusbot.gitpages.refs import common_dir

_TRUE = ("true", "yes", "on", "1", "")


def holders(git_dir: Path) -> dict[str, Path]:
    """Return {ref: worktree path} for every branch some worktree of the repository holds."""
    shared = common_dir(Path(git_dir))
    trees: list[tuple[Path, Path]] = []
    if not _is_bare(shared):
        trees.append((shared, shared.parent if shared.name == ".git" else shared))
    linked = shared / "worktrees"
    if linked.is_dir():
        for admin in sorted(linked.iterdir()):
            if (admin / "HEAD").is_file():
                pointer = _read(admin / "gitdir")
                trees.append((admin, Path(pointer).parent if pointer else admin))
    held: dict[str, Path] = {}
    for admin, path in trees:
        for ref in _held_refs(admin):
            held.setdefault(ref, path)
    return held


def _held_refs(admin: Path) -> list[str]:
    """Return the branches one worktree holds: its HEAD, a branch being rebased or bisected."""
    refs = []
    head = _read(admin / "HEAD")
    if head and head.startswith("ref:"):
        refs.append(head[len("ref:") :].strip())
    for name in ("rebase-merge/head-name", "rebase-apply/head-name"):
        target = _read(admin / name)
        if target and target.startswith("refs/heads/"):
            refs.append(target)
    bisected = _read(admin / "BISECT_START")
    if bisected:
        refs.append(f"refs/heads/{bisected}")
    return refs


def _is_bare(shared: Path) -> bool:
    """Return True when the repository's config says core.bare (a bare repo has no worktree)."""
    text = _read(shared / "config") or ""
    section, bare = "", False
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].split(";", 1)[0].strip()
        header = re.match(r"^\[\s*([A-Za-z0-9.-]+)\s*\]", line)
        if header:
            section = header.group(1).lower()
            line = line[header.end() :].strip()
        key, _, value = line.partition("=")
        if section == "core" and key.strip().lower() == "bare":
            bare = value.strip().lower() in _TRUE  # the last setting wins, as in git
    return bare


def _read(path: Path) -> str | None:
    """Return a small file's stripped text, or None when it can't be read."""
    try:
        return path.read_text(encoding="utf-8", errors="surrogateescape").strip()
    except OSError:
        return None


def refuse_checked_out(git_dir: Path, branch: str) -> None:
    """Raise PublishError when `branch` is checked out (or rebased, bisected) in a worktree."""
    where = holders(git_dir).get(f"refs/heads/{branch}")
    if where is not None:
        raise PublishError(
            f"publish.branch '{branch}' is checked out in the worktree at {where}, and "
            "statusbot never moves a checked-out branch: publish to another branch, "
            "e.g. gh-pages, or from a clone"
        )
