"""The claims of a summarizer's answer, checked against the facts and the built-in text."""

# What the facts hold (Known) is built once per answer from the full facts, whatever input the
# command was given: every string (for URLs, versions, shas, dates), the pull request numbers,
# and three pools of figures. Digits count as figures only where people wrote them: JSON numbers
# and the digits of prose strings, never those of shas, URLs, times or file paths, so "4" is not
# a known figure merely because a commit hash or a timestamp holds one. Percentages must equal a
# percentage written in the facts or the built-in text, ratios ("4.4x") a ratio written there.
# A link may only point where statusbot itself links: a URL field of the facts (a pull
# request's, a commit's, a deployment's), never a URL that merely appears in a commit message.

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

PR = re.compile(r"(?<![\w&])#(\d+)\b")
URL = re.compile(r"https?://[^\s<>()\[\]\"'`]+")
LINK = re.compile(r"\[([^\[\]\n]*)\]\(([^()\s]*)\)")
DATE = re.compile(r"(?<![\w.])\d{4}-\d{2}-\d{2}(?![\w])")
VERSION = re.compile(r"(?<![\w.])(?:v\d+(?:\.\d+)*|\d+\.\d+\.\d+(?:\.\d+)*)(?![\w])", re.I)
SHA = re.compile(r"(?<![\w])(?=[0-9a-f]*\d)[0-9a-f]{7,40}(?![\w])", re.I)
PERCENT = re.compile(r"(?<![\w.])[+\-−±]?(\d+(?:\.\d+)?)\s?%")
RATIO = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s?[x×](?![\w])")
NUMBER = re.compile(r"(?<![\w.#])(\d+(?:\.\d+)?)")
# Fields whose digits are not figures a person would quote.
NOT_PROSE = re.compile(r"(^|_)(sha|url|at|day|since|source|timezone|emails?|before_day)$")


class Unverified(Exception):
    """Why a summary (or one of its sections) cannot be used: one line."""


@dataclass
class Known:
    """What the facts and the built-in text hold, for checking claims."""

    haystack: str = ""
    links: set[str] = field(default_factory=set)  # URL fields: what statusbot itself links
    prs: set[Any] = field(default_factory=set)
    numbers: set[Decimal] = field(default_factory=set)
    percents: set[Decimal] = field(default_factory=set)
    ratios: set[Decimal] = field(default_factory=set)


def known(facts: dict[str, Any], built_in: list[str]) -> Known:
    """Return what the facts (as Facts.to_dict()) and the built-in lines hold."""
    strings: list[str] = []
    prose: list[str] = []
    out = Known()
    _walk(facts, "", strings, prose, out)
    built = [html.unescape(line) for line in built_in]
    out.links.update(m.group(2) for line in built for m in LINK.finditer(line))
    strings += built
    prose += built
    for s in prose:
        bare = SHA.sub(" ", URL.sub(" ", DATE.sub(" ", s)))
        out.numbers.update(num(m.group(1)) for m in NUMBER.finditer(bare))
        out.percents.update(num(m.group(1)) for m in PERCENT.finditer(bare))
        out.ratios.update(num(m.group(1)) for m in RATIO.finditer(bare))
    out.haystack = "\n".join(strings)
    items = [*facts.get("pull_requests", []), *facts.get("reviews", [])]
    out.prs = {i.get("number") for i in items if isinstance(i, dict)} - {None}
    return out


def _walk(value: Any, key: str, strings: list[str], prose: list[str], out: Known) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _walk(v, k, strings, prose, out)
    elif isinstance(value, list):
        for v in value:
            _walk(v, key, strings, prose, out)
    elif isinstance(value, str):
        strings.append(html.unescape(value))
        if key == "url" or key.endswith("_url"):
            out.links.add(value)
        elif not NOT_PROSE.search(key):
            prose.append(html.unescape(value))
    elif isinstance(value, int | float) and not isinstance(value, bool):
        out.numbers.add(num(str(value)))


def num(token: str) -> Decimal:
    """Return a figure as a comparable number."""
    try:
        return Decimal(token).normalize()
    except InvalidOperation:
        return Decimal(-1)


def check_markup(text: str) -> None:
    """Raise Unverified for front matter, Liquid or HTML in text."""
    if any(re.fullmatch(r"\s*-{3,}\s*", line) for line in text.split("\n")):
        raise Unverified("a --- line (front matter or a rule) is not allowed")
    if "{{" in text or "{%" in text or "%}" in text or "}}" in text:
        raise Unverified("Liquid markup ({{ }} or {% %}) is not allowed")
    tag = re.search(r"<[A-Za-z/!?]", text)
    if tag:
        raise Unverified(f"HTML is not allowed ({text[tag.start() : tag.start() + 12]!r}...)")


def check_claims(text: str, facts: Known) -> None:
    """Raise Unverified for the first link or claim of text that the facts do not hold."""
    spans: list[tuple[int, int]] = []
    for m in LINK.finditer(text):
        target = m.group(2)
        if target not in facts.links:
            raise Unverified(f"link to {target or 'nothing'} is not a URL of the facts")
        spans.append(m.span(2))
    for m in PR.finditer(text):
        if int(m.group(1)) not in facts.prs:
            raise Unverified(f"pull request #{m.group(1)} is not in the facts")
        spans.append(m.span())
    for m in URL.finditer(text):
        if _inside(m.span(), spans):
            continue
        found = m.group(0).rstrip(".,;:!?")
        if found not in facts.haystack:
            raise Unverified(f"URL {found} is not in the facts")
        spans.append(m.span())
    lowered = facts.haystack.lower()
    for pattern, what in ((DATE, "date"), (VERSION, "version"), (SHA, "sha")):
        for m in pattern.finditer(text):
            if _inside(m.span(), spans):
                continue
            if m.group(0).lower() not in lowered:
                raise Unverified(f"{what} {m.group(0)} is not in the facts")
            spans.append(m.span())
    for pattern, pool, what in (
        (PERCENT, facts.percents, "percentage"),
        (RATIO, facts.ratios, "ratio"),
        (NUMBER, facts.numbers, "number"),
    ):
        for m in pattern.finditer(text):
            if _inside(m.span(), spans):
                continue
            if num(m.group(1)) not in pool:
                raise Unverified(f"{what} {m.group(0).strip()} is not in the facts")
            spans.append(m.span())


def _inside(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(a <= span[0] and span[1] <= b for a, b in spans)
