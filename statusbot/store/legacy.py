"""The local store as releases before the records ref wrote it, read for the one-time import."""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def legacy_records(root: Path) -> list[dict[str, Any]]:
    """Return the records, coverage and metric snapshots of an old store, as ref records.

    Each gets an id derived from its content, so an import interrupted and run again writes
    the same files, never a second copy.
    """
    out: list[dict[str, Any]] = []
    path = root / "records.jsonl"
    if path.exists():
        with open(path, encoding="utf-8", errors="replace") as fh:
            for number, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    log.warning("%s:%d: skipped an unreadable record", path, number)
                    continue
                if isinstance(record, dict) and isinstance(record.get("day"), str):
                    out.append(_with_id({**record, "line": number}))
    for source, days in _json(root / "coverage-snapshots.json").items():
        for day, figures in days.items() if isinstance(days, dict) else ():
            if isinstance(figures, dict):
                base = {"kind": "coverage-baseline", "day": day, "at": f"{day}T00:00:00"}
                out.append(_with_id({**base, "source": source, **figures}))
    for key, days in _json(root / "metric-snapshots.json").items():
        name, _, label = key.partition("\x1f")
        for day, value in days.items() if isinstance(days, dict) else ():
            base = {"kind": "metric-baseline", "day": day, "at": f"{day}T00:00:00"}
            out.append(_with_id({**base, "name": name, "label": label, "value": value}))
    return out


def _with_id(record: dict[str, Any]) -> dict[str, Any]:
    """Return the record with an id made from its content (the line number keeps twins apart)."""
    text = json.dumps(record, sort_keys=True, ensure_ascii=False, default=str)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    line = record.pop("line", 0)
    return {**record, "id": f"{line:016x}-{digest}"}  # the line keeps the file's order


def _json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("%s: unreadable, not imported: %s", path, exc)
        return {}
    return data if isinstance(data, dict) else {}
