"""The no-change shortcut: same inputs and an unmoved branch tip mean nothing to render.

Two checks. Before collecting, a cheap snapshot of the inputs (the source repositories' ref
files, the report files' sizes and times, the records ref's tip, the day, the config, the
templates) read without starting a process; when it equals the last run's and the Pages branch
is where that run left it, the run ends there. When GitHub is in play the snapshot can't see its
facts, so the run collects and compares a fingerprint of the facts instead.
"""

from __future__ import annotations

import glob
import hashlib
import importlib.util
import json
import os
from datetime import date
from pathlib import Path

from statusbot.config import Config
from statusbot.gitpages import locate
from statusbot.model import Facts
from statusbot.store import Store

LAST_RUN = "last-publish.json"
# Store files a publish run writes itself (the summaries cache), and the records ref where it
# commits baselines: their state is taken after the run, so its own writes don't defeat the
# next shortcut.
OWN_FILES = ("summaries.json",)
_PACKAGE = Path(__file__).resolve().parent.parent


def fingerprint(config: Config, facts: Facts, extra: str, push: bool) -> str:
    """Return a digest of everything a page depends on besides the Pages branch itself."""
    from statusbot import __version__

    digest = hashlib.sha256()
    for part in (__version__, repr(config), extra, str(push)):
        digest.update(part.encode("utf-8") + b"\0")
    digest.update(json.dumps(facts.to_dict(), sort_keys=True, default=str).encode("utf-8"))
    _templates(config, digest)
    return digest.hexdigest()


def snapshot(config: Config, store: Store, day: date, push: bool, remote: str | None) -> str | None:
    """Return a digest of the run's inputs read without a process, or None if it can't decide.

    None when GitHub is in play (its facts can only be had by asking), or when a source
    repository can't be read this way (missing, or refs kept in reftable).
    """
    from statusbot import __version__

    if _github_in_play(config):
        return None
    digest = hashlib.sha256()
    for part in (__version__, repr(config), day.isoformat(), str(push), str(remote)):
        digest.update(part.encode("utf-8") + b"\0")
    branch = config.publish.branch
    for repo in config.sources.git:
        refs = locate.ref_state(repo, lambda ref: _is_branch(ref, branch))
        if refs is None:
            return None
        digest.update(f"repo\0{repo}\0".encode() + refs + b"\0")
    patterns = (*config.sources.junit, *config.sources.coverage, *config.sources.metrics)
    for pattern in patterns:
        full = pattern if Path(pattern).is_absolute() else str(config.base / pattern)
        for name in sorted(glob.glob(full, recursive=True)):
            digest.update(_stat(Path(name)))
    if not config.people:  # the people come from git config: its files decide them
        for path in _identity_files(config.publish.repo):
            digest.update(_stat(path))
    _templates(config, digest)
    return digest.hexdigest()


def own_files(store: Store) -> str:
    """Return a digest of what the run writes itself (the records ref: baselines), as it is now.

    Anyone else's record moves the records ref too, so a note makes the next run collect.
    """
    own = b"".join(_stat(store.root / name) for name in OWN_FILES)
    return hashlib.sha256(own + str(store.records_tip()).encode()).hexdigest()


def pages_refs(config: Config) -> dict[str, str]:
    """Return {repo and ref: commit} of the Pages branch and its remote copies in the sources.

    The snapshot leaves these refs out (our own commits move them); the last run records them
    as they were before it, so the next run can tell a commit of someone else (work on main,
    say, with publish.branch: main) from its own.
    """
    found: dict[str, str] = {}
    for repo in config.sources.git:
        for ref, sha in (locate.branch_refs(repo, config.publish.branch) or {}).items():
            found[f"{repo}\0{ref}"] = sha
    return found


def unchanged(
    config: Config, store: Store, snap: str, remote: str | None, pages: dict[str, str]
) -> str | None:
    """Return the branch tip when the last run saw this very snapshot and the tip hasn't moved.

    `pages` are the Pages refs of the sources now: each must be where the last run found it or
    at the tip it left.
    """
    last = store.load_json(LAST_RUN)
    if last.get("snapshot") != snap or last.get("own") != own_files(store):
        return None
    before = last.get("pages")
    if not isinstance(before, dict) or set(before) - set(pages):
        return None
    if any(sha not in (before.get(name), last.get("tip")) for name, sha in pages.items()):
        return None
    return _unmoved(config, last, remote)


def unchanged_tip(config: Config, store: Store, key: str, remote: str | None) -> str | None:
    """Return the branch tip when the last run published these very facts and it has not moved."""
    last = store.load_json(LAST_RUN)
    if last.get("key") != key:
        return None
    return _unmoved(config, last, remote)


def remember(
    config: Config,
    store: Store,
    key: str,
    snap: str | None,
    remote: str | None,
    pages: dict[str, str] | None = None,
) -> None:
    """Record the inputs and the branch tip of a completed run, for the next run's shortcut.

    `snap` is None when the run's snapshot must not be trusted next time (GitHub in play, or
    a source failing: the stale banner depends on the time). `pages` are the sources' Pages
    refs as the run found them before collecting (see pages_refs).
    """
    local, _tracking = tips(config, remote)
    record: dict[str, object] = {"key": key, "snapshot": snap, "own": own_files(store)}
    record.update(tip=local, pages=pages if snap is not None else None)
    store.save_json(LAST_RUN, {**record, "ours": _our_tree(config, local)})


def tips(config: Config, remote: str | None) -> tuple[str | None, str | None]:
    """Return the Pages branch tip and its remote-tracking tip, read without a process if can."""
    branch = config.publish.branch
    common = locate.common_dir(config.publish.repo)
    if common is None or locate.uses_reftable(common):
        from statusbot.gitpages.refs import branch_tips

        return branch_tips(config.publish.repo, branch, remote)
    tracking = locate.read_ref(common, f"refs/remotes/{remote}/{branch}") if remote else None
    return locate.read_ref(common, f"refs/heads/{branch}"), tracking


def _unmoved(config: Config, last: dict[str, object], remote: str | None) -> str | None:
    """Return the tip when the branch still holds exactly what this config wrote last.

    The tip the last run left is enough (no process). When another writer committed since, our
    folder's tree at the new tip must be the one we left; with a remote, the remote's branch must
    still be where we last saw it (one `ls-remote`; when the remote can't be reached, nothing
    could be pushed anyway). A moved remote is fetched, so the run rebuilds over its commit.
    """
    if not last.get("tip"):
        return None
    local, tracking = tips(config, remote)
    if local is None or (remote is not None and tracking != local):
        return None
    if local != last["tip"] and (not last.get("ours") or _our_tree(config, local) != last["ours"]):
        return None
    if remote is not None and not _remote_at(config, remote, local):
        return None
    return local


def _our_tree(config: Config, tip: str | None) -> str | None:
    """Return the id of the tree of this config's folder at `tip` (None for the root)."""
    folder = config.publish.path.strip("/")
    if tip is None or not folder:
        return None  # at the root, every other writer's file is in our tree
    from statusbot.gitpages.git import Git

    proc = Git(config.publish.repo).run(
        "rev-parse", "-q", "--verify", f"{tip}:{folder}", check=False
    )
    return proc.stdout.decode().strip() or None


def _remote_at(config: Config, remote: str, tip: str) -> bool:
    """Return whether the remote's branch is at `tip`; fetch it when it moved."""
    from statusbot.errors import StatusbotError
    from statusbot.gitpages.git import Git
    from statusbot.gitpages.push import fetch_branch, remote_tip

    git = Git(config.publish.repo)
    try:
        theirs = remote_tip(git, remote, config.publish.branch)
        if theirs is None or theirs == tip:
            return True
        fetch_branch(git, remote, config.publish.branch)
    except StatusbotError:
        return True  # unreachable: nothing can be pushed now, the page stays as it is
    return False


def _github_in_play(config: Config) -> bool:
    """Return whether a person has a GitHub login and PyGithub can be imported."""
    if not any(p.github for p in config.people):
        return False
    return importlib.util.find_spec("github") is not None


def _is_branch(ref: str, branch: str) -> bool:
    """Return whether ref is the Pages branch or a remote's copy of it (our runs move those)."""
    return ref == f"refs/heads/{branch}" or (
        ref.startswith("refs/remotes/") and ref.endswith(f"/{branch}")
    )


def _identity_files(repo: Path) -> list[Path]:
    """Return the git config files that can hold the checkout's user.name and user.email."""
    home = Path.home()
    xdg = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config")
    files = [
        Path(os.environ.get("GIT_CONFIG_GLOBAL") or home / ".gitconfig"),
        xdg / "git" / "config",
        Path(os.environ.get("GIT_CONFIG_SYSTEM") or "/etc/gitconfig"),
    ]
    own, common = locate.git_dir(repo), locate.common_dir(repo)
    files += [d / name for d in (own, common) if d for name in ("config", "config.worktree")]
    return files


def _templates(config: Config, digest: hashlib._Hash) -> None:
    """Add the built-in and the user's templates' names, times and sizes to digest."""
    roots = [_data_dir("templates"), _data_dir("site"), _data_dir("_config.yml")]
    if config.templates_dir is not None:
        roots.append(config.templates_dir)
    for root in roots:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            digest.update(_stat(path))


def _data_dir(name: str) -> Path:
    """Return a built-in data folder or file, as statusbot.render.data_dir (without Jinja2)."""
    installed = _PACKAGE / "_data" / name
    return installed if installed.exists() else _PACKAGE.parent / name


def _stat(path: Path) -> bytes:
    """Return a file's name, time and size as bytes ('-' when missing)."""
    try:
        stat = path.stat()
    except OSError:
        return f"{path}\0-\0".encode()
    return f"{path}\0{stat.st_mtime_ns}\0{stat.st_size}\0".encode()
