"""The local store: recorded notes and deploys (append-only) and coverage snapshots."""

from __future__ import annotations

import fcntl
import json
import logging
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

RECORDS = "records.jsonl"
SNAPSHOTS = "coverage-snapshots.json"


class Store:
    """Files under one directory, each written atomically or appended under a lock."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @contextmanager
    def _locked(self, name: str) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / f".{name}.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def append_record(self, record: dict[str, Any]) -> None:
        """Append one record durably; earlier records are never rewritten."""
        line = json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n"
        with self._locked(RECORDS):
            path = self.root / RECORDS
            with open(path, "a+b") as fh:
                fh.seek(0, os.SEEK_END)
                if fh.tell():
                    fh.seek(-1, os.SEEK_END)
                    if fh.read(1) != b"\n":  # a torn line from a crash: start a fresh line
                        fh.write(b"\n")
                fh.write(line.encode("utf-8"))
                fh.flush()
                os.fsync(fh.fileno())

    def records(self) -> list[dict[str, Any]]:
        """Return every readable record; a torn or corrupt line is skipped with a warning."""
        path = self.root / RECORDS
        if not path.exists():
            return []
        out = []
        with open(path, encoding="utf-8", errors="replace") as fh:
            for number, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    log.warning("%s:%d: skipped an unreadable record", path, number)
                    continue
                if isinstance(record, dict):
                    out.append(record)
        return out

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
