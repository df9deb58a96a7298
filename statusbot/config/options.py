"""A config option's declaration (type, default, doc, check) and the checks of raw values."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Check = Callable[[Any], str | None]


@dataclass(frozen=True)
class Option:
    """One config key: its kind (a trailing ? allows null), default, one-line doc and check."""

    kind: str
    default: Any
    doc: str
    check: Check | None = None
    convert: Callable[[Any], Any] | None = None  # applied to the checked value


def opt(
    kind: str,
    default: Any,
    doc: str,
    check: Check | None = None,
    convert: Callable[[Any], Any] | None = None,
) -> Any:
    """Declare a section field as a config key; the field's default is the converted default."""
    option = Option(kind, default, doc, check, convert)
    value = default
    if isinstance(value, list):
        value = tuple(value)
    if convert is not None and value is not None and kind not in ("path", "path?", "paths"):
        value = convert(value)
    return dataclasses.field(default=value, metadata={"option": option})


def option_of(field: dataclasses.Field[Any]) -> Option:
    """Return the Option a dataclass field declares."""
    return field.metadata["option"]


def is_str_list(value: Any) -> bool:
    """Return True for a list of strings."""
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def check_timezone(value: Any) -> str | None:
    """Refuse a name that is not an IANA time zone."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return f"unknown time zone {value!r}"
    return None


def check_workdays(value: Any) -> str | None:
    """Refuse a working-days spec that parse_workdays can't read."""
    from statusbot.workdays import parse_workdays

    try:
        parse_workdays(value)
    except ValueError as exc:
        return str(exc)
    return None


def check_repo_names(value: Any) -> str | None:
    """Refuse repository names that are not owner/name."""
    bad = [v for v in value if v.count("/") != 1 or not all(v.split("/"))]
    return f"expected owner/name, not {', '.join(map(repr, bad))}" if bad else None


def check_api_url(value: Any) -> str | None:
    """Allow https, or plain http to a loopback address only: the token goes with each request."""
    import ipaddress
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(value)
        host = parts.hostname or ""
        parts.port  # noqa: B018  (raises on a port that is not a number)
    except ValueError:
        host, parts = "", urlsplit("")
    if parts.scheme not in ("https", "http") or not host:
        return f"expected an https URL, not {value!r}"
    if parts.scheme == "http":
        try:
            loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
        if not loopback:
            return (
                f"plain http sends the token in the clear: use https, not {value!r} "
                "(http is allowed only to a loopback address)"
            )
    return None


def check_positive(value: Any) -> str | None:
    """Refuse zero: a limit of nothing would refuse every file."""
    return None if value > 0 else f"must be more than 0, not {value!r}"


def check_pages_path(value: Any) -> str | None:
    """Refuse a folder that is not a plain relative folder of the branch."""
    clean = value.strip("/")
    if not clean:
        return None
    example = "a folder of the branch such as /status"
    if "\\" in value or value.startswith("~") or re.match(r"^[A-Za-z]:", clean):
        return f"must be {example}, not a path on this machine ({value!r})"
    parts = clean.split("/")
    if any(p in ("", ".", "..") or p.startswith(".") or p.isspace() for p in parts):
        return f"must be {example}, with no empty, '.' or '..' parts, not {value!r}"
    if any(ord(c) < 0x20 for c in clean):
        return f"must be {example}, not {value!r}"
    if len(parts) > 1 and value.startswith("/") and Path(value).is_dir():
        return f"must be {example}, not a folder of this machine ({value!r})"
    return None


def type_name(value: Any) -> str:
    """Return how a config problem names a value's YAML type."""
    names = {
        dict: "a mapping",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        type(None): "null",
    }
    return names.get(type(value), type(value).__name__)


def coerce(raw: Any, option: Option, base: Path) -> tuple[Any, str | None]:
    """Return (value, problem) for one raw config value."""
    kind = option.kind.rstrip("?")
    if kind == "str":
        if not isinstance(raw, str) or not raw.strip():
            return None, f"expected a non-empty string, got {type_name(raw)}"
        return raw, None
    if kind in ("int", "number"):
        numeric = int if kind == "int" else (int, float)
        if isinstance(raw, bool) or not isinstance(raw, numeric) or raw < 0:
            noun = "a whole number" if kind == "int" else "a number"
            got = repr(raw) if isinstance(raw, int | float) and not isinstance(raw, bool) else None
            return None, f"expected {noun} >= 0, got {got or type_name(raw)}"
        return raw, None
    if kind == "bool":
        if not isinstance(raw, bool):
            return None, f"expected true or false, got {type_name(raw)}"
        return raw, None
    if kind == "list":
        if not isinstance(raw, list):
            return None, f"expected a list, got {type_name(raw)}"
        return raw, None
    if kind in ("globs", "strs"):
        if isinstance(raw, str):
            raw = [raw]
        if not is_str_list(raw):
            return None, f"expected a list of strings, got {type_name(raw)}"
        return tuple(raw), None
    if kind == "argv":
        return _argv(raw)
    if kind == "path":
        if not isinstance(raw, str) or not raw:
            return None, f"expected a path, got {type_name(raw)}"
        path = (base / Path(raw).expanduser()).resolve()
        if not path.exists():
            return None, f"no such file or directory: {raw}"
        return path, None
    if kind == "paths":
        if isinstance(raw, str):
            raw = [raw]
        if not is_str_list(raw):
            return None, f"expected a list of paths, got {type_name(raw)}"
        paths = [(base / Path(p).expanduser()).resolve() for p in raw]
        missing = [r for p, r in zip(paths, raw, strict=True) if not r or not p.exists()]
        if missing:
            return None, "no such directory: " + ", ".join(missing)
        return tuple(paths), None
    raise AssertionError(f"unknown option kind {option.kind}")


def default_value(option: Option, base: Path) -> Any:
    """Return an option's default, with paths made absolute against the config's folder."""
    if option.kind in ("path", "path?") and option.default is not None:
        return (base / option.default).resolve()
    if option.kind == "paths":
        return tuple((base / p).resolve() for p in option.default)
    if isinstance(option.default, list):
        return tuple(option.default)
    return option.default


def _argv(raw: Any) -> tuple[tuple[str, ...] | None, str | None]:
    """Return a command as an argv tuple: a list of strings, or a string split like a shell."""
    if isinstance(raw, str):
        import shlex

        try:
            raw = shlex.split(raw)
        except ValueError as exc:
            return None, f"cannot split the command: {exc}"
    if not is_str_list(raw) or not raw or not raw[0]:
        return None, f"expected a command (a string or a list of strings), got {type_name(raw)}"
    return tuple(raw), None
