"""Refs: read them without a process, move them by compare-and-swap, find a checkout's git dir.

Reading a ref costs a file read or two (the loose ref, else packed-refs), which is what the
no-change cycle needs; a repository git stores in a reftable is read through git instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from statusbot.errors import PublishError
from statusbot.gitpages.git import Git, GitError

_OID = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")
# Refs git keeps per worktree (in the worktree's own git dir); every other ref is shared.
_PER_WORKTREE = ("refs/bisect/", "refs/worktree/", "refs/rewritten/")
_MAX_SYMREF_DEPTH = 5  # as git's own resolver


@dataclass(frozen=True)
class RepoDirs:
    """Where a repository keeps its files, and its object format."""

    git_dir: Path
    common_dir: Path
    object_format: str


def repo_dirs(git: Git) -> RepoDirs:
    """Return the git dir, common dir and object format of `git`'s repository (one process)."""
    out = git.run(
        "rev-parse", "--path-format=absolute", "--absolute-git-dir", "--git-common-dir",
        "--show-object-format",
    ).stdout.decode("utf-8", "surrogateescape")  # fmt: skip
    git_dir, common, algo = out.splitlines()
    if algo not in ("sha1", "sha256"):
        raise PublishError(f"{git.repo} uses object format {algo!r}; only sha1/sha256 work")
    return RepoDirs(Path(git_dir), Path(common), algo)


def git_dir_of(path: Path) -> Path:
    """Return the git dir of the checkout (or bare repository) at `path`, seldom asking git."""
    path = Path(path).expanduser().absolute()
    dot_git = path / ".git"
    if dot_git.is_dir():
        return dot_git
    if dot_git.is_file():  # a linked worktree or a submodule: "gitdir: <path>"
        text = dot_git.read_text(encoding="utf-8", errors="surrogateescape").strip()
        if text.startswith("gitdir:"):
            target = Path(text[len("gitdir:") :].strip())
            return target if target.is_absolute() else (path / target).resolve()
    out = Git(path).run("rev-parse", "--path-format=absolute", "--absolute-git-dir").stdout
    return Path(out.decode("utf-8", "surrogateescape").strip())


def common_dir(git_dir: Path) -> Path:
    """Return the directory a worktree's git dir shares with the others (itself for the main)."""
    pointer = Path(git_dir) / "commondir"
    if not pointer.is_file():
        return Path(git_dir)
    target = Path(pointer.read_text(encoding="utf-8", errors="surrogateescape").strip())
    return target if target.is_absolute() else (Path(git_dir) / target).resolve()


def git_common_dir(repo: Path) -> Path:
    """Return the common git dir of the repository at `repo` (where shared refs and the store live).

    Raises GitError when `repo` is not a git repository.
    """
    return common_dir(git_dir_of(repo))


def read_ref(git_dir: Path, ref: str) -> str | None:
    """Return the object id `ref` points at (following symbolic refs), or None; no process.

    `git_dir` is a worktree's git dir: HEAD and per-worktree refs are read there, shared refs
    in its common dir (loose first, then packed-refs).
    """
    git_dir = Path(git_dir)
    shared = common_dir(git_dir)
    if (shared / "reftable").is_dir():
        return _read_ref_with_git(git_dir, ref)
    for _ in range(_MAX_SYMREF_DEPTH + 1):
        if not _is_ref_name(ref):
            return None
        home = git_dir if _per_worktree(ref) else shared
        value = _read_loose(home / ref)
        if value is None and home == shared:
            value = _read_packed(shared, ref)
        if value is None:
            return None
        if not value.startswith("ref:"):
            return value if _OID.match(value) else None
        ref = value[len("ref:") :].strip()
    return None


def _is_ref_name(ref: str) -> bool:
    """Return True for HEAD-like names and refs/... names that can't leave the git dir."""
    if re.fullmatch(r"[A-Z][A-Z0-9_]*", ref):
        return True
    parts = ref.split("/")
    return ref.startswith("refs/") and all(p and not p.startswith(".") for p in parts)


def _per_worktree(ref: str) -> bool:
    """Return True for refs each worktree keeps on its own (HEAD, ORIG_HEAD, refs/bisect/...)."""
    return "/" not in ref or ref.startswith(_PER_WORKTREE)


def _read_loose(path: Path) -> str | None:
    """Return a loose ref file's content, or None when there is no such file."""
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None


def _read_packed(shared: Path, ref: str) -> str | None:
    """Return the object id packed-refs gives `ref`, or None."""
    try:
        data = (shared / "packed-refs").read_bytes()
    except FileNotFoundError:
        return None
    needle = b" " + ref.encode("utf-8", "surrogateescape")
    for line in data.splitlines():
        if line.endswith(needle) and not line.startswith((b"#", b"^")):
            oid = line[: -len(needle)].decode("ascii", "replace")
            return oid if _OID.match(oid) else None
    return None


def _read_ref_with_git(git_dir: Path, ref: str) -> str | None:
    """Return what `git rev-parse` says `ref` is (for ref stores not read here), or None."""
    git = Git(git_dir)
    proc = git.run("rev-parse", "-q", "--verify", "--end-of-options", ref, check=False)
    return proc.stdout.decode().strip() or None if proc.returncode == 0 else None


def branch_tips(repo: Path, branch: str, remote: str | None) -> tuple[str | None, str | None]:
    """Return the commits of the branch and of its remote-tracking branch (None if missing)."""
    from statusbot.gitpages.names import check_branch

    check_branch(branch)
    git_dir = git_dir_of(repo)
    local = read_ref(git_dir, f"refs/heads/{branch}")
    tracking = read_ref(git_dir, f"refs/remotes/{remote}/{branch}") if remote else None
    return local, tracking


def read_refs(git: Git, *refs: str | None) -> dict[str, tuple[str, str]]:
    """Return {ref: (commit, tree)} for those of `refs` that exist and point at commits."""
    names = [r for r in refs if r]
    fmt = "--format=%(refname) %(objecttype) %(objectname) %(tree)"
    proc = git.run("for-each-ref", fmt, *names)
    found: dict[str, tuple[str, str]] = {}
    for line in proc.stdout.decode().splitlines():
        name, kind, oid, tree = line.split(" ")
        if name in names:
            if kind != "commit":
                raise PublishError(f"{name} in {git.repo} points at a {kind}, not a commit")
            found[name] = (oid, tree)
    return found


def update_ref(git: Git, ref: str, new: str, old: str | None, message: str = "") -> None:
    """Move `ref` from `old` (None: must not exist) to `new` atomically, or raise PublishError."""
    expected = old or "0" * len(new)
    reason = f"statusbot publish: {message.splitlines()[0] if message.strip() else new[:7]}"
    proc = git.run("update-ref", "-m", reason, ref, new, expected, check=False)
    if proc.returncode == 0:
        return
    now = read_refs(git, ref).get(ref)
    if (now[0] if now else None) != old:
        found = now[0][:7] if now else "deleted"
        was = old[:7] if old else "absent"
        raise PublishError(
            f"{ref} in {git.repo} moved while publishing (was {was}, now {found}); "
            "the branch was left as it is: run again"
        )
    raise GitError(git.failure("update-ref", proc.stderr))
