"""Publish steps: collect, guard private data, the no-change shortcut, render, commit, squash."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from statusbot.config import Config
from statusbot.errors import PublishError, StatusbotError
from statusbot.guest import day_page
from statusbot.model import Facts, SourceFailure
from statusbot.run.workspace import Workspace

if TYPE_CHECKING:
    from statusbot.compose import Sections

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """What a publish run did, for the summary line and the run record."""

    facts: Facts
    sections: Sections | None  # None when the run found nothing to render
    page: str
    result: Any  # PublishResult
    failing: dict[str, dict[str, str]] = field(default_factory=dict)  # source -> since, reason
    squashed: str | None = None
    stats: dict[str, dict[str, Any]] = field(default_factory=dict)  # provider -> its stats


def commit_message(facts: Facts) -> str:
    """Return the Pages commit message: the day and what it holds."""
    from statusbot.markup import plural

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
    parts = [plural(n, noun) for n, noun in counts if n]
    return f"statusbot: daily status {facts.day} ({', '.join(parts) or 'no activity'})"


def publisher(config: Config) -> str:
    """Return the id a config publishes under: its file's path from the repo, or 'embedded'."""
    if config.path is None:
        return "embedded"
    return Path(os.path.relpath(config.path, config.publish.repo)).as_posix()


def private_repos(facts: Facts) -> list[str]:
    """Return the private repositories whose facts are on the page."""
    items: list[Any] = [*facts.pull_requests, *facts.reviews, *facts.workflow_runs]
    items += facts.deployments
    return sorted({i.repo for i in items if getattr(i, "private", False) and i.repo})


def failures_summary(failures: tuple[SourceFailure, ...]) -> list[str]:
    """Return one line per failed source, for the log."""
    return [f"{f.source}: {f.reason}" for f in failures]


def publish(
    workspace: Workspace, day: date, *, push: bool | None = None, dry_run: bool = False
) -> Outcome:
    """Run the whole cycle for one day and commit the site to the Pages branch."""
    from statusbot.run import fastpath

    config, store, now = workspace.config, workspace.store, workspace.now
    if push is None:
        push = not config.embedded and config.publish.remote is not None
    remote = config.publish.remote or "origin"
    branch = config.publish.branch
    tracked = remote if push else None
    pages = fastpath.pages_refs(config)  # before the snapshot: a commit between is seen next
    snap = None if dry_run else fastpath.snapshot(config, store, day, push, tracked)
    tip = None if snap is None else fastpath.unchanged(config, store, snap, tracked, pages)
    if tip is not None:  # the inputs and the branch are as the last run left them
        return _no_change(workspace, day, tip, push, f"{remote}/{branch}")
    from statusbot import checkpoint, health
    from statusbot.gitpages.publish import PublishResult, publish_site
    from statusbot.guest import place
    from statusbot.providers.records import resolved_risks
    from statusbot.render import page_path
    from statusbot.run.baselines import record_snapshots
    from statusbot.run.collect import collect
    from statusbot.run.render import render_all
    from statusbot.run.window import window_for

    collected = collect(workspace, window_for(day, config.timezone, config.workdays))
    facts, stats = collected.facts, collected.stats
    private = private_repos(facts)
    if private and not config.publish.allow_private_data:
        raise PublishError(
            f"refusing to publish facts from private repositories ({', '.join(private)}): "
            "GitHub Pages sites are public; set publish.allow_private_data: true to publish them"
        )
    checkpoint.reach("collected")
    # A source failing for long gets a banner on the page.
    failing = health.track_failures(health.load(store).get("failing", {}), failed(facts), now)
    banner = health.banner(health.stale_sources(failing, now, config.stale_after_hours))
    # A risk resolved by a note dated earlier changes the page too, though not today's facts.
    resolved = ",".join(sorted(resolved_risks(store, day)))
    key = fastpath.fingerprint(config, facts, f"{banner}\0{resolved}", push)
    tip = None if dry_run else fastpath.unchanged_tip(config, store, key, remote if push else None)
    trusted = None if failing or failed(facts) else snap  # a failing source's banner ages
    if tip is not None:
        # Nothing to render: same facts, same templates, and the branch is as we left it.
        fastpath.remember(config, store, key, trusted, tracked, pages)  # new snapshot, same page
        note = f"not pushed: {remote}/{branch} is already at {tip[:7]}" if push else None
        result = PublishResult(branch, None, (), False, note or "not pushed: push is off")
        return Outcome(
            facts, None, day_page(config.publish.path, day), result, failing, None, stats
        )
    sections, files = render_all(workspace, facts, dry_run)
    if config.workdays and day.weekday() not in config.workdays and not sections.accomplishments:
        # A quiet non-working day gets no page; the next working day's page covers it.
        result = PublishResult(branch, None, (), False, "not published: a quiet non-working day")
        return Outcome(
            facts, sections, day_page(config.publish.path, day), result, failing, None, stats
        )
    files[page_path(day)] = health.add_banner(files[page_path(day)], banner)
    files = place(files, config.publish.path, config.site_title)
    result = publish_site(
        config.publish.repo,
        {path: text.encode("utf-8") for path, text in files.items()},
        branch=branch,
        prefix=config.publish.path,
        message=commit_message(facts),
        remote=remote if push else None,
        push=push,
        dry_run=dry_run,
        push_retries=config.publish.push_retries,
        owner=publisher(config),
        adopt=config.publish.adopt,
    )
    squashed = None
    if not dry_run:
        record_snapshots(store, facts, now)
        if config.publish.squash_after_days is not None:
            squashed = squash(workspace, remote if push else None)
            result = _after_squash(workspace, result)
        if result.rebuilt:
            # Rebuilt over another writer's commit: the tip holds their files beside ours, not
            # exactly what this run rendered, so the next run renders and compares again.
            key, trusted = "", None
        fastpath.remember(config, store, key, trusted, remote if push else None, pages)
    return Outcome(
        facts, sections, day_page(config.publish.path, day), result, failing, squashed, stats
    )


def _no_change(workspace: Workspace, day: date, tip: str, push: bool, where: str) -> Outcome:
    """Return the outcome of a run whose inputs and branch are as the last run left them."""
    from statusbot.gitpages.publish import PublishResult

    note = f"not pushed: {where} is already at {tip[:7]}" if push else "not pushed: push is off"
    facts = Facts(day=day, timezone=workspace.config.timezone, people=())
    result = PublishResult(workspace.config.publish.branch, None, (), False, note)
    return Outcome(facts, None, day_page(workspace.config.publish.path, day), result)


def failed(facts: Facts) -> tuple[SourceFailure, ...]:
    """Return every failing source of the day, GitHub's stale facts included."""
    marks = tuple(SourceFailure(s.source, s.reason) for s in facts.stale)
    return facts.failures + tuple(m for m in marks if m not in facts.failures)


def squash(workspace: Workspace, remote: str | None) -> str | None:
    """Fold the Pages history older than squash_after_days; a failed push is a note."""
    from statusbot.gitpages.squash import squash_history

    config = workspace.config
    days = config.publish.squash_after_days or 0
    try:
        return squash_history(
            config.publish.repo,
            config.publish.branch,
            older_than=workspace.now - timedelta(days=days),
            remote=remote,
            push=remote is not None,
        )
    except StatusbotError as exc:
        log.warning("%s", exc.message)
        return f"squash not pushed: {exc.message}"


def _after_squash(workspace: Workspace, result: Any) -> Any:
    """Return the result naming the branch's tip after a squash (the old commit is gone)."""
    import dataclasses

    from statusbot.gitpages.refs import branch_tips

    if result.commit is None:
        return result
    local, _ = branch_tips(workspace.config.publish.repo, workspace.config.publish.branch, None)
    return dataclasses.replace(result, commit=local) if local else result
