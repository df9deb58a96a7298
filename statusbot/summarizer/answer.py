"""A summarizer's answer: split into sections, judged one by one, rebuilt as safe markdown."""

# Structure is judged on the whole answer: lines before the first of the three headings (a
# greeting, a "# Daily Status" title, a code fence) are dropped, then "## Accomplishments",
# "## Risks & Challenges" and "## Key Effort" must each come once, in order, with no other heading
# after the first; Key Effort is the paragraph under its heading (a model's sign-off after a blank
# line is dropped). Each section is then judged alone (markup, links, claims, and for risks that
# the critical and high risks are the built-in ones, each kept at its level: check_levels); one
# that fails is replaced by the built-in section and its reason kept. Kept text is rebuilt: a
# markdown link whose URL is one of the facts' becomes markup.link with the label escaped,
# **bold** stays bold, `code` becomes <code>, and everything else goes through markup.text.

from __future__ import annotations

import html
import re
from typing import Any

from statusbot import markup as md
from statusbot.compose import NO_RISKS, Risk, Sections
from statusbot.model import RISK_LEVELS
from statusbot.summarizer.checks import LINK, Known, Unverified, check_claims, check_markup

HEADINGS = ("## Accomplishments", "## Risks & Challenges", "## Key Effort")
NAMES = ("accomplishments", "risks", "key_effort")
ITEM_LIMIT = 500

_RISK = re.compile(r"^\*\*(" + "|".join(RISK_LEVELS) + r"):?\*\*:?\s*(.*)$", re.I)
_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
DATE_OR_TIME = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}")
_INLINE = re.compile(r"\[([^\[\]\n]*)\]\((https?://[^()\s]*)\)|\*\*(.+?)\*\*|`([^`\n]+)`")


def split(text: str) -> dict[str, list[str]]:
    """Return each section's content lines, or raise Unverified when the structure is wrong."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    starts = [i for i, line in enumerate(lines) if line.strip() == HEADINGS[0]]
    if not starts:
        raise Unverified(f"expected the headings {', '.join(HEADINGS)} once each, in order")
    body = [line for line in lines[starts[0] :] if not re.fullmatch(r"\s*```\w*\s*", line)]
    headings = [line.strip() for line in body if re.match(r"\s{0,3}#{1,6}(\s|$)", line)]
    if tuple(headings) != HEADINGS:
        raise Unverified(f"expected the headings {', '.join(HEADINGS)} once each, in order")
    parts: dict[str, list[str]] = {name: [] for name in (*NAMES, "")}
    current = NAMES[0]
    for line in body:
        if line.strip() in HEADINGS:
            current = NAMES[HEADINGS.index(line.strip())]
        elif line.strip():
            parts[current].append(line)
        elif current == "key_effort" and parts[current]:
            current = ""  # Key Effort is its first paragraph: a sign-off after it is dropped
    parts.pop("", None)
    return parts


def judge(
    parts: dict[str, list[str]],
    facts: Known | None,
    built_in: Sections,
    verdicts: dict[str, dict[str, Any]] | None = None,
) -> tuple[Sections, dict[str, dict[str, Any]]]:
    """Return the sections to publish and the verdict of each: kept, or built-in with a reason.

    With `verdicts` (stored for the same input) the checks are not run again.
    """
    verdicts = dict(verdicts or {})
    kept: dict[str, Any] = {}
    for name in NAMES:
        if name in verdicts and not verdicts[name].get("used"):
            continue
        try:
            kept[name] = _section(name, parts[name], facts, built_in)
            verdicts[name] = {"used": True}
        except Unverified as exc:
            verdicts[name] = {"used": False, "reason": str(exc)}
    return (
        Sections(
            kept.get("accomplishments", built_in.accomplishments),
            kept.get("risks", built_in.risks),
            kept.get("key_effort", built_in.key_effort),
        ),
        verdicts,
    )


def _section(name: str, lines: list[str], facts: Known | None, built_in: Sections) -> Any:
    """Return one section rebuilt as safe markdown, or raise Unverified (facts=None: no checks)."""
    contents = [_BULLET.sub("", line).strip() for line in lines]
    if facts is not None:
        check_markup("\n".join(lines))
        check_claims("\n".join(contents), facts)  # list numbers ("1.") are not claims
    if name == "accomplishments":
        if not contents and built_in.accomplishments:
            raise Unverified("the Accomplishments section is empty")
        return tuple(rebuild(c) for c in contents)
    if name == "key_effort":
        if not contents:
            raise Unverified("the Key Effort section is empty")
        return rebuild(" ".join(contents))
    risks, written = [], []
    for content in contents:
        if content.rstrip(".").lower() == NO_RISKS.rstrip(".").lower():
            continue
        marked = _RISK.match(content)
        level, body = (marked.group(1).lower(), marked.group(2)) if marked else ("medium", content)
        risks.append(Risk(level, rebuild(body)))
        written.append((level, body))
    if facts is not None:
        check_levels(written, built_in.risks)
    return tuple(risks)


def check_levels(written: list[tuple[str, str]], built_in: tuple[Risk, ...] | list[Risk]) -> None:
    """Raise Unverified unless the critical and high risks are the built-in ones, each kept.

    Each built-in critical or high risk must be named by a risk of the answer at the same level,
    and each critical or high risk of the answer must name one of the facts at its level: a
    count would let a summary drop the real risk and raise another in its place.
    """
    for level in ("critical", "high"):
        theirs = [plain(r.text) for r in built_in if r.level == level]
        mine = [plain(body) for lvl, body in written if lvl == level]
        for risk in theirs:
            if not any(names(m, risk) for m in mine):
                raise Unverified(f"the {level} risk {_quote(risk)} is not kept as {level}")
        for risk in mine:
            if not any(names(risk, t) for t in theirs):
                raise Unverified(f"{_quote(risk)} is not a {level} risk of the facts")


def names(text: str, risk: str) -> bool:
    """Return whether text names the risk: shares one of its identifiers, or enough words.

    Identifiers (#102, ReconciledConfigVersion, test_parse, b4b15d3, reports/e2e.xml) are the
    subject of a risk; a risk without any needs min(3, all) of its words (stems) in the text.
    """
    wanted = _identifiers(risk)
    if wanted:
        return bool(wanted & _identifiers(text))
    words = _words(risk)
    return len(words & _words(text)) >= min(3, len(words))


_TOKEN = re.compile(r"#\d+|[\w./-]*\w")
_STOP = frozenset(
    re.findall(
        r"\w+",
        "the and for with from that this when not but are was were has have had its into than "
        "then there their they them can could does doesn don all any via per due out off",
    )
)


def plain(markdown: str) -> str:
    """Return a risk's text without markup: entities undone, links as their labels, no URLs."""
    text = html.unescape(markdown)
    text = re.sub(r"\[([^\[\]\n]*)\]\([^()\s]*\)", r"\1", text)
    return re.sub(r"https?://\S+", " ", text)


def _identifiers(text: str) -> set[str]:
    out = set()
    for token in _TOKEN.findall(text):
        token = token.strip("./-")
        if DATE_OR_TIME.fullmatch(token):
            continue
        if (
            token.startswith("#")
            or "_" in token
            or re.search(r"[a-z][A-Z]", token)
            or (re.search(r"[A-Za-z]", token) and re.search(r"\d", token))
        ):
            out.add(token.lower())
    return out


def _words(text: str) -> set[str]:
    out = set()
    for word in re.findall(r"[A-Za-z]{3,}", text):
        word = word.lower()
        if word in _STOP:
            continue
        word = re.sub(r"(ing|ed|es|s)$", "", word) if len(word) > 4 else word
        out.add(word[:6])
    return out


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return f'"{text[:60].rstrip()}…"' if len(text) > 60 else f'"{text}"'


def rebuild(content: str) -> str:
    """Return a line of a verified answer as safe markdown: links, bold and code kept."""
    out: list[str] = []
    at = 0
    for m in _INLINE.finditer(content):
        out.append(_text(content[at : m.start()]))
        label, target, bold, code = m.groups()
        if target is not None:
            out.append(md.link(_text(label) or md.text(target), target))
        elif bold is not None:
            out.append(f"**{_text(bold)}**")
        else:
            out.append(f"<code>{_text(code)}</code>")
        at = m.end()
    out.append(_text(content[at:]))
    return "".join(out)


def _text(value: str) -> str:
    """Escape a stretch of text; keep the spaces at its edges, which md.text would strip."""
    if not value.strip():
        return " " if value else ""
    lead = " " if value[0].isspace() else ""
    tail = " " if value[-1].isspace() else ""
    return lead + md.text(value, ITEM_LIMIT) + tail


__all__ = ["HEADINGS", "LINK", "NAMES", "judge", "rebuild", "split"]
