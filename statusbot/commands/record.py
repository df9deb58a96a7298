"""`statusbot note`, `record deploy` and `record metric`: commit to the records ref, push it."""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING, Any

import click

from statusbot.config import Config
from statusbot.errors import StatusbotError
from statusbot.markup import url as safe_url
from statusbot.providers.records import deploy_record, note_record
from statusbot.run.window import resolve_day
from statusbot.run.workspace import store_for

if TYPE_CHECKING:
    from statusbot.cli import Context
    from statusbot.store import Store

log = logging.getLogger(__name__)

NOTE_MAX_KB = 64
"""The longest note `note --file` reads, in KiB: a note is a few lines, not a log."""


def note_text(text: str | None, text_file: str | None) -> str:
    """Return the note: TEXT, or what --file F holds (- for stdin), of at most NOTE_MAX_KB."""
    if text is not None and text_file is not None:
        raise click.UsageError("give the note as TEXT or with --file F, not both")
    if text_file is None:
        if text is None:
            raise click.UsageError("give the note as TEXT, or with --file F (- for stdin)")
        return text
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
    push: bool | None = None,
) -> None:
    """Record a note for a day (today by default), of one of the people (default: the git user)."""
    if not text.strip():
        raise StatusbotError("the note is empty")
    person, by = author(obj, config, person)
    day = resolve_day(obj.now, config.timezone, day)
    record = note_record(text, day, obj.now, risk, key_effort, person, by)
    what = f"note for {day}" + (f" (risk: {risk})" if risk else "")
    store_record(obj, config, record, what, push)


def author(obj: Context, config: Config, person: str | None) -> tuple[str | None, str | None]:
    """Return whose note it is (--person, else the git user found in people) and who wrote it."""
    from statusbot.providers.git import git_identity

    names = [p.name for p in config.people]
    if person is not None and person not in names:
        known = ", ".join(names) or "none configured"
        raise StatusbotError(f"--person {person!r} is not one of the people ({known})")
    user = git_identity(config.publish.repo)
    if person is None and user is not None:
        emails = set(user.emails)
        for candidate in config.people:
            if emails & {e.lower() for e in candidate.emails} or candidate.name == user.name:
                person = candidate.name
                break
        else:
            if len(config.people) > 1:
                obj.say(
                    f"git user {user.name!r} is not one of the people; the note goes under "
                    f"{names[0]!r} (give --person NAME)"
                )
    return person, user.name if user is not None else None


def record_deploy(
    obj: Context,
    config: Config,
    environment: str,
    version: str,
    status: str,
    url: str | None,
    note: str | None,
    push: bool | None = None,
) -> None:
    """Record a deployment made outside GitHub."""
    if url and safe_url(url) is None:
        raise StatusbotError(f"--url {url!r}: only http and https links can be recorded")
    day = resolve_day(obj.now, config.timezone, obj.day)
    record = deploy_record(environment, version, status, url, note, day, obj.now)
    store_record(obj, config, record, f"deploy of {version} to {environment} for {day}", push)


def record_metric(
    obj: Context,
    config: Config,
    name: str,
    value: float,
    unit: str,
    label: str,
    better: str | None,
    push: bool | None = None,
) -> None:
    """Record a measured figure for the day."""
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
    store_record(obj, config, record, f"{what} for {day}", push)


def push_records(obj: Context, config: Config) -> None:
    """Push this clone's records to publish.remote (`statusbot record push`)."""
    remote = push_remote(config, True) if config.publish.remote or config.embedded else None
    if remote is None:
        raise StatusbotError("publish.remote is null: there is no remote to push records to")
    if obj.dry_run:
        obj.say(f"dry run: would push records to '{remote}'")
        return
    obj.say(store_for(config).push_records(remote))


def store_record(
    obj: Context, config: Config, record: dict[str, Any], what: str, push: bool | None
) -> None:
    """Commit one record to the records ref, then push it when a remote is configured.

    Offline, the record stays in the local ref and goes out with the next push.
    """
    from statusbot.gitpages.records import REF, RecordsOffline
    from statusbot.providers.git import git_identity

    store = store_for(config)
    remote = push_remote(config, push)
    if "by" not in record:  # a deploy or a metric carries its writer too, as a note does
        user = git_identity(config.publish.repo)
        record = {**record, "by": user.name} if user is not None else record
    if obj.dry_run:
        where = f"{REF} of {config.publish.repo}" + (f", pushed to '{remote}'" if remote else "")
        obj.say(f"dry run: would record {what} in {where}")
        return
    store.add_records([record], f"statusbot: record {what}")
    obj.say(f"recorded {what}")
    if remote is None:
        return
    try:
        obj.say(store.push_records(remote))
    except RecordsOffline as exc:
        obj.say(f"not pushed: {exc.message}; it stays here and goes out with the next push")


def exchange_records(store: Store, remote: str | None, fetch: bool) -> str | None:
    """Fetch (before collecting) or push (after publishing) the records; return a note or None.

    A remote that can't be reached costs a note, never the run: the page is published with the
    records this clone has, and they go out with the next push.
    """
    from statusbot.gitpages.records import RecordsOffline

    if remote is None:
        return None
    try:
        if fetch:
            store.fetch_records(remote)
            return None
        note = store.push_records(remote)
    except RecordsOffline as exc:
        log.warning("%s", exc.message)
        return f"records: {exc.message}"
    return note if note.startswith("pushed") else None


def push_remote(config: Config, push: bool | None) -> str | None:
    """Return the remote records go to: publish.remote unless --no-push (the default config:
    only with --push)."""
    if push is None:
        push = not config.embedded and config.publish.remote is not None
    return (config.publish.remote or "origin") if push else None
