"""An optional external command that rewrites the sections; every claim it makes is checked."""

# The command gets {"facts": Facts.to_dict(), "sections": the built-in composer's sections} as
# JSON on stdin and prints markdown with exactly "## Accomplishments", "## Risks & Challenges"
# and "## Key Effort", in that order. It runs once per distinct input (sha256 of the input JSON
# and the command, kept per day in the local store, with the verified text or the failure), in
# its own session, without the GitHub token variables, killed at summarizer.timeout.
#
# Checks, on the raw output: UTF-8; no heading other than the three; no front matter (--- lines);
# no Liquid ({{ }} {% %}); no HTML tag; every PR reference (#N) must be the number of a pull
# request or review in the facts; every URL, version (v1.2, 1.2.3) and hex sha (7-40 hex digits
# with a digit) must occur in a string of the facts or the built-in text; every percentage and
# every standalone number (digits not touching a letter, digit, "_", "." or "#" on their left) must
# equal, as a number, one occurring in the facts (a JSON number or digits inside a string) or in
# the built-in text. Numbers written as words are not checked. Risks may be reworded, not hidden:
# it must mark at least as many critical and as many high risks as the built-in composer did.
#
# The accepted text is then rebuilt line by line: list items and the three headings stay
# structure, risk lines keep their bold level marker, and every line's content goes through
# markup.text, so links, emphasis and any other markup are shown as literal text.

from __future__ import annotations

import hashlib
import html
import json
import logging
import os
import re
import signal
import subprocess
from decimal import Decimal, InvalidOperation
from typing import Any

from statusbot import markup as md
from statusbot.compose import NO_RISKS, Risk, Sections
from statusbot.model import RISK_LEVELS, Facts
from statusbot.state import Store

log = logging.getLogger(__name__)

SUMMARIES = "summaries.json"
HEADINGS = ("## Accomplishments", "## Risks & Challenges", "## Key Effort")
SECRET_ENV = ("GITHUB_TOKEN", "STATUSBOT_GITHUB_TOKEN")
MAX_OUTPUT = 200_000
ITEM_LIMIT = 500

_PR = re.compile(r"(?<![\w&])#(\d+)\b")
_URL = re.compile(r"https?://[^\s<>()\[\]\"'`]+")
_VERSION = re.compile(r"(?<![\w.])(?:v\d+(?:\.\d+)*|\d+\.\d+\.\d+(?:\.\d+)*)(?![\w])", re.I)
_SHA = re.compile(r"(?<![\w])(?=[0-9a-f]*\d)[0-9a-f]{7,40}(?![\w])", re.I)
_PERCENT = re.compile(r"(?<![\w.])[+\-−±]?(\d+(?:\.\d+)?)\s?%")
_NUMBER = re.compile(r"(?<![\w.#])(\d+(?:\.\d+)?)")
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_RISK = re.compile(r"^\*\*(" + "|".join(RISK_LEVELS) + r"):\*\*\s*(.*)$", re.I)


class Unverified(Exception):
    """Why a summary cannot be used: one line."""


def payload(facts: Facts, sections: Sections) -> dict[str, Any]:
    """Return what the command reads on stdin: the facts and the built-in sections."""
    return {
        "facts": facts.to_dict(),
        "sections": {
            "accomplishments": [str(item) for item in sections.accomplishments],
            "risks": [r.markdown for r in sections.risks],
            "key_effort": sections.key_effort,
        },
    }


def summarize(
    facts: Facts,
    sections: Sections,
    command: tuple[str, ...],
    timeout: float,
    store: Store,
    save: bool = True,
) -> Sections:
    """Return the command's verified sections, or the built-in ones; `save=False` for dry runs."""
    data = json.dumps(payload(facts, sections), sort_keys=True, ensure_ascii=False)
    key = hashlib.sha256(json.dumps([data, list(command)]).encode("utf-8")).hexdigest()
    day = facts.day.isoformat()
    cache = store.load_json(SUMMARIES)
    entry = cache.get(day)
    if not isinstance(entry, dict) or entry.get("key") != key:
        try:
            entry = {"key": key, "text": _verified(run(command, data, timeout), data)}
        except Unverified as exc:
            entry = {"key": key, "error": str(exc)}
        cache[day] = entry
        if save:
            store.save_json(SUMMARIES, cache)
        if "error" in entry:
            log.warning("summarizer not used: %s", entry["error"])
    if "text" not in entry:
        return sections
    return parse(str(entry["text"]))


def run(command: tuple[str, ...], data: str, timeout: float) -> str:
    """Run the command with data on stdin; return its stdout, or raise Unverified."""
    env = {k: v for k, v in os.environ.items() if k not in SECRET_ENV}
    try:
        proc = subprocess.Popen(
            list(command),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
    except OSError as exc:
        raise Unverified(f"cannot run {command[0]}: {exc.strerror or exc}") from None
    try:
        out, _ = proc.communicate(data.encode("utf-8"), timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(proc)
        raise Unverified(f"{command[0]} took longer than {timeout:g}s") from None
    if proc.returncode != 0:
        raise Unverified(f"{command[0]} exited with code {proc.returncode}")
    if len(out) > MAX_OUTPUT:
        raise Unverified(f"{command[0]} wrote more than {MAX_OUTPUT} bytes")
    try:
        text = out.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Unverified(f"output is not UTF-8 (byte {exc.start})") from None
    if not text.strip():
        raise Unverified(f"{command[0]} wrote nothing")
    return text


def _kill(proc: subprocess.Popen[bytes]) -> None:
    """Kill the command and whatever it started, then reap it."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        proc.kill()
    proc.communicate()


def _verified(text: str, data: str) -> str:
    """Return text when its structure and claims hold against the input, or raise Unverified."""
    lines = text.replace("\r\n", "\n").split("\n")
    headings = [line.strip() for line in lines if line.lstrip().startswith("#") and _heading(line)]
    if tuple(headings) != HEADINGS:
        raise Unverified(f"expected the headings {', '.join(HEADINGS)} once each, in order")
    if any(re.fullmatch(r"\s*-{3,}\s*", line) for line in lines):
        raise Unverified("a --- line (front matter or a rule) is not allowed")
    if "{{" in text or "{%" in text or "%}" in text or "}}" in text:
        raise Unverified("Liquid markup ({{ }} or {% %}) is not allowed")
    tag = re.search(r"<[A-Za-z/!?]", text)
    if tag:
        raise Unverified(f"HTML is not allowed ({text[tag.start() : tag.start() + 12]!r}...)")
    given = json.loads(data)
    _check_claims(text, given)
    parsed = parse(text)
    if not parsed.key_effort:
        raise Unverified("the Key Effort section is empty")
    _check_risks_kept(parsed.risks, given["sections"]["risks"])
    return text


def _check_risks_kept(risks: tuple[Risk, ...], built_in: list[str]) -> None:
    """Raise Unverified when the summary has fewer critical or high risks than the facts give."""
    for level in ("critical", "high"):
        wanted = sum(1 for r in built_in if r.startswith(f"**{level.upper()}:**"))
        found = sum(1 for r in risks if r.level == level)
        if found < wanted:
            raise Unverified(f"{wanted} {level} risk(s) in the facts, {found} in the summary")


def _heading(line: str) -> bool:
    return re.match(r"\s{0,3}#{1,6}(\s|$)", line) is not None


def _strings(value: Any, out: list[str], numbers: set[Decimal]) -> None:
    if isinstance(value, dict):
        for v in value.values():
            _strings(v, out, numbers)
    elif isinstance(value, list):
        for v in value:
            _strings(v, out, numbers)
    elif isinstance(value, str):
        out.append(html.unescape(value))
    elif isinstance(value, int | float) and not isinstance(value, bool):
        numbers.add(_num(str(value)))


def _num(token: str) -> Decimal:
    try:
        return Decimal(token).normalize()
    except InvalidOperation:
        return Decimal(-1)


def _pr_numbers(facts: dict[str, Any]) -> set[int]:
    items = [*facts.get("pull_requests", []), *facts.get("reviews", [])]
    return {i["number"] for i in items if isinstance(i, dict) and isinstance(i.get("number"), int)}


def _check_claims(text: str, data: dict[str, Any]) -> None:
    """Raise Unverified for the first claim of text that the input does not hold."""
    strings: list[str] = []
    numbers: set[Decimal] = set()
    _strings(data, strings, numbers)
    for s in strings:
        numbers.update(_num(t) for t in _DIGITS.findall(s))
    haystack = "\n".join(strings)
    lowered = haystack.lower()
    spans: list[tuple[int, int]] = []

    prs = _pr_numbers(data.get("facts", {}))
    for m in _PR.finditer(text):
        if int(m.group(1)) not in prs:
            raise Unverified(f"pull request #{m.group(1)} is not in the facts")
        spans.append(m.span())
    for m in _URL.finditer(text):
        found = m.group(0).rstrip(".,;:!?")
        if found not in haystack:
            raise Unverified(f"URL {found} is not in the facts")
        spans.append(m.span())
    for pattern, what in ((_VERSION, "version"), (_SHA, "sha")):
        for m in pattern.finditer(text):
            if _inside(m.span(), spans):
                continue
            if m.group(0).lower() not in lowered:
                raise Unverified(f"{what} {m.group(0)} is not in the facts")
            spans.append(m.span())
    for m in _PERCENT.finditer(text):
        if _inside(m.span(), spans):
            continue
        if _num(m.group(1)) not in numbers:
            raise Unverified(f"percentage {m.group(0).strip()} is not in the facts")
        spans.append(m.span())
    for m in _NUMBER.finditer(text):
        if _inside(m.span(), spans):
            continue
        if _num(m.group(1)) not in numbers:
            raise Unverified(f"number {m.group(1)} is not in the facts")


def _inside(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(a <= span[0] and span[1] <= b for a, b in spans)


def parse(text: str) -> Sections:
    """Return verified summary markdown as Sections, every line's content escaped."""
    parts: dict[str, list[str]] = {h: [] for h in HEADINGS}
    current = None
    for line in text.replace("\r\n", "\n").split("\n"):
        if line.strip() in parts:
            current = line.strip()
            continue
        content = re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", line).strip()
        if current and content:
            parts[current].append(content)
    accomplishments = tuple(md.text(c, ITEM_LIMIT) for c in parts[HEADINGS[0]])
    risks = []
    for content in parts[HEADINGS[1]]:
        if content.strip().rstrip(".").lower() == NO_RISKS.rstrip(".").lower():
            continue
        marked = _RISK.match(content)
        level, body = (marked.group(1).lower(), marked.group(2)) if marked else ("medium", content)
        risks.append(Risk(level, md.text(body, ITEM_LIMIT)))
    key_effort = md.text(" ".join(parts[HEADINGS[2]]), ITEM_LIMIT)
    return Sections(accomplishments, tuple(risks), key_effort)
