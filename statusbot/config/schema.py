"""Every config key, declared once: its section, type, default, one-line doc and check."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from statusbot.config.options import (
    check_api_url,
    check_pages_path,
    check_positive,
    check_repo_names,
    check_timezone,
    check_workdays,
    opt,
)
from statusbot.gitpages.names import branch_problem
from statusbot.model import Person

CONFIG_NAME = "statusbot.yml"
DEFAULT_GITHUB_API = "https://api.github.com"

# Report globs used when no config file names any: cheap, non-recursive-at-top locations.
DEFAULT_JUNIT_GLOBS = (
    "junit*.xml",
    "TEST-*.xml",
    "reports/**/*.xml",
    "test-results/**/*.xml",
    "build/test-results/**/*.xml",
    "target/surefire-reports/*.xml",
)
DEFAULT_COVERAGE_GLOBS = (
    "coverage.xml",
    "coverage.json",
    "lcov.info",
    "coverage.out",
    "coverage/lcov.info",
    "coverage/cobertura-coverage.xml",
)


def _workdays(value: str) -> frozenset[int]:
    from statusbot.workdays import parse_workdays

    return parse_workdays(value)


@dataclass(frozen=True)
class SourcesSettings:
    """The sources.* keys: where facts come from."""

    git: tuple[Path, ...] = opt("paths", ["."], "local repositories to read commits from")
    junit: tuple[str, ...] = opt(
        "globs", DEFAULT_JUNIT_GLOBS, "JUnit/xUnit XML globs; default: common report paths"
    )
    coverage: tuple[str, ...] = opt(
        "globs", DEFAULT_COVERAGE_GLOBS, "Cobertura/JaCoCo XML, coverage.py JSON, lcov, Go"
    )
    metrics: tuple[str, ...] = opt("globs", [], "metric JSON files written during the day")
    max_report_mb: float = opt(
        "number", 64, "report files larger than this (MB) are refused unread", check_positive
    )


@dataclass(frozen=True)
class PublishSettings:
    """The publish.* keys: where and how the site is written."""

    repo: Path = opt("path", ".", "the repository whose Pages branch is written")
    branch: str = opt("str", "gh-pages", "the Pages branch", branch_problem)
    path: str = opt(
        "str", "/", "folder inside the branch: / or /docs (the whole site), or any other folder "
        "(statusbot's pages inside the site there)", check_pages_path, lambda v: v.strip("/"),
    )  # fmt: skip
    adopt: bool = opt(
        "bool", False, "take over files on the Pages branch that statusbot did not write"
    )
    remote: str | None = opt("str?", "origin", "push target; null = commit only")
    lock_wait: float = opt(
        "number", 5.0, "seconds a run waits for another run's lock before it gives way", None, float
    )
    push_retries: int = opt(
        "int", 3, "pushes retried when the remote moved, each rebuilt on the remote's commit"
    )
    squash_after_days: int | None = opt(
        "int?", None, "fold the Pages history older than N days into one root commit"
    )
    allow_private_data: bool = opt(
        "bool", False, "publish facts from private GitHub repositories (Pages sites are public)"
    )


@dataclass(frozen=True)
class GitHubSettings:
    """The github.* keys: pull requests, reviews, CI and deployments."""

    repos: tuple[str, ...] = opt(
        "strs", [], "owner/name repositories to watch; default: all the person touched",
        check_repo_names,
    )  # fmt: skip
    orgs: tuple[str, ...] = opt("strs", [], "organisations to search in")
    api_url: str = opt(
        "str", DEFAULT_GITHUB_API, "REST API root (GitHub Enterprise); GITHUB_API_URL overrides",
        check_api_url, lambda v: v.rstrip("/"),
    )  # fmt: skip
    stale_review_days: int = opt(
        "int", 2, "days a ready pull request may wait for review before it is a risk"
    )
    exclude_repos: tuple[str, ...] = opt("strs", [], "owner/name repositories to leave out")
    exclude_labels: tuple[str, ...] = opt("strs", [], "pull request labels to leave out")
    token_file: Path | None = opt(
        "path?", None, "file holding the GitHub token (never the token itself)"
    )
    workflow_runs: bool = opt("bool", False, "list the day's Actions workflow runs of github.repos")
    time_budget: int = opt("int", 60, "seconds the GitHub provider may take per cycle")


@dataclass(frozen=True)
class RiskSettings:
    """The risks.* keys: the built-in risk rules, each switched off or tuned."""

    failing_tests: bool = opt(
        "bool", True, "failing JUnit tests and failing CI on open pull requests"
    )
    coverage_drop: float | None = opt(
        "number?", 2.0, "percentage points a coverage figure may drop; null = off", None, float
    )
    failed_deploys: bool = opt("bool", True, "deployments that failed or errored")
    undeployed_days: int | None = opt(
        "int?", 2, "days an environment's last deploy may trail its repo's last merge; null = off"
    )
    review_wait: bool = opt(
        "bool", True, "pull requests waiting for review longer than github.stale_review_days"
    )
    changes_requested_days: int | None = opt(
        "int?", 1, "days a pull request may sit with changes requested and no update; null = off"
    )
    failed_workflows: bool = opt("bool", True, "failed Actions workflow runs")
    stale_source: bool = opt("bool", True, "sources that failed, so their data is stale")


def _check_input(value: Any) -> str | None:
    return None if value in ("prompt", "json") else f"expected prompt or json, not {value!r}"


@dataclass(frozen=True)
class SummarizerSettings:
    """The summarizer.* keys: an optional command that writes the sections' prose."""

    command: tuple[str, ...] | None = opt(
        "argv?", None, "argv list, or a string split like a shell (never run by one)"
    )
    timeout: float = opt("number", 60.0, "seconds the summarizer may take", None, float)
    input: str = opt(
        "str", "prompt", "prompt (the shipped prompt and a digest) or json", _check_input
    )


@dataclass(frozen=True)
class PersonSettings:
    """One entry of people: whose work the page shows."""

    name: str = opt("str", None, "display name, also matched against commit authors")
    github: str | None = opt("str?", None, "GitHub login")
    emails: tuple[str, ...] = opt("strs", [], "commit author emails")


def section(cls: type) -> Any:
    """Declare a nested section of keys."""
    return dataclasses.field(default_factory=cls, metadata={"section": cls})


@dataclass(frozen=True)
class Config:
    """A validated configuration with paths made absolute; sections nest as in the file."""

    timezone: str = opt(
        "str", None, "IANA zone of the day's boundaries; default: the system's zone",
        check_timezone,
    )  # fmt: skip
    people: tuple[Person, ...] = opt(
        "list", [], "whose work the page shows; default: the checkout's git user"
    )
    sources: SourcesSettings = section(SourcesSettings)
    publish: PublishSettings = section(PublishSettings)
    templates_dir: Path | None = opt(
        "path?", None, "user templates that override the built-in ones"
    )
    state_dir: Path | None = opt(
        "path?", None, "local store of notes, deploys and snapshots; default: .git/statusbot"
    )
    site_title: str = opt("str", "Daily Status", "the site's title")
    stale_after_hours: float = opt(
        "number", 6.0, "hours a source may fail before the day's page shows a stale banner", None,
        float,
    )  # fmt: skip
    workdays: frozenset[int] | None = opt(
        "str?", None,
        "working days, e.g. Mon-Fri, Sun-Thu, Mon,Tue,Thu; a working day's page covers the days "
        "since the previous one; default: every day",
        check_workdays, _workdays,
    )  # fmt: skip
    github: GitHubSettings = section(GitHubSettings)
    risks: RiskSettings = section(RiskSettings)
    summarizer: SummarizerSettings = section(SummarizerSettings)
    # Not keys of the file: where it was found, and the folder relative paths start from.
    path: Path | None = None
    base: Path = dataclasses.field(default_factory=Path.cwd)

    @property
    def embedded(self) -> bool:
        """Return True when no config file was found (the embedded default)."""
        return self.path is None
