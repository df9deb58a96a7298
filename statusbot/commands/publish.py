"""`statusbot publish` and `statusbot render`."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from statusbot.config import Config
from statusbot.errors import DateError, StatusbotError
from statusbot.run.publish import Outcome, failed, failures_summary, publish
from statusbot.run.window import resolve_day
from statusbot.run.workspace import Workspace, open_workspace, store_for
from statusbot.store import write_atomic

if TYPE_CHECKING:
    from statusbot.cli import Context

log = logging.getLogger(__name__)


MAX_FILL_DAYS = 366


@dataclass(frozen=True)
class Done:
    """What a publish command did, for its run record."""

    summary: str
    commit: str | None = None
    pushed: bool = False
    github: dict[str, Any] = field(default_factory=dict)
    failing: dict[str, dict[str, str]] = field(default_factory=dict)


def run(obj: Context, config: Config, push: bool | None) -> None:
    """Publish the day under the run lock, record the run, print one summary line."""
    day = resolve_day(obj.now, config.timezone, obj.day)

    def one(workspace: Workspace, started: float) -> Done:
        outcome, summary = _publish(obj, workspace, day, push, started)
        stats = outcome.stats.get("github", {})
        return Done(summary, outcome.result.commit, outcome.result.pushed, stats, outcome.failing)

    _locked(obj, config, day, one)


def run_days(
    obj: Context, config: Config, push: bool | None, count: int | None, since: date | None
) -> None:
    """Fill several days, oldest first, under one run lock; print one summary line at the end.

    Each day is published as `publish --date DAY` would: a changed day makes its own commit
    (its message names the day and its facts), an unchanged day none. Only the last day
    pushes, so the remote gets every day's commit in one push.
    """
    last = resolve_day(obj.now, config.timezone, obj.day)
    days = days_to_fill(last, count, since)

    def fill(workspace: Workspace, started: float) -> Done:
        return _fill(obj, workspace, days, push, started)

    _locked(obj, config, last, fill)


def days_to_fill(last: date, count: int | None, since: date | None) -> list[date]:
    """Return the days to publish, oldest first: the last `count` days, or `since` to `last`."""
    if since is not None:
        if since > last:
            raise DateError(f"--since {since} is after the last day to fill, {last}")
        count = (last - since).days + 1
        if count > MAX_FILL_DAYS:
            raise DateError(f"--since {since} is {count} days ago; at most {MAX_FILL_DAYS}")
    return [last - timedelta(days=n) for n in reversed(range(count or 1))]


def _locked(
    obj: Context, config: Config, day: date, work: Callable[[Workspace, float], Done]
) -> None:
    """Run `work` under the run lock and record the run (a dry run takes no lock)."""
    from statusbot import checkpoint, health, lock

    if obj.dry_run:
        work(open_workspace(config, obj.now), time.monotonic())
        return
    store = store_for(config)
    with lock.run_lock(store.root, config.publish.lock_wait) as held:
        if not held.held:
            obj.say(held.busy_message())
            return
        checkpoint.reach("locked")
        started = time.monotonic()
        try:
            done = work(open_workspace(config, obj.now, store), started)
        except Exception as exc:
            message = exc.message if isinstance(exc, StatusbotError) else repr(exc)
            run = health.RunRecord(
                obj.now, day.isoformat(), False, message.splitlines()[0],
                time.monotonic() - started, error=message,
            )  # fmt: skip
            health.record(store, run)
            raise
        checkpoint.reach("before-history")
        run = health.RunRecord(
            obj.now, day.isoformat(), True, done.summary, time.monotonic() - started,
            commit=done.commit, pushed=done.pushed,
            requests=done.github.get("requests", 0), rate_remaining=done.github.get("remaining"),
        )  # fmt: skip
        health.record(store, run, done.failing)


def _fill(
    obj: Context, workspace: Workspace, days: list[date], push: bool | None, started: float
) -> Done:
    """Publish each day oldest first (a progress bar on a terminal); return the summary.

    The records are fetched once before the first day and pushed once after the last.
    """
    from statusbot.commands.record import exchange_records, push_remote
    from statusbot.markup import plural

    branch = workspace.config.publish.branch
    remote = None if obj.dry_run else push_remote(workspace.config, push)
    fetched = exchange_records(workspace.store, remote, fetch=True)
    committed: list[date] = []
    changed: list[date] = []  # a dry run's days that would change
    quiet: list[date] = []
    last = None
    failing: set[str] = set()
    requests = 0
    with _progress(obj, days) as bar:
        for day in bar:
            pushing = push if day == days[-1] else False
            outcome = publish(workspace, day, push=pushing, dry_run=obj.dry_run)
            last = outcome
            result = outcome.result
            failing |= {f.source for f in failed(outcome.facts)}
            requests += outcome.stats.get("github", {}).get("requests", 0)
            if result.commit:
                committed.append(day)
            elif obj.dry_run and result.changed:
                changed.append(day)
            elif (result.push_message or "").startswith("not published"):
                quiet.append(day)
    assert last is not None  # days is never empty
    pushed = exchange_records(workspace.store, remote, fetch=False)
    span = f"{days[0]} to {days[-1]}" if len(days) > 1 else str(days[0])
    if obj.dry_run:
        line = f"dry run for {span}: would change {plural(len(changed), 'day')} on {branch}"
        obj.say(line)
        return Done(line)
    unchanged = len(days) - len(committed) - len(quiet)
    parts = [f"{plural(len(committed), 'day')} committed to {branch}", f"{unchanged} unchanged"]
    if quiet:
        parts.append(f"{len(quiet)} quiet non-working")
    result = last.result
    parts = [", ".join(parts), result.push_message or ("pushed" if result.pushed else "not pushed")]
    parts += [n for n in (fetched, pushed) if n]
    if failing:
        parts.append(plural(len(failing), "failing source"))
    if requests:
        parts.append(f"GitHub: {plural(requests, 'request')}")
    line = f"{span}: {'; '.join(parts)}; {time.monotonic() - started:.2f}s"
    obj.say(line)
    if workspace.config.embedded and committed:
        obj.say(f"look at it: git log --stat {branch}")
        obj.say(f"publish it: git push origin {branch}, then enable GitHub Pages on {branch}")
    tip = _tip(workspace) if committed else None
    return Done(line, tip, last.result.pushed, {"requests": requests}, last.failing)


def _tip(workspace: Workspace) -> str | None:
    """Return the Pages branch's commit after the fill."""
    from statusbot.gitpages.refs import branch_tips

    local, _ = branch_tips(workspace.config.publish.repo, workspace.config.publish.branch, None)
    return local


@contextmanager
def _progress(obj: Context, days: list[date]) -> Iterator[Iterable[date]]:
    """Yield the days, through a progress bar when stdout is a terminal (and not --quiet)."""
    if obj.quiet or not sys.stdout.isatty():
        yield days
        return
    with click.progressbar(
        days, label="publishing", item_show_func=lambda d: str(d) if d else None
    ) as bar:
        yield bar


def _publish(
    obj: Context, workspace: Workspace, day: date, push: bool | None, started: float
) -> tuple[Outcome, str]:
    """Run the publish steps and print their summary line; return the outcome and the line."""
    from statusbot import health
    from statusbot.commands.record import exchange_records, push_remote
    from statusbot.markup import plural

    config = workspace.config
    remote = None if obj.dry_run else push_remote(config, push)
    fetched = exchange_records(workspace.store, remote, fetch=True)
    outcome = publish(workspace, day, push=push, dry_run=obj.dry_run)
    pushed = exchange_records(workspace.store, remote, fetch=False)
    result = outcome.result
    for line in failures_summary(outcome.facts.failures):
        log.warning("stale source %s", line)
    branch = config.publish.branch
    where = f"{branch}:{_in_branch(config, outcome.page)}"
    if obj.dry_run:
        changed = ", ".join(result.changed) or "nothing"
        line = f"dry run for {day}: would change {changed} on {branch}"
        obj.say(line)
        return outcome, line
    if result.commit:
        what = f"committed {result.commit[:7]} to {branch} ({len(result.changed)} files changed)"
    else:
        what = f"no change: {branch} is up to date"
    push_note = result.push_message or ("pushed" if result.pushed else "not pushed")
    parts = [what, push_note, *(n for n in (fetched, pushed) if n)]
    failing = failed(outcome.facts)
    if failing:
        parts.append(f"{plural(len(failing), 'failing source')}")
    if outcome.squashed:
        parts.append(outcome.squashed)
    requests = health.usage_line(outcome.stats.get("github"))
    if requests:
        parts.append(requests)
    seconds = time.monotonic() - started
    line = f"{day}: {'; '.join(parts)}; {seconds:.2f}s"
    obj.say(line)
    if config.embedded and result.commit:
        obj.say(f"page: {where}")
        obj.say(f"look at it: git show {where}")
        obj.say(f"publish it: git push origin {branch}, then enable GitHub Pages on {branch}")
    return outcome, line


def _in_branch(config: Config, page: str) -> str:
    return f"{config.publish.path}/{page}" if config.publish.path else page


def render_to(obj: Context, config: Config, out: Path) -> None:
    """Write the site tree for the day into a folder."""
    from statusbot.run.render import site_for_day

    day = resolve_day(obj.now, config.timezone, obj.day)
    _facts, _sections, files = site_for_day(open_workspace(config, obj.now), day, obj.dry_run)
    if obj.dry_run:
        obj.say(f"dry run for {day}: would write {len(files)} files to {out}")
        return
    for path, text in sorted(files.items()):
        write_atomic(out / path, text)
    obj.say(f"{day}: wrote {len(files)} files to {out}")
