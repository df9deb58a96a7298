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
    """Return the history that rendering `day` needs, read from the Pages branch.

    Usually one git process: the summaries' folder and the summaries of the 90 days up to `day`
    are asked for at once; a needed day outside them (a sparse archive) is read after.
    """
    from statusbot.gitpages.names import check_branch, check_path
    from statusbot.gitpages.tree import read_files

    check_branch(branch)
    base = f"{check_path(prefix, 'prefix')}/" if prefix.strip("/") else ""
    folder = base + DAYS_DIR
    likely = {day - timedelta(days=n) for n in range(CHART_DAYS)}
    got = _cat(repo, branch, [folder, *(base + summary_path(d) for d in sorted(likely))])
    days = sorted(d for d in map(day_of, _tree_names(got.get(folder))) if d is not None)
    wanted = sorted(needed(day, days))
    blobs = {path: data for path, (kind, data) in got.items() if kind == "blob"}
    later = [base + summary_path(d) for d in wanted if d not in likely]
    if later:
        blobs.update(read_files(repo, branch, later))
    summaries: dict[str, dict[str, Any]] = {}
    for d in wanted:
        data = blobs.get(base + summary_path(d))
        summary = loads(data) if data is not None else None
        if summary is None:
            log.warning("%s:%s: not a summary statusbot can read; skipped", branch, summary_path(d))
            continue
        summaries[d.isoformat()] = summary
    return History(days, summaries)


def _cat(repo: Path, branch: str, paths: list[str]) -> dict[str, tuple[str, bytes]]:
    """Return {path: (type, content)} of those paths found on the branch, read by one process.

    A tree's type is "tree:N", N the raw size of the ids in its content (git's tree object).
    """
    from statusbot.gitpages.git import Git

    request = "".join(f"refs/heads/{branch}:{p}\n" for p in paths).encode()
    out = Git(repo).run("cat-file", "--batch", input=request).stdout
    found: dict[str, tuple[str, bytes]] = {}
    pos = 0
    for path in paths:
        end = out.index(b"\n", pos)
        fields = out[pos:end].split()
        pos = end + 1
        if len(fields) == 3 and fields[1] in (b"blob", b"tree", b"commit", b"tag"):
            size = int(fields[2])
            kind = fields[1].decode()
            if kind == "tree":  # the id's raw size follows from its hex form (SHA-1 or SHA-256)
                kind = f"tree:{len(fields[0]) // 2}"
            found[path] = (kind, out[pos : pos + size])
            pos += size + 1
    return found


def _tree_names(entry: tuple[str, bytes] | None) -> list[str]:
    """Return the names of the files (blobs) in a raw tree object from `_cat`; [] for none."""
    if entry is None or not entry[0].startswith("tree:"):
        return []
    size = int(entry[0].split(":")[1])
    data, names, pos = entry[1], [], 0
    while pos < len(data):
        space = data.index(b" ", pos)
        nul = data.index(b"\0", space)
        if data[pos:space] in (b"100644", b"100755"):
            names.append(data[space + 1 : nul].decode("utf-8", "surrogateescape"))
        pos = nul + 1 + size
    return names
