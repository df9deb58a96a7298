"""`statusbot publish` and `statusbot render`."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING

from statusbot import pipeline
from statusbot.config import Config
from statusbot.state import write_atomic

if TYPE_CHECKING:
    from statusbot.cli import Context

log = logging.getLogger(__name__)


def run(obj: Context, config: Config, push: bool | None) -> None:
    """Publish the day and print one summary line (and where to look, for the embedded default)."""
    started = time.monotonic()
    day = pipeline.resolve_day(obj.now, config.timezone, obj.day)
    outcome = pipeline.publish(config, day, push=push, dry_run=obj.dry_run, now=obj.now)
    result = outcome.result
    for line in pipeline.failures_summary(outcome.facts.failures):
        log.warning("stale source %s", line)
    branch = config.publish_branch
    where = f"{branch}:{_in_branch(config, outcome.page)}"
    if obj.dry_run:
        changed = ", ".join(result.changed) or "nothing"
        obj.say(f"dry run for {day}: would change {changed} on {branch}")
        return
    if result.commit:
        what = f"committed {result.commit[:7]} to {branch} ({len(result.changed)} files changed)"
    else:
        what = f"no change: {branch} is up to date"
    push_note = result.push_message or ("pushed" if result.pushed else "not pushed")
    seconds = time.monotonic() - started
    obj.say(f"{day}: {what}; {push_note}; {seconds:.2f}s")
    if config.embedded and result.commit:
        obj.say(f"page: {where}")
        obj.say(f"look at it: git show {where}")
        obj.say(f"publish it: git push origin {branch}, then enable GitHub Pages on {branch}")


def _in_branch(config: Config, page: str) -> str:
    return f"{config.publish_path}/{page}" if config.publish_path else page


def render_to(obj: Context, config: Config, out: Path) -> None:
    """Write the site tree for the day into a folder."""
    day = pipeline.resolve_day(obj.now, config.timezone, obj.day)
    store = pipeline.store_for(config)
    _facts, _sections, files = pipeline.render_all(config, day, store, obj.now)
    if obj.dry_run:
        obj.say(f"dry run for {day}: would write {len(files)} files to {out}")
        return
    for path, text in sorted(files.items()):
        write_atomic(out / path, text)
    obj.say(f"{day}: wrote {len(files)} files to {out}")
