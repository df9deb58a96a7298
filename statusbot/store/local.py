"""The Store: the shared records (read once per run) and the local files beside them."""

from __future__ import annotations

import fcntl
import json
import logging
import os
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# The files the store keeps on this machine, and what each holds. None of them is shared:
# they are caches and run history, and losing one costs a slower cycle, never a fact.
FILES = {
    "github-http-cache.json": "GitHub answers by ETag (the warm cycle's 304s)",
    "github-state.json": "GitHub facts of recent days and pull request details",
    "summaries.json": "the summarizer's answers by input digest",
    "runs.json": "run history: last run, failing sources and since when",
    "last-publish.json": "the no-change shortcut's snapshot of the last run",
    "run.lock": "one publish run at a time",
}
# Written by releases before the records ref; imported into it once, then renamed *.imported.
LEGACY_RECORDS = "records.jsonl"
LEGACY_COVERAGE = "coverage-snapshots.json"
LEGACY_METRICS = "metric-snapshots.json"


class Store:
    """The records ref of `repo` (when given) and the local files under `root`."""

    def __init__(self, root: Path, repo: Path | None = None) -> None:
        self.root = Path(root)
        self.repo = repo
        self._records: list[dict[str, Any]] | None = None

    @contextmanager
    def _locked(self, name: str) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / f".{name}.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _git(self) -> Any:
        from statusbot.errors import ConfigError
        from statusbot.gitpages.git import Git

        if self.repo is None:
            raise ConfigError("records need a git repository (publish.repo)")
        return Git(self.repo)

    def records(self) -> list[dict[str, Any]]:
        """Return every record of the records ref in the order written, read once per Store."""
        if self._records is None:
            if self.repo is None:
                self._records = []
            else:
                from statusbot.gitpages import records

                git = self._git()
                self._import_legacy(git)
                found = records.read_records(git)
                self._records = sorted(found, key=lambda r: (str(r.get("at")), str(r.get("id"))))
        return self._records

    def add_records(self, new: Iterable[Mapping[str, Any]], message: str) -> list[dict[str, Any]]:
        """Commit records (each given a unique id) to the local records ref; return them."""
        from statusbot.gitpages import records

        git = self._git()
        self._import_legacy(git)
        stored = [{**r, "id": r.get("id") or new_id()} for r in new]
        if stored:
            records.add_records(git, stored, message)
        self._records = None
        return stored

    def records_tip(self) -> str | None:
        """Return the records ref's commit, read without a process (None: no records yet)."""
        if self.repo is None:
            return None
        from statusbot.gitpages.git import GitError
        from statusbot.gitpages.records import REF
        from statusbot.gitpages.refs import git_dir_of, read_ref

        try:
            return read_ref(git_dir_of(self.repo), REF)
        except (GitError, OSError):  # not a repository (any more): no records
            return None

    def fetch_records(self, remote: str) -> None:
        """Fetch the remote's records and merge them in by union; raise RecordsOffline."""
        from statusbot.gitpages import records

        git = self._git()
        self._import_legacy(git)
        records.fetch(git, remote)
        self._records = None

    def push_records(self, remote: str) -> str:
        """Push the local records (merging the remote's first when it moved); return a note."""
        from statusbot.gitpages import records

        git = self._git()
        self._import_legacy(git)
        note = records.push(git, remote)
        self._records = None
        return note

    def _import_legacy(self, git: Any) -> None:
        """Import the records and baselines an earlier release kept here, once, losing none."""
        names = (LEGACY_RECORDS, LEGACY_COVERAGE, LEGACY_METRICS)
        if not any((self.root / n).exists() for n in names):
            return
        from statusbot.gitpages import records
        from statusbot.store.legacy import legacy_records

        with self._locked("import"):
            found = [n for n in names if (self.root / n).exists()]
            if not found:
                return  # another process imported them while this one waited
            imported = legacy_records(self.root)
            if imported:
                message = f"statusbot: import {len(imported)} records from the local store"
                records.add_records(git, imported, message)
            for name in found:
                os.replace(self.root / name, self.root / f"{name}.imported")
            log.info("imported %d records from %s into %s", len(imported), self.root, records.REF)

    def load_json(self, name: str) -> dict[str, Any]:
        """Return a JSON document of the store, or {} when missing or unreadable."""
        path = self.root / name
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.warning("%s: unreadable, starting afresh: %s", path, exc)
            return {}
        return data if isinstance(data, dict) else {}

    def save_json(self, name: str, data: dict[str, Any]) -> None:
        """Replace a JSON document atomically (write a temp file, fsync, rename)."""
        with self._locked(name):
            write_atomic(self.root / name, json.dumps(data, indent=1, sort_keys=True) + "\n")


_last_ns = 0


def new_id() -> str:
    """Return a unique record id that sorts after this process's earlier ones.

    Records of the same `at` (one second, or a frozen clock) keep the order they were written.
    """
    global _last_ns
    _last_ns = max(time.time_ns(), _last_ns + 1)
    return f"{_last_ns:016x}-{uuid.uuid4().hex[:16]}"


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write a file so that readers see the old or the new content, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
