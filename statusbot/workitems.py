"""Pure grouping of a day's commits into work items: what was done, how big, with evidence."""

# Each commit joins exactly one item, by the first rule that holds (per person, per repository):
#   1. the pull request whose head branch or head commit it is (GitHub facts), or that a merge
#      commit's "Merge pull request #N" names;
#   2. a feature branch that holds it, when the default branch does not (not merged by the end
#      of the day);
#   3. a recognised kind: dependency bumps, reverts, release/version commits;
#   4. a conventional-commit scope or subject prefix (feat(api):, gtr:, parser/gotest:);
#   5. docs-only, CI-only or tests-only changes;
#   6. else the area of the code that holds most of its changed lines (pkg/gtr, docs, .github).
# Merge commits are counted apart (their diff repeats the merged work: no lines of their own).
# Binary, lock, vendored and generated files are counted apart from an item's lines.
# Items are then merged when small and sharing a top-level area, so that a day gives at most
# MAX_ITEMS bullets ordered by size; the rest is one "Also: ..." item that keeps its counts.

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from statusbot import markup as md
from statusbot.markup import plural
from statusbot.model import Commit, FileStat, Person, PullRequest, Size, WorkItem

MAX_ITEMS = 10
MAX_LINE = 400
MAX_SUBJECTS = 3
SMALL_LINES = 40  # an item this small (and of few commits) may merge with a neighbour
SMALL_COMMITS = 2

_CONVENTIONAL = {
    "feat": "Implemented",
    "feature": "Implemented",
    "fix": "Fixed",
    "bugfix": "Fixed",
    "docs": "Documented",
    "doc": "Documented",
    "refactor": "Refactored",
    "perf": "Improved",
    "test": "Tested",
    "tests": "Tested",
    "ci": "Updated",
    "build": "Updated",
    "chore": "Updated",
    "style": "Reformatted",
    "revert": "Reverted",
    "release": "Released",
}
_VERBS = {
    "add": "Added",
    "implement": "Implemented",
    "introduce": "Added",
    "support": "Added",
    "create": "Added",
    "display": "Added",
    "enable": "Added",
    "allow": "Added",
    "handle": "Added",
    "fix": "Fixed",
    "correct": "Fixed",
    "repair": "Fixed",
    "refactor": "Refactored",
    "restructure": "Refactored",
    "simplify": "Refactored",
    "clean": "Refactored",
    "move": "Refactored",
    "rename": "Refactored",
    "split": "Refactored",
    "document": "Documented",
    "update": "Updated",
    "bump": "Updated",
    "upgrade": "Updated",
    "change": "Updated",
    "modify": "Updated",
    "improve": "Improved",
    "release": "Released",
    "remove": "Removed",
    "replace": "Replaced",
    "delete": "Removed",
    "drop": "Removed",
    "revert": "Reverted",
    "test": "Tested",
}
_PREFIX = re.compile(
    r"^(?P<tag>[A-Za-z0-9_.\-/]{1,40}(?:\s*,\s*[A-Za-z0-9_.\-/]{1,40})*)"
    r"(?:\((?P<scope>[^()]{1,40})\))?!?:\s+(?P<rest>\S.*)$"
)
_BUMP = re.compile(r"^(?:bump|update|upgrade)\s+\S+.*\bfrom\s+\S+\s+to\s+\S+", re.I)
_DEPS_SCOPE = re.compile(r"^(?:build|chore|fix)\((?:deps|deps-dev|dependencies)\)", re.I)
_RELEASE = re.compile(
    r"^(?:release|releasing|prepare release|bump version|version bump|v?\d+\.\d+(?:\.\d+)*$)"
    r"|^chore\(release\)|^(?:bump|set) version to",
    re.I,
)
_REVERT = re.compile(r'^Revert "|^revert(?:\(|:)', re.I)
_PR_MERGE = re.compile(r"^Merge pull request #(\d+) from \S+?/(\S+)")
_BRANCH_MERGE = re.compile(r"^Merge (?:remote-tracking )?branch '([^']+)'")
_MERGE_INTO = re.compile(r"\binto (\S+)\s*$")
_LOCKS = {
    "package-lock.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "poetry.lock",
    "pipfile.lock",
    "cargo.lock",
    "gemfile.lock",
    "composer.lock",
    "go.sum",
    "uv.lock",
}
_VENDORED = {"vendor", "vendored", "node_modules", "third_party", "third-party", "bower_components"}
_GENERATED_SUFFIXES = (".min.js", ".min.css", ".map", "_pb2.py", ".pb.go", ".lock", ".snap")
_DOC_SUFFIXES = (".md", ".rst", ".adoc", ".markdown")
_DOC_NAMES = ("readme", "changes", "changelog", "history", "license", "authors", "contributing")
_CI_PATHS = (".github/", ".circleci/", ".gitlab/", ".buildkite/")
_CI_FILES = {
    ".travis.yml",
    ".gitlab-ci.yml",
    "jenkinsfile",
    "azure-pipelines.yml",
    "appveyor.yml",
    ".appveyor.yml",
    "tox.ini",
    ".pre-commit-config.yaml",
    "noxfile.py",
}
_ONE_PART = {".github", "docs", "doc", "test", "tests", "spec", "testdata", ".circleci"}
_DEP_FILE = re.compile(
    r"^(?:[\w.-]*requirements[\w.-]*\.(?:txt|in)|constraints[\w.-]*\.txt|pipfile|go\.mod"
    r"|gemfile|environment\.ya?ml)$"
)
_ASSET_SUFFIXES = (
    ".svg", ".png", ".jpg", ".jpeg", ".gif", ".ico", ".webp", ".woff", ".woff2", ".ttf", ".eot",
)  # fmt: skip
_PACKAGING = {"setup.py", "setup.cfg", "pyproject.toml", "manifest.in", "package.json"}
# A top-level file is named by what it is, not by its file name.
_TOP_FILE_AREAS = {"dependencies": "dependencies", "assets": "assets", "docs": "docs"}
# An area that is a tests, docs or CI folder makes a commit of that kind.
_AREA_KINDS = {
    "test": "tests",
    "tests": "tests",
    "spec": "tests",
    "testdata": "tests",
    "docs": "docs",
    "doc": "docs",
    ".github": "ci",
    ".circleci": "ci",
    "dependencies": "dependencies",
}
_KIND_TITLES = {
    "dependencies": "dependencies",
    "docs": "documentation",
    "ci": "CI",
    "tests": "tests",
    "release": "a release",
    "revert": "earlier changes",
}
_KIND_VERBS = {"dependencies": "Updated", "release": "Prepared", "revert": "Reverted"}
_PLAIN_VERBS = ("Added", "Fixed", "Updated")  # "Removed tests" would say they are gone
_SUPPORT_VERBS = {"docs": _PLAIN_VERBS, "ci": _PLAIN_VERBS, "tests": (*_PLAIN_VERBS, "Refactored")}


# Imperative verbs that start commit subjects, and their past tense for the page.
_PAST = {
    "add": "added", "adjust": "adjusted", "allow": "allowed", "avoid": "avoided",
    "build": "built", "bump": "bumped", "cache": "cached", "call": "called",
    "change": "changed", "check": "checked", "clean": "cleaned", "convert": "converted",
    "correct": "corrected", "create": "created", "delete": "deleted", "disable": "disabled",
    "display": "displayed", "document": "documented", "drop": "dropped", "enable": "enabled",
    "ensure": "ensured", "exclude": "excluded", "expose": "exposed", "extend": "extended",
    "extract": "extracted", "fill": "filled", "fix": "fixed", "format": "formatted",
    "generate": "generated", "get": "got", "handle": "handled", "ignore": "ignored",
    "implement": "implemented", "improve": "improved", "include": "included",
    "initialize": "initialized", "install": "installed", "introduce": "introduced",
    "keep": "kept", "log": "logged", "make": "made", "merge": "merged", "modify": "modified",
    "move": "moved", "parse": "parsed", "pin": "pinned", "prepare": "prepared",
    "print": "printed", "raise": "raised", "refactor": "refactored", "reformat": "reformatted",
    "release": "released", "remove": "removed", "rename": "renamed", "reorganize":
    "reorganized", "repin": "repinned", "replace": "replaced", "request": "requested",
    "restore": "restored", "restructure": "restructured", "return": "returned",
    "revert": "reverted", "rewrite": "rewrote", "run": "ran", "separate": "separated",
    "set": "set", "show": "showed", "simplify": "simplified", "skip": "skipped",
    "sort": "sorted", "split": "split", "start": "started", "stop": "stopped",
    "store": "stored", "support": "supported", "switch": "switched", "test": "tested",
    "tidy": "tidied", "trim": "trimmed", "try": "tried", "tweak": "tweaked", "undo": "undid",
    "update": "updated", "upgrade": "upgraded", "use": "used", "validate": "validated",
    "write": "wrote",
}  # fmt: skip
_PAST_FORMS = frozenset(_PAST.values())
# Kinds whose one commit is said by its own subject, where the work was after it.
_SAID_ALONE = ("area", "docs", "ci", "tests")


@dataclass
class _Group:
    """Commits gathered under one key before they become a WorkItem."""

    kind: str
    title: str  # plain text: escaped when worded
    repo: str
    branch: str | None
    area: str | None
    person: str | None
    commits: list[Commit] = field(default_factory=list)
    merges: list[Commit] = field(default_factory=list)
    pull: PullRequest | None = None
    replacement: tuple[str, str] | None = None  # one mechanical (old, new) replacement


@lru_cache(maxsize=16384)  # a path is judged once a run: a busy day asks 5 times a file
def apart(path: str) -> bool:
    """Return True for a lock, vendored or generated file, counted apart from real work."""
    lower = path.lower()
    name = lower.rsplit("/", 1)[-1]
    parts = lower.split("/")
    return (
        name in _LOCKS
        or any(p in _VENDORED for p in parts[:-1])
        or name.endswith(_GENERATED_SUFFIXES)
        or "generated" in parts[:-1]
        or "dist" in parts[:1]
    )


def file_kind(path: str) -> str:
    """Return docs, ci, tests, dependencies, assets, packaging or code for one path."""
    lower = path.lower()
    name = lower.rsplit("/", 1)[-1]
    parts = lower.split("/")
    if lower.startswith(_CI_PATHS) or name in _CI_FILES or ".circleci" in parts:
        return "ci"
    if _DEP_FILE.match(name):
        return "dependencies"
    if name.endswith(_ASSET_SUFFIXES):
        return "assets"
    dirs = parts[:-1]
    if (
        any(d in ("test", "tests", "spec", "testdata", "__tests__") for d in dirs)
        or name.startswith("test_")
        or re.search(r"(_test\.\w+|\.test\.\w+|_spec\.\w+|tests?\.py)$", name)
    ):
        return "tests"
    if dirs[:1] in (["docs"], ["doc"]) or (
        name.endswith(_DOC_SUFFIXES) and not name.startswith("requirements")
    ):
        return "docs"
    if name.split(".", 1)[0] in _DOC_NAMES:
        return "docs"
    if name in _PACKAGING and not dirs:
        return "packaging"
    return "code"


def area_of(path: str) -> str:
    """Return the leading one or two path components that name a file's part of the code."""
    parts = path.split("/")
    if len(parts) == 1:
        kind = file_kind(path)
        return _TOP_FILE_AREAS.get(kind, kind if kind == "packaging" else path)
    if len(parts) == 2 or parts[0].lower() in _ONE_PART:
        return parts[0]
    return "/".join(parts[:2])


def size_of(commits: Iterable[Commit], merges: Iterable[Commit] = ()) -> Size:
    """Return the size of those commits: distinct files, lines, apart files; merges counted."""
    files: set[str] = set()
    apart_files: set[str] = set()
    added = deleted = apart_added = apart_deleted = count = 0
    for commit in commits:
        count += 1
        for f in commit.files:
            if f.added is None or f.deleted is None or apart(f.path):
                apart_files.add(f.path)
                apart_added += f.added or 0
                apart_deleted += f.deleted or 0
            else:
                files.add(f.path)
                added += f.added
                deleted += f.deleted
    return Size(
        commits=count,
        merges=sum(1 for _ in merges),
        files=len(files),
        added=added,
        deleted=deleted,
        apart_files=len(apart_files),
        apart_added=apart_added,
        apart_deleted=apart_deleted,
    )


def commit_kind(commit: Commit) -> str | None:
    """Return the recognised kind of a commit by its author, subject or files, else None."""
    subject = commit.summary.strip()
    author = f"{commit.author_name} {commit.author_email}".lower()
    if "dependabot" in author or "renovate" in author or _BUMP.match(subject):
        return "dependencies"
    if _DEPS_SCOPE.match(subject) or subject.lower().startswith("update dependency "):
        return "dependencies"
    if _REVERT.match(subject) or "This reverts commit" in commit.body:
        return "revert"
    if _RELEASE.match(subject):
        return "release"
    return None


def files_kind(files: Sequence[FileStat]) -> str | None:
    """Return docs, ci, tests or dependencies when every counted file is of that kind.

    Assets (images, fonts) go with the kind of the files beside them: a logo added to the
    README is documentation.
    """
    kinds = {file_kind(f.path) for f in files if not apart(f.path)} - {"assets"}
    if len(kinds) == 1:
        kind = kinds.pop()
        return kind if kind in _KIND_TITLES else None
    return None


def prefix_of(subject: str) -> tuple[str | None, str | None, str]:
    """Return (conventional type, area prefix, the rest) of a subject like "feat(api): x"."""
    match = _PREFIX.match(subject.strip())
    if not match:
        return None, None, subject.strip()
    tag = match.group("tag").split(",")[0].strip()
    scope, rest = match.group("scope"), match.group("rest")
    if tag.lower() in _CONVENTIONAL:
        return tag.lower(), scope.strip() if scope else None, rest
    return None, tag, rest


def on_default(commit: Commit) -> bool:
    """Return whether the default branch holds the commit (unknown: judged by its branch)."""
    if commit.on_default is not None:
        return commit.on_default
    return not commit.branches or commit.branches[0] in ("main", "master")


def main_area(commit: Commit) -> str:
    """Return the area that holds most of a commit's changed lines (apart files last)."""
    lines: Counter[str] = Counter()
    for f in commit.files:
        weight = 0 if f.added is None or apart(f.path) else (f.added or 0) + (f.deleted or 0)
        lines[area_of(f.path)] += weight + 1  # every file counts a little: renames, binaries
    if not lines:
        return commit.repo  # no file facts: the repository is the area
    return min(lines.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def group_commits(
    commits: Sequence[Commit],
    pulls: Sequence[PullRequest] = (),
    people: Sequence[Person] = (),
) -> list[WorkItem]:
    """Return the work items of the commits, at most MAX_ITEMS per page, largest first."""
    groups: dict[tuple[str, ...], _Group] = {}
    pr_by_branch: dict[tuple[str, str | None], PullRequest] = {
        (_short(p.repo), p.head_branch): p for p in pulls if p.head_branch
    }
    pr_by_sha = {p.head_sha: p for p in pulls if p.head_sha}
    pr_by_number = {(_short(p.repo), p.number): p for p in pulls}
    pr_by_member = pull_members(commits, pr_by_sha, pr_by_number)
    many_repos = len({c.repo for c in commits}) > 1
    for commit in commits:
        person = _person(commit, people)
        repo = commit.repo
        branch = commit.branches[0] if commit.branches else None
        key, make = _key(commit, branch, pr_by_branch, pr_by_member, pr_by_number)
        full = (person or "", repo, *key)
        group = groups.get(full)
        if group is None:
            group = groups[full] = _Group(repo=repo, person=person, branch=branch, **make)
        (group.merges if commit.is_merge else group.commits).append(commit)
    items = [_item(g, many_repos) for g in _merge_small(list(groups.values()))]
    items.sort(key=lambda i: (-weight(i), i.title))
    if len(items) > MAX_ITEMS:
        rest = items[MAX_ITEMS - 1 :]
        items = [*items[: MAX_ITEMS - 1], _also(rest)]
    return items


def pull_members(
    commits: Sequence[Commit],
    pr_by_sha: Mapping[str, PullRequest],
    pr_by_number: Mapping[tuple[str, int], PullRequest],
) -> dict[str, PullRequest]:
    """Return {sha: pull request} for the day's commits that a pull request holds.

    Once merged with a merge commit, a pull request's commits are on the default branch: they
    are the ones its "Merge pull request #N" commit brought in (reachable from its other
    parents, not from its first). Its head commit and, up to the pull request's commit count,
    that commit's first-parent ancestors are its commits too (a fast-forward or an open pull
    request whose branch has another name here). Only the day's commits are walked.
    """
    if not pr_by_sha and not pr_by_number:
        return {}
    by_sha = {c.sha: c for c in commits}

    def reach(starts: Iterable[str]) -> set[str]:
        seen: set[str] = set()
        todo = [s for s in starts if s in by_sha]
        while todo:
            sha = todo.pop()
            if sha not in seen:
                seen.add(sha)
                todo += [p for p in by_sha[sha].parents if p in by_sha]
        return seen

    members: dict[str, PullRequest] = {}
    for commit in commits:
        merged = _PR_MERGE.match(commit.summary)
        pull = pr_by_number.get((commit.repo, int(merged.group(1)))) if merged else None
        if pull is not None and commit.is_merge and len(commit.parents) > 1:
            brought = reach(commit.parents[1:]) - reach(commit.parents[:1])
            for sha in brought:
                members.setdefault(sha, pull)
    for sha, pull in pr_by_sha.items():
        walked = 0
        while sha in by_sha and walked < max(pull.commits or 1, 1):
            commit = by_sha[sha]
            if commit.is_merge:
                break
            members.setdefault(sha, pull)
            walked += 1
            sha = commit.parents[0] if commit.parents else ""
    return members


def _key(
    commit: Commit,
    branch: str | None,
    pr_by_branch: Mapping[tuple[str, str | None], PullRequest],
    pr_by_member: dict[str, PullRequest],
    pr_by_number: dict[tuple[str, int], PullRequest],
) -> tuple[tuple[str, ...], dict[str, Any]]:
    """Return the grouping key of one commit and the fields of its group."""
    pull = None
    merged = _PR_MERGE.match(commit.summary)
    if merged:
        pull = pr_by_number.get((commit.repo, int(merged.group(1))))
    default = on_default(commit)
    if pull is None and not default:
        pull = pr_by_branch.get((commit.repo, branch))
    pull = pull or pr_by_member.get(commit.sha)
    if pull is not None:
        make = {"kind": "pull_request", "title": pull.title, "area": None, "pull": pull}
        return ("pr", str(pull.number)), make
    if not default and branch:
        return ("branch", branch), {"kind": "branch", "title": branch, "area": None}
    if commit.is_merge:
        return ("merges",), {"kind": "other", "title": "merges", "area": "merges"}
    kind = commit_kind(commit)
    if kind:
        return ("kind", kind), {"kind": kind, "title": _KIND_TITLES[kind], "area": None}
    if commit.replacement:
        old, new = commit.replacement[:2]
        title = f"<code>{md.text(old, 80)}</code> with <code>{md.text(new, 80)}</code>"
        make = {"kind": "area", "title": title, "area": main_area(commit)}
        return ("replace", old, new), {**make, "replacement": (old, new)}
    ctype, prefix, _rest = prefix_of(commit.summary)
    if prefix:
        return ("area", prefix), {"kind": "area", "title": prefix, "area": prefix}
    kind = files_kind(commit.files) or {"docs": "docs", "test": "tests", "tests": "tests"}.get(
        ctype or ""
    )
    if ctype == "ci":
        kind = "ci"
    if kind:
        return ("kind", kind), {"kind": kind, "title": _KIND_TITLES[kind], "area": None}
    area = main_area(commit)
    kind = _AREA_KINDS.get(area.lower())
    if kind:  # mostly tests (or docs, CI): one item with the rest of that kind
        return ("kind", kind), {"kind": kind, "title": _KIND_TITLES[kind], "area": None}
    return ("area", area), {"kind": "area", "title": area, "area": area}


def _merge_small(groups: list[_Group]) -> list[_Group]:
    """Merge small area groups that share a top-level area while there are too many groups."""
    if len(groups) <= MAX_ITEMS:
        return groups
    by_top: dict[tuple[str | None, str, str], list[_Group]] = defaultdict(list)
    kept = []
    for g in groups:
        small = len(g.commits) <= SMALL_COMMITS and size_of(g.commits).lines <= SMALL_LINES
        if g.kind == "area" and g.area and small and "/" in g.area and not g.replacement:
            by_top[(g.person, g.repo, g.area.split("/")[0])].append(g)
        else:
            kept.append(g)
    for (_person, _repo, top), members in by_top.items():
        if len(members) == 1:
            kept.append(members[0])
            continue
        first = members[0]
        merged = _Group("area", top, first.repo, first.branch, top, first.person)
        for m in members:
            merged.commits += m.commits
            merged.merges += m.merges
        merged.commits.sort(key=lambda c: c.authored_at)
        kept.append(merged)
    return kept


def weight(item: WorkItem) -> int:
    """Return how much an item weighs for ordering: its lines, its commits, PR activity."""
    pr = 50 if item.kind == "pull_request" else 0
    return item.size.lines + 20 * item.size.commits + 5 * item.size.merges + pr


def _item(group: _Group, many_repos: bool) -> WorkItem:
    size = size_of(group.commits, group.merges)
    work = group.commits
    where = _where(group, many_repos)
    evidence = tuple(c.sha for c in [*work, *group.merges])
    if group.pull is not None:
        pr = group.pull
        evidence = (f"{pr.repo}#{pr.number}", *evidence)
        if pr.url:
            evidence += (pr.url,)
    if group.kind == "other" and group.area == "merges":
        headline = merges_line(group.merges, group.branch, where)
        line = headline + f" ({plural(size.merges, 'merge')})"
        title = "merges"
    elif group.replacement is not None:
        title = group.title  # already markdown: two escaped code spans
        times = sum(c.replacement[2] for c in work if c.replacement)
        files = len({f.path for c in work for f in c.files})
        headline = f"Replaced {title}{where}"
        counts = plural(size.commits, "commit")
        link = _compare_url(work)
        counts = md.link(counts, link) if link else counts
        line = f"{headline} ({plural(times, 'replacement')} in {plural(files, 'file')}, {counts})"
    else:
        verb = verb_of(work, group.kind)
        for limit in (120, 60, 30):  # a title of many entities may need cutting to fit
            title = md.text(_title(group), limit)
            line, headline = _line(verb, title, group, work, size, where)
            if len(line) <= MAX_LINE:
                break
    return WorkItem(
        kind=group.kind,
        title=title,
        line=line,
        evidence=evidence,
        size=size,
        person=group.person,
        repo=group.repo,
        branch=group.branch,
        area=group.area,
        headline=headline,
        status=group.pull.state if group.pull is not None else None,
    )


def _where(group: _Group, many_repos: bool) -> str:
    parts = []
    if group.branch:
        parts.append(f" on {md.text(group.branch, 80)}")
    if many_repos:
        parts.append(f" in {md.text(group.repo, 80)}")
    return "".join(parts)


def _line(
    verb: str, title: str, group: _Group, work: list[Commit], size: Size, where: str
) -> tuple[str, str]:
    """Return the item's bullet and its headline (the bullet without subjects and size)."""
    about = title
    if group.kind == "pull_request" and group.pull is not None:
        about = f"pull request {md.link(f'#{group.pull.number}', group.pull.url)} for {title}"
    elif group.kind == "branch":
        about = f"branch {title}"
        where = where.replace(f" on {md.text(group.branch or '', 80)}", "", 1)
    counts = size_text(size, _compare_url(work))
    headline = f"{verb} {about}{where}"
    raw = _subjects(work, group.kind in ("area",), MAX_SUBJECTS)  # the most a bullet shows
    subjects = _without(verb, [said(s) for s in raw])
    if len(work) == 1 and group.kind in _SAID_ALONE and _past_of(raw[0]):
        # One commit says what it did: "Fixed pep8 styling in pycobertura on master (...)".
        alone = said(raw[0], first=True)
        place = _in(group, title)
        # "Filled README.md" says where already: not "Filled README.md in README.md"
        stems = [p.rsplit("/", 1)[-1].split(".", 1)[0] for p in place.lower().split(", ")]
        named = any(len(n) > 2 and n in md.text(alone, 200).lower()[1:] for n in stems)
        inside = "" if named else f" in {place}"
        line = f"{md.text(alone, 200)}{inside}{where} ({counts})"
        if len(line) <= MAX_LINE:
            return line, headline
    for shown in range(min(MAX_SUBJECTS, len(subjects)), -1, -1):
        listed = "; ".join(md.text(s, 100) for s in subjects[:shown])
        more = len(work) - shown
        tail = f"; and {plural(more, 'more commit')}" if shown and more > 0 else ""
        body = f": {listed}{tail}" if shown else ""
        line = f"{headline}{body} ({counts})"
        if len(line) <= MAX_LINE:
            break
    return line, headline


def _without(verb: str, clauses: list[str]) -> list[str]:
    """Return the listed clauses without the verb the headline says, when each shown one has it.

    "Removed mkdocs/themes: Bootstrap theme; Cerulean theme", not "removed Bootstrap theme;
    removed Cerulean theme"; a list of mixed verbs, or a headline of two ("Added and fixed"),
    keeps every clause's verb.
    """
    lead = verb.lower() + " "
    shown = clauses[:MAX_SUBJECTS]
    if len(shown) < 2 or not all(c.startswith(lead) and len(c) > len(lead) for c in shown):
        return clauses
    return [c.removeprefix(lead) for c in clauses]


def _in(group: _Group, title: str) -> str:
    """Return where a one-commit item's work was: its area, its doc files, CI, tests."""
    if group.kind == "docs":
        paths = sorted(
            {f.path for c in group.commits for f in c.files if file_kind(f.path) == "docs"}
        )
        return ", ".join(md.text(p, 80) for p in paths) if 1 <= len(paths) <= 2 else "documentation"
    return title


def _past_of(subject: str) -> str | None:
    """Return the past tense of a subject's leading imperative verb ("Add" -> "added")."""
    word, _, rest = subject.partition(" ")
    word = word.lower()
    if not word.isalpha() or not rest or rest[:1].isdigit():  # "Change 2" names a change
        return None
    if word.endswith("ing") and word not in _PAST:  # "Fixing x", "Filling x", "Making x"
        for stem in (word[:-3], word[:-3] + "e", word[:-4]):
            if stem in _PAST:
                return _PAST[stem]
    return _PAST.get(word)


def said(subject: str, first: bool = False) -> str:
    """Return a commit subject as a clause of a report: "Add x" -> "added x" ("Added x" first).

    A leading imperative verb takes its past tense; any other first word keeps its case (it may
    be a name: "Friday work", "Travis: py3.12"); a trailing full stop goes.
    """
    text = subject.strip().rstrip(".")
    word, _, rest = text.partition(" ")
    past = _past_of(text)
    if past:
        word = past
    elif word.lower() in _PAST_FORMS and word[1:].islower() and rest:  # "Removed x": "removed x"
        word = word.lower()
    else:
        return text
    if first:
        word = word[:1].upper() + word[1:]
    return f"{word} {rest}".strip()


def _subjects(work: list[Commit], strip_prefix: bool, limit: int | None = None) -> list[str]:
    """Return the most telling subjects (most changed lines first), without area prefixes."""
    ranked = sorted(work, key=lambda c: (-size_of([c]).lines, c.authored_at))
    out = []
    for commit in ranked[:limit]:
        _ctype, prefix, rest = prefix_of(commit.summary)
        text = rest if (prefix or _ctype) and strip_prefix else commit.summary.strip()
        out.append(text or "(no message)")
    return out


def size_text(size: Size, link: str | None = None) -> str:
    """Return "7 commits, +210/−40 lines in 4 files" (and what is counted apart)."""
    counts = plural(size.commits, "commit")
    if link:
        counts = md.link(counts, link)
    parts = [counts]
    if size.merges:
        parts[0] += f" and {plural(size.merges, 'merge')}"
    if size.files:
        parts.append(f"+{size.added:,}/−{size.deleted:,} lines in {plural(size.files, 'file')}")
    if size.apart_files:
        lines = size.apart_added + size.apart_deleted
        apart_lines = f"{lines:,} lines in " if lines else ""
        parts.append(
            f"{apart_lines}{plural(size.apart_files, 'binary, vendored or generated file')} apart"
        )
    return ", ".join(parts)


def verb_of(work: Sequence[Commit], kind: str) -> str:
    """Return the verb most of the commits' subjects start with (or their conventional type)."""
    if kind in _KIND_VERBS:
        return _KIND_VERBS[kind]
    votes: Counter[str] = Counter()
    fallback = "Updated" if kind in _SUPPORT_VERBS else "Worked on"
    for commit in work:
        ctype, _prefix, rest = prefix_of(commit.summary)
        if ctype:
            votes[_CONVENTIONAL[ctype]] += 1
            continue
        word = re.sub(r"[^a-z]", "", (rest.split() or [""])[0].lower())
        for stem, verb in _VERBS.items():
            if word.startswith(stem):
                votes[verb] += 1
                break
    if kind in _SUPPORT_VERBS:
        # "Documented documentation", "Tested CI", "Refactored documentation" say nothing.
        votes = Counter({v: n for v, n in votes.items() if v in _SUPPORT_VERBS[kind]})
    if not votes:
        return fallback
    order = list(dict.fromkeys(_VERBS.values()))
    ranked = sorted(votes.items(), key=lambda kv: (-kv[1], order.index(kv[0])))
    total = len(work)
    if ranked[0][1] * 10 >= total * 6 or (len(ranked) == 1 and ranked[0][1] * 2 >= total):
        return ranked[0][0]
    if len(ranked) > 1 and (ranked[0][1] + ranked[1][1]) * 10 >= total * 6:
        return f"{ranked[0][0]} and {ranked[1][0].lower()}"
    return fallback


def _also(rest: list[WorkItem]) -> WorkItem:
    """Return one item that holds the counts of the smaller items the page has no room for."""
    size = Size()
    for item in rest:
        size = size + item.size
    titles = [i.title for i in rest]
    counts = size_text(size)
    for n in range(min(6, len(titles)), 0, -1):  # as many titles as fit in MAX_LINE
        more = f" and {len(titles) - n} more" if len(titles) > n else ""
        line = f"Also: {', '.join(titles[:n])}{more} ({counts})"
        if len(line) <= MAX_LINE:
            break
    else:
        line = f"Also: {plural(len(titles), 'smaller item')} ({counts})"
    evidence = tuple(e for i in rest for e in i.evidence)
    return WorkItem(
        kind="other", title="also", line=line, evidence=evidence, size=size, headline="Also"
    )


def _compare_url(work: list[Commit]) -> str | None:
    """Return the GitHub link of the commits: the commit itself, or the compare view."""
    urls = [c.url for c in work if c.url]
    if not urls or len(urls) != len(work):
        return None
    if len(work) == 1:
        return urls[0]
    base = urls[0].rsplit("/commit/", 1)[0]
    oldest, newest = work[0].sha, work[-1].sha
    return f"{base}/compare/{oldest}%5E...{newest}"


def merges_line(merges: Sequence[Commit], branch: str | None, where: str) -> str:
    """Return "Merged pull requests #94 (x) and #97 (y) into master; merged master into z".

    A merge that brings the default branch into another one (keeping a feature branch up to
    date) is not merged work: it is said apart, after the merged pull requests and branches.
    """
    pulls, branches, other, syncs = [], [], [], []
    for commit in merges:
        pr = _PR_MERGE.match(commit.summary)
        merged = _BRANCH_MERGE.match(commit.summary)
        if pr:
            pulls.append((pr.group(1), pr.group(2)))
        elif merged and merged.group(1).removeprefix("origin/") in {branch, "main", "master"}:
            dest = _MERGE_INTO.search(commit.summary)
            syncs.append((merged.group(1), dest.group(1) if dest else None))
        elif merged:
            branches.append(merged.group(1))
        else:
            other.append(commit.summary)
    target = where.replace(" on ", " into ", 1)
    parts = []
    # A "#" inside a line is no markup (a heading starts a line): "#94" stays readable.
    numbered = [f"#{n} ({md.text(b, 80)})" for n, b in pulls]
    for names, noun in ((numbered, "pull request"), ([md.text(b, 80) for b in branches], "branch")):
        if names:
            shown = _join(names[:MAX_SUBJECTS], len(names))
            plural = noun + ("es" if noun == "branch" else "s")
            parts.append(f"{noun if len(names) == 1 else plural} {shown}")
    if other:
        parts.append(_join([md.text(n, 80) for n in other[:MAX_SUBJECTS]], len(other)))
    line = f"Merged {' and '.join(parts)}{target}" if parts else ""
    if syncs:
        source = md.text(syncs[0][0], 80)
        intos = sorted({md.text(i, 80) for _s, i in syncs if i})
        into = f" into {_join(intos, len(intos))}" if intos else " into other branches"
        times = f" ({len(syncs)} times)" if len(syncs) > 1 else ""
        line = f"{line}; merged {source}{into}{times}" if line else f"Merged {source}{into}{times}"
    return line


def _join(names: list[str], total: int) -> str:
    """Return "a", "a and b", "a, b and c", or "a, b, c and N more" of `total` names."""
    more = total - len(names)
    if more > 0:
        return f"{', '.join(names)} and {more} more"
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _title(group: _Group) -> str:
    """Return what a group is about; documentation names its one or two files."""
    if group.kind != "docs":
        return group.title
    paths = sorted({f.path for c in group.commits for f in c.files if file_kind(f.path) == "docs"})
    if 1 <= len(paths) <= 2:
        return f"{group.title} ({', '.join(paths)})"
    return group.title


def _person(commit: Commit, people: Sequence[Person]) -> str | None:
    if len(people) < 2:
        return people[0].name if people else None
    email = commit.author_email.lower()
    for person in people:
        if email in (e.lower() for e in person.emails) or commit.author_name == person.name:
            return person.name
    return None


def _short(repo: str) -> str:
    return repo.rsplit("/", 1)[-1]
