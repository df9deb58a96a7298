"""Metric sentences: each figure beside its last earlier value, and key findings between labels."""

# Rule of a key finding: when one metric name has two or more labels on the day, the best label
# (lowest value when better is lower, highest when higher) is compared with the worst one:
# "**Key finding:** <best label> provides <ratio>x <faster|lower|higher> <name> (<best><unit>
# vs <worst><unit>)". "faster" is said for time-like units, "lower"/"higher" otherwise. The
# ratio is worst/best (lower is better) or best/worst, to one decimal; it needs both values > 0.

from __future__ import annotations

from statusbot import markup as md
from statusbot.model import Facts, Metric, WorkItem
from statusbot.providers.metrics import TIME_UNITS


def number(value: float) -> str:
    """Return a figure as people write it: 147 rather than 147.0, at most 6 significant digits."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.6g}"


def metric_work_items(facts: Facts) -> list[WorkItem]:
    """Return the day's metric items, then its key findings (kind metrics or finding)."""
    items = []
    for line in metric_items(facts):
        finding = line.startswith("**Key finding:**")
        items.append(WorkItem("finding" if finding else "metrics", line, line, headline=line))
    return items


def metric_items(facts: Facts) -> list[str]:
    """Return the day's metric lines, then its key findings, as safe markdown."""
    latest: dict[tuple[str, str], Metric] = {}
    for metric in facts.metrics:  # the day's last value of each (name, label) counts
        latest.pop((metric.name, metric.label), None)
        latest[(metric.name, metric.label)] = metric
    lines = [_metric_line(m) for m in latest.values()]
    names: dict[str, list[Metric]] = {}
    for metric in latest.values():
        names.setdefault(metric.name, []).append(metric)
    for group in names.values():
        finding = key_finding(group)
        if finding:
            lines.append(finding)
    return lines


def _figure(value: float, unit: str) -> str:
    if not unit:
        return number(value)
    shown = md.text(unit, 20)
    return f"{number(value)}{shown}" if len(unit) <= 3 else f"{number(value)} {shown}"


def _metric_line(metric: Metric) -> str:
    name = md.text(metric.name, 120)
    if metric.label:
        name += f" ({md.text(metric.label, 80)})"
    after = _figure(metric.value, metric.unit)
    if metric.before is None:
        return f"{name}: {after}"
    before = _figure(metric.before, metric.unit)
    line = f"{name} {before} → {after}"
    if metric.before:
        change = round(100.0 * (metric.value - metric.before) / abs(metric.before), 1)
        sign = "+" if change > 0 else "−" if change < 0 else "±"
        line += f" ({sign}{abs(change):.1f}%)"
    return line


def key_finding(group: list[Metric]) -> str | None:
    """Return the comparison of a metric's best and worst label on the day, or None."""
    labelled = [m for m in group if m.label]
    if len(labelled) < 2 or any(m.value <= 0 for m in labelled):
        return None
    higher = labelled[0].better == "higher"
    ordered = sorted(labelled, key=lambda m: m.value, reverse=higher)
    best, worst = ordered[0], ordered[-1]
    if best.value == worst.value:
        return None
    ratio = best.value / worst.value if higher else worst.value / best.value
    timed = best.unit.strip().lower() in TIME_UNITS
    word = "higher" if higher else "faster" if timed else "lower"
    name = best.name[:1].lower() + best.name[1:] if best.name[1:2].islower() else best.name
    if word == "faster":  # "faster provisioning", not "faster provisioning time"
        for tail in (" time", " duration"):
            name = name[: -len(tail)] if name.lower().endswith(tail) else name
    return (
        f"**Key finding:** {md.text(best.label, 80)} provides {ratio:.1f}x {word} "
        f"{md.text(name, 120)} ({_figure(best.value, best.unit)} vs "
        f"{_figure(worst.value, worst.unit)})"
    )
