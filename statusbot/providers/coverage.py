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
from collections import defaultdict
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from statusbot.errors import ReportError
from statusbot.model import CoverageReport, SourceFailure
from statusbot.providers.files import BadReport, collect_each, parse_xml, read_bytes

FORMATS = ("cobertura", "jacoco", "coveragepy-json", "lcov", "gocover")
NO_PACKAGE = "(no <package>)"

_GO_MODE = re.compile(r"mode: (set|count|atomic)\s*$")
_GO_BLOCK = re.compile(
    r"(?P<file>.+):(?P<start>\d+\.\d+),(?P<end>\d+\.\d+) (?P<stmts>\d+) (?P<n>\d+)"
)
_LCOV_SOURCE = re.compile(r"^SF:", re.MULTILINE)

Record = tuple[str, Hashable, int, int]
"""One line or block: (package, position, weight in lines or statements, hits)."""


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


def parse_coverage(path: Path) -> CoverageReport:
    """Return the line coverage of a report file in any of the supported formats."""
    try:
        return _parse(path)
    except BadReport as exc:
        raise ReportError(f"{path}: {exc}") from exc


def collect_coverage(paths: Iterable[Path]) -> tuple[list[CoverageReport], list[SourceFailure]]:
    """Return the coverage of every readable file and one failure per unreadable one."""
    return collect_each(paths, lambda path: [_parse(path)])


def _parse(path: Path) -> CoverageReport:
    """Tell the format by the content and read the report, or raise BadReport."""
    data = read_bytes(path)
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return _parse_xml(path, parse_xml(data))
    text = _decode(data)
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        total, packages = _coveragepy(_load_json(text))
        return _report(path, "coveragepy-json", total, packages)
    if _GO_MODE.match(stripped.partition("\n")[0]):
        return _report(path, "gocover", *_merge(_gocover(text)))
    if _LCOV_SOURCE.search(text):
        return _report(path, "lcov", *_merge(_lcov(text)))
    raise BadReport(
        "unknown coverage format (expected Cobertura or JaCoCo XML, coverage.py JSON, lcov"
        " or a Go coverprofile)"
    )


def _parse_xml(path: Path, root: ET.Element) -> CoverageReport:
    """Read a Cobertura or JaCoCo report from its root element."""
    if root.tag == "coverage" and root.find("packages") is not None:
        return _report(path, "cobertura", *_merge(_cobertura(root)))
    if root.tag == "report":
        return _report(path, "jacoco", *_merge(_jacoco(root)))
    raise BadReport(
        f"root element is <{root.tag}>, expected <coverage> with <packages> (Cobertura)"
        " or <report> (JaCoCo)"
    )


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


def _merge(records: Iterable[Record]) -> tuple[_Counts, dict[str, _Counts]]:
    """Merge duplicate positions (hits summed) per package and overall, then count them."""
    merged: dict[tuple[str, Hashable], list[int]] = {}
    for package, position, weight, hits in records:
        merged.setdefault((package, position), [weight, 0])[1] += hits
    overall: dict[Hashable, list[int]] = {}
    packages: dict[str, _Counts] = defaultdict(_Counts)
    for (package, position), (weight, hits) in merged.items():
        packages[package].add(weight, hits > 0)
        overall.setdefault(position, [weight, 0])[1] += hits
    total = _Counts()
    for weight, hits in overall.values():
        total.add(weight, hits > 0)
    return total, dict(packages)


def _cobertura(root: ET.Element) -> Iterator[Record]:
    """Yield the class-level lines of a Cobertura report."""
    for package, cls in _classes(root, NO_PACKAGE):
        filename = cls.get("filename") or cls.get("name") or ""
        for line in cls.iterfind("lines/line"):
            number = _count(line.get("number"), "Cobertura line number")
            yield package, (filename, number), 1, _count(line.get("hits"), "Cobertura hits")


def _classes(elem: ET.Element, package: str) -> Iterator[tuple[str, ET.Element]]:
    """Yield each <class> with the name of the <package> it is in."""
    for child in elem:
        if child.tag == "package":
            yield from _classes(child, child.get("name", ""))
        elif child.tag == "class":
            yield package, child
        else:
            yield from _classes(child, package)


def _jacoco(root: ET.Element) -> Iterator[Record]:
    """Yield the source lines of a JaCoCo report."""
    for package in root.iter("package"):
        name = package.get("name", "")
        for source in package.iterfind("sourcefile"):
            for line in source.iterfind("line"):
                number = _count(line.get("nr"), "JaCoCo line number")
                position = (name, source.get("name", ""), number)
                yield name, position, 1, _count(line.get("ci"), "JaCoCo ci")


def _lcov(text: str) -> Iterator[Record]:
    """Yield the DA records of an lcov tracefile."""
    source: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
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
            yield _directory(source), (source, _count(fields[0], where)), 1, hits


def _gocover(text: str) -> Iterator[Record]:
    """Yield the blocks of a Go coverprofile, weighted by their statements."""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("mode:"):
            continue
        match = _GO_BLOCK.fullmatch(line)
        if match is None:
            raise BadReport(f"bad coverprofile block (line {number})")
        file = match["file"]
        position = (file, match["start"], match["end"])
        yield _directory(file), position, int(match["stmts"]), int(match["n"])


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
    """Return parsed JSON, or raise BadReport with the position of the error."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadReport(
            f"not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}"
        ) from exc


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
