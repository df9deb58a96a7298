"""Write the site into the Pages branch with git plumbing, and push it: the only git writer.

The branch is never checked out: blobs go in through ``git fast-import``, the tree is built in a
temporary index under the git dir, the commit by ``git commit-tree``, and the branch moves by a
compare-and-swap ``git update-ref``. The user's working tree, index and HEAD are never touched,
and a branch checked out in any worktree is refused.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from statusbot import checkpoint
from statusbot.errors import PublishError
from statusbot.gitpages.commits import (
    commit_identity,
    commit_tree,
    identity_env,
    with_trailer,
)
from statusbot.gitpages.git import Git
from statusbot.gitpages.manifest import claim
from statusbot.gitpages.names import check_branch, check_path
from statusbot.gitpages.push import PushRejected, fetch_branch, push_branch, remote_url
from statusbot.gitpages.refs import RepoDirs, read_refs, repo_dirs, update_ref
from statusbot.gitpages.tree import (
    FILE_MODE,
    blob_id,
    build_tree,
    changed_paths,
    import_commit,
    ls_tree,
    write_blobs,
)
from statusbot.gitpages.worktrees import refuse_checked_out

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PublishResult:
    """What one publish did: the new commit (None if nothing changed) and the push outcome."""

    branch: str
    commit: str | None
    changed: tuple[str, ...]
    pushed: bool
    push_message: str | None
    rebuilt: int = 0  # times the commit was rebuilt on a remote that had moved


def publish_site(
    repo: Path,
    files: Mapping[str, bytes],
    *,
    branch: str = "gh-pages",
    prefix: str = "",
    message: str,
    remote: str | None = None,
    push: bool = False,
    dry_run: bool = False,
    author: tuple[str, str] | None = None,
    push_retries: int = 0,
    owner: str | None = None,
    adopt: bool = False,
) -> PublishResult:
    """Overlay `files` under `prefix` onto `branch`, commit if the tree changed, then push.

    When the push is rejected because the remote moved, the remote branch is fetched and the
    local commit rebuilt on top of it (our files overlaid on the remote's tree), up to
    `push_retries` times. The push never forces. With an `owner`, the folder keeps a manifest
    of the files it wrote and no other file is changed (unless `adopt`); see gitpages.manifest.
    """
    check_branch(branch)
    if not message.strip():
        raise PublishError("the publish commit message is empty")
    site = site_paths(files, prefix)
    git = Git(repo)
    dirs = repo_dirs(git)
    refuse_checked_out(dirs.git_dir, branch)
    ref = f"refs/heads/{branch}"
    tracking = f"refs/remotes/{remote}/{branch}" if remote else None
    refs = read_refs(git, ref, tracking)
    if ref not in refs and tracking in refs and not dry_run:
        # A fresh clone (a CI checkout) has only the remote's branch: start from it.
        update_ref(git, ref, refs[tracking][0], None, "start from the remote branch")
        refs[ref] = refs[tracking]
    if tracking in refs and ref in refs and refs[tracking] != refs[ref] and not dry_run:
        # Another writer pushed since our last push (seen by a fetch): build over their commit.
        ahead = git.run("merge-base", "--is-ancestor", refs[ref][0], refs[tracking][0], check=False)
        if ahead.returncode == 0:
            update_ref(git, ref, refs[tracking][0], refs[ref][0], "fast-forward to the remote")
            refs[ref] = refs[tracking]
    old, old_tree = refs.get(ref, (None, None))
    if owner is not None:
        base = check_path(prefix, "prefix") + "/" if prefix.strip("/") else ""
        site = claim(git, old, branch, base, site, owner, adopt)
    url = remote_url(git, remote) if push and remote else ""
    changed = sorted(site) if old is None else changed_paths(git, old, site)

    if dry_run:
        note = "dry run: nothing written or pushed"
        return PublishResult(branch, None, tuple(changed), False, note)

    commit = None
    if old is None or changed:
        fresh = {p: site[p] for p in changed}
        commit = _commit(git, dirs, ref, old, old_tree, fresh, message, author)
    head = commit or old
    if commit is None:
        changed = []

    if not push:
        return PublishResult(branch, commit, tuple(changed), False, "not pushed: push is off")
    if not remote or head is None:
        return PublishResult(branch, commit, tuple(changed), False, "not pushed: no remote set")
    remote_head = refs.get(tracking or "")
    if commit is None and remote_head is not None and remote_head[0] == head:
        note = f"not pushed: {remote}/{branch} is already at {head[:7]}"
        return PublishResult(branch, None, (), False, note)
    rebuilt = 0
    while True:
        checkpoint.reach("before-push")
        try:
            note = push_branch(git, remote, url, branch, head)
            break
        except PushRejected:
            if rebuilt >= push_retries:
                raise
        rebuilt += 1
        head, created = rebuild_on_remote(git, dirs, remote, branch, head, author)
        commit = head if created else None
    if rebuilt:
        note = f"{note}, rebuilt on the remote's commit ({rebuilt}x)"
    checkpoint.reach("pushed")
    return PublishResult(branch, commit, tuple(changed), True, note, rebuilt)


def site_paths(files: Mapping[str, bytes], prefix: str) -> dict[str, bytes]:
    """Return the files keyed by their path in the branch (prefix joined), checked."""
    base = check_path(prefix, "prefix") + "/" if prefix.strip("/") else ""
    site: dict[str, bytes] = {}
    for name, data in files.items():
        if not isinstance(data, bytes):
            raise PublishError(f"site file {name!r} must be bytes, not {type(data).__name__}")
        site[base + check_path(name, "site file")] = data
    return site


def _commit(
    git: Git,
    dirs: RepoDirs,
    ref: str,
    old: str | None,
    old_tree: str | None,
    changed: Mapping[str, bytes],
    message: str,
    author: tuple[str, str] | None,
) -> str | None:
    """Write blobs, tree and commit for `changed` on top of `old`, then move `ref`; return it."""
    env, plain = commit_identity(git, author)
    who = (env["GIT_AUTHOR_NAME"], env["GIT_AUTHOR_EMAIL"])
    # Every path in `changed` differs from `old`'s tree, so the new tree differs from it too.
    commit = import_commit(git, old, changed, with_trailer(message), who) if plain else None
    if commit is None:
        oids = {path: blob_id(data, dirs.object_format) for path, data in changed.items()}
        write_blobs(git, {oids[path]: data for path, data in changed.items()})
        entries = {path: (FILE_MODE, oid) for path, oid in oids.items()}
        tree = build_tree(git, dirs.git_dir, old_tree, entries)
        if tree == old_tree:
            return None
        parents = [old] if old else []
        commit = commit_tree(git, tree, parents, with_trailer(message), env)
    checkpoint.reach("before-ref-update")
    update_ref(git, ref, commit, old, message)
    log.info("committed %s on %s (%d files changed)", commit[:7], ref, len(changed))
    return commit


def rebuild_on_remote(
    git: Git, dirs: RepoDirs, remote: str, branch: str, local: str, author: tuple[str, str] | None
) -> tuple[str, bool]:
    """Fetch the remote branch and rebuild our changes on it; return (new head, committed)."""
    ref = f"refs/heads/{branch}"
    tracking = f"refs/remotes/{remote}/{branch}"
    last_seen = read_refs(git, tracking).get(tracking, (None, None))[0]
    fetch_branch(git, remote, branch)
    theirs, their_tree = read_refs(git, tracking).get(tracking, (None, None))
    if theirs is None:  # the remote branch is gone: the next push creates it again
        return local, False
    if git.run("merge-base", "--is-ancestor", local, theirs, check=False).returncode == 0:
        update_ref(git, ref, theirs, local, "fast-forward to the remote")
        return theirs, False
    base = git.run("merge-base", local, theirs, check=False).stdout.decode().strip()
    if not base:
        base = _unrelated_base(git, local, last_seen)
    entries = _ours_since(git, base or None, local)
    tree = build_tree(git, dirs.git_dir, their_tree, entries)
    if tree == their_tree:  # the remote already has every file of ours
        update_ref(git, ref, theirs, local, "the remote has our files")
        return theirs, False
    message = git.run("show", "-s", "--format=%B", local).stdout.decode("utf-8", "replace")
    text = with_trailer(message)
    commit = commit_tree(git, tree, [theirs], text, identity_env(git, author))
    update_ref(git, ref, commit, local, text)
    log.info("rebuilt %s on %s/%s as %s", local[:7], remote, branch, commit[:7])
    return commit, True


def _unrelated_base(git: Git, local: str, last_seen: str | None) -> str:
    """Return where our own changes start when the remote's history was rewritten (squashed).

    The whole local tree would overwrite the remote's newer copies of shared files. What the
    remote held when we last saw it is the right base; else only our last commit is ours.
    """
    if last_seen:
        ancestor = git.run("merge-base", "--is-ancestor", last_seen, local, check=False)
        if ancestor.returncode == 0:
            return last_seen
    parent = git.run("rev-parse", "-q", "--verify", f"{local}^", check=False)
    return parent.stdout.decode().strip() if parent.returncode == 0 else ""


def _ours_since(git: Git, base: str | None, local: str) -> dict[str, tuple[str, str]]:
    """Return {path: (mode, oid)} of files `local` added or changed since `base` (all without)."""
    if base is None:
        return {path: (e.mode, e.oid) for path, e in ls_tree(git, local).items()}
    proc = git.run("diff-tree", "-r", "-z", "--no-renames", base, local)
    fields = proc.stdout.split(b"\0")
    entries = {}
    for meta, raw in zip(fields[0::2], fields[1::2], strict=False):
        _old_mode, mode, _old_oid, oid, status = meta.decode().lstrip(":").split(" ")
        if status != "D":
            entries[raw.decode("utf-8", "surrogateescape")] = (mode, oid)
    return entries
