"""Write the site into the Pages branch with git plumbing, and push it: the only git writer.

The branch is never checked out: blobs go in through ``git fast-import``, the tree is built in a
temporary index under the git dir, the commit by ``git commit-tree``, and the branch moves by a
compare-and-swap ``git update-ref``. The user's working tree, index and HEAD are never touched.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from statusbot import checkpoint
from statusbot.errors import PublishError
from statusbot.gitpages.git import Git, last_line

log = logging.getLogger(__name__)

DEFAULT_IDENTITY = ("statusbot", "statusbot@localhost")
PUSH_TIMEOUT = 300  # seconds; GIT_TERMINAL_PROMPT=0 keeps push from waiting on a password
FILE_MODE = "100644"
# Up to this many paths, ls-tree is asked for just them; above it, for the whole tree.
LS_TREE_MAX_PATHS = 256
_BAD_REF_CHARS = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]")
_PUSH_REASONS = {
    "fetch first": "the remote has commits this one lacks",
    "non-fast-forward": "the remote has commits this one lacks",
    "stale info": "the remote branch changed since it was last fetched",
    "already exists": "the remote refuses to replace the branch",
}


@dataclass(frozen=True)
class PublishResult:
    """What one publish did: the new commit (None if nothing changed) and the push outcome."""

    branch: str
    commit: str | None
    changed: tuple[str, ...]
    pushed: bool
    push_message: str | None
    rebuilt: int = 0  # times the commit was rebuilt on a remote that had moved


@dataclass(frozen=True)
class _Entry:
    """One file as `git ls-tree` shows it."""

    mode: str
    type: str
    oid: str


class PushRejected(PublishError):
    """The remote refused the push because it has commits this one lacks."""


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
) -> PublishResult:
    """Overlay `files` under `prefix` onto `branch`, commit if the tree changed, then push.

    When the push is rejected because the remote moved, the remote branch is fetched and the
    local commit rebuilt on top of it (our files overlaid on the remote's tree), up to
    `push_retries` times. The push never forces.
    """
    _check_branch(branch)
    if not message.strip():
        raise PublishError("the publish commit message is empty")
    site = _site_paths(files, prefix)
    git = Git(repo)
    ref = f"refs/heads/{branch}"
    tracking = f"refs/remotes/{remote}/{branch}" if remote else None
    refs = _read_refs(git, ref, tracking)
    if ref not in refs and tracking in refs and not dry_run:
        # A fresh clone (a CI checkout) has only the remote's branch: start from it.
        _update_ref(git, ref, refs[tracking][0], None, "start from the remote branch")
        refs[ref] = refs[tracking]
    old, old_tree = refs.get(ref, (None, None))
    url = _remote_url(git, remote) if push and remote else ""
    changed = sorted(site) if old is None else _changed_paths(git, old, site)

    if dry_run:
        note = "dry run: nothing written or pushed"
        return PublishResult(branch, None, tuple(changed), False, note)

    commit = None
    if old is None or changed:
        commit = _commit(git, ref, old, old_tree, {p: site[p] for p in changed}, message, author)
    head = commit or old
    if commit is None:
        changed = []

    if not push:
        return PublishResult(branch, commit, tuple(changed), False, "not pushed: push is off")
    if not remote:
        return PublishResult(branch, commit, tuple(changed), False, "not pushed: no remote set")
    remote_head = refs.get(tracking or "")
    if commit is None and remote_head is not None and remote_head[0] == head:
        note = f"not pushed: {remote}/{branch} is already at {head[:7]}"
        return PublishResult(branch, None, (), False, note)
    rebuilt = 0
    while True:
        checkpoint.reach("before-push")
        try:
            note = _push(git, remote, url, branch, head)
            break
        except PushRejected:
            if rebuilt >= push_retries:
                raise
        rebuilt += 1
        head, created = _rebuild_on_remote(git, remote, branch, head, author)
        commit = head if created else None
    if rebuilt:
        note = f"{note}, rebuilt on the remote's commit ({rebuilt}x)"
    checkpoint.reach("pushed")
    return PublishResult(branch, commit, tuple(changed), True, note, rebuilt)


def branch_tips(repo: Path, branch: str, remote: str | None) -> tuple[str | None, str | None]:
    """Return the commits of the branch and of its remote-tracking branch (None if missing)."""
    _check_branch(branch)
    git = Git(repo)
    ref = f"refs/heads/{branch}"
    tracking = f"refs/remotes/{remote}/{branch}" if remote else None
    refs = _read_refs(git, ref, tracking)
    return refs.get(ref, (None,))[0], refs.get(tracking or "", (None,))[0]


def read_file(repo: Path, branch: str, path: str) -> bytes | None:
    """Return `path`'s bytes on `branch` without checkout; None if branch or file is missing."""
    _check_branch(branch)
    path = _check_path(path, "path")
    git = Git(repo)
    proc = git.run("cat-file", "--batch", input=f"refs/heads/{branch}:{path}\n".encode())
    header, _, rest = proc.stdout.partition(b"\n")
    fields = header.split()
    if len(fields) != 3 or fields[1] != b"blob":
        return None
    return rest[: int(fields[2])]


def read_files(repo: Path, branch: str, paths: Sequence[str]) -> dict[str, bytes]:
    """Return {path: bytes} of those `paths` found on `branch`, read by one git process."""
    _check_branch(branch)
    wanted = [_check_path(p, "path") for p in paths]
    if not wanted:
        return {}
    git = Git(repo)
    request = "".join(f"refs/heads/{branch}:{p}\n" for p in wanted).encode()
    out = git.run("cat-file", "--batch", input=request).stdout
    found: dict[str, bytes] = {}
    pos = 0
    for path in wanted:
        end = out.index(b"\n", pos)
        fields = out[pos:end].split()
        pos = end + 1
        if len(fields) == 3 and fields[1] in (b"blob", b"tree", b"commit", b"tag"):
            size = int(fields[2])
            if fields[1] == b"blob":
                found[path] = out[pos : pos + size]
            pos += size + 1
    return found


def list_files(repo: Path, branch: str, prefix: str = "") -> list[str]:
    """Return the sorted paths (from the branch root) of files under `prefix`; [] without branch."""
    _check_branch(branch)
    pathspec = [_check_path(prefix, "prefix")] if prefix.strip("/") else []
    git = Git(repo)
    ref = f"refs/heads/{branch}"
    head = _read_refs(git, ref, None).get(ref)
    if head is None:
        return []
    proc = git.run(
        "ls-tree", "-r", "-z", "--name-only", "--full-tree", head[0], "--", *pathspec,
        env={"GIT_LITERAL_PATHSPECS": "1"},
    )  # fmt: skip
    return sorted(p.decode("utf-8", "surrogateescape") for p in proc.stdout.split(b"\0") if p)


def blob_id(data: bytes, algo: str = "sha1") -> str:
    """Return the object id git gives `data` as a blob."""
    return hashlib.new(algo, b"blob %d\0" % len(data) + data).hexdigest()


def _check_branch(branch: str) -> None:
    """Raise PublishError unless `branch` is a plausible git branch name."""
    bad = (
        not branch
        or _BAD_REF_CHARS.search(branch)
        or ".." in branch
        or "@{" in branch
        or "//" in branch
        or branch == "@"
        or branch.startswith(("-", "/", "."))
        or branch.endswith(("/", ".", ".lock"))
        or "/." in branch
    )
    if bad:
        raise PublishError(f"{branch!r} is not a valid branch name")


def _check_path(path: str, what: str) -> str:
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


def _site_paths(files: Mapping[str, bytes], prefix: str) -> dict[str, bytes]:
    """Return the files keyed by their path in the branch (prefix joined), checked."""
    base = _check_path(prefix, "prefix") + "/" if prefix.strip("/") else ""
    site: dict[str, bytes] = {}
    for name, data in files.items():
        if not isinstance(data, bytes):
            raise PublishError(f"site file {name!r} must be bytes, not {type(data).__name__}")
        site[base + _check_path(name, "site file")] = data
    return site


def _read_refs(git: Git, *refs: str | None) -> dict[str, tuple[str, str]]:
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


def _ls_tree(git: Git, commit: str, paths: list[str]) -> dict[str, _Entry]:
    """Return the entries of `commit` at exactly `paths` (missing paths are left out)."""
    if not paths:
        return {}
    # Naming a few paths reads only their directories; past that, git's matching of every entry
    # against every path costs more than one recursive listing of the whole tree.
    where = ["-r"] if len(paths) > LS_TREE_MAX_PATHS else ["--", *paths]
    proc = git.run(
        "ls-tree", "-z", "--full-tree", commit, *where, env={"GIT_LITERAL_PATHSPECS": "1"}
    )
    wanted = set(paths)
    entries: dict[str, _Entry] = {}
    for record in proc.stdout.split(b"\0"):
        meta, _, raw = record.partition(b"\t")
        path = raw.decode("utf-8", "surrogateescape")
        # ls-tree may list a directory's children instead of it; only exact hits count.
        if path in wanted:
            mode, kind, oid = meta.decode().split(" ")
            entries[path] = _Entry(mode, kind, oid)
    return entries


def _changed_paths(git: Git, commit: str, site: Mapping[str, bytes]) -> list[str]:
    """Return the sorted paths whose content or mode in `commit` differs from `site`'s."""
    current = _ls_tree(git, commit, list(site))
    # A sha1 oid has 40 hex digits, a sha256 one 64: the commit tells the object format.
    algo = "sha1" if len(commit) == 40 else "sha256"
    return sorted(
        path
        for path, data in site.items()
        if current.get(path) != _Entry(FILE_MODE, "blob", blob_id(data, algo))
    )


def _commit(
    git: Git,
    ref: str,
    old: str | None,
    old_tree: str | None,
    changed: Mapping[str, bytes],
    message: str,
    author: tuple[str, str] | None,
) -> str | None:
    """Write blobs, tree and commit for `changed` on top of `old`, then move `ref`; return it."""
    info = git.run("rev-parse", "--absolute-git-dir", "--show-object-format").stdout.decode()
    git_dir, algo = info.split()
    if algo not in ("sha1", "sha256"):
        raise PublishError(f"{git.repo} uses object format {algo!r}; only sha1/sha256 work")
    oids = {path: blob_id(data, algo) for path, data in changed.items()}
    _write_blobs(git, {oids[path]: data for path, data in changed.items()})
    with tempfile.TemporaryDirectory(prefix="statusbot-publish-", dir=git_dir) as tmp:
        index_env = {"GIT_INDEX_FILE": os.path.join(tmp, "index")}
        if old_tree is not None:
            git.run("read-tree", old_tree, env=index_env)
        info_lines = "".join(f"{FILE_MODE} {oids[p]}\t{p}\0" for p in sorted(changed))
        git.run("update-index", "-z", "--index-info", input=info_lines.encode(), env=index_env)
        tree = git.run("write-tree", env=index_env).stdout.decode().strip()
    if tree == old_tree:
        return None
    ident = _identity_env(git, author)
    parents = ["-p", old] if old else []
    text = message if message.endswith("\n") else message + "\n"
    commit = (
        git.run("commit-tree", tree, *parents, input=text.encode(), env=ident)
        .stdout.decode()
        .strip()
    )
    checkpoint.reach("before-ref-update")
    _update_ref(git, ref, commit, old, message)
    log.info("committed %s on %s (%d files changed)", commit[:7], ref, len(changed))
    return commit


def _write_blobs(git: Git, blobs: Mapping[str, bytes]) -> None:
    """Store blobs with one fast-import (loose objects for a few, one pack for many)."""
    if not blobs:
        return
    stream = bytearray()
    for data in blobs.values():
        stream += b"blob\ndata %d\n" % len(data)
        stream += data
        stream += b"\n"
    stream += b"done\n"
    git.run("fast-import", "--quiet", "--done", input=bytes(stream))


def _identity_env(git: Git, author: tuple[str, str] | None) -> dict[str, str]:
    """Return the environment that makes `author` (or the repo's user) author and committer."""
    name, email = author or _identity(git)
    return {
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email,
    }


def _identity(git: Git) -> tuple[str, str]:
    """Return the repo's configured user.name/email, each falling back to statusbot's own."""
    proc = git.run("config", "-z", "--get-regexp", r"^user\.(name|email)$", check=False)
    found: dict[str, str] = {}
    for record in proc.stdout.decode("utf-8", "replace").split("\0"):
        key, _, value = record.partition("\n")
        if value.strip():
            found[key] = value.strip()
    return (
        found.get("user.name", DEFAULT_IDENTITY[0]),
        found.get("user.email", DEFAULT_IDENTITY[1]),
    )


def _update_ref(git: Git, ref: str, new: str, old: str | None, message: str = "") -> None:
    """Move `ref` from `old` (None: must not exist) to `new` atomically, or raise PublishError."""
    expected = old or "0" * len(new)
    reason = f"statusbot publish: {message.splitlines()[0] if message.strip() else new[:7]}"
    proc = git.run("update-ref", "-m", reason, ref, new, expected, check=False)
    if proc.returncode == 0:
        return
    now = _read_refs(git, ref).get(ref)
    if (now[0] if now else None) != old:
        found = now[0][:7] if now else "deleted"
        was = old[:7] if old else "absent"
        raise PublishError(
            f"{ref} in {git.repo} moved while publishing (was {was}, now {found}); "
            "the branch was left as it is: run again"
        )
    raise PublishError(git.failure("update-ref", proc.stderr))


def _remote_url(git: Git, remote: str) -> str:
    """Return the URL `remote` pushes to, noting its credentials as secrets to mask."""
    pattern = rf"^remote\.{re.escape(remote)}\.(url|pushurl)$"
    proc = git.run("config", "-z", "--get-regexp", pattern, check=False)
    urls: dict[str, str] = {}
    for record in proc.stdout.decode("utf-8", "replace").split("\0"):
        key, _, url = record.partition("\n")
        if key:
            urls.setdefault(key.rpartition(".")[2], url)
            userinfo = re.match(r"[A-Za-z][A-Za-z0-9+.\-]*://([^/\s@]+)@", url)
            if userinfo:
                secret = userinfo.group(1)
                git.secrets.extend(s for s in (secret, secret.partition(":")[2]) if len(s) >= 4)
    if not urls:
        raise PublishError(f"remote '{remote}' is not configured in {git.repo}")
    return urls.get("pushurl") or urls["url"]


def _push(git: Git, remote: str, url: str, branch: str, head: str) -> str:
    """Push the branch (never forced); return a one-line note or raise PublishError."""
    spec = f"refs/heads/{branch}:refs/heads/{branch}"
    proc = git.run(
        "push", "--porcelain", remote, spec,
        env={"GIT_TERMINAL_PROMPT": "0"}, check=False, timeout=PUSH_TIMEOUT,
    )  # fmt: skip
    status = None
    for line in proc.stdout.decode("utf-8", "replace").splitlines():
        fields = line.split("\t")
        if len(fields) >= 3 and fields[1] == spec:
            status = (fields[0], fields[2])
    where = f"push of branch '{branch}' to remote '{remote}' ({url}) failed"
    if status is None or status[0] == "!" or proc.returncode != 0:
        if status is not None and status[0] == "!":
            reason = _push_reason(status[1])
        else:
            reason = last_line(proc.stderr) or f"git push exited with {proc.returncode}"
        error = PushRejected if status is not None and _remote_moved(status[1]) else PublishError
        raise error(git.redact(f"{where}: {reason} (commit {head[:7]} stays on the local branch)"))
    flag, summary = status
    if flag == "=":
        return f"{remote}/{branch} was already at {head[:7]}"
    return git.redact(f"pushed {branch} to {remote} ({summary.strip('[]')})")


def _push_reason(summary: str) -> str:
    """Turn a porcelain summary like '[rejected] (fetch first)' into a readable reason."""
    match = re.match(r"\[([^\]]+)\]\s*(?:\((.*)\))?", summary)
    if not match:
        return summary
    what, why = match.group(1), match.group(2) or ""
    text = f"{what} ({why})" if why else what
    explain = _PUSH_REASONS.get(why)
    return f"{text}: {explain}" if explain else text


def _remote_moved(summary: str) -> bool:
    """Return True when a porcelain rejection says the remote has commits we lack."""
    return any(why in summary for why in ("fetch first", "non-fast-forward", "stale info"))


def _rebuild_on_remote(
    git: Git, remote: str, branch: str, local: str, author: tuple[str, str] | None
) -> tuple[str, bool]:
    """Fetch the remote branch and rebuild our changes on it; return (new head, committed)."""
    ref = f"refs/heads/{branch}"
    tracking = f"refs/remotes/{remote}/{branch}"
    last_seen = _read_refs(git, tracking).get(tracking, (None, None))[0]
    git.run(
        "fetch", "--quiet", "--no-tags", remote, f"+{ref}:{tracking}",
        env={"GIT_TERMINAL_PROMPT": "0"}, timeout=PUSH_TIMEOUT,
    )  # fmt: skip
    theirs, their_tree = _read_refs(git, tracking).get(tracking, (None, None))
    if theirs is None:  # the remote branch is gone: the next push creates it again
        return local, False
    if git.run("merge-base", "--is-ancestor", local, theirs, check=False).returncode == 0:
        _update_ref(git, ref, theirs, local, "fast-forward to the remote")
        return theirs, False
    base = git.run("merge-base", local, theirs, check=False).stdout.decode().strip()
    if not base:
        base = _unrelated_base(git, local, last_seen)
    entries = _ours_since(git, base or None, local)
    git_dir = git.run("rev-parse", "--absolute-git-dir").stdout.decode().strip()
    with tempfile.TemporaryDirectory(prefix="statusbot-rebuild-", dir=git_dir) as tmp:
        index_env = {"GIT_INDEX_FILE": os.path.join(tmp, "index")}
        git.run("read-tree", their_tree, env=index_env)
        info = "".join(f"{mode} {oid}\t{path}\0" for path, (mode, oid) in sorted(entries.items()))
        git.run("update-index", "-z", "--index-info", input=info.encode(), env=index_env)
        tree = git.run("write-tree", env=index_env).stdout.decode().strip()
    if tree == their_tree:  # the remote already has every file of ours
        _update_ref(git, ref, theirs, local, "the remote has our files")
        return theirs, False
    message = git.run("show", "-s", "--format=%B", local).stdout.decode("utf-8", "replace")
    ident = _identity_env(git, author)
    text = message.rstrip("\n") + "\n"
    new = git.run("commit-tree", tree, "-p", theirs, input=text.encode(), env=ident)
    commit = new.stdout.decode().strip()
    _update_ref(git, ref, commit, local, text)
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
        proc = git.run("ls-tree", "-r", "-z", "--full-tree", local)
        entries = {}
        for record in proc.stdout.split(b"\0"):
            meta, _, raw = record.partition(b"\t")
            if raw:
                mode, _kind, oid = meta.decode().split(" ")
                entries[raw.decode("utf-8", "surrogateescape")] = (mode, oid)
        return entries
    proc = git.run("diff-tree", "-r", "-z", "--no-renames", base, local)
    fields = proc.stdout.split(b"\0")
    entries = {}
    for meta, raw in zip(fields[0::2], fields[1::2], strict=False):
        _old_mode, mode, _old_oid, oid, status = meta.decode().lstrip(":").split(" ")
        if status != "D":
            entries[raw.decode("utf-8", "surrogateescape")] = (mode, oid)
    return entries
