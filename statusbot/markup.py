"""Escape untrusted text so Jekyll shows it literally: no Liquid, HTML, markdown or tables."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote, urlsplit

MAX_TEXT = 300

# Every character that Liquid, HTML, kramdown or YAML could read as syntax becomes a numeric
# entity. Liquid runs before markdown and knows no entities, so "&#123;&#123;" is plain text to
# it; kramdown and the browser then show "{{". This holds inside any wrapper: there is no
# {% raw %} to break out of.
_SPECIAL = set("&<>{}%[]()*_`\\|$#!~^:=+-\"'@")
_ENTITY = {c: f"&#{ord(c)};" for c in _SPECIAL}
_SPACES = re.compile(r"\s+")


def clean(text: str, limit: int = MAX_TEXT) -> str:
    """Return text on one line, without control characters, cut to limit characters."""
    text = "".join(
        " " if ch.isspace() else ch
        for ch in str(text)
        if ch.isspace()
        or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn")
        or ch == "\u200d"
    )
    text = _SPACES.sub(" ", text).strip()
    if len(text) > limit:
        cut = text[: limit - 1]
        space = cut.rfind(" ")
        if space > limit * 0.6:  # end on a whole word when one ends near the limit
            cut = cut[:space]
        text = cut.rstrip(" ,;:-(") + "…"
    return text


def text(value: str, limit: int = MAX_TEXT) -> str:
    """Return untrusted text as markdown that renders to exactly that text."""
    cleaned = clean(value, limit)
    out = []
    for i, ch in enumerate(cleaned):
        # Ordinary sentence punctuation stays readable unless it could start markup. Quotes are
        # always entities: kramdown turns bare ones into typographic quotes ('x' -> ‘x’), and
        # "..." into an ellipsis, which would not be the literal text.
        if ch in "-+=:!@()" and not _risky_at(cleaned, i):
            out.append(ch)
        elif ch == "." and "..." in cleaned[max(0, i - 2) : i + 3]:
            out.append("&#46;")
        elif ch in _ENTITY or (i == 0 and ch.isdigit()):
            out.append(_ENTITY.get(ch) or f"&#{ord(ch)};")
        else:
            out.append(ch)
    return "".join(out)


def _risky_at(s: str, i: int) -> bool:
    """Return True where a mild punctuation mark could still form markdown or a link."""
    if i == 0:
        return True
    prev, nxt = s[i - 1], s[i + 1 : i + 2]
    ch = s[i]
    if ch == "(":
        return prev in "]"
    if ch in "-=+" and (prev == ch or nxt == ch):
        return True
    return bool(ch == ":" and nxt in ("", " ") and prev == " ")


def url(value: str | None) -> str | None:
    """Return an http(s) URL made safe for a markdown link, or None if it is not one."""
    if not value:
        return None
    value = clean(value, 2000)
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    if "@" in parts.netloc:  # never publish credentials embedded in a URL
        host = parts.netloc.rsplit("@", 1)[1]
        value = value.replace(parts.netloc, host, 1)
    return quote(value, safe=":/?#&=,;.-_~%+")


def link(label: str, target: str | None) -> str:
    """Return a markdown link with an escaped label, or just the label without a safe URL."""
    safe = url(target)
    return f"[{label}]({safe})" if safe else label


def plural(count: int, noun: str, many: str | None = None) -> str:
    """Return "1 commit", "2 commits", "1,204 commits" (or the given plural form)."""
    return f"{count:,} {noun if count == 1 else many or noun + 's'}"
