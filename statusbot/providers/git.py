"""Commits of the day from local repositories, read with one `git log` per repository."""

# Processes per repository: `git for-each-ref` (branches, the default branch, the checked-out
# one), `git config` (origin's URL, for links), one `git log` (every branch, numstat, --source;
# in a repository holding a Pages branch, the numstat of the kept commits by a second one), and,
# only when branches other than the default one hold commits of the window, one
# `git rev-list` of the default branch to learn which commits it holds; and, only when a
# commit looks like one mechanical replacement (every file's added lines equal its deleted
# lines, in several files), one `git show -U0` of at most MAX_REPLACE_CHECKS such commits.

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from statusbot.gitpages.git import Git, GitError
from statusbot.model import Commit, FileStat, Person, SourceFailure

log = logging.getLogger(__name__)

_FIELDS = ("%H", "%P", "%an", "%ae", "%at", "%ct", "%S", "%D", "%s", "%b")
_FORMAT = "%x1e" + "%x1f".join(_FIELDS) + "%x1f"
_GITHUB = re.compile(r"github\.com[:/]+([^/\s]+)/([^/\s]+?)(?:\.git)?/?$")
_TRAILER = re.compile(r"(?mi)^Generated-by:\s*statusbot\s*$")
PAGES_SUBJECT = "statusbot:"  # Pages commits made before the Generated-by trailer
TIMEOUT = 120.0
MAX_REPLACE_CHECKS = 3  # diffs read per repository and day, at most
MAX_REPLACE_LINES = 2000  # a candidate's changed lines, at most: bounds the diff's size
MAX_DIFF_BYTES = 1_000_000  # a larger diff output is not read for replacements
MIN_REPLACE_FILES = 2
_WORD = re.compile(r"\w")


@dataclass(frozen=True)
class _Refs:
    """A repository's branches: every ref to read, the default branch's refs, its name."""

    refs: tuple[str, ...]
    default: tuple[str, ...]
    name: str | None


def collect_commits(
    repos: list[Path],
    people: tuple[Person, ...],
    start: datetime,
    end: datetime,
    exclude_branches: tuple[str, ...] = ("gh-pages",),
) -> tuple[list[Commit], list[SourceFailure]]:
    """Return the people's commits authored in [start, end) across all branches of repos.

    `exclude_branches` names the Pages branches: statusbot's own commits on them are left out
    (those with the `Generated-by: statusbot` trailer, and older ones whose subject starts with
    `statusbot:`), the people's other work on them is not.
    """
    commits: list[Commit] = []
    failures: list[SourceFailure] = []
    seen: set[str] = set()
    order: dict[str, int] = {}
    for path in repos:
        try:
            found, problems = _repo_commits(path, people, start, end, exclude_branches)
        except (GitError, ValueError) as exc:  # one broken repo must not stop the others
            reason = _one_line(exc)
            log.warning("git %s: %s", path, reason)
            failures.append(SourceFailure(source=f"git {path.name}", reason=reason))
            continue
        failures += problems
        for commit in found:
            if commit.sha not in seen:
                seen.add(commit.sha)
                order[commit.sha] = len(order)
                commits.append(commit)
    # git lists newest first and a child before its parent: among commits that share a
    # timestamp, the one git listed first is the newest.
    commits.sort(key=lambda c: (c.authored_at, c.repo, -order[c.sha]))
    return commits, failures


def _repo_commits(
    path: Path,
    people: tuple[Person, ...],
    start: datetime,
    end: datetime,
    pages: tuple[str, ...],
) -> tuple[list[Commit], list[SourceFailure]]:
    git = Git(path)
    refs = _refs(git)
    if not refs.refs:
        return [], []
    name, base_url = _identity(git, path)
    # Commit dates are never before author dates for ordinary work, so --since on the commit
    # date prunes the walk; a day of slack covers clock skew and rebases.
    since = (start - timedelta(days=1)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    # A Pages branch holds statusbot's own commits of the day, whose numstat (charts, pages) is
    # most of the walk's cost and is never used: there, the numstat is read after, for the
    # commits kept only.
    later = any(_branch_name(r) in pages for r in refs.refs)
    numstat = [] if later else ["--numstat", "--diff-merges=first-parent"]
    args = ["log", f"--since={since}", f"--format={_FORMAT}", "--date-order", "--source"]
    args += ["-z", *numstat, "--no-renames", *refs.refs, "--"]
    out = git.run(*args, timeout=TIMEOUT).stdout.decode("utf-8", "replace")
    tz = start.tzinfo or ZoneInfo("UTC")
    rows = []
    boundary: datetime | None = None
    for record in out.split("\x1e")[1:]:
        head, _, stats = record.rpartition("\x1f")
        fields = head.split("\x1f", len(_FIELDS) - 1)
        if len(fields) != len(_FIELDS):
            continue
        sha, parents, author, email, stamp, committed, source, decor, subject, body = fields
        if "grafted" in decor.split(", "):
            boundary = datetime.fromtimestamp(int(committed), tz)
        authored = datetime.fromtimestamp(int(stamp), tz)
        if not (start <= authored < end) or not _matches(people, author, email):
            continue
        if _TRAILER.search(body):
            continue
        rows.append((sha, parents, author, email, authored, source, subject, body, stats))
    if later and rows:
        found = _stats_of(git, [row[0] for row in rows])
        rows = [(*row[:8], found.get(row[0], "")) for row in rows]
    failures = []
    if boundary is not None and boundary >= start:
        failures.append(
            SourceFailure(
                source=f"git {name}",
                reason=f"shallow clone: history before {boundary:%Y-%m-%d %H:%M} not read",
            )
        )
    off_default = any(_branch_name(r[5]) != refs.name for r in rows)
    on_default = _default_members(git, refs, since) if off_default else None
    replaced = _replacements(git, rows)
    result = []
    for sha, parents, author, email, authored, source, subject, body, stats in rows:
        default = on_default is None or sha in on_default
        branch = _branch_name(source)
        if subject.startswith(PAGES_SUBJECT) and (
            branch in pages or (default and refs.name in pages)
        ):
            continue  # a Pages commit statusbot made before it marked them with a trailer
        if default and refs.name:
            branches: tuple[str, ...] = (refs.name,)
        else:
            branches = (branch,) if branch else ()
        result.append(
            Commit(
                repo=name,
                sha=sha,
                summary=subject,
                author_name=author,
                author_email=email,
                authored_at=authored,
                branches=branches,
                is_merge=len(parents.split()) > 1,
                url=f"{base_url}/commit/{sha}" if base_url else None,
                files=_numstat(stats),
                on_default=default,
                body=body.strip(),
                replacement=replaced.get(sha),
                parents=tuple(parents.split()),
            )
        )
    return result, failures


def _stats_of(git: Git, shas: list[str]) -> dict[str, str]:
    """Return {sha: its `git log -z --numstat` text} of those commits, read by one git log."""
    args = ["log", "--no-walk=unsorted", "--format=%x1e%H%x1f", "-z", "--numstat"]
    args += ["--diff-merges=first-parent", "--no-renames", *shas, "--"]
    out = git.run(*args, timeout=TIMEOUT).stdout.decode("utf-8", "replace")
    found = {}
    for record in out.split("\x1e")[1:]:
        sha, _, stats = record.partition("\x1f")
        found[sha] = stats
    return found


def _replacements(git: Git, rows: list[tuple]) -> dict[str, tuple[str, str, int, int]]:
    """Return the commits that are one mechanical replacement: {sha: (old, new, times, files)}.

    Only commits whose numstat says every text file gained as many lines as it lost, in
    MIN_REPLACE_FILES or more files, are candidates; the largest MAX_REPLACE_CHECKS of them
    are read with one `git show -U0`.
    """
    candidates = []
    for sha, parents, *_rest, stats in rows:
        files = _numstat(stats)
        text = [f for f in files if f.added is not None]
        lines = sum(f.added or 0 for f in text)
        even = all(f.added == f.deleted and f.added for f in text)
        single = len(parents.split()) <= 1
        if single and len(text) >= MIN_REPLACE_FILES and even and lines <= MAX_REPLACE_LINES:
            candidates.append((-lines, sha))
    if not candidates:
        return {}
    shas = [sha for _lines, sha in sorted(candidates)[:MAX_REPLACE_CHECKS]]
    args = ["show", "--no-color", "--no-ext-diff", "--no-renames", "-U0", "--format=%x1e%H"]
    try:
        out = git.run(*args, *shas, "--", timeout=TIMEOUT).stdout
    except GitError as exc:  # the page still shows the commits, without the wording
        log.warning("git show for replacements: %s", _one_line(exc))
        return {}
    if len(out) > MAX_DIFF_BYTES:
        return {}
    found = {}
    for record in out.decode("utf-8", "replace").split("\x1e")[1:]:
        sha, _, diff = record.partition("\n")
        replacement = find_replacement(diff)
        if replacement is not None:
            found[sha.strip()] = replacement
    return found


def find_replacement(diff: str) -> tuple[str, str, int, int] | None:
    """Return (old, new, times, files) when one replacement explains every changed line.

    Each removed line is paired with the added line at the same place in its hunk; the pair's
    difference, widened to whole words, is the replacement it made.
    """
    pairs: list[tuple[str, str, str]] = []  # (file, removed, added)
    file, removed, added = "", [], []  # type: ignore[var-annotated]

    def flush() -> bool:
        if len(removed) != len(added):
            return False
        pairs.extend((file, r, a) for r, a in zip(removed, added, strict=True))
        removed.clear()
        added.clear()
        return True

    for line in diff.splitlines():
        if line.startswith("+++ "):
            file = line[6:] if line.startswith("+++ b/") else line[4:]
        elif line.startswith("@@") or line.startswith("diff "):
            if not flush():
                return None
        elif line.startswith("-") and not line.startswith("--- "):
            removed.append(line[1:])
        elif line.startswith("+"):
            added.append(line[1:])
    if not flush() or not pairs:
        return None
    # A line with two replacements gives a longer token; the shortest one that explains
    # every pair is the replacement.
    tokens = sorted({_token(r, a) for _f, r, a in pairs}, key=lambda t: (len(t[0]), t))
    for old, new in tokens[:5]:
        if old and new and all(r.replace(old, new) == a for _f, r, a in pairs):
            files = {f for f, _r, _a in pairs}
            if len(files) < MIN_REPLACE_FILES:
                return None
            return old, new, sum(r.count(old) for _f, r, _a in pairs), len(files)
    return None


def _token(removed: str, added: str) -> tuple[str, str]:
    """Return what differs between two lines, widened to whole words on both sides."""
    start = 0
    while start < min(len(removed), len(added)) and removed[start] == added[start]:
        start += 1
    end = 0
    while end < min(len(removed), len(added)) - start and removed[-1 - end] == added[-1 - end]:
        end += 1
    while start and _WORD.match(removed[start - 1]) and _WORD.match(added[start - 1]):
        start -= 1
    while end and _WORD.match(removed[-end]) and _WORD.match(added[-end]):
        end -= 1
    return removed[start : len(removed) - end], added[start : len(added) - end]


def _refs(git: Git) -> _Refs:
    """Return the branches to read and the default branch: origin/HEAD, main, master, HEAD."""
    fmt = "%(refname)%00%(symref)%00%(HEAD)"
    out = git.run("for-each-ref", f"--format={fmt}", "refs/heads", "refs/remotes").stdout
    refs: list[str] = []
    origin_head = checked_out = ""
    for line in out.decode("utf-8", "replace").splitlines():
        ref, symref, head = [*line.split("\0"), "", ""][:3]
        if symref:
            if ref == "refs/remotes/origin/HEAD":
                origin_head = symref
            continue
        refs.append(ref)
        if head == "*":
            checked_out = ref
    names = {_branch_name(r) for r in refs}
    if origin_head:
        name: str | None = _branch_name(origin_head)
    elif "main" in names or "master" in names:
        name = "main" if "main" in names else "master"
    else:
        name = _branch_name(checked_out) if checked_out else None
    default = [r for r in refs if name and _branch_name(r) == name and _default_ref(r)]
    # git log --source names a commit after a ref that reaches it: list the default branch
    # first, then local branches, then remote ones.
    ordered = sorted(refs, key=lambda r: (r not in default, r.startswith("refs/remotes/"), r))
    return _Refs(tuple(ordered), tuple(default), name)


def _default_ref(ref: str) -> bool:
    return ref.startswith("refs/heads/") or ref.startswith("refs/remotes/origin/")


def _default_members(git: Git, refs: _Refs, since: str) -> set[str]:
    """Return the commits of the window that the default branch holds."""
    if not refs.default:
        return set()
    out = git.run("rev-list", f"--since={since}", *refs.default, "--", timeout=TIMEOUT).stdout
    return set(out.decode().split())


def _numstat(stats: str) -> tuple[FileStat, ...]:
    """Return the files of `git log -z --numstat` output: "added\\tdeleted\\tpath\\0" each."""
    files = []
    for entry in stats.split("\0"):
        entry = entry.lstrip("\n")
        parts = entry.split("\t", 2)
        if len(parts) != 3 or not parts[2]:
            continue
        added, deleted, file = parts
        binary = added == "-"
        files.append(
            FileStat(file, None if binary else int(added), None if binary else int(deleted))
        )
    return tuple(files)


def _branch_name(ref: str) -> str:
    if ref.startswith("refs/heads/"):
        return ref[len("refs/heads/") :]
    if ref.startswith("refs/remotes/"):
        return ref[len("refs/remotes/") :].split("/", 1)[-1]
    return ref


def _matches(people: tuple[Person, ...], author: str, email: str) -> bool:
    email = email.lower()
    return any(email in p.emails or author == p.name for p in people)


def _identity(git: Git, path: Path) -> tuple[str, str | None]:
    """Return the repo's display name and its GitHub web URL when origin is on GitHub."""
    proc = git.run("config", "--get", "remote.origin.url", check=False)
    match = _GITHUB.search(proc.stdout.decode("utf-8", "replace").strip())
    if match:
        owner, name = match.groups()
        return name, f"https://github.com/{owner}/{name}"
    return path.expanduser().resolve().name, None


def git_identity(path: Path) -> Person | None:
    """Return the checkout's configured git user as a Person, or None when unset."""
    try:
        git = Git(path)
        if git.run("rev-parse", "--git-dir", check=False).returncode != 0:
            return None
        out = git.run("config", "--get-regexp", r"^user\.(name|email)$", check=False).stdout
    except GitError:
        return None
    found = dict(line.split(" ", 1) for line in out.decode().splitlines() if " " in line)
    name, email = found.get("user.name", "").strip(), found.get("user.email", "").strip()
    if not name and not email:
        return None
    return Person(name=name or email, emails=(email.lower(),) if email else ())


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[-1] if text else type(exc).__name__).strip()
