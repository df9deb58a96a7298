"""Pages repositories for the publisher's tests: a repo, a bare remote, a publish, refs."""

from __future__ import annotations

import functools
import os
import subprocess
from pathlib import Path

from statusbot.gitpages.publish import PublishResult, publish_site


def commit_by_hand(
    repo: Path, files: dict[str, bytes], message: str, branch: str = "gh-pages"
) -> str:
    """Commit `files` over `branch` with plain git, as a person would (no statusbot trailer)."""
    env = {**os.environ, "GIT_INDEX_FILE": str(repo / ".git" / "hand-index")}
    env.update(GIT_AUTHOR_NAME="A Person", GIT_AUTHOR_EMAIL="person@example.com")
    env.update(GIT_COMMITTER_NAME="A Person", GIT_COMMITTER_EMAIL="person@example.com")
    run = functools.partial(subprocess.run, cwd=repo, env=env, check=True, capture_output=True)
    tip = run(["git", "rev-parse", "-q", "--verify", branch], check=False).stdout.decode().strip()
    run(["git", "read-tree", tip] if tip else ["git", "read-tree", "--empty"])
    for path, data in files.items():
        oid = run(["git", "hash-object", "-w", "--stdin"], input=data).stdout.decode().strip()
        run(["git", "update-index", "--add", "--cacheinfo", f"100644,{oid},{path}"])
    tree = run(["git", "write-tree"]).stdout.decode().strip()
    parents = ["-p", tip] if tip else []
    commit = run(["git", "commit-tree", tree, *parents, "-m", message]).stdout.decode().strip()
    run(["git", "update-ref", f"refs/heads/{branch}", commit])
    os.unlink(env["GIT_INDEX_FILE"])
    return commit


DAY1 = {
    "_posts/2026-02-08-daily-status.md": b"---\nlayout: post\n---\n# Sunday\n",
    "_config.yml": b"title: Daily Status\n",
}


DAY2 = {"_posts/2026-02-09-daily-status.md": b"---\nlayout: post\n---\n# Monday\n"}


def git(cwd: Path, *args: str, input: str | None = None) -> str:
    """Run git as a test user in `cwd` and return its stripped stdout."""
    proc = subprocess.run(
        ["git", "-c", "user.name=Test User", "-c", "user.email=test@example.com", *args],
        cwd=cwd,
        input=input,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, f"git {args} failed: {proc.stderr}"
    return proc.stdout.strip()


def rev(repo: Path, name: str) -> str | None:
    """Return the object id `name` resolves to in `repo`, or None."""
    proc = subprocess.run(
        ["git", "rev-parse", "-q", "--verify", f"{name}^{{commit}}"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    return proc.stdout.strip() or None


def publish(repo: Path, files: dict[str, bytes], **kwargs: object) -> PublishResult:
    """Publish with a default message."""
    kwargs.setdefault("message", "Publish daily status")
    return publish_site(repo, files, **kwargs)  # type: ignore[arg-type]


def push_from_other(tmp_path: Path, bare: Path, name: str, text: str) -> str:
    """Commit a file from another clone of the remote and push it; return the new tip."""
    other = tmp_path / "other"
    if not other.exists():
        git(tmp_path, "clone", "-q", "-b", "gh-pages", str(bare), str(other))
    else:
        git(other, "pull", "-q", "--ff-only", "origin", "gh-pages")
    (other / name).parent.mkdir(parents=True, exist_ok=True)
    (other / name).write_text(text)
    git(other, "add", name)
    git(other, "commit", "-q", "-m", f"elsewhere: {name}")
    git(other, "push", "-q", "origin", "gh-pages")
    return rev(other, "HEAD")
