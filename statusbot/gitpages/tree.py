"""Trees of the Pages branch: blobs in, trees built in a temporary index, files read out.

Nothing here checks out a branch or touches the user's index: a tree is built in a throwaway
index under the git dir, and files are read with ``cat-file``/``ls-tree``.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from statusbot.gitpages.git import Git
from statusbot.gitpages.names import check_branch, check_path
from statusbot.gitpages.refs import read_refs

FILE_MODE = "100644"
# Up to this many paths, ls-tree is asked for just them; above it, for the whole tree.
LS_TREE_MAX_PATHS = 256
_OID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


@dataclass(frozen=True)
class Entry:
    """One file as `git ls-tree` shows it."""

    mode: str
    type: str
    oid: str


def blob_id(data: bytes, algo: str = "sha1") -> str:
    """Return the object id git gives `data` as a blob."""
    return hashlib.new(algo, b"blob %d\0" % len(data) + data).hexdigest()


def ls_tree(git: Git, commit: str, paths: Sequence[str] | None = None) -> dict[str, Entry]:
    """Return the entries of `commit` at exactly `paths` (missing ones left out); all if None.

    A commit's tree never changes, so an answer for a commit id is kept on `git` for the run,
    and a later question about the same paths or fewer is answered from it (a publish asks
    twice: the manifest's claim, then the changed paths).
    """
    if paths is not None and not paths:
        return {}
    kept = git.listings.get(commit)
    if kept is not None:
        asked, entries = kept
        if paths is None and asked is None:
            return {path: e for path, e in entries.items() if e.type != "tree"}
        if paths is not None and (asked is None or _answered(asked, entries, paths)):
            return {path: entries[path] for path in paths if path in entries}
    # Naming a few paths reads only their directories; past that, git's matching of every entry
    # against every path costs more than one recursive listing of the whole tree.
    # The whole listing shows directories too (-t): a path asked for may be one.
    whole = paths is None or len(paths) > LS_TREE_MAX_PATHS
    where = ["-r", "-t"] if whole else ["--", *(paths or ())]
    proc = git.run(
        "ls-tree", "-z", "--full-tree", commit, *where, env={"GIT_LITERAL_PATHSPECS": "1"}
    )
    asked_now = None if whole else frozenset(paths or ())
    listing = _entries(proc.stdout, asked_now)
    if _OID.fullmatch(commit):  # an object id, not a name that may move
        git.listings[commit] = (asked_now, listing)
    if paths is None:
        return {path: e for path, e in listing.items() if e.type != "tree"}
    return {path: listing[path] for path in paths if path in listing}


def _answered(asked: frozenset[str], entries: Mapping[str, Entry], paths: Sequence[str]) -> bool:
    """Return True when an answer about `asked` tells exactly what asking about `paths` would.

    A directory asked with a path inside it is shown by its children, not itself: its absence
    from that answer says nothing.
    """
    if not asked.issuperset(paths):
        return False
    missing = [p + "/" for p in paths if p not in entries]
    return not any(a.startswith(prefix) for prefix in missing for a in asked)


def _entries(out: bytes, wanted: frozenset[str] | None) -> dict[str, Entry]:
    """Return the entries of ls-tree -z output, only `wanted` paths' unless None."""
    entries: dict[str, Entry] = {}
    for record in out.split(b"\0"):
        meta, _, raw = record.partition(b"\t")
        path = raw.decode("utf-8", "surrogateescape")
        # ls-tree may list a directory's children instead of it; only exact hits count.
        if raw and (wanted is None or path in wanted):
            mode, kind, oid = meta.decode().split(" ")
            entries[path] = Entry(mode, kind, oid)
    return entries


def changed_paths(git: Git, commit: str, site: Mapping[str, bytes]) -> list[str]:
    """Return the sorted paths whose content or mode in `commit` differs from `site`'s."""
    current = ls_tree(git, commit, list(site))
    # A sha1 oid has 40 hex digits, a sha256 one 64: the commit tells the object format.
    algo = "sha1" if len(commit) == 40 else "sha256"
    return sorted(
        path
        for path, data in site.items()
        if current.get(path) != Entry(FILE_MODE, "blob", blob_id(data, algo))
    )


def write_blobs(git: Git, blobs: Mapping[str, bytes]) -> None:
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


def import_commit(
    git: Git,
    parent: str | None,
    files: Mapping[str, bytes],
    message: str,
    who: tuple[str, str],
) -> str | None:
    """Write `files` over `parent`'s tree as a commit by `who`, dated now; return its id.

    One `git fast-import` writes the blobs, the trees and the commit (as ghp-import does);
    no ref moves (the caller moves the branch by compare-and-swap). Returns None, writing
    nothing, for paths fast-import would need quoted: `build_tree` and `commit_tree` do those.
    """
    if any(p.startswith('"') or "\n" in p for p in files):
        return None
    name, email = who
    text = message if message.endswith("\n") else message + "\n"
    body = text.encode("utf-8")
    ident = f"{name} <{email}> now\n".encode()
    stream = bytearray(b"commit %s\nmark :1\n" % _IMPORT_REF)
    stream += b"author " + ident + b"committer " + ident + b"data %d\n" % len(body) + body
    if parent is not None:
        stream += b"from %s\n" % parent.encode()
    for path, data in files.items():
        stream += b"M %s inline %s\ndata %d\n" % (FILE_MODE.encode(), path.encode(), len(data))
        stream += data + b"\n"
    # The branch fast-import filled is reset to nothing: it writes no ref at the end.
    stream += b"\nget-mark :1\nreset %s\n\ndone\n" % _IMPORT_REF
    args = ("fast-import", "--quiet", "--done", "--date-format=now", "--cat-blob-fd=1")
    return git.run(*args, input=bytes(stream)).stdout.decode().strip()


_IMPORT_REF = b"refs/statusbot/import"  # fast-import's name for the commit; never written


def build_tree(
    git: Git, git_dir: Path, base_tree: str | None, entries: Mapping[str, tuple[str, str]]
) -> str:
    """Return the tree of `base_tree` with `entries` ({path: (mode, oid)}) laid over it."""
    with tempfile.TemporaryDirectory(prefix="statusbot-publish-", dir=git_dir) as tmp:
        index_env = {"GIT_INDEX_FILE": os.path.join(tmp, "index")}
        if base_tree is not None:
            git.run("read-tree", base_tree, env=index_env)
        info = "".join(f"{mode} {oid}\t{path}\0" for path, (mode, oid) in sorted(entries.items()))
        git.run("update-index", "-z", "--index-info", input=info.encode(), env=index_env)
        return git.run("write-tree", env=index_env).stdout.decode().strip()


def read_file(repo: Path, branch: str, path: str) -> bytes | None:
    """Return `path`'s bytes on `branch` without checkout; None if branch or file is missing."""
    return read_files(repo, branch, [path]).get(check_path(path, "path"))


def read_files(repo: Path, branch: str, paths: Sequence[str]) -> dict[str, bytes]:
    """Return {path: bytes} of those `paths` found on `branch`, read by one git process."""
    check_branch(branch)
    wanted = [check_path(p, "path") for p in paths]
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
    check_branch(branch)
    pathspec = [check_path(prefix, "prefix")] if prefix.strip("/") else []
    git = Git(repo)
    ref = f"refs/heads/{branch}"
    head = read_refs(git, ref).get(ref)
    if head is None:
        return []
    proc = git.run(
        "ls-tree", "-r", "-z", "--name-only", "--full-tree", head[0], "--", *pathspec,
        env={"GIT_LITERAL_PATHSPECS": "1"},
    )  # fmt: skip
    return sorted(p.decode("utf-8", "surrogateescape") for p in proc.stdout.split(b"\0") if p)
