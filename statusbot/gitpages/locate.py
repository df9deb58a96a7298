"""Find a checkout's git directories without starting git (the no-change cycle runs often)."""

from __future__ import annotations

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
