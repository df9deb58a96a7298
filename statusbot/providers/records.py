"""Notes and deploys recorded with `statusbot note` and `record deploy`, from the records ref."""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any

from statusbot.model import Deployment, Note
from statusbot.store import Store

log = logging.getLogger(__name__)


def note_record(
    text: str,
    day: date,
    now: datetime,
    risk: str | None,
    key_effort: bool,
    person: str | None = None,
    by: str | None = None,
) -> dict[str, Any]:
    """Return the stored form of a note (`by`: the git user who wrote it)."""
    record = {
        "kind": "note",
        "day": day.isoformat(),
        "at": now.isoformat(),
        "text": text,
        "risk": risk,
        "key_effort": key_effort,
    }
    if person:
        record["person"] = person
    if by:
        record["by"] = by
    return record


def deploy_record(
    environment: str,
    version: str,
    status: str,
    url: str | None,
    note: str | None,
    day: date,
    now: datetime,
) -> dict[str, Any]:
    """Return the stored form of a recorded deployment."""
    return {
        "kind": "deploy",
        "day": day.isoformat(),
        "at": now.isoformat(),
        "environment": environment,
        "version": version,
        "status": status,
        "url": url,
        "note": note,
    }


def collect_records(store: Store, day: date) -> tuple[list[Note], list[Deployment]]:
    """Return the notes and recorded deploys of one day, in the order they were recorded."""
    notes: list[Note] = []
    deploys: list[Deployment] = []
    for record in store.records():
        try:
            if record.get("day") != day.isoformat():
                continue
            at = datetime.fromisoformat(record["at"])
            if record.get("kind") == "note":
                notes.append(
                    Note(
                        text=str(record["text"]),
                        at=at,
                        day=day,
                        risk=record.get("risk"),
                        key_effort=bool(record.get("key_effort")),
                        person=record.get("person"),
                    )
                )
            elif record.get("kind") == "deploy":
                deploys.append(
                    Deployment(
                        environment=str(record["environment"]),
                        version=str(record["version"]),
                        status=str(record.get("status") or "success"),
                        at=at,
                        url=record.get("url"),
                        note=record.get("note"),
                        source="recorded",
                        day=day,
                    )
                )
        except (KeyError, TypeError, ValueError) as exc:
            log.warning("skipped a malformed record %s: %s", record.get("id", "?"), exc)
    return notes, deploys


def resolved_risks(store: Store, day: date) -> set[str]:
    """Return the ids of the risks that notes of `day` or earlier resolve."""
    return {
        str(r["resolves"]).strip().lower()
        for r in store.records()
        if r.get("kind") == "note" and str(r.get("day")) <= day.isoformat() and r.get("resolves")
    }
