"""Read the per-day summaries that a render needs from the Pages branch, without checkout."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import IO, Any

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

    One git process: the summaries' folder is asked for first, then the summaries the day
    needs by their ids (looking each one up by its path cost git more than reading it).
    """
    from statusbot.gitpages.names import check_branch, check_path

    check_branch(branch)
    base = f"{check_path(prefix, 'prefix')}/" if prefix.strip("/") else ""
    folder = base + DAYS_DIR

    def pick(names: dict[str, str]) -> list[str]:
        days = sorted(d for d in map(day_of, names) if d is not None)
        return [summary_path(d).rsplit("/", 1)[-1] for d in sorted(needed(day, days))]

    days, blobs = _cat_folder(repo, branch, folder, pick)
    summaries: dict[str, dict[str, Any]] = {}
    for d in sorted(needed(day, days)):
        data = blobs.get(summary_path(d).rsplit("/", 1)[-1])
        summary = loads(data) if data is not None else None
        if summary is None:
            log.warning("%s:%s: not a summary statusbot can read; skipped", branch, summary_path(d))
            continue
        summaries[d.isoformat()] = summary
    return History(days, summaries)


def _cat_folder(
    repo: Path, branch: str, folder: str, pick: Callable[[dict[str, str]], list[str]]
) -> tuple[list[date], dict[str, bytes]]:
    """Return the days of the folder's files and {name: bytes} of those `pick` names.

    One `git cat-file --batch`: the folder's tree is read first; `pick` gets its files
    ({name: id}), and the files it names are then read by id in the same process.
    """
    from statusbot.gitpages.git import Git, GitError

    git = Git(repo)
    proc = git.popen("cat-file", "--batch")
    assert proc.stdin is not None and proc.stdout is not None
    try:
        proc.stdin.write(f"refs/heads/{branch}:{folder}\n".encode())
        proc.stdin.flush()
        fields = proc.stdout.readline().split()
        names: dict[str, str] = {}
        if len(fields) == 3:  # "<id> <type> <size>"; a missing branch or folder: "<name> missing"
            data = _read_exact(proc.stdout, int(fields[2]) + 1)[:-1]
            if fields[1] == b"tree":  # the id's raw size follows from its hex form
                names = _tree_files(data, len(fields[0]) // 2)
        chosen = [name for name in pick(names) if name in names]
        request = "".join(f"{names[name]}\n" for name in chosen).encode()
        out, err = proc.communicate(request)
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    if proc.returncode != 0:
        raise GitError(git.failure("cat-file", err))
    found: dict[str, bytes] = {}
    pos = 0
    for name in chosen:
        end = out.index(b"\n", pos)
        fields = out[pos:end].split()
        pos = end + 1
        if len(fields) == 3:
            size = int(fields[2])
            if fields[1] == b"blob":
                found[name] = out[pos : pos + size]
            pos += size + 1
    days = sorted(d for d in map(day_of, names) if d is not None)
    return days, found


def _read_exact(stream: IO[bytes], size: int) -> bytes:
    """Return exactly `size` bytes of `stream` (git ended early: what there was)."""
    parts, left = [], size
    while left:
        part = stream.read(left)
        if not part:
            break
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


def _tree_files(data: bytes, size: int) -> dict[str, str]:
    """Return {name: hex id} of the files (blobs) in a raw tree object (ids of `size` bytes)."""
    files, pos = {}, 0
    while pos < len(data):
        space = data.index(b" ", pos)
        nul = data.index(b"\0", space)
        if data[pos:space] in (b"100644", b"100755"):
            name = data[space + 1 : nul].decode("utf-8", "surrogateescape")
            files[name] = data[nul + 1 : nul + 1 + size].hex()
        pos = nul + 1 + size
    return files
