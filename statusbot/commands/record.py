"""`statusbot note`, `statusbot record deploy` and `record metric`: append to the local store."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import click

from statusbot.config import Config
from statusbot.errors import StatusbotError
from statusbot.markup import url as safe_url
from statusbot.providers.records import deploy_record, note_record
from statusbot.run.window import resolve_day
from statusbot.run.workspace import store_for

if TYPE_CHECKING:
    from statusbot.cli import Context

NOTE_MAX_KB = 64
"""The longest note `note --file` reads, in KiB: a note is a few lines, not a log."""


def note_text(text: str | None, text_file: str | None) -> str:
    """Return the note: TEXT, or what --file F holds (- for stdin), of at most NOTE_MAX_KB."""
    if (text is None) == (text_file is None):
        raise click.UsageError("give the note as TEXT or with --file F (- for stdin), not both")
    if text_file is None:
        return text or ""
    where = "stdin" if text_file == "-" else text_file
    limit = NOTE_MAX_KB * 1024
    try:
        if text_file == "-":
            data = click.get_binary_stream("stdin").read(limit + 1)
        else:
            with open(text_file, "rb") as stream:
                data = stream.read(limit + 1)
    except OSError as exc:
        raise StatusbotError(f"--file {where}: cannot read ({exc.strerror or exc})") from None
    if len(data) > limit:
        raise StatusbotError(f"--file {where}: the note is over {NOTE_MAX_KB} KB; shorten it")
    try:
        return data.decode("utf-8-sig").strip()
    except UnicodeDecodeError as exc:
        raise StatusbotError(f"--file {where}: not UTF-8 text (byte offset {exc.start})") from None


def record_note(
    obj: Context,
    config: Config,
    text: str,
    risk: str | None,
    key_effort: bool,
    day: date | None,
    person: str | None = None,
) -> None:
    """Store a note for a day (today by default), of one of the people (the first by default)."""
    if not text.strip():
        raise StatusbotError("the note is empty")
    names = [p.name for p in config.people]
    if person is not None and person not in names:
        known = ", ".join(names) or "none configured"
        raise StatusbotError(f"--person {person!r} is not one of the people ({known})")
    day = resolve_day(obj.now, config.timezone, day)
    record = note_record(text, day, obj.now, risk, key_effort, person)
    _store(obj, config, record, f"note for {day}" + (f" (risk: {risk})" if risk else ""))


def record_deploy(
    obj: Context,
    config: Config,
    environment: str,
    version: str,
    status: str,
    url: str | None,
    note: str | None,
) -> None:
    """Store a deployment made outside GitHub."""
    if url and safe_url(url) is None:
        raise StatusbotError(f"--url {url!r}: only http and https links can be recorded")
    day = resolve_day(obj.now, config.timezone, obj.day)
    record = deploy_record(environment, version, status, url, note, day, obj.now)
    _store(obj, config, record, f"deploy of {version} to {environment} for {day}")


def record_metric(
    obj: Context,
    config: Config,
    name: str,
    value: float,
    unit: str,
    label: str,
    better: str | None,
) -> None:
    """Store a measured figure for the day."""
    from statusbot.providers.metrics import check_value, metric_record

    if not name.strip():
        raise StatusbotError("the metric name is empty")
    try:
        value = check_value(value)
    except ValueError as exc:
        raise StatusbotError(f"metric {name!r}: {exc}") from None
    day = resolve_day(obj.now, config.timezone, obj.day)
    record = metric_record(name.strip(), value, unit.strip(), label.strip(), better, day, obj.now)
    what = f"metric {name.strip()}" + (f" ({label.strip()})" if label.strip() else "")
    _store(obj, config, record, f"{what} for {day}")


def _store(obj: Context, config: Config, record: dict, what: str) -> None:
    store = store_for(config)
    if obj.dry_run:
        obj.say(f"dry run: would record {what} in {store.root}")
        return
    store.append_record(record)
    obj.say(f"recorded {what}")
