"""Read the per-day summaries that a render needs from the Pages branch, without checkout."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from statusbot.summary import DAYS_DIR, iso_week, loads, summary_path

log = logging.getLogger(__name__)

CHART_DAYS = 90  # the longest chart
RECENT = 30  # days listed on the index below the current week


@dataclass
class History:
    """The days that have a summary, and the summaries a render of one day needs."""

    days: list[date] = field(default_factory=list)
    summaries: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def newest(self) -> date | None:
        """Return the newest day with a summary."""
        return self.days[-1] if self.days else None

    def with_day(self, summary: dict[str, Any]) -> History:
        """Return a copy that holds `summary` too (replacing that day's older one)."""
        day = date.fromisoformat(summary["day"])
        days = sorted({*self.days, day})
        return History(days, {**self.summaries, summary["day"]: summary})

    def previous_open_risks(self, day: date) -> list[dict[str, Any]]:
        """Return the open risks at the end of the latest day before `day` that has a summary."""
        earlier = [d for d in self.days if d < day and d.isoformat() in self.summaries]
        if not earlier:
            return []
        return list(self.summaries[earlier[-1].isoformat()].get("open_risks", []))


def needed(day: date, days: list[date]) -> set[date]:
    """Return the days whose summaries a render of `day` reads: bounded, whatever the archive."""
    newest = max([day, *days])
    want = {d for d in days if d > newest - timedelta(days=CHART_DAYS)}
    want.update(days[-(RECENT + 7) :])  # the index: this week and the recent days
    want.update(d for d in days if iso_week(d) == iso_week(day))
    want.update(d for d in days if (d.year, d.month) == (day.year, day.month))
    earlier = [d for d in days if d < day]
    if earlier:
        want.add(earlier[-1])  # its open risks carry over
    return want


def day_of(path: str) -> date | None:
    """Return the day of a summary path, or None for any other file."""
    name = path.rsplit("/", 1)[-1]
    if not name.endswith(".json"):
        return None
    try:
        return date.fromisoformat(name[: -len(".json")])
    except ValueError:
        return None


def load(repo: Path, branch: str, prefix: str, day: date) -> History:
    """Return the history that rendering `day` needs, read from the Pages branch."""
    from statusbot.gitpages.tree import list_files, read_files

    base = f"{prefix.strip('/')}/" if prefix.strip("/") else ""
    listed = list_files(repo, branch, base + DAYS_DIR)
    days = sorted(d for d in map(day_of, listed) if d is not None)
    wanted = sorted(needed(day, days))
    blobs = read_files(repo, branch, [base + summary_path(d) for d in wanted])
    summaries: dict[str, dict[str, Any]] = {}
    for d in wanted:
        data = blobs.get(base + summary_path(d))
        summary = loads(data) if data is not None else None
        if summary is None:
            log.warning("%s:%s: not a summary statusbot can read; skipped", branch, summary_path(d))
            continue
        summaries[d.isoformat()] = summary
    return History(days, summaries)
