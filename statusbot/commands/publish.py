"""`statusbot publish` and `statusbot render`."""

from __future__ import annotations

import logging
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from statusbot.config import Config
from statusbot.errors import StatusbotError
from statusbot.run.publish import Outcome, failed, failures_summary, publish
from statusbot.run.window import resolve_day
from statusbot.run.workspace import Workspace, open_workspace, store_for
from statusbot.store import write_atomic

if TYPE_CHECKING:
    from statusbot.cli import Context

log = logging.getLogger(__name__)


def run(obj: Context, config: Config, push: bool | None) -> None:
    """Publish the day under the run lock, record the run, print one summary line."""
    from statusbot import checkpoint, health, lock

    day = resolve_day(obj.now, config.timezone, obj.day)
    if obj.dry_run:
        _publish(obj, open_workspace(config, obj.now), day, push, time.monotonic())
        return
    store = store_for(config)
    with lock.run_lock(store.root, config.publish.lock_wait) as held:
        if not held.held:
            obj.say(held.busy_message())
            return
        checkpoint.reach("locked")
        started = time.monotonic()
        try:
            outcome, summary = _publish(
                obj, open_workspace(config, obj.now, store), day, push, started
            )
        except Exception as exc:
            message = exc.message if isinstance(exc, StatusbotError) else repr(exc)
            run = health.RunRecord(
                obj.now, day.isoformat(), False, message.splitlines()[0],
                time.monotonic() - started, error=message,
            )  # fmt: skip
            health.record(store, run)
            raise
        result = outcome.result
        github = outcome.stats.get("github", {})
        checkpoint.reach("before-history")
        run = health.RunRecord(
            obj.now, day.isoformat(), True, summary, time.monotonic() - started,
            commit=result.commit, pushed=result.pushed,
            requests=github.get("requests", 0), rate_remaining=github.get("remaining"),
        )  # fmt: skip
        health.record(store, run, outcome.failing)


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
