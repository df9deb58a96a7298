"""Coverage figures beside an earlier day's, and the snapshots that make them."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from statusbot.model import CoverageChange, CoverageReport, Facts
from statusbot.state import SNAPSHOTS, Store


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


def record_snapshots(store: Store, facts: Facts) -> None:
    """Store today's coverage and metric figures, the baselines of later days' changes."""
    from statusbot.providers.metrics import record_metric_snapshots

    if facts.coverage:
        data = store.load_json(SNAPSHOTS)
        for report in facts.coverage:
            data.setdefault(report.source, {})[facts.day.isoformat()] = snapshot(report)
        store.save_json(SNAPSHOTS, data)
    record_metric_snapshots(store, facts.metrics, facts.day)
