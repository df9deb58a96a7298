"""One run: collect the day's facts, compose, render and publish. `now` comes in from outside."""

from __future__ import annotations

import glob
import hashlib
import json
import logging
import subprocess
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from statusbot.compose import Sections, compose
from statusbot.config import Config
from statusbot.errors import ConfigError, PublishError, StatusbotError
from statusbot.model import (
    CoverageChange,
    CoverageReport,
    Facts,
    Person,
    SourceFailure,
    TestSuiteResult,
)
from statusbot.state import SNAPSHOTS, Store

log = logging.getLogger(__name__)

LAST_RUN = "last-publish.json"


def day_window(day: date, timezone: str) -> tuple[datetime, datetime]:
    """Return the day's [start, end) in UTC; a DST day is 23 or 25 hours long."""
    tz = ZoneInfo(timezone)
    start = datetime.combine(day, time(0), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    # In UTC, so comparisons use absolute time, not wall time (which repeats an hour in autumn).
    return start.astimezone(UTC), end.astimezone(UTC)


def resolve_day(now: datetime, timezone: str, day: date | None) -> date:
    """Return the day to report on: the given one, or today in the configured zone."""
    today = now.astimezone(ZoneInfo(timezone)).date()
    if day is not None and day > today:
        raise StatusbotError(f"--date {day} is in the future (today is {today} in {timezone})")
    return day or today


def store_for(config: Config) -> Store:
    """Return the local store: state_dir, or a folder in the Pages repo's git directory."""
    if config.state_dir is not None:
        return Store(config.state_dir)
    done = subprocess.run(
        [
            "git",
            "-C",
            str(config.publish_repo),
            "rev-parse",
            "--path-format=absolute",
            "--git-common-dir",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise ConfigError(
            f"{config.publish_repo} is not a git repository: run statusbot inside a git "
            "checkout, or set publish.repo (or state_dir) in statusbot.yml"
        )
    return Store(Path(done.stdout.strip()) / "statusbot")


def people_for(config: Config) -> tuple[Person, ...]:
    """Return the configured people, or the checkout's git user for the embedded default."""
    if config.people:
        return config.people
    from statusbot.providers.git import git_identity

    person = git_identity(config.publish_repo)
    if person is None:
        raise ConfigError(
            f"no person to report on: set `git config user.email` in {config.publish_repo} "
            "or list people in statusbot.yml"
        )
    return (person,)


def report_files(
    config: Config, patterns: tuple[str, ...], start: datetime, end: datetime
) -> list[Path]:
    """Return report files matching the globs that were written during the day."""
    found: set[Path] = set()
    for pattern in patterns:
        full = pattern if Path(pattern).is_absolute() else str(config.base / pattern)
        for name in glob.glob(full, recursive=True):
            path = Path(name)
            if path.is_file():
                found.add(path)
    lo, hi = start.timestamp(), end.timestamp()
    return sorted(p for p in found if lo <= p.stat().st_mtime < hi)


def collect(config: Config, day: date, store: Store, now: datetime | None = None) -> Facts:
    """Gather the day's facts from every source; a failing source is noted, not fatal."""
    from statusbot.providers.git import collect_commits
    from statusbot.providers.records import collect_records
    from statusbot.workdays import covered_days, page_window

    start, end = page_window(day, config.timezone, config.workdays)  # day_window without workdays
    people = people_for(config)
    commits, failures = collect_commits(
        list(config.git_repos), people, start, end, exclude_branches=(config.publish_branch,)
    )
    tests: list[TestSuiteResult] = []
    reports: list[CoverageReport] = []
    junit_files = report_files(config, config.junit_globs, start, end)
    if junit_files:  # the parsers' imports cost time; a cycle without reports skips them
        from statusbot.providers.junit import collect_junit

        tests, bad = collect_junit(junit_files)
        tests = [replace(t, source=_relative(config, t.source)) for t in tests]
        failures += [_labelled(config, "junit report", f) for f in bad]
    coverage_files = report_files(config, config.coverage_globs, start, end)
    if coverage_files:
        from statusbot.providers.coverage import collect_coverage

        reports, bad = collect_coverage(coverage_files)
        reports = [replace(r, source=_relative(config, r.source)) for r in reports]
        failures += [_labelled(config, "coverage report", f) for f in bad]
    notes, deploys = [], []
    for covered in covered_days(day, config.workdays):  # a Monday page holds the weekend's records
        day_notes, day_deploys = collect_records(store, covered)
        notes += day_notes
        deploys += day_deploys
    metrics, bad = _metrics(config, store, day, start, end)
    failures += bad
    github = None
    if any(p.github for p in people):  # the GitHub client's imports cost time: only when needed
        from statusbot.providers.github import collect_for_config

        now = now or datetime.now(UTC)
        github = collect_for_config(config, people, day, (start, end), now, store)
    if github is not None:
        deploys = [*deploys, *github.deployments]
        failures += github.failures
    return Facts(
        day=day,
        timezone=config.timezone,
        people=people,
        commits=tuple(commits),
        tests=tuple(tests),
        coverage=tuple(reports),
        coverage_changes=tuple(coverage_changes(reports, store.load_json(SNAPSHOTS), day)),
        deployments=tuple(sorted(deploys, key=lambda d: d.at)),
        notes=tuple(notes),
        failures=tuple(failures),
        pull_requests=tuple(github.pull_requests) if github else (),
        reviews=tuple(github.reviews) if github else (),
        workflow_runs=tuple(github.workflow_runs) if github else (),
        stale=(github.stale,) if github and github.stale else (),
        since=covered_days(day, config.workdays)[0] if config.workdays else None,
        metrics=tuple(metrics),
    )


def _metrics(
    config: Config, store: Store, day: date, start: datetime, end: datetime
) -> tuple[list, list[SourceFailure]]:
    """Return the day's recorded and file metrics beside their earlier values, and bad files."""
    from statusbot.providers.metrics import collect_metric_files, recorded_metrics, with_baselines

    found, bad = collect_metric_files(report_files(config, config.metric_globs, start, end))
    found = [replace(m, source=_relative(config, m.source)) for m in found]
    failures = [_labelled(config, "metrics file", f) for f in bad]
    return with_baselines([*recorded_metrics(store, day), *found], store, day), failures


def _relative(config: Config, source: str) -> str:
    """Return a report path relative to the config's folder, so pages never show ours."""
    path = Path(source)
    try:
        return path.relative_to(config.base).as_posix()
    except ValueError:
        return path.name


def _labelled(config: Config, kind: str, failure: SourceFailure) -> SourceFailure:
    return replace(failure, source=f"{kind} {_relative(config, failure.source)}")


def snapshot(report: CoverageReport) -> dict[str, object]:
    """Return the stored form of a coverage report's figures."""
    return {"overall": report.percent, "packages": dict(report.packages)}


def coverage_changes(
    reports: list[CoverageReport], snapshots: dict[str, dict[str, dict]], day: date
) -> list[CoverageChange]:
    """Return each report's figures beside the last snapshot taken on an earlier day."""
    changes: list[CoverageChange] = []
    label_source = len(reports) > 1
    for report in reports:
        history = snapshots.get(report.source, {})
        earlier = sorted(d for d in history if d < day.isoformat())
        base = history[earlier[-1]] if earlier else None
        prefix = f"{Path(report.source).name} " if label_source else ""
        before = base.get("overall") if base else None
        changes.append(CoverageChange(report.source, f"{prefix}overall", before, report.percent))
        old_packages = (base or {}).get("packages", {})
        package_changes = [
            CoverageChange(report.source, f"{prefix}{name}", old_packages.get(name), pct)
            for name, pct in report.packages
            if name not in ("", ".") and len(report.packages) > 1
        ]
        package_changes.sort(key=lambda c: (-abs(c.delta or 0), c.name))
        changes.extend(package_changes)
    return changes


def record_snapshots(store: Store, facts: Facts) -> None:
    """Store today's coverage figures, the baseline of later days' changes."""
    if not facts.coverage:
        return
    data = store.load_json(SNAPSHOTS)
    for report in facts.coverage:
        data.setdefault(report.source, {})[facts.day.isoformat()] = snapshot(report)
    store.save_json(SNAPSHOTS, data)


@dataclass(frozen=True)
class Outcome:
    """What a publish run did, for the summary line."""

    facts: Facts
    sections: Sections | None  # None when the run found nothing to render
    page: str
    result: object
    failing: dict[str, dict[str, str]] = field(default_factory=dict)  # source -> since, reason
    squashed: str | None = None


def commit_message(facts: Facts) -> str:
    """Return the Pages commit message: the day and what it holds."""
    counts = [
        (len(facts.commits), "commit"),
        (len(facts.tests), "test suite"),
        (len(facts.coverage), "coverage report"),
        (len(facts.deployments), "deployment"),
        (len(facts.notes), "note"),
        (len(facts.pull_requests), "pull request"),
        (len(facts.reviews), "review"),
        (len(facts.failures) + len(facts.stale), "stale source"),
    ]
    parts = [f"{n} {noun}{'' if n == 1 else 's'}" for n, noun in counts if n]
    return f"statusbot: daily status {facts.day} ({', '.join(parts) or 'no activity'})"


def render_all(
    config: Config,
    day: date,
    store: Store,
    now: datetime | None = None,
    facts: Facts | None = None,
    dry_run: bool = False,
) -> tuple[Facts, Sections, dict[str, str]]:
    """Collect (unless given the facts), compose and render one day; a dry run stores nothing."""
    from statusbot.render import render_site
    from statusbot.site import with_history

    facts = facts or collect(config, day, store, now)
    sections = compose(facts, config.risks)
    if config.summarizer_command:  # an optional command rewrites the prose; its claims are checked
        from statusbot.summarizer import from_config

        sections = from_config(config, facts, sections, store, save=not dry_run)
    # Open risks carry over from earlier days; index, archive, week and charts come along.
    sections, history_files = with_history(config, store, facts, sections)
    from statusbot.team import team_files  # several people: a team page and one per person

    team = team_files(facts, sections, config.risks, config.templates_dir)
    return facts, sections, {**render_site(facts, sections, config), **history_files, **team}


def publish(
    config: Config,
    day: date,
    *,
    push: bool | None = None,
    dry_run: bool = False,
    now: datetime | None = None,
    store: Store | None = None,
) -> Outcome:
    """Run the whole cycle for one day and commit the site to the Pages branch."""
    from statusbot import checkpoint, health
    from statusbot.publish import PublishResult, publish_site
    from statusbot.render import page_path

    store = store or store_for(config)
    facts = collect(config, day, store, now)
    private = private_repos(facts)
    if private and not config.allow_private_data:
        raise PublishError(
            f"refusing to publish facts from private repositories ({', '.join(private)}): "
            "GitHub Pages sites are public; set publish.allow_private_data: true to publish them"
        )
    checkpoint.reach("collected")
    failing: dict[str, dict[str, str]] = {}
    banner = ""
    if now is not None:  # a source failing for long gets a banner on the page
        failing = health.track_failures(health.load(store).get("failing", {}), facts.failures, now)
        banner = health.banner(health.stale_sources(failing, now, config.stale_after_hours))
    if push is None:
        push = not config.embedded and config.publish_remote is not None
    remote = config.publish_remote or "origin"
    from statusbot.providers.records import resolved_risks

    # A risk resolved by a note dated earlier changes the page too, though not today's facts.
    resolved = ",".join(sorted(resolved_risks(store, day)))
    key = fingerprint(config, facts, f"{banner}\0{resolved}", push)
    tip = (
        None if dry_run else unchanged_since_last_run(config, store, key, remote if push else None)
    )
    if tip is not None:
        # Nothing to render: same facts, same templates, and the branch is as we left it.
        branch = config.publish_branch
        note = f"not pushed: {remote}/{branch} is already at {tip[:7]}" if push else None
        result = PublishResult(branch, None, (), False, note or "not pushed: push is off")
        return Outcome(facts, None, page_path(day), result, failing, None)
    facts, sections, files = render_all(config, day, store, now, facts, dry_run)
    if config.workdays and day.weekday() not in config.workdays and not sections.accomplishments:
        # A quiet non-working day gets no page; the next working day's page covers it.
        result = PublishResult(
            config.publish_branch, None, (), False, "not published: a quiet non-working day"
        )
        return Outcome(facts, sections, page_path(day), result, failing, None)
    files[page_path(day)] = health.add_banner(files[page_path(day)], banner)
    result = publish_site(
        config.publish_repo,
        {path: text.encode("utf-8") for path, text in files.items()},
        branch=config.publish_branch,
        prefix=config.publish_path,
        message=commit_message(facts),
        remote=remote if push else None,
        push=push,
        dry_run=dry_run,
        push_retries=config.push_retries,
    )
    if not dry_run:
        from statusbot.providers.metrics import record_metric_snapshots

        record_snapshots(store, facts)
        record_metric_snapshots(store, facts.metrics, facts.day)
    squashed = None
    if config.squash_after_days is not None and now is not None and not dry_run:
        squashed = _squash(config, now, remote if push else None)
    if not dry_run:
        remember_run(config, store, key, remote if push else None)
    return Outcome(facts, sections, page_path(day), result, failing, squashed)


def fingerprint(config: Config, facts: Facts, extra: str, push: bool) -> str:
    """Return a digest of everything a page depends on besides the Pages branch itself."""
    from statusbot import __version__
    from statusbot.render import data_dir

    digest = hashlib.sha256()
    for part in (__version__, repr(config), extra, str(push)):
        digest.update(part.encode("utf-8") + b"\0")
    digest.update(json.dumps(facts.to_dict(), sort_keys=True, default=str).encode("utf-8"))
    roots = [data_dir("templates"), data_dir("site"), data_dir("_config.yml")]
    if config.templates_dir is not None:
        roots.append(config.templates_dir)
    for root in roots:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            stat = path.stat()
            digest.update(f"{path}\0{stat.st_mtime_ns}\0{stat.st_size}\0".encode())
    return digest.hexdigest()


def unchanged_since_last_run(
    config: Config, store: Store, key: str, remote: str | None
) -> str | None:
    """Return the branch tip when the last run published these very inputs and it has not moved."""
    from statusbot.publish import branch_tips

    last = store.load_json(LAST_RUN)
    if last.get("key") != key or not last.get("tip"):
        return None
    local, tracking = branch_tips(config.publish_repo, config.publish_branch, remote)
    unmoved = local == last["tip"] and (remote is None or tracking == local)
    return local if unmoved else None


def remember_run(config: Config, store: Store, key: str, remote: str | None) -> None:
    """Record the inputs and the branch tip of a completed run, for the next run's shortcut."""
    from statusbot.publish import branch_tips

    local, _tracking = branch_tips(config.publish_repo, config.publish_branch, remote)
    store.save_json(LAST_RUN, {"key": key, "tip": local})


def _squash(config: Config, now: datetime, remote: str | None) -> str | None:
    """Fold the Pages history older than squash_after_days; a failed push is a note."""
    from statusbot.squash import squash_history

    days = config.squash_after_days or 0
    try:
        return squash_history(
            config.publish_repo,
            config.publish_branch,
            older_than=now - timedelta(days=days),
            remote=remote,
            push=remote is not None,
        )
    except StatusbotError as exc:
        log.warning("%s", exc.message)
        return f"squash not pushed: {exc.message}"


def private_repos(facts: Facts) -> list[str]:
    """Return the private repositories whose facts are on the page."""
    items = [*facts.pull_requests, *facts.reviews, *facts.workflow_runs, *facts.deployments]
    return sorted({i.repo for i in items if getattr(i, "private", False) and i.repo})


def failures_summary(failures: tuple[SourceFailure, ...]) -> list[str]:
    """Return one line per failed source, for the log."""
    return [f"{f.source}: {f.reason}" for f in failures]
