"""The day's main pieces of work: the top one to three work items by size and PR activity."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from statusbot.model import CODE_KINDS, Facts, PullRequest, WorkItem
from statusbot.workitems import size_text, weight

MAX_KEY_ITEMS = 3
MAX_KEY_EFFORT = 300
_GERUNDS = {
    "added": "adding",
    "created": "creating",
    "documented": "documenting",
    "fixed": "fixing",
    "implemented": "implementing",
    "improved": "improving",
    "merged": "merging",
    "prepared": "preparing",
    "refactored": "refactoring",
    "reformatted": "reformatting",
    "released": "releasing",
    "removed": "removing",
    "replaced": "replacing",
    "reverted": "reverting",
    "reviewed": "reviewing",
    "tested": "testing",
    "updated": "updating",
    "worked": "working",
}


def key_work(facts: Facts, items: Sequence[WorkItem]) -> str | None:
    """Return one sentence naming the day's top one to three items, or None without any.

    Candidates are the items about code (commit groups and pull requests active in the page's
    window); they are ordered by weight (workitems.weight: lines, commits, PR activity). The
    first is named by its headline as what was being done ("Rewriting gtr on master") with its
    size; the next ones by what was done to them ("fixing parser/gotest"), a verb said once.
    """
    ranked = top_items(facts, items)
    if not ranked:
        return None
    first = ranked[0]
    size = _short_size(first)
    verb, rest = doing(first.headline or first.title)
    parts = [f"{verb.capitalize()}{rest}{f' ({size})' if size else ''}"]
    for item in ranked[1:]:
        phrase = item.title
        if item.kind != "pull_request" and item.headline:
            then, _rest = doing(item.headline)
            phrase = item.title if then == verb else f"{then} {item.title}".strip()
            verb = then
        if len(", ".join([*parts, phrase])) > MAX_KEY_EFFORT:
            break
        parts.append(phrase)
    if len(parts) == 1:
        return cut(parts[0], MAX_KEY_EFFORT)
    # "updating and fixing tests, and adding junit": a comma where a part has its own "and"
    last = ", and " if any(" and " in p for p in parts[1:]) else " and "
    return ", ".join(parts[:-1]) + last + parts[-1]


def cut(markdown: str, limit: int) -> str:
    """Return safe markdown cut to about `limit` characters on a space outside any link.

    A cut never splits an entity (they hold no spaces) nor a link: "[#21](url) for x" keeps
    its link whole or loses it with what follows.
    """
    if len(markdown) <= limit:
        return markdown
    depth = 0
    last = 0
    for n, ch in enumerate(markdown[:limit]):
        if ch in "[(":
            depth += 1
        elif ch in "])" and depth:
            depth -= 1
        elif ch == " " and depth == 0:
            last = n
    return markdown[:last].rstrip(" ,;:") + "…" if last else markdown[: limit - 1] + "…"


def doing(headline: str) -> tuple[str, str]:
    """Split "Added and fixed gtr on master" into ("adding and fixing", " gtr on master")."""
    words = headline.split(" ")
    verbs: list[str] = []
    for n, word in enumerate(words):
        lower = word.lower()
        if lower in _GERUNDS:
            verbs.append(_GERUNDS[lower])
        elif lower == "and" and verbs and n + 1 < len(words) and words[n + 1].lower() in _GERUNDS:
            verbs.append("and")
        elif lower == "on" and verbs == ["working"]:
            verbs.append("on")
        else:
            break
    rest = " ".join(words[len(verbs) :])
    return " ".join(verbs), f" {rest}" if rest else ""


def top_items(facts: Facts, items: Sequence[WorkItem]) -> list[WorkItem]:
    """Return the day's top one to three code items (active pull requests included)."""
    active = {f"{p.repo}#{p.number}" for p in _active_pulls(facts)}
    candidates = [
        i
        for i in items
        if i.kind in CODE_KINDS
        and i.title != "also"
        and (i.kind != "pull_request" or (i.evidence and i.evidence[0] in active))
    ]
    return sorted(candidates, key=lambda i: -weight(i))[:MAX_KEY_ITEMS]


def _short_size(item: WorkItem) -> str:
    """Return "9 commits, +310/−120 lines": the size without file counts or links."""
    if not item.size.commits and not item.size.lines:
        return ""
    text = size_text(item.size)
    return text.split(" in ", 1)[0] if item.size.files else text


def _active_pulls(facts: Facts) -> list[PullRequest]:
    """Return the pull requests opened, updated, merged or closed in the page's day."""
    tz = ZoneInfo(facts.timezone)
    start = datetime.combine(facts.since or facts.day, time(0), tzinfo=tz)
    end = datetime.combine(facts.day + timedelta(days=1), time(0), tzinfo=tz)
    moments = ("opened_at", "updated_at", "merged_at", "closed_at")
    return [
        pr
        for pr in facts.pull_requests
        if any((m := getattr(pr, name)) is not None and start <= m < end for name in moments)
    ]
