"""Metrics: recorded with `statusbot record metric`, or read from metric JSON files."""

# A metrics file is JSON: {"metrics": [{"name": str, "value": number, "unit": str?,
# "label": str?, "better": "lower"|"higher"?}]}. A file that does not hold that shape is one
# SourceFailure naming the file; the other files and sources are still read.

from __future__ import annotations

import json
import logging
import math
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from statusbot.model import Metric, SourceFailure
from statusbot.providers.files import DEFAULT_MAX_REPORT_MB, BadReport, collect_each, read_bytes
from statusbot.store import Store

log = logging.getLogger(__name__)

TIME_UNITS: tuple[str, ...] = (
    "s",
    "ms",
    "us",
    "µs",
    "ns",
    "sec",
    "secs",
    "second",
    "seconds",
    "min",
    "mins",
)
TIME_UNITS += ("minute", "minutes", "h", "hr", "hrs", "hour", "hours")
BETTER = ("lower", "higher")


def default_better(unit: str) -> str:
    """Return which way a metric improves: lower for time-like units, higher otherwise."""
    return "lower" if unit.strip().lower() in TIME_UNITS else "higher"


def metric_record(
    name: str,
    value: float,
    unit: str,
    label: str,
    better: str | None,
    day: date,
    now: datetime,
) -> dict[str, Any]:
    """Return the stored form of a recorded metric."""
    return {
        "kind": "metric",
        "day": day.isoformat(),
        "at": now.isoformat(),
        "name": name,
        "value": value,
        "unit": unit,
        "label": label,
        "better": better or default_better(unit),
    }


def check_value(value: Any) -> float:
    """Return a metric value as a finite float, or raise ValueError."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"value must be a number, not {type(value).__name__}")
    if not math.isfinite(value):
        raise ValueError(f"value must be finite, not {value}")
    return float(value)


def _metric(entry: Any, at: datetime | None, source: str) -> Metric:
    """Return a Metric from a stored or file entry, or raise ValueError naming the problem."""
    if not isinstance(entry, dict):
        raise ValueError("each metric must be an object")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError("each metric needs a non-empty string name")
    value = check_value(entry.get("value"))
    unit = entry.get("unit") or ""
    label = entry.get("label") or ""
    if not isinstance(unit, str) or not isinstance(label, str):
        raise ValueError(f"metric {name!r}: unit and label must be strings")
    better = entry.get("better") or default_better(unit)
    if better not in BETTER:
        raise ValueError(f"metric {name!r}: better must be lower or higher, not {better!r}")
    return Metric(name.strip(), value, unit.strip(), label.strip(), better, at, source)


def parse_metrics_file(path: Path, max_mb: float = DEFAULT_MAX_REPORT_MB) -> list[Metric]:
    """Return the metrics of one JSON file, or raise BadReport saying what is wrong."""
    data = read_bytes(path, max_mb)
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise BadReport(f"not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        raise BadReport(f"not valid JSON ({where}): {exc.msg}") from exc
    entries = doc.get("metrics") if isinstance(doc, dict) else None
    if not isinstance(entries, list):
        raise BadReport('expected {"metrics": [{"name": ..., "value": ...}, ...]}')
    at = datetime.fromtimestamp(path.stat().st_mtime).astimezone()
    try:
        return [_metric(e, at, str(path)) for e in entries]
    except ValueError as exc:
        raise BadReport(str(exc)) from exc


def collect_metric_files(
    paths: list[Path], max_mb: float = DEFAULT_MAX_REPORT_MB
) -> tuple[list[Metric], list[SourceFailure]]:
    """Return the metrics of every readable file and one failure per bad file."""
    return collect_each(paths, lambda path: parse_metrics_file(path, max_mb))


def recorded_metrics(store: Store, day: date) -> list[Metric]:
    """Return the metrics recorded for one day, in the order they were recorded."""
    found = []
    for record in store.records():
        if record.get("kind") != "metric" or record.get("day") != day.isoformat():
            continue
        try:
            found.append(_metric(record, datetime.fromisoformat(record["at"]), "recorded"))
        except (KeyError, TypeError, ValueError) as exc:
            log.warning("skipped a malformed metric record: %s", exc)
    return found


def _history(store: Store) -> dict[str, dict[str, float]]:
    """Return {key: {day: last value}} from recorded metrics and file metrics' baselines."""
    latest: dict[str, dict[str, tuple[str, float]]] = {}
    for record in store.records():
        if record.get("kind") in ("metric", "metric-baseline"):
            try:
                value = check_value(record.get("value"))
                days = latest.setdefault(_key(record["name"], record.get("label") or ""), {})
                day, at = str(record["day"]), str(record.get("at") or "")
            except (KeyError, TypeError, ValueError):
                continue
            if day not in days or days[day][0] <= at:
                days[day] = (at, value)
    return {key: {d: v for d, (_at, v) in days.items()} for key, days in latest.items()}


def _key(name: str, label: str) -> str:
    return f"{name.strip()}\x1f{label.strip()}"


def with_baselines(metrics: list[Metric], store: Store, day: date) -> list[Metric]:
    """Return each metric beside the last value of its name and label on an earlier day."""
    if not metrics:
        return []
    history = _history(store)
    out = []
    for metric in metrics:
        days = history.get(_key(metric.name, metric.label), {})
        earlier = sorted(d for d in days if d < day.isoformat())
        if earlier:
            metric = replace(
                metric, before=days[earlier[-1]], before_day=date.fromisoformat(earlier[-1])
            )
        out.append(metric)
    return out


def metric_baselines(
    store: Store, metrics: tuple[Metric, ...], day: date, now: datetime
) -> list[dict[str, Any]]:
    """Return baseline records of the day's file metrics whose value the records don't hold."""
    from_files = [m for m in metrics if m.source != "recorded"]
    if not from_files:
        return []
    history = _history(store)
    out: dict[str, dict[str, Any]] = {}
    for metric in from_files:
        key = _key(metric.name, metric.label)
        if history.get(key, {}).get(day.isoformat()) != metric.value:
            base = {"kind": "metric-baseline", "day": day.isoformat(), "at": now.isoformat()}
            out[key] = {**base, "name": metric.name, "label": metric.label, "value": metric.value}
    return list(out.values())
