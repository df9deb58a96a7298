"""Read line coverage reports (Cobertura, JaCoCo, coverage.py JSON, lcov, Go) into figures."""

# The format is told by the content, not the file name. Figures are counted from the lines
# themselves, following the "conventions" of shared/real-reports/MANIFEST.json; the rates a
# file declares are ignored (coverage.py's totals.percent_covered includes branches, and lcov
# LH/LF double-count a source listed twice):
# - cobertura: unique (filename, line) from class-level <lines><line>, covered if hits > 0;
#   classes outside any <package> are put in the package "(no <package>)";
# - jacoco: <sourcefile><line>, covered if ci > 0; package = <package name>;
# - lcov: DA records merged per SF path (hits summed); package = the file's directory;
# - gocover: statements, duplicate blocks merged (counts summed); package = the import path's
#   directory, as `go tool cover -func` counts them;
# - coveragepy-json: sum(summary.covered_lines) / sum(summary.num_statements); package = the
#   file's directory, with Windows backslashes turned into slashes.
# A package without any line (e.g. a folder of empty __init__.py files) has no rate and is left
# out of `packages`. Duplicate lines are merged within a package and, for the overall figures,
# across packages.

from __future__ import annotations

import json
import posixpath
import re
import xml.etree.ElementTree as ET
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from statusbot.errors import ReportError
from statusbot.model import CoverageReport, SourceFailure
from statusbot.providers.files import (
    DEFAULT_MAX_REPORT_MB,
    BadReport,
    collect_each,
    iter_lines,
    iter_xml,
    open_report,
)

FORMATS = ("cobertura", "jacoco", "coveragepy-json", "lcov", "gocover")
NO_PACKAGE = "(no <package>)"

_GO_MODE = re.compile(r"mode: (set|count|atomic)\s*$")
_GO_BLOCK = re.compile(
    r"(?P<file>.+):(?P<start>\d+\.\d+),(?P<end>\d+\.\d+) (?P<stmts>\d+) (?P<n>\d+)"
)
_LCOV_SOURCE = re.compile(r"^SF:", re.MULTILINE)
_BIG = 2**62  # counts are stored as 64-bit integers; hits beyond this only need to be > 0


@dataclass
class _Counts:
    """Covered and valid lines (or statements) of one package or of the whole report."""

    covered: int = 0
    valid: int = 0

    def add(self, weight: int, hit: bool) -> None:
        """Count `weight` lines, covered when `hit`."""
        self.valid += weight
        if hit:
            self.covered += weight


@dataclass
class _Lines:
    """Every line (or block) read, per (package, file), in compact arrays until counted."""

    files: dict[tuple[str, str], tuple[array, array, array]] = field(default_factory=dict)

    def add(self, package: str, file: str, position: int, weight: int, hits: int) -> None:
        """Keep one line of a file: its position, weight in lines or statements, and hits."""
        arrays = self.files.get((package, file))
        if arrays is None:
            arrays = self.files[(package, file)] = (array("q"), array("q"), array("q"))
        if not -_BIG < position < _BIG or weight >= _BIG:
            raise BadReport(f"line number out of range in {file!r:.80}")
        arrays[0].append(position)
        arrays[1].append(weight)
        arrays[2].append(max(-_BIG, min(hits, _BIG)))

    def counts(self) -> tuple[_Counts, dict[str, _Counts]]:
        """Merge duplicate positions (hits summed) per package and overall, then count them."""
        packages_of: dict[str, list[str]] = defaultdict(list)
        for package, file in self.files:
            packages_of[file].append(package)
        total = _Counts()
        packages: dict[str, _Counts] = defaultdict(_Counts)
        for file, names in packages_of.items():  # one file at a time: small temporary dicts
            overall: dict[int, list[int]] = {}
            for package in names:
                merged: dict[int, list[int]] = {}
                for position, weight, hits in zip(*self.files[(package, file)], strict=True):
                    merged.setdefault(position, [weight, 0])[1] += hits
                for position, (weight, hits) in merged.items():
                    packages[package].add(weight, hits > 0)
                    overall.setdefault(position, [weight, 0])[1] += hits
            for weight, hits in overall.values():
                total.add(weight, hits > 0)
        return total, dict(packages)


def parse_coverage(path: Path, max_mb: float = DEFAULT_MAX_REPORT_MB) -> CoverageReport:
    """Return the line coverage of a report file in any of the supported formats."""
    try:
        return _parse(path, max_mb)
    except BadReport as exc:
        raise ReportError(f"{path}: {exc}") from exc


def collect_coverage(
    paths: Iterable[Path], max_mb: float = DEFAULT_MAX_REPORT_MB
) -> tuple[list[CoverageReport], list[SourceFailure]]:
    """Return the coverage of every readable file and one failure per unreadable one."""
    return collect_each(paths, lambda path: [_parse(path, max_mb)])


def _parse(path: Path, max_mb: float) -> CoverageReport:
    """Tell the format from the file's first bytes and stream the report, or raise BadReport."""
    with open_report(path, max_mb) as (stream, head):
        if head.startswith(b"<"):
            return _parse_xml(path, stream)
        if head.startswith((b"{", b"[")):
            total, packages = _coveragepy(_load_json(_decode(stream.read())))  # bytes freed
            return _report(path, "coveragepy-json", total, packages)
        start = head.decode("utf-8", errors="replace")  # the real decoding comes with the lines
        if _GO_MODE.match(start.partition("\n")[0]):
            return _report(path, "gocover", *_gocover(iter_lines(stream)))
        if _LCOV_SOURCE.search(start):
            return _report(path, "lcov", *_lcov(iter_lines(stream)))
    raise BadReport(
        "unknown coverage format (expected Cobertura or JaCoCo XML, coverage.py JSON, lcov"
        " or a Go coverprofile)"
    )


def _parse_xml(path: Path, stream: BinaryIO) -> CoverageReport:
    """Read a Cobertura or JaCoCo report, refusing any other root element at its first tag."""
    events = iter_xml(stream)
    first = next(events, None)
    if first is None:
        raise BadReport("no XML element")
    root = first[1]
    if root.tag == "report":
        return _report(path, "jacoco", *_jacoco(_walk(root, events)))
    if root.tag == "coverage":
        seen, lines = _cobertura(_walk(root, events))
        if seen:
            return _report(path, "cobertura", *lines.counts())
    raise BadReport(
        f"root element is <{root.tag}>, expected <coverage> with <packages> (Cobertura)"
        " or <report> (JaCoCo)"
    )


def _walk(
    root: ET.Element, events: Iterator[tuple[str, ET.Element]]
) -> Iterator[tuple[str, ET.Element, list[str]]]:
    """Yield each event with the tags of the elements around it; forget elements once ended."""
    stack, tags = [root], [root.tag]
    for event, elem in events:
        if event == "start":
            yield event, elem, tags
            stack.append(elem)
            tags.append(elem.tag)
            continue
        stack.pop()
        tags.pop()
        yield event, elem, tags
        elem.clear()
        if stack:
            stack[-1].remove(elem)


def _report(path: Path, fmt: str, total: _Counts, packages: dict[str, _Counts]) -> CoverageReport:
    """Build the report; packages without any line have no rate and are left out."""
    rates = tuple(
        (name, round(100.0 * counts.covered / counts.valid, 1))
        for name, counts in sorted(packages.items())
        if counts.valid
    )
    return CoverageReport(
        source=str(path),
        format=fmt,
        lines_covered=total.covered,
        lines_valid=total.valid,
        packages=rates,
    )


def _cobertura(events: Iterator[tuple[str, ET.Element, list[str]]]) -> tuple[bool, _Lines]:
    """Keep the class-level lines of a Cobertura report; tell if the root has <packages>."""
    lines = _Lines()
    packages: list[str] = [NO_PACKAGE]  # the name of the innermost open <package>
    filename = ""
    seen = False
    for event, elem, around in events:
        outside_class = "class" not in around
        if event == "start":
            if elem.tag == "package" and outside_class:
                packages.append(elem.get("name", ""))
            elif elem.tag == "class" and outside_class:
                filename = elem.get("filename") or elem.get("name") or ""
            seen = seen or (elem.tag == "packages" and len(around) == 1)
        # A class's own <lines><line>: not its methods' lines, nor those of a class inside it.
        elif (
            elem.tag == "line" and around[-2:] == ["class", "lines"] and around.count("class") == 1
        ):
            number = _count(elem.get("number"), "Cobertura line number")
            hits = _count(elem.get("hits"), "Cobertura hits")
            lines.add(packages[-1], filename, number, 1, hits)
        elif elem.tag == "package" and outside_class:
            packages.pop()
    return seen, lines


def _jacoco(
    events: Iterator[tuple[str, ET.Element, list[str]]],
) -> tuple[_Counts, dict[str, _Counts]]:
    """Count the source lines of a JaCoCo report: each <package>'s <sourcefile><line>."""
    lines = _Lines()
    packages: list[str] = []
    source = ""
    for event, elem, around in events:
        if event == "start":
            if elem.tag == "package":
                packages.append(elem.get("name", ""))
            elif elem.tag == "sourcefile" and around[-1] == "package":
                source = elem.get("name", "")
        elif elem.tag == "line" and around[-2:] == ["package", "sourcefile"]:
            number = _count(elem.get("nr"), "JaCoCo line number")
            name = packages[-1]
            hits = _count(elem.get("ci"), "JaCoCo ci")
            lines.add(name, f"{name}\x1f{source}", number, 1, hits)
        elif elem.tag == "package":
            packages.pop()
    return lines.counts()


def _lcov(lines: Iterable[str]) -> tuple[_Counts, dict[str, _Counts]]:
    """Count the DA records of an lcov tracefile, merged per source file."""
    found = _Lines()
    source: str | None = None
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if line.startswith("SF:"):
            source = line[3:]
        elif line == "end_of_record":
            source = None
        elif line.startswith("DA:"):
            fields = line[3:].split(",")
            if source is None or len(fields) < 2:
                raise BadReport(f"bad lcov DA record (line {number})")
            where = f"lcov DA record (line {number})"
            hits = _count(fields[1], where)
            found.add(_directory(source), source, _count(fields[0], where), 1, hits)
    return found.counts()


def _gocover(lines: Iterable[str]) -> tuple[_Counts, dict[str, _Counts]]:
    """Count the blocks of a Go coverprofile, weighted by their statements."""
    found = _Lines()
    blocks: dict[str, dict[str, int]] = defaultdict(dict)  # file -> block -> its position
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("mode:"):
            continue
        match = _GO_BLOCK.fullmatch(line)
        if match is None:
            raise BadReport(f"bad coverprofile block (line {number})")
        file = match["file"]
        known = blocks[file]
        position = known.setdefault(f"{match['start']},{match['end']}", len(known))
        found.add(_directory(file), file, position, int(match["stmts"]), int(match["n"]))
    return found.counts()


def _coveragepy(data: Any) -> tuple[_Counts, dict[str, _Counts]]:
    """Count the statements of a coverage.py JSON report, overall and per directory."""
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        raise BadReport('JSON is not a coverage.py report (no "files" object)')
    total = _Counts()
    packages: dict[str, _Counts] = defaultdict(_Counts)
    for name, entry in files.items():
        covered, valid = _summary(entry)
        for counts in (total, packages[_directory(name)]):
            counts.covered += covered
            counts.valid += valid
    return total, dict(packages)


def _summary(entry: Any) -> tuple[int, int]:
    """Return (covered_lines, num_statements) of one file of a coverage.py JSON report."""
    summary = entry.get("summary") if isinstance(entry, dict) else None
    if not isinstance(summary, dict):
        raise BadReport('coverage.py JSON file entry without a "summary" object')
    covered, valid = summary.get("covered_lines"), summary.get("num_statements")
    if not (isinstance(covered, int) and isinstance(valid, int)):
        raise BadReport("coverage.py JSON summary lacks integer covered_lines/num_statements")
    return covered, valid


def _load_json(text: str) -> Any:
    """Return parsed JSON without its arrays, or raise BadReport with the position of an error.

    Only the summaries count: each object's arrays (executed_lines, missing_lines, contexts...)
    are dropped as soon as the object is parsed, so memory stays near the text's size instead
    of growing five-fold with the line numbers.
    """
    try:
        return json.loads(text, object_pairs_hook=_without_arrays)
    except json.JSONDecodeError as exc:
        raise BadReport(
            f"not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}"
        ) from exc


def _without_arrays(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Return a JSON object's members that are not arrays (the last of a repeated key wins)."""
    return {key: value for key, value in pairs if not isinstance(value, list)}


def _decode(data: bytes) -> str:
    """Return the file content as text (UTF-8, with or without a BOM)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadReport(f"not UTF-8 text (byte offset {exc.start})") from exc


def _directory(path: str) -> str:
    """Return the directory of a source path ("." for none), with slashes."""
    return posixpath.dirname(path.replace("\\", "/")) or "."


def _count(value: str | None, what: str) -> int:
    """Return a count or line number written as an integer (or a whole float)."""
    if value is None:
        raise BadReport(f"{what} is missing")
    try:
        return int(value)
    except ValueError:
        pass
    try:
        number = float(value)
    except ValueError:
        number = float("nan")
    if number.is_integer():
        return int(number)
    raise BadReport(f"{what} is not a number: {value!r:.40}")
