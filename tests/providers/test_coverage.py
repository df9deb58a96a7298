"""Tests of the coverage provider, on real reports and on small hand-written ones."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import SHARED

from statusbot.errors import ReportError
from statusbot.model import CoverageReport, SourceFailure
from statusbot.providers.coverage import FORMATS, collect_coverage, parse_coverage

REPORTS = SHARED / "real-reports"

# The manifest names the counted figures differently per format.
COVERED_KEYS = ("lines_covered", "statements_covered")
VALID_KEYS = ("lines_valid", "num_statements", "statements_total")
PACKAGE_KEYS = (
    "per_package_line_rate_percent",
    "per_package_statement_rate_percent",
    "per_dir_line_rate_percent",
)


def _package_figures(expected: dict[str, Any]) -> dict[str, float | None] | None:
    """Return the manifest's per-package (or per-directory) rates of a file, if it gives any."""
    return next((expected[key] for key in PACKAGE_KEYS if expected.get(key)), None)


def _manifest_entries() -> list[Any]:
    """Return one parameter per coverage file of the manifest, or a placeholder without it."""
    manifest = REPORTS / "MANIFEST.json"
    if not manifest.is_file():
        return [pytest.param(None, id="no-shared-reports")]
    files = json.loads(manifest.read_text(encoding="utf-8"))["files"]
    return [pytest.param(f, id=f["path"]) for f in files if f["kind"] in FORMATS]


ENTRIES = _manifest_entries()
WITH_PACKAGES = [
    e for e in ENTRIES if e.values[0] is None or _package_figures(e.values[0]["expected"])
]


def _expected(expected: dict[str, Any], keys: tuple[str, ...]) -> Any:
    """Return the one figure of expected named by any of keys."""
    [value] = [expected[key] for key in keys if key in expected]
    return value


def _write(tmp_path: Path, name: str, text: str) -> Path:
    """Write a UTF-8 file in tmp_path and return its path."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _reason(path: Path) -> str:
    """Return the one-line reason parse_coverage gives for a bad file."""
    with pytest.raises(ReportError) as caught:
        parse_coverage(path)
    message = caught.value.message
    assert message.startswith(f"{path}: ")
    assert "\n" not in message
    return message.removeprefix(f"{path}: ")


@pytest.mark.parametrize("entry", ENTRIES)
def test_real_report_figures(reports: Path, entry: dict[str, Any]) -> None:
    path = reports / entry["path"]
    expected = entry["expected"]
    report = parse_coverage(path)
    assert report.source == str(path)
    assert report.format == entry["kind"]
    assert report.lines_covered == _expected(expected, COVERED_KEYS)
    assert report.lines_valid == _expected(expected, VALID_KEYS)
    assert report.percent == expected["line_rate_percent"]


@pytest.mark.parametrize("entry", WITH_PACKAGES)
def test_real_report_packages(reports: Path, entry: dict[str, Any]) -> None:
    given = _package_figures(entry["expected"])
    assert given
    report = parse_coverage(reports / entry["path"])
    # A package without lines has no rate (null in the manifest) and is left out.
    assert dict(report.packages) == {k: v for k, v in given.items() if v is not None}
    assert [name for name, _ in report.packages] == sorted(name for name, _ in report.packages)


def test_real_collect_reads_every_file(reports: Path) -> None:
    paths = [reports / e.values[0]["path"] for e in ENTRIES]
    found, failures = collect_coverage(paths)
    assert failures == []
    assert [r.source for r in found] == [str(p) for p in paths]


def test_real_declared_rates_are_not_used(reports: Path) -> None:
    report = parse_coverage(reports / "coverage/coveragepy-json/steve-coverage.json")
    # totals.percent_covered is 82.5 because it includes branches; lines alone give 82.8.
    assert report.percent == 82.8


COBERTURA = """<?xml version="1.0" ?>
<coverage line-rate="0.1" lines-valid="99" lines-covered="1">
  <packages>
    <package name="app" line-rate="1">
      <classes>
        <class name="A" filename="app/a.py">
          <methods>
            <method name="m"><lines><line number="90" hits="5"/></lines></method>
          </methods>
          <lines>
            <line number="1" hits="1"/>
            <line number="2" hits="0"/>
            <line number="3" hits="0"/>
          </lines>
        </class>
        <class name="A$Inner" filename="app/a.py">
          <lines>
            <line number="3" hits="2"/>
            <line number="4" hits="0"/>
          </lines>
        </class>
      </classes>
    </package>
    <package name="lib">
      <classes>
        <class name="B" filename="lib/b.py">
          <lines><line number="1" hits="1.0"/><line number="2" hits="0"/></lines>
        </class>
        <class name="A$Shared" filename="app/a.py">
          <lines><line number="4" hits="1"/></lines>
        </class>
      </classes>
    </package>
    <class name="loose" filename="loose.js">
      <lines><line number="1" hits="3"/></lines>
    </class>
  </packages>
</coverage>
"""


def test_cobertura_counts_unique_class_lines(tmp_path: Path) -> None:
    path = _write(tmp_path, "coverage.dat", COBERTURA)
    assert parse_coverage(path) == CoverageReport(
        source=str(path),
        format="cobertura",
        lines_covered=5,
        lines_valid=7,
        packages=(("(no <package>)", 100.0), ("app", 50.0), ("lib", 66.7)),
    )


JACOCO = """<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!DOCTYPE report SYSTEM "{dtd}">
<report name="demo">
  <package>
    <sourcefile name="Main.java">
      <line nr="1" mi="0" ci="3"/><line nr="2" mi="4" ci="0"/>
    </sourcefile>
  </package>
  <group name="module">
    <package name="org/demo">
      <sourcefile name="Util.java">
        <line nr="5" mi="1" ci="1"/><line nr="6" mi="0" ci="2"/><line nr="7" mi="2" ci="0"/>
      </sourcefile>
      <counter type="LINE" missed="0" covered="99"/>
    </package>
  </group>
</report>
"""


def test_jacoco_counts_lines_and_never_loads_the_dtd(tmp_path: Path) -> None:
    # If the DTD were loaded, its default would name the unnamed package "FROM_DTD".
    dtd = _write(tmp_path, "evil.dtd", '<!ATTLIST package name CDATA "FROM_DTD">\n')
    path = _write(tmp_path, "jacoco.xml", JACOCO.replace("{dtd}", dtd.as_uri()))
    assert parse_coverage(path) == CoverageReport(
        source=str(path),
        format="jacoco",
        lines_covered=3,
        lines_valid=5,
        packages=(("", 50.0), ("org/demo", 66.7)),
    )


LCOV = """TN:
SF:src/a.c
DA:1,0
DA:2,5,0123abcd
DA:3,0
LF:3
LH:1
end_of_record
SF:src/b.c
DA:1,0
end_of_record
SF:src/a.c
DA:1,2
DA:3,0
LF:2
LH:1
end_of_record
SF:C:\\proj\\top.c
DA:10,1
end_of_record
"""


def test_lcov_merges_records_of_one_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "coverage.xml", LCOV)
    assert parse_coverage(path) == CoverageReport(
        source=str(path),
        format="lcov",
        lines_covered=3,
        lines_valid=5,
        packages=(("C:/proj", 100.0), ("src", 50.0)),
    )


GOCOVER = """mode: count
example.com/m/a.go:3.10,5.2 2 0
example.com/m/a.go:6.1,8.2 3 4
example.com/m/a.go:3.10,5.2 2 1
example.com/m/sub/b.go:1.1,2.2 5 0
mode: count
example.com/m/sub/b.go:3.1,4.2 1 7
"""


def test_gocover_counts_statements_with_duplicates_merged(tmp_path: Path) -> None:
    path = _write(tmp_path, "cover.txt", GOCOVER)
    assert parse_coverage(path) == CoverageReport(
        source=str(path),
        format="gocover",
        lines_covered=6,
        lines_valid=11,
        packages=(("example.com/m", 100.0), ("example.com/m/sub", 16.7)),
    )


COVERAGEPY = {
    "meta": {"format": 3, "branch_coverage": True},
    "files": {
        "pkg\\mod.py": {"summary": {"covered_lines": 3, "num_statements": 4}},
        "pkg\\sub\\x.py": {"summary": {"covered_lines": 0, "num_statements": 2}},
        "empty\\__init__.py": {"summary": {"covered_lines": 0, "num_statements": 0}},
        "setup.py": {"summary": {"covered_lines": 1, "num_statements": 1}},
    },
    "totals": {"covered_lines": 99, "num_statements": 100, "percent_covered": 99.0},
}


def test_coveragepy_json_sums_file_summaries(tmp_path: Path) -> None:
    path = _write(tmp_path, "report.out", "\ufeff" + json.dumps(COVERAGEPY))
    assert parse_coverage(path) == CoverageReport(
        source=str(path),
        format="coveragepy-json",
        lines_covered=4,
        lines_valid=7,
        packages=((".", 100.0), ("pkg", 75.0), ("pkg/sub", 0.0)),
    )


BOMB = """<?xml version="1.0"?>
<!DOCTYPE coverage [
  <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
  <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
  <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
]>
<coverage><packages><package name="&f;"/></packages></coverage>
"""


def test_entity_bomb_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "coverage.xml", BOMB)
    started = time.monotonic()
    assert _reason(path) == "XML entity declarations are refused (<!ENTITY a>)"
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    ("name", "text", "reason"),
    [
        ("empty.xml", "", "empty file"),
        ("blank.info", "\n  \n", "empty file"),
        (
            "cut.xml",
            '<coverage>\n<packages>\n<package name="a"',
            "not well-formed XML (line 3, column 1): unclosed token",
        ),
        (
            "cut.json",
            '{"files": {"a.py": ',
            "not valid JSON (line 1, column 20): Expecting value",
        ),
        ("list.json", "[1, 2]", 'JSON is not a coverage.py report (no "files" object)'),
        (
            "nosummary.json",
            '{"files": {"a.py": {"executed_lines": [1]}}}',
            'coverage.py JSON file entry without a "summary" object',
        ),
        (
            "clover.xml",
            '<coverage generated="1"><project/></coverage>',
            "root element is <coverage>, expected <coverage> with <packages> (Cobertura)"
            " or <report> (JaCoCo)",
        ),
        (
            "nunit.xml",
            "<test-run/>",
            "root element is <test-run>, expected <coverage> with <packages> (Cobertura)"
            " or <report> (JaCoCo)",
        ),
        (
            "hits.xml",
            '<coverage><packages><class filename="a"><lines>'
            '<line number="1" hits="many"/></lines></class></packages></coverage>',
            "Cobertura hits is not a number: 'many'",
        ),
        (
            "ci.xml",
            '<report><package name="p"><sourcefile name="A.java"><line nr="1"/>'
            "</sourcefile></package></report>",
            "JaCoCo ci is missing",
        ),
        ("bad.info", "SF:a.c\nDA:1\nend_of_record\n", "bad lcov DA record (line 2)"),
        ("orphan.info", "DA:1,1\nSF:a.c\n", "bad lcov DA record (line 1)"),
        ("bad.out", "mode: set\nx.go:1.1,2.2 1\n", "bad coverprofile block (line 2)"),
        (
            "notes.txt",
            "just some text\n",
            "unknown coverage format (expected Cobertura or JaCoCo XML, coverage.py JSON,"
            " lcov or a Go coverprofile)",
        ),
        ("latin1.info", "SF:caf\xe9.c\n", "not UTF-8 text (byte offset 6)"),
    ],
)
def test_bad_files_give_one_line_reasons(tmp_path: Path, name: str, text: str, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(text.encode("latin-1" if name.startswith("latin1") else "utf-8"))
    assert _reason(path) == reason


def test_empty_cobertura_has_no_lines(tmp_path: Path) -> None:
    path = _write(tmp_path, "c.xml", "<coverage><packages/></coverage>")
    report = parse_coverage(path)
    assert (report.format, report.lines_valid, report.percent, report.packages) == (
        "cobertura",
        0,
        0.0,
        (),
    )


def test_collect_keeps_good_files_and_lists_bad_ones(tmp_path: Path) -> None:
    good = _write(tmp_path, "lcov.info", "SF:a/b.c\nDA:1,1\nDA:2,0\nend_of_record\n")
    bad = _write(tmp_path, "bad.json", "{")
    missing = tmp_path / "missing.xml"
    found, failures = collect_coverage([bad, good, missing])
    assert found == [CoverageReport(str(good), "lcov", 1, 2, (("a", 50.0),))]
    assert failures == [
        SourceFailure(
            str(bad),
            "not valid JSON (line 1, column 2): Expecting property name enclosed in double quotes",
        ),
        SourceFailure(str(missing), "cannot read file (No such file or directory)"),
    ]


@pytest.mark.parametrize(
    "data",
    [
        b"\xef\xbb\xbfSF:a/b.c\r\nDA:1,1\r\nDA:2,0\r\nend_of_record\r\n",  # BOM and CRLF
        b"SF:a/b.c\rDA:1,1\rDA:2,0\rDA:2,0\rend_of_record\r",  # old Mac line ends
        b"# written by a wrapper\nTN:\nSF:a/b.c\nDA:1,1\nDA:2,0\nend_of_record\n",
    ],
)
def test_lcov_read_line_by_line_as_text_would_split_it(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "lcov.info"
    path.write_bytes(data)
    assert parse_coverage(path) == CoverageReport(str(path), "lcov", 1, 2, (("a", 50.0),))


def test_a_report_over_the_cap_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "coverage.xml"
    path.write_bytes(b"<coverage>" + b" " * (2 * 1024 * 1024))  # not even well-formed: unread
    found, failures = collect_coverage([path], max_mb=1)
    assert found == []
    assert failures == [
        SourceFailure(
            str(path), "file is 2.0 MB, over the 1 MB limit (sources.max_report_mb); not read"
        )
    ]
