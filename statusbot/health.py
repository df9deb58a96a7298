"""Run history (an atomic JSON document in the store), the summary line, and stale sources."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from statusbot import markup as md
from statusbot.model import SourceFailure
from statusbot.store import Store

log = logging.getLogger(__name__)

HISTORY = "runs.json"
KEEP_RUNS = 50


def usage_line(stats: dict[str, Any] | None) -> str | None:
    """Return 'GitHub: N requests, M of L left' from the GitHub provider's stats, else None."""
    requests = (stats or {}).get("requests") or 0
    if not requests:
        return None
    remaining, limit = stats.get("remaining"), stats.get("limit")  # type: ignore[union-attr]
    left = f", {remaining} of {limit} left" if remaining is not None and limit else ""
    return f"GitHub: {md.plural(requests, 'request')}{left}"


@dataclass(frozen=True)
class RunRecord:
    """What one run did, as stored in the history."""

    at: datetime
    day: str
    ok: bool
    summary: str
    duration: float
    commit: str | None = None
    pushed: bool = False
    error: str | None = None
    requests: int = 0
    rate_remaining: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the stored form."""
        return {
            "at": self.at.isoformat(),
            "day": self.day,
            "ok": self.ok,
            "summary": self.summary,
            "duration": round(self.duration, 3),
            "commit": self.commit,
            "pushed": self.pushed,
            "error": self.error,
            "requests": self.requests,
            "rate_remaining": self.rate_remaining,
        }


def load(store: Store) -> dict[str, Any]:
    """Return the run history, or an empty one."""
    return store.load_json(HISTORY)


def track_failures(
    previous: dict[str, Any], failures: tuple[SourceFailure, ...], now: datetime
) -> dict[str, dict[str, str]]:
    """Return {source: {since, reason}}: when each failing source first failed in a row."""
    tracked: dict[str, dict[str, str]] = {}
    for failure in failures:
        before = previous.get(failure.source) or {}
        since = before.get("since") or now.isoformat()
        tracked[failure.source] = {"since": since, "reason": failure.reason}
    return tracked


def stale_sources(
    failing: dict[str, dict[str, str]], now: datetime, hours: float
) -> list[tuple[str, datetime]]:
    """Return (source, since) of sources failing for longer than `hours`, oldest first."""
    stale = []
    for source, info in failing.items():
        since = datetime.fromisoformat(info["since"])
        if now - since >= timedelta(hours=hours):
            stale.append((source, since))
    return sorted(stale, key=lambda item: (item[1], item[0]))


def banner(stale: list[tuple[str, datetime]]) -> str:
    """Return the page's stale banner (safe markdown), or '' when nothing is stale."""
    if not stale:
        return ""
    lines = [
        f"> **Stale:** {md.text(source, 120)} has been failing since "
        f"{since.strftime('%Y-%m-%d %H:%M %Z').strip()}; its facts may be missing."
        for source, since in stale
    ]
    return "\n>\n".join(lines) + "\n"


def add_banner(page: str, text: str) -> str:
    """Return the page with the banner placed right after its front matter."""
    if not text:
        return page
    if page.startswith("---\n"):
        end = page.find("\n---\n", 4)
        if end != -1:
            cut = end + len("\n---\n")
            return f"{page[:cut]}\n{text}{page[cut:]}"
    return f"{text}\n{page}"


def record(
    store: Store, run: RunRecord, failing: dict[str, dict[str, str]] | None = None
) -> dict[str, Any]:
    """Add a run to the history and save it atomically; return the new history."""
    history = load(store)
    entry = run.to_dict()
    history["last_run"] = entry
    if run.ok:
        history["last_success"] = entry
        history["failing"] = failing or {}
    if run.commit:
        history["last_commit"] = {"at": entry["at"], "commit": run.commit}
    if run.pushed:
        history["last_push"] = {"at": entry["at"], "commit": run.commit, "note": run.summary}
    runs = [*history.get("runs", []), entry][-KEEP_RUNS:]
    history["runs"] = runs
    history["version"] = 1
    store.save_json(HISTORY, history)
    return history
