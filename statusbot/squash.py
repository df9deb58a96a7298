"""Keep the Pages branch small: fold its history older than N days into one root commit.

The branch is generated, so nothing of the tree is lost: the new root holds the tree of the
newest folded commit, and the newer commits are replayed on it with their own trees, messages,
authors and dates (so the rewrite is deterministic). Pushing the rewrite needs a force; it is a
`--force-with-lease` on the remote commit this clone last saw, so another machine's push is
never overwritten.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from statusbot.errors import PublishError
from statusbot.gitpages.git import Git, last_line
from statusbot.publish import PUSH_TIMEOUT, _check_branch, _read_refs, _update_ref

log = logging.getLogger(__name__)

# Squash only once a day's worth of commits has aged past the limit, not on every run.
MARGIN = timedelta(days=1)
_FIELDS = "%H%x1f%P%x1f%ct%x1f%an%x1f%ae%x1f%aI%x1f%cn%x1f%ce%x1f%cI%x1f%T%x1f%B%x1e"


@dataclass(frozen=True)
class _Commit:
    oid: str
    parents: str
    time: int
    env: dict[str, str]
    tree: str
    message: str


def squash_history(
    repo: Path,
    branch: str,
    *,
    older_than: datetime,
    remote: str | None = None,
    push: bool = False,
) -> str | None:
    """Fold commits of `branch` older than `older_than` into a root commit; return a note."""
    _check_branch(branch)
    git = Git(repo)
    ref = f"refs/heads/{branch}"
    tracking = f"refs/remotes/{remote}/{branch}" if remote else None
    refs = _read_refs(git, ref, tracking)
    if ref not in refs:
        return None
    tip = refs[ref][0]
    if push and tracking and refs.get(tracking, ("",))[0] != tip:
        return None  # squash only what the remote already has, so the lease is exact
    commits = _first_parent_log(git, tip)
    cutoff = older_than.timestamp()
    folded = [i for i, c in enumerate(commits) if c.time < cutoff]
    if len(commits) < 3 or not folded or folded[0] >= len(commits) - 1:
        return None
    if commits[-2].time >= cutoff - MARGIN.total_seconds():
        return None
    base = folded[0]
    count = len(commits) - base
    day = datetime.fromtimestamp(commits[base].time, older_than.tzinfo).date()
    message = f"statusbot: Pages history up to {day} folded into one commit ({count} commits)\n"
    new = _commit_tree(git, commits[base], message, None)
    for old in reversed(commits[:base]):
        new = _commit_tree(git, old, old.message, new)
    _update_ref(git, ref, new, tip, message)
    note = f"squashed {count} commits up to {day} into one root commit"
    log.info("%s on %s: %s -> %s", note, branch, tip[:7], new[:7])
    if push and remote and tracking:
        note += "; " + _push_with_lease(git, remote, branch, new, tip)
    return note


def _first_parent_log(git: Git, tip: str) -> list[_Commit]:
    """Return the commits of the first-parent chain from `tip`, newest first."""
    proc = git.run("log", "--first-parent", f"--format={_FIELDS}", tip)
    commits = []
    for record in proc.stdout.decode("utf-8", "surrogateescape").split("\x1e"):
        record = record.lstrip("\n")
        if not record:
            continue
        oid, parents, ct, an, ae, ad, cn, ce, cd, tree, msg = record.split("\x1f")
        env = {
            "GIT_AUTHOR_NAME": an,
            "GIT_AUTHOR_EMAIL": ae,
            "GIT_AUTHOR_DATE": ad,
            "GIT_COMMITTER_NAME": cn,
            "GIT_COMMITTER_EMAIL": ce,
            "GIT_COMMITTER_DATE": cd,
        }
        commits.append(_Commit(oid, parents, int(ct), env, tree, msg))
    return commits


def _commit_tree(git: Git, like: _Commit, message: str, parent: str | None) -> str:
    """Write a commit with `like`'s tree, authors and dates on `parent`; return its id."""
    parents = ["-p", parent] if parent else []
    text = message.rstrip("\n") + "\n"
    proc = git.run("commit-tree", like.tree, *parents, input=text.encode(), env=like.env)
    return proc.stdout.decode().strip()


def _push_with_lease(git: Git, remote: str, branch: str, new: str, expected: str) -> str:
    """Force the rewritten branch out, only if the remote is still at `expected`."""
    spec = f"refs/heads/{branch}:refs/heads/{branch}"
    proc = git.run(
        "push", "--porcelain", f"--force-with-lease=refs/heads/{branch}:{expected}",
        remote, spec, env={"GIT_TERMINAL_PROMPT": "0"}, check=False, timeout=PUSH_TIMEOUT,
    )  # fmt: skip
    if proc.returncode != 0:
        reason = last_line(proc.stderr) or "rejected"
        for line in proc.stdout.decode("utf-8", "replace").splitlines():
            fields = line.split("\t")
            if len(fields) >= 3 and fields[1] == spec:
                reason = fields[2]
        raise PublishError(
            git.redact(
                f"push of the squashed branch '{branch}' to '{remote}' failed: {reason} "
                "(the next run rebuilds on the remote's commit)"
            )
        )
    return f"pushed with --force-with-lease over {expected[:7]}"
