"""Reading report files safely: bytes, XML without entities, one failure per bad file."""

# XML is parsed with defusedxml: entity declarations (billion laughs, external entities) are
# refused, and external DTDs are never fetched.

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar
from xml.parsers.expat import ErrorString

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException, EntitiesForbidden

from statusbot.model import SourceFailure

T = TypeVar("T")


class BadReport(Exception):
    """Why a report file cannot be read: one line, without the file name."""


def read_bytes(path: Path) -> bytes:
    """Return the content of a report file, refusing unreadable and empty files."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadReport(f"cannot read file ({exc.strerror or exc})") from exc
    if not data.strip(b"\xef\xbb\xbf \t\r\n"):
        raise BadReport("empty file")
    return data


def parse_xml(data: bytes) -> ET.Element:
    """Return the root element of an XML document, refusing entities and external references."""
    try:
        return SafeET.fromstring(data)
    except ET.ParseError as exc:
        line, column = exc.position
        reason = ErrorString(exc.code)
        raise BadReport(
            f"not well-formed XML (line {line}, column {column + 1}): {reason}"
        ) from exc
    except EntitiesForbidden as exc:
        raise BadReport(f"XML entity declarations are refused (<!ENTITY {exc.name}>)") from exc
    except DefusedXmlException as exc:
        raise BadReport(f"unsafe XML refused ({type(exc).__name__})") from exc


def collect_each(
    paths: Iterable[Path], parse: Callable[[Path], list[T]]
) -> tuple[list[T], list[SourceFailure]]:
    """Return what parse gives for every readable file and one failure per unreadable one."""
    results: list[T] = []
    failures: list[SourceFailure] = []
    for path in paths:
        try:
            results.extend(parse(path))
        except BadReport as exc:
            failures.append(SourceFailure(source=str(path), reason=str(exc)))
    return results, failures
