"""Pushing and fetching the Pages branch: never forced, except a squash's exact lease."""

from __future__ import annotations

import re

from statusbot.errors import PublishError
from statusbot.gitpages.git import Git, last_line

PUSH_TIMEOUT = 300  # seconds; GIT_TERMINAL_PROMPT=0 keeps push from waiting on a password
_NO_PROMPT = {"GIT_TERMINAL_PROMPT": "0"}
_PUSH_REASONS = {
    "fetch first": "the remote has commits this one lacks",
    "non-fast-forward": "the remote has commits this one lacks",
    "stale info": "the remote branch changed since it was last fetched",
    "already exists": "the remote refuses to replace the branch",
}


class PushRejected(PublishError):
    """The remote refused the push because it has commits this one lacks."""


def remote_url(git: Git, remote: str) -> str:
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


def push_status(stdout: bytes, spec: str) -> tuple[str, str] | None:
    """Return (flag, summary) of `spec`'s line in `git push --porcelain` output, or None."""
    status = None
    for line in stdout.decode("utf-8", "replace").splitlines():
        fields = line.split("\t")
        if len(fields) >= 3 and fields[1] == spec:
            status = (fields[0], fields[2])
    return status


def push_branch(git: Git, remote: str, url: str, branch: str, head: str) -> str:
    """Push the branch (never forced); return a one-line note or raise PublishError."""
    spec = f"refs/heads/{branch}:refs/heads/{branch}"
    proc = git.run(
        "push", "--porcelain", remote, spec, env=_NO_PROMPT, check=False, timeout=PUSH_TIMEOUT
    )
    status = push_status(proc.stdout, spec)
    where = f"push of branch '{branch}' to remote '{remote}' ({url}) failed"
    if status is None or status[0] == "!" or proc.returncode != 0:
        if status is not None and status[0] == "!":
            reason = push_reason(status[1])
        else:
            reason = last_line(proc.stderr) or f"git push exited with {proc.returncode}"
        error = PushRejected if status is not None and remote_moved(status[1]) else PublishError
        raise error(git.redact(f"{where}: {reason} (commit {head[:7]} stays on the local branch)"))
    flag, summary = status
    if flag == "=":
        return f"{remote}/{branch} was already at {head[:7]}"
    return git.redact(f"pushed {branch} to {remote} ({summary.strip('[]')})")


def push_with_lease(git: Git, remote: str, branch: str, new: str, expected: str) -> str:
    """Force the rewritten branch out, only if the remote is still at `expected`."""
    spec = f"refs/heads/{branch}:refs/heads/{branch}"
    proc = git.run(
        "push", "--porcelain", f"--force-with-lease=refs/heads/{branch}:{expected}",
        remote, spec, env=_NO_PROMPT, check=False, timeout=PUSH_TIMEOUT,
    )  # fmt: skip
    if proc.returncode != 0:
        status = push_status(proc.stdout, spec)
        reason = status[1] if status else last_line(proc.stderr) or "rejected"
        raise PublishError(
            git.redact(
                f"push of the squashed branch '{branch}' to '{remote}' failed: {reason} "
                "(the next run rebuilds on the remote's commit)"
            )
        )
    return f"pushed with --force-with-lease over {expected[:7]}"


def fetch_branch(git: Git, remote: str, branch: str) -> None:
    """Fetch the remote's branch into its remote-tracking ref (forced: it mirrors the remote)."""
    git.run(
        "fetch", "--quiet", "--no-tags", remote,
        f"+refs/heads/{branch}:refs/remotes/{remote}/{branch}",
        env=_NO_PROMPT, timeout=PUSH_TIMEOUT,
    )  # fmt: skip


def remote_tip(git: Git, remote: str, branch: str) -> str | None:
    """Return the commit the remote's branch is at (None when it has no such branch)."""
    proc = git.run(
        "ls-remote", "--heads", remote, f"refs/heads/{branch}",
        env=_NO_PROMPT, timeout=PUSH_TIMEOUT,
    )  # fmt: skip
    for line in proc.stdout.decode().splitlines():
        oid, _, ref = line.partition("\t")
        if ref == f"refs/heads/{branch}":
            return oid
    return None


def push_reason(summary: str) -> str:
    """Turn a porcelain summary like '[rejected] (fetch first)' into a readable reason."""
    match = re.match(r"\[([^\]]+)\]\s*(?:\((.*)\))?", summary)
    if not match:
        return summary
    what, why = match.group(1), match.group(2) or ""
    text = f"{what} ({why})" if why else what
    explain = _PUSH_REASONS.get(why)
    return f"{text}: {explain}" if explain else text


def remote_moved(summary: str) -> bool:
    """Return True when a porcelain rejection says the remote has commits we lack."""
    return any(why in summary for why in ("fetch first", "non-fast-forward", "stale info"))
