"""Keep the Pages branch small: fold its history older than N days into one root commit.

The branch is generated, so nothing of the tree is lost: the new root holds the tree of the
newest folded commit, and the newer commits are replayed on it with their own trees, messages,
authors and dates (so the rewrite is deterministic). Pushing the rewrite needs a force; it is a
`--force-with-lease` on the remote commit this clone last saw, so another machine's push is
never overwritten. A branch checked out in a worktree is never rewritten.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from statusbot.gitpages.commits import commit_tree, with_trailer
from statusbot.gitpages.git import Git
from statusbot.gitpages.names import check_branch
from statusbot.gitpages.push import push_with_lease
from statusbot.gitpages.refs import read_refs, repo_dirs, update_ref
from statusbot.gitpages.worktrees import refuse_checked_out

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
    check_branch(branch)
    git = Git(repo)
    refuse_checked_out(repo_dirs(git).git_dir, branch)
    ref = f"refs/heads/{branch}"
    tracking = f"refs/remotes/{remote}/{branch}" if remote else None
    refs = read_refs(git, ref, tracking)
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
    new = _replay(git, commits[base], with_trailer(message), None)
    for old in reversed(commits[:base]):
        new = _replay(git, old, old.message, new)
    update_ref(git, ref, new, tip, message)
    note = f"squashed {count} commits up to {day} into one root commit"
    log.info("%s on %s: %s -> %s", note, branch, tip[:7], new[:7])
    if push and remote and tracking:
        note += "; " + push_with_lease(git, remote, branch, new, tip)
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


def _replay(git: Git, like: _Commit, message: str, parent: str | None) -> str:
    """Write a commit with `like`'s tree, authors and dates on `parent`; return its id."""
    text = message.rstrip("\n") + "\n"
    return commit_tree(git, like.tree, [parent] if parent else [], text, like.env)
