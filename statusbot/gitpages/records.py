"""The records ref: one small JSON file per record, committed with plumbing, merged by union.

Every record is a file `<day>/<id>.json` with a unique id, so two writers never touch the same
path: their histories merge by taking both trees' files (a merge commit whose tree is the
union), never by resolving a conflict. Nothing here checks out anything or forces a push.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Iterable, Mapping
from typing import Any

from statusbot.errors import PublishError
from statusbot.gitpages.commits import commit_tree, identity_env
from statusbot.gitpages.git import Git, GitError, last_line
from statusbot.gitpages.push import PUSH_TIMEOUT, push_reason, push_status, remote_moved
from statusbot.gitpages.refs import git_dir_of, read_ref, update_ref
from statusbot.gitpages.tree import FILE_MODE, Entry, blob_id, build_tree, ls_tree, write_blobs

log = logging.getLogger(__name__)

REF = "refs/statusbot/records"
PUSH_TRIES = 12  # a rejected push fetches, merges and tries again this many times at most
_CAS_TRIES = 50  # writers in one clone racing for the local ref: each loss costs a rebuild
_NO_PROMPT = {"GIT_TERMINAL_PROMPT": "0"}
_LOCKED = "cannot lock ref"


class RecordsOffline(PublishError):
    """The remote could not be reached or refused for a reason other than having moved."""


def tracking_ref(remote: str) -> str:
    """Return where the remote's records ref is fetched to."""
    return f"refs/statusbot/remotes/{remote}/records"


def record_path(record: Mapping[str, Any]) -> str:
    """Return the file a record lives in: `<day>/<id>.json`."""
    return f"{record['day']}/{record['id']}.json"


def encode(record: Mapping[str, Any]) -> bytes:
    """Return a record's bytes in the ref (sorted keys: the same record, the same blob)."""
    return (json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def tip(git: Git) -> str | None:
    """Return the local records ref's commit, read without a process."""
    return read_ref(git_dir_of(git.repo), REF)


def read_records(git: Git) -> list[dict[str, Any]]:
    """Return every record on the ref: one `ls-tree -r` and one `cat-file --batch`."""
    head = tip(git)
    if head is None:
        return []
    entries = sorted(ls_tree(git, head).items())
    blobs = [(path, e.oid) for path, e in entries if e.type == "blob" and path.endswith(".json")]
    if not blobs:
        return []
    out = git.run("cat-file", "--batch", input="".join(f"{o}\n" for _, o in blobs).encode()).stdout
    records: list[dict[str, Any]] = []
    pos = 0
    for path, _oid in blobs:
        end = out.index(b"\n", pos)
        size = int(out[pos:end].split()[2])
        data = out[end + 1 : end + 1 + size]
        pos = end + 1 + size + 1
        try:
            record = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            log.warning("%s:%s: skipped an unreadable record", REF, path)
            continue
        if isinstance(record, dict):
            records.append(record)
    return records


def add_records(git: Git, records: Iterable[Mapping[str, Any]], message: str) -> str:
    """Commit the records onto the local ref (compare-and-swap, rebuilt on a race); return it."""
    files = {record_path(r): encode(r) for r in records}
    if not files:
        raise ValueError("no records to add")
    write_blobs(git, files)
    algo = "sha256" if len(tip(git) or "x" * 40) == 64 else "sha1"
    entries = {path: (FILE_MODE, blob_id(data, algo)) for path, data in files.items()}
    git_dir = git_dir_of(git.repo)
    env = identity_env(git, None)
    for attempt in range(_CAS_TRIES):
        old = tip(git)
        base = _tree_of(git, old) if old else None
        tree = build_tree(git, git_dir, base, entries)
        new = commit_tree(git, tree, [old] if old else [], message, env)
        if _swap(git, new, old, message):
            return new
        _pause(attempt)
    raise PublishError(f"{REF} in {git.repo} kept moving; the record was not written: run again")


def fetch(git: Git, remote: str) -> str | None:
    """Fetch the remote's records ref and merge it into the local one; return the remote's tip.

    Raises RecordsOffline when the remote can't be reached.
    """
    for attempt in range(_CAS_TRIES):
        proc = git.run(
            "fetch", "--quiet", "--no-tags", "--no-write-fetch-head", remote,
            f"+{REF}:{tracking_ref(remote)}", env=_NO_PROMPT, check=False, timeout=PUSH_TIMEOUT,
        )  # fmt: skip
        if proc.returncode == 0:
            break
        reason = last_line(proc.stderr)
        if "couldn't find remote ref" in reason:
            return None  # nobody has pushed records yet
        if _LOCKED not in reason:  # else another fetch in this clone holds the tracking ref
            raise RecordsOffline(git.redact(f"fetching records from '{remote}' failed: {reason}"))
        _pause(attempt)
    theirs = read_ref(git_dir_of(git.repo), tracking_ref(remote))
    if theirs is not None:
        merge(git, theirs)
    return theirs


def merge(git: Git, theirs: str) -> str:
    """Bring `theirs` into the local ref: fast-forward, or a merge commit of the trees' union."""
    env = identity_env(git, None)
    git_dir = git_dir_of(git.repo)
    for attempt in range(_CAS_TRIES):
        ours = tip(git)
        if ours is None or _is_ancestor(git, ours, theirs):
            new = theirs
        elif _is_ancestor(git, theirs, ours):
            return ours
        else:
            union = _union(ls_tree(git, ours), ls_tree(git, theirs))
            tree = build_tree(git, git_dir, None, union)
            message = "statusbot: merge records (union)"
            new = commit_tree(git, tree, [ours, theirs], message, env)
        if new == ours or _swap(git, new, ours, "merge records"):
            return new
        _pause(attempt)
    raise PublishError(f"{REF} in {git.repo} kept moving while merging: run again")


def push(git: Git, remote: str, tries: int = PUSH_TRIES) -> str:
    """Push the local records ref (never forced): a rejection fetches, merges and tries again.

    Returns a one-line note; raises RecordsOffline when the remote can't take it now.
    """
    spec = f"{REF}:{REF}"
    for attempt in range(tries):
        head = tip(git)
        if head is None:
            return "no records to push"
        if head == read_ref(git_dir_of(git.repo), tracking_ref(remote)):
            # as last fetched or pushed: no process
            return f"records already on '{remote}'" + _after(attempt)
        proc = git.run(
            "push", "--porcelain", remote, spec,
            env=_NO_PROMPT, check=False, timeout=PUSH_TIMEOUT,
        )  # fmt: skip
        status = push_status(proc.stdout, spec)
        if proc.returncode == 0 and status is not None and status[0] != "!":
            git.run("update-ref", tracking_ref(remote), head, check=False)  # best effort
            if status[0] == "=":
                return f"records already on '{remote}'" + _after(attempt)
            return f"pushed records to '{remote}'" + _after(attempt)
        if status is not None and status[0] == "!" and _raced(status[1]):
            fetch(git, remote)  # someone pushed first: take theirs, merge by union, again
            _pause(attempt)
            continue
        if status is not None:
            reason = push_reason(status[1])
        else:
            reason = last_line(proc.stderr) or f"git push exited with {proc.returncode}"
        raise RecordsOffline(git.redact(f"pushing records to '{remote}' failed: {reason}"))
    raise RecordsOffline(
        f"pushing records to '{remote}': the remote kept moving after {tries} tries"
    )


def _after(rejected: int) -> str:
    """Return how many pushes were rejected (someone else pushed first) before this one."""
    if not rejected:
        return ""
    return f" (after {rejected} rejected {'push' if rejected == 1 else 'pushes'}, merged by union)"


def _raced(summary: str) -> bool:
    """Return True when a rejection says another writer got there first (moved or locked)."""
    racing = ("failed to update ref", "cannot lock ref", "incorrect old value")
    return remote_moved(summary) or any(why in summary for why in racing)


def _union(ours: Mapping[str, Entry], theirs: Mapping[str, Entry]) -> dict[str, tuple[str, str]]:
    """Return every file of both trees (ours kept where a path is in both)."""
    merged = {**theirs, **ours}
    return {path: (e.mode, e.oid) for path, e in merged.items() if e.type == "blob"}


def _tree_of(git: Git, commit: str) -> str:
    return git.run("rev-parse", f"{commit}^{{tree}}").stdout.decode().strip()


def _is_ancestor(git: Git, older: str, newer: str) -> bool:
    return git.run("merge-base", "--is-ancestor", older, newer, check=False).returncode == 0


def _swap(git: Git, new: str, old: str | None, message: str) -> bool:
    """Move the ref from `old` to `new`; False when another writer moved it first."""
    try:
        update_ref(git, REF, new, old, message)
    except GitError as exc:
        if _LOCKED in exc.message:  # another writer holds the ref's lock right now
            return False
        raise
    except PublishError:
        return False
    return True


def _pause(attempt: int) -> None:
    """Wait a little, more each time, with jitter, so racing writers fall out of step."""
    time.sleep(random.uniform(0, min(0.05 * 2**attempt, 1.0)))
