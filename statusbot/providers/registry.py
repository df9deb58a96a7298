"""The providers, each behind the one interface of base.py; parsers are imported only when used."""

from __future__ import annotations

import dataclasses
import importlib.util
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from statusbot.model import SourceFailure
from statusbot.providers.base import Contribution, Provider

if TYPE_CHECKING:
    from statusbot.run.window import Window
    from statusbot.run.workspace import Workspace

log = logging.getLogger(__name__)


def _labelled(workspace: Workspace, kind: str, failure: SourceFailure) -> SourceFailure:
    return dataclasses.replace(failure, source=f"{kind} {workspace.relative(failure.source)}")


def _mtime(path: str) -> datetime | None:
    """Return when a report file was written, for the risk that names it."""
    try:
        return datetime.fromtimestamp(Path(path).stat().st_mtime, UTC)
    except OSError:
        return None


class GitProvider:
    """The people's commits on every branch of the local repositories."""

    name = "git"

    def unavailable(self, workspace: Workspace) -> str | None:
        """Return why not: no repositories configured."""
        return None if workspace.config.sources.git else "no sources.git repositories"

    def collect(self, workspace: Workspace, window: Window) -> Contribution:
        """Return the window's commits and the repositories that could not be read."""
        from statusbot.providers.git import collect_commits

        config = workspace.config
        commits, failures = collect_commits(
            list(config.sources.git), workspace.people, window.start, window.end,
            exclude_branches=(config.publish.branch,),
        )  # fmt: skip
        return Contribution({"commits": tuple(commits)}, list(failures))


class JUnitProvider:
    """Test results from the JUnit reports written during the window."""

    name = "junit"

    def unavailable(self, workspace: Workspace) -> str | None:
        """Return why not: no report globs."""
        return None if workspace.config.sources.junit else "no sources.junit globs"

    def collect(self, workspace: Workspace, window: Window) -> Contribution:
        """Return the suites' totals and the files that could not be read."""
        files = workspace.report_files(workspace.config.sources.junit, window.start, window.end)
        if not files:  # the parser's imports cost time: a cycle without reports skips them
            return Contribution()
        from statusbot.providers.junit import collect_junit

        tests, bad = collect_junit(files, workspace.config.sources.max_report_mb)
        tests = [
            dataclasses.replace(t, source=workspace.relative(t.source), at=_mtime(t.source))
            for t in tests
        ]
        failures = [_labelled(workspace, "junit report", f) for f in bad]
        return Contribution({"tests": tuple(tests)}, failures)


class CoverageProvider:
    """Coverage reports written during the window, beside the last earlier day's figures."""

    name = "coverage"

    def unavailable(self, workspace: Workspace) -> str | None:
        """Return why not: no report globs."""
        return None if workspace.config.sources.coverage else "no sources.coverage globs"

    def collect(self, workspace: Workspace, window: Window) -> Contribution:
        """Return the reports, their changes and the files that could not be read."""
        config = workspace.config
        files = workspace.report_files(config.sources.coverage, window.start, window.end)
        if not files:
            return Contribution()
        from statusbot.providers.coverage import collect_coverage
        from statusbot.run.baselines import coverage_changes, coverage_snapshots

        reports, bad = collect_coverage(files, config.sources.max_report_mb)
        reports = [dataclasses.replace(r, source=workspace.relative(r.source)) for r in reports]
        changes = coverage_changes(reports, coverage_snapshots(workspace.store), window.day)
        failures = [_labelled(workspace, "coverage report", f) for f in bad]
        return Contribution(
            {"coverage": tuple(reports), "coverage_changes": tuple(changes)}, failures
        )


class RecordsProvider:
    """Notes and deployments recorded by hand for the covered days."""

    name = "records"

    def unavailable(self, workspace: Workspace) -> str | None:
        """Return None: the store is always there."""
        return None

    def collect(self, workspace: Workspace, window: Window) -> Contribution:
        """Return the covered days' notes and recorded deployments."""
        from statusbot.providers.records import collect_records

        notes, deploys = [], []
        for covered in window.days:  # a Monday page holds the weekend's records
            day_notes, day_deploys = collect_records(workspace.store, covered)
            notes += day_notes
            deploys += day_deploys
        return Contribution({"notes": tuple(notes), "deployments": tuple(deploys)})


class MetricsProvider:
    """Metrics recorded for the day and metric files written during it, beside earlier values."""

    name = "metrics"

    def unavailable(self, workspace: Workspace) -> str | None:
        """Return None: recorded metrics need no config."""
        return None

    def collect(self, workspace: Workspace, window: Window) -> Contribution:
        """Return the metrics with their baselines, and the files that could not be read."""
        from statusbot.providers.metrics import (
            collect_metric_files,
            recorded_metrics,
            with_baselines,
        )

        store, day = workspace.store, window.day
        files = workspace.report_files(workspace.config.sources.metrics, window.start, window.end)
        found, bad = collect_metric_files(files, workspace.config.sources.max_report_mb)
        found = [dataclasses.replace(m, source=workspace.relative(m.source)) for m in found]
        metrics = with_baselines([*recorded_metrics(store, day), *found], store, day)
        failures = [_labelled(workspace, "metrics file", f) for f in bad]
        return Contribution({"metrics": tuple(metrics)}, failures)


class GitHubProvider:
    """Pull requests, reviews, CI, deployments and workflow runs from GitHub."""

    name = "github"

    def unavailable(self, workspace: Workspace) -> str | None:
        """Return why not: nobody has a GitHub login, or PyGithub is missing."""
        if not any(p.github for p in workspace.people):
            return "no person has a github login"
        if importlib.util.find_spec("github") is None:
            log.warning(
                "GitHub: skipped, PyGithub is not installed (pip install 'statusbot[github]')"
            )
            return "PyGithub is not installed"
        return None

    def collect(self, workspace: Workspace, window: Window) -> Contribution:
        """Return the GitHub facts (fresh, or the day's last known ones marked stale)."""
        from statusbot.providers.github import collect_for_config

        found = collect_for_config(
            workspace.config, workspace.people, window.day, (window.start, window.end),
            workspace.now, workspace.store,
        )  # fmt: skip
        if found is None:
            return Contribution()
        facts = {
            "pull_requests": tuple(found.pull_requests),
            "reviews": tuple(found.reviews),
            "workflow_runs": tuple(found.workflow_runs),
            "deployments": tuple(found.deployments),
        }
        stale = [found.stale] if found.stale else []
        return Contribution(facts, list(found.failures), stale, _github_stats(found.http))


def _github_stats(stats: Any) -> dict[str, Any]:
    """Return what a GitHub cycle cost: requests sent, rate-limited ones, core limit left."""
    if stats is None:
        return {}
    limit, left, _reset = stats.remaining.get("core", (None, None, None))
    return {
        "requests": stats.sent,
        "not_modified": stats.not_modified,
        "rate_limited": sum(stats.by_bucket.values()),
        "remaining": left,
        "limit": limit,
    }


PROVIDERS: tuple[Provider, ...] = (
    GitProvider(),
    JUnitProvider(),
    CoverageProvider(),
    RecordsProvider(),
    MetricsProvider(),
    GitHubProvider(),
)
