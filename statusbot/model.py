"""The facts statusbot collects, as frozen dataclasses that serialise to JSON."""

from __future__ import annotations

import dataclasses
import hashlib
import re
import types
import typing
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

RISK_LEVELS = ("critical", "high", "medium", "low")
RISK_RANK = {level: i for i, level in enumerate(RISK_LEVELS)}  # critical first


@dataclass(frozen=True)
class Person:
    """Someone whose work the page shows."""

    name: str
    emails: tuple[str, ...] = ()
    github: str | None = None

    @property
    def slug(self) -> str:
        """Return the URL-safe form of the name: ASCII letters, digits and dashes."""
        folded = unicodedata.normalize("NFKD", self.name).encode("ascii", "ignore").decode()
        text = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
        # A name with no Latin letters (张伟) still gets its own address.
        return text or "person-" + hashlib.sha1(self.name.encode("utf-8")).hexdigest()[:8]


@dataclass(frozen=True)
class FileStat:
    """One file a commit changed, with its line counts (None for a binary file)."""

    path: str
    added: int | None
    deleted: int | None


@dataclass(frozen=True)
class Commit:
    """One commit by one of the people, in the day window."""

    repo: str
    sha: str
    summary: str
    author_name: str
    author_email: str
    authored_at: datetime
    branches: tuple[str, ...] = ()  # the branches that hold it, the default branch first
    is_merge: bool = False
    url: str | None = None
    files: tuple[FileStat, ...] = ()  # merges: against the first parent
    on_default: bool | None = None  # reachable from the default branch; None: not known
    body: str = ""  # the message after the subject line (trailers, "This reverts commit")
    replacement: tuple[str, str, int, int] | None = None  # one mechanical (old, new, times, files)
    parents: tuple[str, ...] = ()  # parent shas, first parent first (a merge has several)


Kind = Literal[
    "pull_request",
    "branch",
    "area",
    "dependencies",
    "docs",
    "ci",
    "tests",
    "release",
    "revert",
    "notes",
    "deploys",
    "test_runs",
    "coverage",
    "metrics",
    "finding",
    "reviews",
    "workflow_runs",
    "other",
]
KINDS: tuple[str, ...] = typing.get_args(Kind)
CODE_KINDS: tuple[str, ...] = ("pull_request", "branch", "area", "dependencies", "docs", "ci")
CODE_KINDS += ("tests", "release", "revert")


@dataclass(frozen=True)
class Size:
    """How big a piece of work is; vendored, generated, lock and binary files are apart."""

    commits: int = 0  # merges not included
    merges: int = 0
    files: int = 0
    added: int = 0
    deleted: int = 0
    apart_files: int = 0  # vendored/generated/lock/binary files, not in files/added/deleted
    apart_added: int = 0
    apart_deleted: int = 0

    def __add__(self, other: Size) -> Size:
        """Return the sum of two sizes (files are summed too: callers count distinct ones)."""
        pairs = zip(dataclasses.astuple(self), dataclasses.astuple(other), strict=True)
        return Size(*(a + b for a, b in pairs))

    @property
    def lines(self) -> int:
        """Return the changed lines that count (added + deleted, apart files left out)."""
        return self.added + self.deleted


@dataclass(frozen=True)
class WorkItem:
    """One accomplishment: a piece of work, what it was, its evidence and its size."""

    kind: str  # one of KINDS
    title: str  # safe markdown: what it was about
    line: str  # safe markdown: the bullet as the page shows it
    evidence: tuple[str, ...] = ()  # commit shas, pull request refs (repo#N), links
    size: Size = field(default_factory=Size)
    person: str | None = None
    repo: str | None = None
    branch: str | None = None  # the branch the work is on, when the item is about commits
    area: str | None = None  # the part of the code it changed most (pkg/gtr, docs, .github)
    headline: str = ""  # safe markdown: the line's short form, for Key Effort
    status: str | None = None  # merged, open, closed (pull requests); success, failure (deploys)

    def __str__(self) -> str:
        """Return the bullet, so a template that prints an item prints its line."""
        return self.line


@dataclass(frozen=True)
class TestSuiteResult:
    """Totals of one test suite (or one report file when it holds many suites)."""

    __test__ = False  # not a pytest class, despite its name

    name: str
    source: str
    tests: int
    passed: int
    failures: int
    errors: int
    skipped: int
    failing: tuple[str, ...] = ()
    at: datetime | None = None  # when the report file was written

    @property
    def run(self) -> int:
        """Return how many tests ran (everything but the skipped ones)."""
        return self.tests - self.skipped


@dataclass(frozen=True)
class CoverageReport:
    """Line coverage of one report: overall and per package, in percent."""

    source: str
    format: str
    lines_covered: int
    lines_valid: int
    packages: tuple[tuple[str, float], ...] = ()

    @property
    def percent(self) -> float:
        """Return the overall line rate in percent, rounded to one decimal."""
        if not self.lines_valid:
            return 0.0
        return round(100.0 * self.lines_covered / self.lines_valid, 1)


@dataclass(frozen=True)
class CoverageChange:
    """The change of one coverage figure since the last snapshot of an earlier day."""

    source: str
    name: str
    before: float | None
    after: float

    @property
    def delta(self) -> float | None:
        """Return after - before in percentage points, or None without a baseline."""
        return None if self.before is None else round(self.after - self.before, 1)


@dataclass(frozen=True)
class Deployment:
    """A deployment to an environment."""

    environment: str
    version: str
    status: str
    at: datetime
    url: str | None = None
    note: str | None = None
    source: str = "recorded"
    sha: str | None = None
    creator: str | None = None
    repo: str | None = None
    private: bool = False
    day: date | None = None  # the day a recorded deploy was recorded for (record --date)


@dataclass(frozen=True)
class PullRequest:
    """A pull request of one of the people, as GitHub showed it in the day window."""

    repo: str
    number: int
    title: str
    url: str | None
    state: str  # open, closed or merged
    draft: bool
    author: str
    commits: int | None = None
    additions: int | None = None
    deletions: int | None = None
    review_decision: str | None = None  # approved, changes_requested, waiting
    head_branch: str | None = None
    head_sha: str | None = None
    ci_state: str | None = None  # passing, failing, pending; None without checks
    ci_unknown: str | None = None  # why CI is unknown: "no permission to read checks"
    failing_checks: tuple[str, ...] = ()
    opened_at: datetime | None = None
    updated_at: datetime | None = None
    merged_at: datetime | None = None
    closed_at: datetime | None = None
    labels: tuple[str, ...] = ()
    private: bool = False
    stale_review: bool = False  # open, ready and waiting longer than github.stale_review_days


@dataclass(frozen=True)
class Review:
    """A review one of the people gave on someone else's pull request."""

    repo: str
    number: int
    title: str
    url: str | None
    author: str
    reviewer: str
    state: str  # approved, changes_requested, commented
    at: datetime
    private: bool = False


@dataclass(frozen=True)
class WorkflowRun:
    """A GitHub Actions workflow run of the day."""

    repo: str
    name: str
    status: str
    conclusion: str | None
    branch: str | None
    url: str | None
    at: datetime
    private: bool = False


@dataclass(frozen=True)
class StaleSource:
    """A source whose facts are the last known ones, fetched at fetched_at, because it failed."""

    source: str
    fetched_at: datetime | None
    reason: str
    partial: bool = False  # some facts may be missing (not only older), as reason says


@dataclass(frozen=True)
class Note:
    """A note of the person's own: an accomplishment, a risk or the key effort."""

    text: str
    at: datetime
    day: date
    risk: str | None = None
    key_effort: bool = False
    person: str | None = None  # the person's name; None = the first person


@dataclass(frozen=True)
class Metric:
    """A measured figure (recorded or read from a metrics file), beside its last earlier value."""

    name: str
    value: float
    unit: str = ""
    label: str = ""
    better: str = "lower"  # lower or higher: which way is an improvement
    at: datetime | None = None
    source: str = "recorded"
    before: float | None = None  # the last value of (name, label) on an earlier day
    before_day: date | None = None


@dataclass(frozen=True)
class SourceFailure:
    """A source that could not be read this cycle, and why."""

    source: str
    reason: str


@dataclass(frozen=True)
class Facts:
    """Everything known about one day."""

    day: date
    timezone: str
    people: tuple[Person, ...]
    commits: tuple[Commit, ...] = ()
    tests: tuple[TestSuiteResult, ...] = ()
    coverage: tuple[CoverageReport, ...] = ()
    coverage_changes: tuple[CoverageChange, ...] = ()
    deployments: tuple[Deployment, ...] = ()
    notes: tuple[Note, ...] = ()
    failures: tuple[SourceFailure, ...] = field(default=())
    pull_requests: tuple[PullRequest, ...] = ()
    reviews: tuple[Review, ...] = ()
    workflow_runs: tuple[WorkflowRun, ...] = ()
    stale: tuple[StaleSource, ...] = ()
    since: date | None = None  # first day the page covers when it spans several (workdays)
    metrics: tuple[Metric, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return the facts as JSON-ready data."""
        return _jsonable(dataclasses.asdict(self))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Facts:
        """Return the facts that to_dict gave `data`; unknown keys are ignored."""
        return typing.cast(Facts, _decode(cls, data))


def _decode(kind: Any, value: Any) -> Any:
    """Return JSON data as an instance of the type `kind` (dataclasses, tuples, dates, unions)."""
    origin = typing.get_origin(kind)
    if value is None:
        return None
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(kind) if a is not type(None)]
        return _decode(options[0], value) if len(options) == 1 else value
    if origin is tuple:
        args = typing.get_args(kind)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], v) for v in value)
        return tuple(_decode(a, v) for a, v in zip(args, value, strict=False))
    if dataclasses.is_dataclass(kind) and isinstance(kind, type):
        hints = typing.get_type_hints(kind)
        names = {f.name for f in dataclasses.fields(kind) if f.init}
        return kind(**{k: _decode(hints[k], v) for k, v in value.items() if k in names})
    if kind is datetime:
        return datetime.fromisoformat(value)
    if kind is date:
        return date.fromisoformat(value)
    return value


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
