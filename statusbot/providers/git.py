"""Commits of the day from local repositories (the only GitPython reader of source repos)."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from statusbot.model import Commit, Person, SourceFailure

log = logging.getLogger(__name__)

_FIELDS = ("%H", "%P", "%an", "%ae", "%at", "%S", "%s")
_FORMAT = "%x1f".join(_FIELDS) + "%x1e"
_GITHUB = re.compile(r"github\.com[:/]+([^/\s]+)/([^/\s]+?)(?:\.git)?/?$")


def collect_commits(
    repos: list[Path],
    people: tuple[Person, ...],
    start: datetime,
    end: datetime,
    exclude_branches: tuple[str, ...] = ("gh-pages",),
) -> tuple[list[Commit], list[SourceFailure]]:
    """Return the people's commits authored in [start, end) across all branches of repos."""
    commits: list[Commit] = []
    failures: list[SourceFailure] = []
    seen: set[str] = set()
    for path in repos:
        try:
            for commit in _repo_commits(path, people, start, end, exclude_branches):
                if commit.sha not in seen:
                    seen.add(commit.sha)
                    commits.append(commit)
        except Exception as exc:  # one broken repo must not stop the others
            reason = _one_line(exc)
            log.warning("git %s: %s", path, reason)
            failures.append(SourceFailure(source=f"git {path.name}", reason=reason))
    commits.sort(key=lambda c: (c.authored_at, c.repo, c.sha))
    return commits, failures


def _repo_commits(
    path: Path,
    people: tuple[Person, ...],
    start: datetime,
    end: datetime,
    exclude_branches: tuple[str, ...],
) -> list[Commit]:
    import git

    try:
        repo = git.Repo(path, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise ValueError(f"{path} is not a git repository") from None
    with repo:
        refs = _source_refs(repo, exclude_branches)
        if not refs:
            return []
        # Commit dates are never before author dates for ordinary work, so --since on the
        # commit date prunes the walk; a day of slack covers clock skew and rebases.
        since = (start - timedelta(days=1)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        out = repo.git.log(*refs, f"--since={since}", f"--format={_FORMAT}", "--date-order", "--")
        name, base_url = _repo_identity(repo, Path(repo.working_tree_dir or repo.git_dir))
        tz = start.tzinfo or ZoneInfo("UTC")
        result = []
        for entry in out.split("\x1e"):
            fields = entry.strip("\n").split("\x1f")
            if len(fields) != len(_FIELDS):
                continue
            sha, parents, author, email, stamp, source, summary = fields
            authored = datetime.fromtimestamp(int(stamp), tz)
            if not (start <= authored < end) or not _matches(people, author, email):
                continue
            result.append(
                Commit(
                    repo=name,
                    sha=sha,
                    summary=summary,
                    author_name=author,
                    author_email=email,
                    authored_at=authored,
                    branches=(_branch_name(source),) if source else (),
                    is_merge=len(parents.split()) > 1,
                    url=f"{base_url}/commit/{sha}" if base_url else None,
                )
            )
        return result


def _source_refs(repo: object, exclude_branches: tuple[str, ...]) -> list[str]:
    """Return local and remote branch refs, without the Pages branch (we write it ourselves)."""
    listing = repo.git.for_each_ref("--format=%(refname)", "refs/heads", "refs/remotes")  # type: ignore[attr-defined]
    refs = []
    for ref in listing.splitlines():
        branch = _branch_name(ref)
        if ref.endswith("/HEAD") or branch in exclude_branches:
            continue
        refs.append(ref)
    # git log --source names a commit after the first listed ref that reaches it: list the
    # checked-out branch first, then local branches, then remote ones.
    try:
        head = repo.git.symbolic_ref("-q", "HEAD")  # type: ignore[attr-defined]
    except Exception:  # a detached HEAD has no branch
        head = ""
    return sorted(refs, key=lambda r: (r != head, r.startswith("refs/remotes/"), r))


def _branch_name(ref: str) -> str:
    if ref.startswith("refs/heads/"):
        return ref[len("refs/heads/") :]
    if ref.startswith("refs/remotes/"):
        return ref[len("refs/remotes/") :].split("/", 1)[-1]
    return ref


def _matches(people: tuple[Person, ...], author: str, email: str) -> bool:
    email = email.lower()
    return any(email in p.emails or author == p.name for p in people)


def _repo_identity(repo: object, path: Path) -> tuple[str, str | None]:
    """Return the repo's display name and its GitHub web URL when origin is on GitHub."""
    try:
        remote_url = repo.remotes.origin.url  # type: ignore[attr-defined]
    except (AttributeError, IndexError):
        remote_url = ""
    match = _GITHUB.search(remote_url or "")
    if match:
        owner, name = match.groups()
        return name, f"https://github.com/{owner}/{name}"
    return path.name, None


def git_identity(path: Path) -> Person | None:
    """Return the checkout's configured git user as a Person, or None when unset."""
    import git

    try:
        with git.Repo(path, search_parent_directories=True) as repo:
            reader = repo.config_reader()
            name = reader.get_value("user", "name", default="")
            email = reader.get_value("user", "email", default="")
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None
    if not name and not email:
        return None
    return Person(name=str(name or email), emails=(str(email).lower(),) if email else ())


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    stderr = getattr(exc, "stderr", None)
    if stderr:
        text = str(stderr).strip().splitlines() or text
    return (text[-1] if text else type(exc).__name__).strip()
