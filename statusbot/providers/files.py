"""Reading report files safely: a size cap, streamed XML without entities, one failure per file."""

# XML is parsed with defusedxml: entity declarations (billion laughs, external entities) are
# refused, and external DTDs are never fetched. Files are streamed (iterparse, line by line) so
# memory does not grow with the report, and a file over sources.max_report_mb is refused before
# a byte of it is read.

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TypeVar

from statusbot.model import SourceFailure

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

T = TypeVar("T")

DEFAULT_MAX_REPORT_MB = 64
"""The default of sources.max_report_mb: larger report files are refused unread."""

MB = 1024 * 1024
HEAD_BYTES = 64 * 1024
"""How much of a file's start is read to tell its format."""

_BLANK = b"\xef\xbb\xbf \t\r\n"


class BadReport(Exception):
    """Why a report file cannot be read: one line, without the file name."""


@contextmanager
def open_report(path: Path, max_mb: float) -> Iterator[tuple[BinaryIO, bytes]]:
    """Open a report of at most max_mb; yield it (at its start) and its first non-blank bytes."""
    try:
        stream = path.open("rb")
    except OSError as exc:
        raise BadReport(f"cannot read file ({exc.strerror or exc})") from exc
    with stream:
        try:
            check_size(os.fstat(stream.fileno()).st_size, max_mb)
            head = _head(stream)
            stream.seek(0)
            yield stream, head
        except OSError as exc:
            raise BadReport(f"cannot read file ({exc.strerror or exc})") from exc


def check_size(size: int, max_mb: float) -> None:
    """Refuse a file of more than max_mb megabytes, naming the setting that raises the cap."""
    if size > max_mb * MB:
        raise BadReport(
            f"file is {size / MB:.1f} MB, over the {max_mb:g} MB limit"
            " (sources.max_report_mb); not read"
        )


def _head(stream: BinaryIO) -> bytes:
    """Return the file's first bytes after any BOM and white space, refusing a blank file."""
    while True:
        chunk = stream.read(HEAD_BYTES)
        if not chunk:
            raise BadReport("empty file")
        rest = chunk.lstrip(_BLANK)
        if rest:
            return rest + stream.read(HEAD_BYTES)


def read_bytes(path: Path, max_mb: float = DEFAULT_MAX_REPORT_MB) -> bytes:
    """Return the content of a report file, refusing unreadable, blank and too large files."""
    with open_report(path, max_mb) as (stream, _head_bytes):
        return stream.read()


def iter_xml(stream: BinaryIO) -> Iterator[tuple[str, ET.Element]]:
    """Yield the start and end events of an XML stream, refusing entities and external refs."""
    import xml.etree.ElementTree as ET  # the XML parsers load only when a report is read
    from xml.parsers.expat import ErrorString

    import defusedxml.ElementTree as SafeET
    from defusedxml import DefusedXmlException, EntitiesForbidden

    try:
        yield from SafeET.iterparse(stream, events=("start", "end"))
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


def iter_lines(stream: BinaryIO) -> Iterator[str]:
    """Yield the lines of a UTF-8 stream (BOM dropped) as str.splitlines() would split them."""
    offset = 0
    for raw in stream:
        start = 3 if offset == 0 and raw.startswith(b"\xef\xbb\xbf") else 0
        try:
            text = raw[start:].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadReport(f"not UTF-8 text (byte offset {offset + start + exc.start})") from exc
        offset += len(raw)
        yield from text.splitlines()


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
