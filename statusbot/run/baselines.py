"""Coverage figures beside an earlier day's, and the baseline records that make them."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from statusbot.model import CoverageChange, CoverageReport, Facts
from statusbot.store import Store


def snapshot(report: CoverageReport) -> dict[str, object]:
    """Return the stored form of a coverage report's figures."""
    return {"overall": report.percent, "packages": dict(report.packages)}


def coverage_changes(
    reports: list[CoverageReport], snapshots: dict[str, Any], day: date
) -> list[CoverageChange]:
    """Return each report's figures beside the last snapshot taken on an earlier day."""
    changes: list[CoverageChange] = []
    label_source = len(reports) > 1
    for report in reports:
        history = snapshots.get(report.source, {})
        earlier = sorted(d for d in history if d < day.isoformat())
        base = history[earlier[-1]] if earlier else None
        prefix = f"{Path(report.source).name} " if label_source else ""
        before = base.get("overall") if base else None
        changes.append(CoverageChange(report.source, f"{prefix}overall", before, report.percent))
        old_packages = (base or {}).get("packages", {})
        package_changes = [
            CoverageChange(report.source, f"{prefix}{name}", old_packages.get(name), pct)
            for name, pct in report.packages
            if name not in ("", ".") and len(report.packages) > 1
        ]
        package_changes.sort(key=lambda c: (-abs(c.delta or 0), c.name))
        changes.extend(package_changes)
    return changes


def coverage_snapshots(store: Store) -> dict[str, dict[str, dict[str, Any]]]:
    """Return {source: {day: figures}}: each day's last coverage baseline in the records."""
    found: dict[str, dict[str, tuple[str, dict[str, Any]]]] = {}
    for record in store.records():
        if record.get("kind") != "coverage-baseline":
            continue
        source, day, at = record.get("source"), record.get("day"), str(record.get("at") or "")
        if not isinstance(source, str) or not isinstance(day, str):
            continue
        figures = {"overall": record.get("overall"), "packages": record.get("packages") or {}}
        if day not in found.setdefault(source, {}) or found[source][day][0] <= at:
            found[source][day] = (at, figures)
    return {src: {d: f for d, (_at, f) in days.items()} for src, days in found.items()}


def record_snapshots(store: Store, facts: Facts, now: datetime) -> None:
    """Commit today's coverage and metric figures that changed, the baselines of later days."""
    from statusbot.providers.metrics import metric_baselines

    day = facts.day.isoformat()
    known = coverage_snapshots(store)
    new: list[dict[str, Any]] = []
    for report in facts.coverage:
        figures = snapshot(report)
        if known.get(report.source, {}).get(day) != figures:
            base = {"kind": "coverage-baseline", "day": day, "at": now.isoformat()}
            new.append({**base, "source": report.source, **figures})
    new += metric_baselines(store, facts.metrics, facts.day, now)
    if new:
        store.add_records(new, f"statusbot: baselines of {day} ({len(new)})")
