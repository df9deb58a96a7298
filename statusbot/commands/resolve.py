"""`statusbot note --resolve ID`: a note that closes a risk carried over from earlier days."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import TYPE_CHECKING

from statusbot.commands.record import author, exchange_records, push_remote, store_record
from statusbot.config import Config
from statusbot.errors import StatusbotError
from statusbot.providers.records import note_record, resolved_risks
from statusbot.run.window import resolve_day
from statusbot.run.workspace import store_for
from statusbot.store import Store
from statusbot.summary import CARRIED_LEVELS, risk_id

if TYPE_CHECKING:
    from statusbot.cli import Context

_RISK_ID = re.compile(r"[0-9a-f]{6}")


def record_resolution(
    obj: Context,
    config: Config,
    text: str,
    resolves: str,
    day: date | None,
    person: str | None = None,
    push: bool | None = None,
) -> None:
    """Store a note for the day that resolves the open risk `resolves`."""
    rid = resolves.strip().lower()
    if not _RISK_ID.fullmatch(rid):
        raise StatusbotError(
            f"--resolve {resolves!r}: a risk id is 6 hex digits, as the page shows it "
            '("risk id 1a2b3c")'
        )
    if not text.strip():
        raise StatusbotError("the note is empty")
    day = resolve_day(obj.now, config.timezone, day)
    store = store_for(config)
    exchange_records(store, None if obj.dry_run else push_remote(config, push), fetch=True)
    known = open_risk_ids(config, store, day)  # the remote's risks too: noted on another clone
    if rid not in known:
        listed = ", ".join(sorted(known)) or "none"
        raise StatusbotError(f"--resolve {rid}: no open risk has this id (open risks: {listed})")
    person, by = author(obj, config, person)
    record = {**note_record(text, day, obj.now, None, False, person, by), "resolves": rid}
    store_record(obj, config, record, f"note for {day} (resolves risk {rid})", push)


def open_risk_ids(config: Config, store: Store, day: date) -> set[str]:
    """Return the ids of the risks open now: noted here or open on the page, not yet resolved."""
    from statusbot.history import load

    noted = set()
    for record in store.records():
        if record.get("kind") == "note" and record.get("risk") in CARRIED_LEVELS:
            try:
                noted.add(risk_id(date.fromisoformat(record["day"]), record["text"]))
            except (KeyError, TypeError, ValueError):
                continue  # collect_records warns about malformed records
    # The page's own list counts too: the risk may have been noted where another store lives.
    history = load(config.publish.repo, config.publish.branch, config.publish.path, day)
    on_page = {str(r["id"]) for r in history.previous_open_risks(day + timedelta(days=1))}
    return (noted | on_page) - resolved_risks(store, date.max)


def say_risk_id(
    obj: Context, config: Config, text: str, risk: str | None, day: date | None
) -> None:
    """Print the id of a risk that will carry over, so the person can resolve it later."""
    if risk in CARRIED_LEVELS and not obj.dry_run:
        day = resolve_day(obj.now, config.timezone, day)
        rid = risk_id(day, text)
        obj.say(
            f"risk id {rid}: it stays on later pages until `statusbot note --resolve {rid} TEXT`"
        )
