"""What the summarizer command reads: the shipped prompt with a compact digest, or the raw JSON."""

# The digest lists the built-in page (each work item's line with the size parts and the URLs of
# its evidence that the line lacks; never its commit shas), the risks
# with their levels, the test, coverage and metric figures, the notes and the built-in key
# effort, as plain text (markup.text's entities undone, links left as markdown). It is bounded:
# when the rendered prompt would pass MAX_INPUT bytes, the longest work items are left out (the
# short ones are figures: tests, coverage, metrics, findings) and counted ("and 12 more work
# items"), so a busy day still fits a model's context.

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

from statusbot.compose import Sections
from statusbot.markup import plural
from statusbot.model import Facts

PROMPT_TEMPLATE = "summarizer-prompt.md.j2"
MAX_INPUT = 24_000
INPUT_MODES = ("prompt", "json")
URL = re.compile(r"https?://")


def line(item: Any) -> str:
    """Return a work item's safe markdown line (a str before work items existed)."""
    return item if isinstance(item, str) else str(item.line)


def size(item: Any) -> str:
    """Return a work item's size as words ("24 commits, 6 files, +1200/−300 lines"), or ""."""
    found = None if isinstance(item, str) else getattr(item, "size", None)
    if found is None:
        return ""

    def get(name: str) -> Any:
        return found.get(name) if isinstance(found, dict) else getattr(found, name, None)

    parts = []
    for name, noun in (("commits", "commit"), ("files", "file")):
        value = get(name)
        if value:
            parts.append(plural(value, noun))
    added, deleted = get("added"), get("deleted")
    if added or deleted:
        parts.append(f"+{added or 0}/−{deleted or 0} lines")
    return ", ".join(parts)


def links(item: Any) -> list[str]:
    """Return the URLs of a work item's evidence that its line does not already show.

    Evidence also holds commit shas and pull request refs ("repo#N"): they are not links, and a
    day's hundreds of shas would crowd the work items out of the bounded digest.
    """
    found = () if isinstance(item, str) else getattr(item, "evidence", ()) or ()
    urls = [e if isinstance(e, str) else getattr(e, "url", None) for e in found]
    return [u for u in urls if u and URL.match(u) and u not in line(item)]


def extra(item: Any) -> str:
    """Return what the digest adds to a work item's line: the size parts and links it lacks."""
    shown = plain(line(item))
    parts = [p for p in size(item).split(", ") if p and p not in shown]
    return "; ".join([", ".join(parts), *links(item)] if parts else links(item))


def plain(markdown: str) -> str:
    """Return statusbot's safe markdown as the text it shows (entities undone)."""
    return html.unescape(markdown)


def payload(facts: Facts, sections: Sections) -> dict[str, Any]:
    """Return the `json` input: the facts and the built-in sections."""
    return {
        "facts": facts.to_dict(),
        "sections": {
            "accomplishments": [line(i) for i in sections.accomplishments],
            "risks": [r.markdown for r in sections.risks],
            "key_effort": sections.key_effort,
        },
    }


def built_in_lines(sections: Sections) -> list[str]:
    """Return every text the built-in sections hold, and the sizes the digest shows."""
    out = [line(i) for i in sections.accomplishments]
    out += [size(i) for i in sections.accomplishments if size(i)]
    out += [u for i in sections.accomplishments for u in links(i)]
    out += [r.markdown for r in sections.risks]
    return [*out, sections.key_effort]


def context(facts: Facts, sections: Sections) -> dict[str, Any]:
    """Return the prompt template's variables: the day's digest."""
    items = [{"line": plain(line(i)), "size": extra(i)} for i in sections.accomplishments]
    metrics = []
    for m in facts.metrics:
        label = f" ({m.label})" if m.label else ""
        before = f", earlier {m.before:g}{m.unit}" if m.before is not None else ""
        metrics.append(f"{m.name}{label}: {m.value:g}{m.unit}{before} ({m.better} is better)")
    coverage = [
        f"{c.name}: {c.after:.1f}%" + (f", earlier {c.before:.1f}%" if c.before is not None else "")
        for c in facts.coverage_changes
    ] or [f"{r.source}: {r.percent:.1f}%" for r in facts.coverage]
    return {
        "day": facts.day.isoformat(),
        "since": facts.since.isoformat() if facts.since else None,
        "timezone": facts.timezone,
        "people": [p.name for p in facts.people],
        "items": items,
        "omitted": 0,
        "risks": [{"level": r.level.upper(), "text": plain(r.text)} for r in sections.risks],
        "tests": [
            f"{t.name}: {t.tests} tests, {t.passed} passed, {t.failures + t.errors} failing, "
            f"{t.skipped} skipped" + (f" ({', '.join(t.failing[:5])})" if t.failing else "")
            for t in facts.tests
        ],
        "coverage": coverage,
        "metrics": metrics,
        "notes": [  # those not already shown as a work item or a risk
            n.text + (f" (risk: {n.risk})" if n.risk else " (key effort)" if n.key_effort else "")
            for n in facts.notes
            if not any(n.text in plain(line(i)) for i in sections.accomplishments)
            and not any(n.text in plain(r.text) for r in sections.risks)
        ],
        "key_effort": plain(sections.key_effort),
    }


def prompt(facts: Facts, sections: Sections, templates_dir: Path | None = None) -> str:
    """Return the `prompt` input: the shipped (or the user's) prompt with the day's digest."""
    from statusbot.render import environment

    template = environment(templates_dir).get_template(PROMPT_TEMPLATE)
    values = context(facts, sections)
    items = values["items"]
    text = template.render(**values)
    if len(text.encode("utf-8")) <= MAX_INPUT:
        return str(text)
    base = len(template.render(**{**values, "items": [], "omitted": len(items)}).encode("utf-8"))
    costs = [len(f"- {i['line']} [{i['size']}]\n".encode()) for i in items]
    room, dropped = MAX_INPUT - base - sum(costs), set()
    for n in sorted(range(len(items)), key=lambda n: (-costs[n], -n)):  # the longest go first
        if room >= 0:
            break
        room += costs[n]
        dropped.add(n)
    shown = [item for n, item in enumerate(items) if n not in dropped]
    return str(template.render(**{**values, "items": shown, "omitted": len(dropped)}))


def command_input(
    mode: str, facts: Facts, sections: Sections, templates_dir: Path | None = None
) -> str:
    """Return what the command reads on stdin in this input mode."""
    if mode == "json":
        return json.dumps(payload(facts, sections), sort_keys=True, ensure_ascii=False)
    return prompt(facts, sections, templates_dir)
