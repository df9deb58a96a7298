"""The configuration schema, declared once, and its one-pass validation."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from statusbot.errors import ConfigError
from statusbot.model import Person
from statusbot.risk_rules import RiskSettings

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


@dataclass(frozen=True)
class Option:
    """One config key: its type check, default and one-line documentation."""

    kind: str
    default: Any
    doc: str
    check: Callable[[Any], str | None] | None = None


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _check_timezone(value: Any) -> str | None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return f"unknown time zone {value!r}"
    return None


def _check_workdays(value: Any) -> str | None:
    from statusbot.workdays import parse_workdays

    try:
        parse_workdays(value)
    except ValueError as exc:
        return str(exc)
    return None


def _check_repo_names(value: Any) -> str | None:
    bad = [v for v in value if v.count("/") != 1 or not all(v.split("/"))]
    return f"expected owner/name, not {', '.join(map(repr, bad))}" if bad else None


def _check_api_url(value: Any) -> str | None:
    """Allow https, or plain http to a loopback address only: the token goes with each request."""
    import ipaddress
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(value)
        host = parts.hostname or ""
        parts.port  # noqa: B018  (raises on a port that is not a number)
    except ValueError:
        host, parts = "", urlsplit("")
    if parts.scheme not in ("https", "http") or not host:
        return f"expected an https URL, not {value!r}"
    if parts.scheme == "http":
        try:
            loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
        if not loopback:
            return (
                f"plain http sends the token in the clear: use https, not {value!r} "
                "(http is allowed only to a loopback address)"
            )
    return None


def _check_pages_path(value: Any) -> str | None:
    if value.strip("/") not in ("", "docs"):
        return f"must be / or /docs, not {value!r}"
    return None


# key path -> Option. "people[]" entries are checked by PERSON_SCHEMA.
SCHEMA: dict[str, Option] = {
    "timezone": Option(
        "str",
        None,
        "IANA zone of the day's boundaries; default: the system's zone",
        _check_timezone,
    ),
    "people": Option("list", [], "whose work the page shows; default: the checkout's git user"),
    "sources": Option("dict", {}, "where facts come from"),
    "sources.git": Option("paths", ["."], "local repositories to read commits from"),
    "sources.junit": Option("globs", None, "JUnit/xUnit XML globs; default: common report paths"),
    "sources.coverage": Option(
        "globs", None, "Cobertura/JaCoCo XML, coverage.py JSON, lcov, Go coverprofile"
    ),
    "sources.metrics": Option("globs", [], "metric JSON files written during the day"),
    "publish": Option("dict", {}, "where the site is written"),
    "publish.repo": Option("path", ".", "the repository whose Pages branch is written"),
    "publish.branch": Option("str", "gh-pages", "the Pages branch"),
    "publish.path": Option("str", "/", "folder inside the branch: / or /docs", _check_pages_path),
    "publish.remote": Option("str?", "origin", "push target; null = commit only"),
    "templates_dir": Option("path?", None, "user templates that override the built-in ones"),
    "state_dir": Option(
        "path?", None, "local store of notes, deploys and snapshots; default: .git/statusbot"
    ),
    "site_title": Option("str", "Daily Status", "the site's title"),
    "publish.lock_wait": Option(
        "number", 5, "seconds a run waits for another run's lock before it gives way"
    ),
    "publish.push_retries": Option(
        "int", 3, "pushes retried when the remote moved, each rebuilt on the remote's commit"
    ),
    "publish.squash_after_days": Option(
        "int?", None, "fold the Pages history older than N days into one root commit"
    ),
    "stale_after_hours": Option(
        "number", 6, "hours a source may fail before the day's page shows a stale banner"
    ),
    "publish.allow_private_data": Option(
        "bool", False, "publish facts from private GitHub repositories (Pages sites are public)"
    ),
    "github": Option("dict", {}, "GitHub pull requests, reviews, CI and deployments"),
    "github.repos": Option(
        "strs",
        [],
        "owner/name repositories to watch; default: all the person touched",
        _check_repo_names,
    ),
    "github.orgs": Option("strs", [], "organisations to search in"),
    "github.api_url": Option(
        "str",
        DEFAULT_GITHUB_API,
        "REST API root (GitHub Enterprise); GITHUB_API_URL overrides",
        _check_api_url,
    ),
    "github.stale_review_days": Option(
        "int", 2, "days a ready pull request may wait for review before it is a risk"
    ),
    "github.exclude_repos": Option("strs", [], "owner/name repositories to leave out"),
    "github.exclude_labels": Option("strs", [], "pull request labels to leave out"),
    "github.token_file": Option(
        "path?", None, "file holding the GitHub token (never the token itself)"
    ),
    "github.workflow_runs": Option(
        "bool", False, "list the day's Actions workflow runs of github.repos"
    ),
    "github.time_budget": Option("int", 60, "seconds the GitHub provider may take per cycle"),
    "workdays": Option(
        "str?",
        None,
        "working days, e.g. Mon-Fri, Sun-Thu, Mon,Tue,Thu; a working day's page covers the days "
        "since the previous one; default: every day",
        _check_workdays,
    ),
    "risks": Option("dict", {}, "the built-in risk rules: switch each off or tune it"),
    "risks.failing_tests": Option(
        "bool", True, "failing JUnit tests and failing CI on open pull requests"
    ),
    "risks.coverage_drop": Option(
        "number?", 2.0, "percentage points a coverage figure may drop; null = off"
    ),
    "risks.failed_deploys": Option("bool", True, "deployments that failed or errored"),
    "risks.undeployed_days": Option(
        "int?", 2, "days an environment's last deploy may trail its repo's last merge; null = off"
    ),
    "risks.review_wait": Option(
        "bool", True, "pull requests waiting for review longer than github.stale_review_days"
    ),
    "risks.changes_requested_days": Option(
        "int?", 1, "days a pull request may sit with changes requested and no update; null = off"
    ),
    "risks.failed_workflows": Option("bool", True, "failed Actions workflow runs"),
    "risks.stale_source": Option("bool", True, "sources that failed, so their data is stale"),
    "summarizer": Option("dict", {}, "an optional command that writes the sections' prose"),
    "summarizer.command": Option(
        "argv?", None, "argv list, or a string split like a shell (never run by one)"
    ),
    "summarizer.timeout": Option("number", 60, "seconds the summarizer may take"),
}

PERSON_SCHEMA: dict[str, Option] = {
    "name": Option("str", None, "display name, also matched against commit authors"),
    "github": Option("str?", None, "GitHub login"),
    "emails": Option("strs", [], "commit author emails"),
}


@dataclass(frozen=True)
class GitHubSettings:
    """The github.* keys."""

    repos: tuple[str, ...] = ()
    orgs: tuple[str, ...] = ()
    api_url: str = DEFAULT_GITHUB_API
    stale_review_days: int = 2
    exclude_repos: tuple[str, ...] = ()
    exclude_labels: tuple[str, ...] = ()
    token_file: Path | None = None
    workflow_runs: bool = False
    time_budget: int = 60


@dataclass(frozen=True)
class Config:
    """A validated configuration with paths made absolute."""

    path: Path | None
    timezone: str
    people: tuple[Person, ...]
    git_repos: tuple[Path, ...]
    junit_globs: tuple[str, ...]
    coverage_globs: tuple[str, ...]
    publish_repo: Path
    publish_branch: str
    publish_path: str
    publish_remote: str | None
    templates_dir: Path | None
    state_dir: Path | None
    site_title: str = "Daily Status"
    base: Path = field(default_factory=Path.cwd)
    lock_wait: float = 5.0
    push_retries: int = 3
    squash_after_days: int | None = None
    stale_after_hours: float = 6.0
    github: GitHubSettings = field(default_factory=GitHubSettings)
    allow_private_data: bool = False
    risks: RiskSettings = field(default_factory=RiskSettings)
    workdays: frozenset[int] | None = None  # weekday numbers, Monday = 0; None = every day
    metric_globs: tuple[str, ...] = ()
    summarizer_command: tuple[str, ...] | None = None
    summarizer_timeout: float = 60.0

    @property
    def embedded(self) -> bool:
        """Return True when no config file was found (the embedded default)."""
        return self.path is None


def find_config(explicit: str | None, cwd: Path) -> Path | None:
    """Return the config file to use, or None for the embedded default."""
    if explicit:
        path = Path(explicit).expanduser()
        path = path if path.is_absolute() else cwd / path
        if not path.is_file():
            raise ConfigError(f"{explicit}: no such config file")
        return path
    local = cwd / CONFIG_NAME
    if local.is_file():
        return local
    xdg = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    user = xdg / "statusbot" / "config.yml"
    return user if user.is_file() else None


def load(path: Path | None, cwd: Path) -> Config:
    """Read and validate the config file (or the embedded default) in one pass."""
    if path is None:
        return build({}, base=cwd, path=None)
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"{path}: not valid YAML{where}: {problem}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of keys at the top level")
    return build(data, base=path.parent, path=path)


def build(data: dict[str, Any], *, base: Path, path: Path | None) -> Config:
    """Validate raw config data and return a Config, or raise one ConfigError listing all."""
    problems: list[str] = []
    values = _validate(data, SCHEMA, "", base, problems)
    people = _people(values.get("people") or [], problems)
    if problems:
        label = str(path) if path else "config"
        raise ConfigError("\n".join(f"{label}: {p}" for p in problems))

    junit = values["sources.junit"]
    coverage = values["sources.coverage"]
    return Config(
        path=path,
        timezone=values["timezone"] or system_timezone(),
        people=people,
        git_repos=tuple(values["sources.git"]),
        junit_globs=tuple(DEFAULT_JUNIT_GLOBS if junit is None else junit),
        coverage_globs=tuple(DEFAULT_COVERAGE_GLOBS if coverage is None else coverage),
        publish_repo=values["publish.repo"],
        publish_branch=values["publish.branch"],
        publish_path=values["publish.path"].strip("/"),
        publish_remote=values["publish.remote"],
        templates_dir=values["templates_dir"],
        state_dir=values["state_dir"],
        site_title=values["site_title"],
        base=base,
        lock_wait=float(values["publish.lock_wait"]),
        push_retries=values["publish.push_retries"],
        squash_after_days=values["publish.squash_after_days"],
        stale_after_hours=float(values["stale_after_hours"]),
        github=GitHubSettings(
            repos=tuple(values["github.repos"]),
            orgs=tuple(values["github.orgs"]),
            api_url=values["github.api_url"].rstrip("/"),
            stale_review_days=values["github.stale_review_days"],
            exclude_repos=tuple(values["github.exclude_repos"]),
            exclude_labels=tuple(values["github.exclude_labels"]),
            token_file=values["github.token_file"],
            workflow_runs=values["github.workflow_runs"],
            time_budget=values["github.time_budget"],
        ),
        allow_private_data=values["publish.allow_private_data"],
        risks=RiskSettings(
            failing_tests=values["risks.failing_tests"],
            coverage_drop=values["risks.coverage_drop"],
            failed_deploys=values["risks.failed_deploys"],
            undeployed_days=values["risks.undeployed_days"],
            review_wait=values["risks.review_wait"],
            changes_requested_days=values["risks.changes_requested_days"],
            failed_workflows=values["risks.failed_workflows"],
            stale_source=values["risks.stale_source"],
        ),
        workdays=_workdays(values["workdays"]),
        metric_globs=tuple(values["sources.metrics"]),
        summarizer_command=values["summarizer.command"],
        summarizer_timeout=float(values["summarizer.timeout"]),
    )


def _workdays(value: str | None) -> frozenset[int] | None:
    from statusbot.workdays import parse_workdays

    return parse_workdays(value) if value else None


def _validate(
    data: dict[str, Any], schema: dict[str, Option], prefix: str, base: Path, problems: list[str]
) -> dict[str, Any]:
    """Check data against schema; return flat {key: value} with defaults and absolute paths."""
    values: dict[str, Any] = {}
    sections = {k for k, o in schema.items() if o.kind == "dict"}
    for key in data:
        if key not in schema:
            problems.append(f"{prefix}{key}: unknown key")
    for section in sections:
        sub = data.get(section, {})
        if sub is None:
            sub = {}
        if not isinstance(sub, dict):
            problems.append(f"{prefix}{section}: expected a mapping, got {_type(sub)}")
            sub = {}
        for key in sub:
            if f"{section}.{key}" not in schema:
                problems.append(f"{prefix}{section}.{key}: unknown key")
    for key, option in schema.items():
        if option.kind == "dict":
            continue
        head, _, tail = key.partition(".")
        present, raw = _lookup(data, head, tail)
        if not present:
            values[key] = _default(option, base)
            continue
        if raw is None and option.kind.endswith("?"):  # an explicit null switches it off
            values[key] = None
            continue
        value, problem = _coerce(raw, option, base)
        if problem is None and option.check is not None:
            problem = option.check(value if not isinstance(value, Path) else raw)
        if problem:
            problems.append(f"{prefix}{key}: {problem}")
            value = _default(option, base)
        values[key] = value
    return values


def _lookup(data: dict[str, Any], head: str, tail: str) -> tuple[bool, Any]:
    if not tail:
        return head in data, data.get(head)
    section = data.get(head)
    if not isinstance(section, dict):
        return False, None
    return tail in section, section.get(tail)


def _default(option: Option, base: Path) -> Any:
    if option.kind in ("path", "path?") and option.default is not None:
        return (base / option.default).resolve()
    if option.kind == "paths":
        return [(base / p).resolve() for p in option.default]
    return option.default


def _coerce(raw: Any, option: Option, base: Path) -> tuple[Any, str | None]:
    """Return (value, problem) for one raw config value."""
    kind = option.kind.rstrip("?")
    if kind == "str":
        if not isinstance(raw, str) or not raw.strip():
            return None, f"expected a non-empty string, got {_type(raw)}"
        return raw, None
    if kind in ("int", "number"):
        numeric = int if kind == "int" else (int, float)
        if isinstance(raw, bool) or not isinstance(raw, numeric) or raw < 0:
            noun = "a whole number" if kind == "int" else "a number"
            got = repr(raw) if isinstance(raw, int | float) and not isinstance(raw, bool) else None
            return None, f"expected {noun} >= 0, got {got or _type(raw)}"
        return raw, None
    if kind == "bool":
        if not isinstance(raw, bool):
            return None, f"expected true or false, got {_type(raw)}"
        return raw, None
    if kind == "list":
        if not isinstance(raw, list):
            return None, f"expected a list, got {_type(raw)}"
        return raw, None
    if kind in ("globs", "strs"):
        if isinstance(raw, str):
            raw = [raw]
        if not _is_str_list(raw):
            return None, f"expected a list of strings, got {_type(raw)}"
        return list(raw), None
    if kind == "argv":
        return _argv(raw)
    if kind == "path":
        if not isinstance(raw, str) or not raw:
            return None, f"expected a path, got {_type(raw)}"
        path = (base / Path(raw).expanduser()).resolve()
        if not path.exists():
            return None, f"no such file or directory: {raw}"
        return path, None
    if kind == "paths":
        if isinstance(raw, str):
            raw = [raw]
        if not _is_str_list(raw):
            return None, f"expected a list of paths, got {_type(raw)}"
        paths = [(base / Path(p).expanduser()).resolve() for p in raw]
        missing = [p for p, r in zip(paths, raw, strict=True) if not r or not p.exists()]
        if missing:
            return None, "no such directory: " + ", ".join(
                r for p, r in zip(paths, raw, strict=True) if p in missing
            )
        return paths, None
    raise AssertionError(f"unknown option kind {option.kind}")


def _argv(raw: Any) -> tuple[tuple[str, ...] | None, str | None]:
    """Return a command as an argv tuple: a list of strings, or a string split like a shell."""
    if isinstance(raw, str):
        import shlex

        try:
            raw = shlex.split(raw)
        except ValueError as exc:
            return None, f"cannot split the command: {exc}"
    if not _is_str_list(raw) or not raw or not raw[0]:
        return None, f"expected a command (a string or a list of strings), got {_type(raw)}"
    return tuple(raw), None


def _people(raw: list[Any], problems: list[str]) -> tuple[Person, ...]:
    people = []
    for i, entry in enumerate(raw):
        where = f"people[{i}]"
        if not isinstance(entry, dict):
            problems.append(f"{where}: expected a mapping with name, github, emails")
            continue
        for key in entry:
            if key not in PERSON_SCHEMA:
                problems.append(f"{where}.{key}: unknown key")
        fields: dict[str, Any] = {}
        for key, option in PERSON_SCHEMA.items():
            if key not in entry or (entry[key] is None and option.kind.endswith("?")):
                if key == "name":
                    problems.append(f"{where}.name: required")
                fields[key] = option.default
                continue
            value, problem = _coerce(entry[key], option, Path("."))
            if problem:
                problems.append(f"{where}.{key}: {problem}")
            fields[key] = value if problem is None else option.default
        if fields["name"]:
            person = Person(
                name=fields["name"],
                github=fields["github"],
                emails=tuple(e.lower() for e in fields["emails"] or ()),
            )
            twin = next((j for j, p in enumerate(people) if p.slug == person.slug), None)
            if twin is not None:
                problems.append(
                    f"{where}.name: {person.name!r} gets the same page address as "
                    f"people[{twin}] ({person.slug!r}); make the names differ in letters or digits"
                )
            people.append(person)
    return tuple(people)


def _type(value: Any) -> str:
    names = {
        dict: "a mapping",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        type(None): "null",
    }
    return names.get(type(value), type(value).__name__)


def system_timezone() -> str:
    """Return the system's IANA zone name (TZ, /etc/localtime, /etc/timezone), else UTC."""
    tz = os.environ.get("TZ", "").lstrip(":")
    if tz and _check_timezone(tz) is None:
        return tz
    localtime = Path("/etc/localtime")
    if localtime.is_symlink():
        target = str(localtime.resolve())
        marker = "zoneinfo/"
        if marker in target:
            name = target.split(marker, 1)[1]
            if _check_timezone(name) is None:
                return name
    etc = Path("/etc/timezone")
    if etc.is_file():
        name = etc.read_text(encoding="utf-8").strip()
        if name and _check_timezone(name) is None:
            return name
    return "UTC"


def documented_keys() -> list[str]:
    """Return every config key path, for the README check."""
    keys = [k for k in SCHEMA]
    keys += [f"people[].{k}" for k in PERSON_SCHEMA]
    return keys
