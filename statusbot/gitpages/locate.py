"""Find a checkout's git directories without starting git (the no-change cycle runs often)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path


def git_dir(path: Path) -> Path | None:
    """Return the git directory of the checkout (or bare repository) holding path, else None."""
    here = Path(path).expanduser().resolve()
    for folder in (here, *here.parents):
        dot = folder / ".git"
        if dot.is_dir():
            return dot
        if dot.is_file():
            text = dot.read_text(encoding="utf-8", errors="replace").strip()
            if text.startswith("gitdir:"):
                target = Path(text.removeprefix("gitdir:").strip())
                return (folder / target).resolve() if not target.is_absolute() else target
            return None
        if _is_bare(folder):
            return folder
    return None


def common_dir(path: Path) -> Path | None:
    """Return the repository's common git directory (shared by all its worktrees), else None."""
    found = git_dir(path)
    if found is None:
        return None
    pointer = found / "commondir"
    if pointer.is_file():
        target = Path(pointer.read_text(encoding="utf-8").strip())
        return (found / target).resolve() if not target.is_absolute() else target
    return found


def _is_bare(folder: Path) -> bool:
    return (
        (folder / "HEAD").is_file() and (folder / "objects").is_dir() and (folder / "refs").is_dir()
    )


def uses_reftable(common: Path) -> bool:
    """Return whether the repository keeps its refs in reftable files (not readable here)."""
    return (common / "reftable").is_dir()


def read_ref(common: Path, name: str) -> str | None:
    """Return the commit a ref names, read from loose refs or packed-refs, else None."""
    for _ in range(5):  # a symbolic ref points at another ref; follow a few
        loose = common / name
        try:
            text = loose.read_text(encoding="utf-8").strip()
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            text = _packed(common).get(name, "")
        if not text.startswith("ref:"):
            return text or None
        name = text.removeprefix("ref:").strip()
    return None


def _packed(common: Path) -> dict[str, str]:
    """Return {ref: commit} from packed-refs (peeled `^` lines skipped)."""
    try:
        lines = (common / "packed-refs").read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return {}
    refs = {}
    for line in lines:
        if line and line[0] not in "#^":
            sha, _, ref = line.partition(" ")
            refs[ref] = sha
    return refs


def branch_refs(path: Path, branch: str) -> dict[str, str] | None:
    """Return {ref: commit} of `branch` and every remote's copy of it in the repo at path.

    None when there is no repository there or its refs are in reftable.
    """
    common = common_dir(path)
    if common is None or uses_reftable(common):
        return None

    def wanted(ref: str) -> bool:
        if ref == f"refs/heads/{branch}":
            return True
        return ref.startswith("refs/remotes/") and ref.endswith(f"/{branch}")

    found = {ref: sha for ref, sha in _packed(common).items() if wanted(ref)}
    for top, _dirs, files in os.walk(common / "refs" / "remotes"):
        for name in files:
            ref = os.path.relpath(os.path.join(top, name), common).replace(os.sep, "/")
            if wanted(ref):
                found[ref] = ""
    found[f"refs/heads/{branch}"] = ""
    refs = {}
    for ref in found:
        sha = read_ref(common, ref)
        if sha:
            refs[ref] = sha
    return refs


def ref_state(path: Path, skip: Callable[[str], bool]) -> bytes | None:
    """Return the bytes of every ref file of the repo at path (HEAD, refs/, packed-refs, shallow).

    Refs for which `skip(name)` holds are left out. None when there is no repository there, or
    its refs are in a form this reader does not know (reftable).
    """
    own = git_dir(path)
    common = common_dir(path)
    if own is None or common is None or uses_reftable(common):
        return None
    parts = []
    for folder in dict.fromkeys((own, common)):
        for name in ("HEAD", "shallow"):
            parts.append(_read_bytes(folder / name))
    packed = _read_bytes(common / "packed-refs")
    parts += [line for line in packed.splitlines() if not skip(line.partition(b" ")[2].decode())]
    refs = common / "refs"
    for top, _dirs, files in sorted(os.walk(refs)):
        for name in sorted(files):
            ref = os.path.relpath(os.path.join(top, name), common).replace(os.sep, "/")
            if not skip(ref):
                parts.append(ref.encode() + b"\0" + _read_bytes(common / ref))
    return b"\n".join(parts)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return b"-"
