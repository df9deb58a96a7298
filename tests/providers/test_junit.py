"""Tests of the JUnit XML provider, on real reports and on small hand-written ones."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import SHARED

from statusbot import model
from statusbot.errors import ReportError
from statusbot.model import SourceFailure
from statusbot.providers.junit import collect_junit, parse_junit

Result = model.TestSuiteResult  # an alias, so that pytest does not take it for a test class

REPORTS = SHARED / "real-reports"
COUNTS = ("tests", "failures", "errors", "skipped", "passed")


def _manifest_entries(malformed: bool) -> list[Any]:
    """Return one parameter per JUnit file of the manifest, or a placeholder without it."""
    manifest = REPORTS / "MANIFEST.json"
    if not manifest.is_file():
        return [pytest.param(None, id="no-shared-reports")]
    files = json.loads(manifest.read_text(encoding="utf-8"))["files"]
    return [
        pytest.param(f, id=f["path"])
        for f in files
        if f["kind"] == "junit" and f["malformed"] == malformed
    ]


GOOD = _manifest_entries(malformed=False)
BAD = _manifest_entries(malformed=True)


def _sums(results: list[Result]) -> dict[str, int]:
    """Return the counts summed over results."""
    return {key: sum(getattr(r, key) for r in results) for key in COUNTS}


def _write(tmp_path: Path, name: str, text: str) -> Path:
    """Write a UTF-8 file in tmp_path and return its path."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("entry", GOOD)
def test_real_report_counts(reports: Path, entry: dict[str, Any]) -> None:
    path = reports / entry["path"]
    results = parse_junit(path)
    assert _sums(results) == entry["expected"]
    for result in results:
        assert result.source == str(path)
        assert result.tests == result.passed + result.failures + result.errors + result.skipped
        assert len(result.failing) <= result.failures + result.errors


@pytest.mark.parametrize("entry", GOOD)
def test_real_report_result_count(reports: Path, entry: dict[str, Any]) -> None:
    top = entry["junit_details"]["top_level_suites"]
    expected = 1 if top == 0 or top > 3 else top
    assert len(parse_junit(reports / entry["path"])) == expected


@pytest.mark.parametrize("entry", BAD)
def test_real_malformed_report_raises(reports: Path, entry: dict[str, Any]) -> None:
    path = reports / entry["path"]
    with pytest.raises(ReportError) as caught:
        parse_junit(path)
    assert caught.value.message.startswith(f"{path}: ")
    assert path.name in caught.value.message
    assert "\n" not in caught.value.message


def test_real_collect_lists_each_malformed_file(reports: Path) -> None:
    paths = [reports / e.values[0]["path"] for e in GOOD + BAD]
    results, failures = collect_junit(paths)
    assert failures == [
        SourceFailure(
            str(reports / "junit/dotnet/nunit3-test-run-WRONGROOT.xml"),
            "root element is <test-run>, expected <testsuites> or <testsuite>",
        ),
        SourceFailure(str(reports / "junit/empty/empty-0-bytes.xml"), "empty file"),
    ]
    assert _sums(results)["tests"] == sum(e.values[0]["expected"]["tests"] for e in GOOD)


def test_real_many_suites_aggregated_under_file_stem(reports: Path) -> None:
    path = reports / "junit/surefire/pulsar-test-report.xml"
    [result] = parse_junit(path)
    assert result.name == "pulsar-test-report"
    assert (result.tests, result.failures, result.skipped) == (808, 1, 14)
    assert len(result.failing) == 1


def test_real_errors_and_failures_listed(reports: Path) -> None:
    [result] = parse_junit(reports / "junit/pytest/mikepenz-python-report.xml")
    assert result.name == "pytest"
    assert result.failing == (
        "python.test_sample.test_which_fails",
        "python.test_sample.test_with_error",
    )


def test_real_suites_that_failed_to_run_count_as_errors(reports: Path) -> None:
    path = reports / "junit/jest-junit/dorny-jest-suite-failed-to-run.xml"
    assert [(r.name, r.tests, r.errors, r.failing) for r in parse_junit(path)] == [
        ("libs/foo.spec.ts", 1, 1, ("Test suite failed to run.libs/foo.spec.ts",)),
        ("libs/bar.spec.ts", 1, 1, ("Test suite failed to run.libs/bar.spec.ts",)),
    ]


NESTED = """<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="all" tests="99" failures="0">
  <testsuite name="outer" tests="1" failures="0" errors="0" skipped="0">
    <testcase classname="pkg.A" name="ok"/>
    <testsuite name="inner">
      <testcase classname="pkg.B" name="fails"><failure message="boom"/></testcase>
      <testcase classname="pkg.B" name="errs"><failure/><error/></testcase>
      <testsuite name="innermost">
        <testcase classname="" name="skip"><skipped/><failure/></testcase>
        <testcase classname="pkg.C" name="flaky"><flakyFailure/><rerunFailure/></testcase>
        <testcase classname="pkg.C" name="later"><skipped message="todo"/></testcase>
      </testsuite>
    </testsuite>
  </testsuite>
  <testsuite tests="0">
    <testcase name="bare"><failure/></testcase>
    <testcase name="bare"><failure/></testcase>
  </testsuite>
</testsuites>
"""


def test_nested_suites_counted_once_and_declared_counts_ignored(tmp_path: Path) -> None:
    path = _write(tmp_path, "nested.xml", NESTED)
    assert parse_junit(path) == [
        Result(
            name="outer",
            source=str(path),
            tests=6,
            passed=2,
            failures=2,
            errors=1,
            skipped=1,
            failing=("pkg.B.errs", "pkg.B.fails", "skip"),
        ),
        Result(
            name="nested",
            source=str(path),
            tests=2,
            passed=0,
            failures=2,
            errors=0,
            skipped=0,
            failing=("bare",),
        ),
    ]


def test_label_names_unnamed_suites(tmp_path: Path) -> None:
    path = _write(tmp_path, "nested.xml", NESTED)
    assert [r.name for r in parse_junit(path, label="backend")] == ["outer", "backend"]


def _suites(count: int, root_name: str | None) -> str:
    """Return a report with `count` top-level suites of one pass and one error each."""
    name = f' name="{root_name}"' if root_name is not None else ""
    suites = "".join(
        f'<testsuite name="s{i}"><testcase name="t{i}"/><testcase name="u{i}"><error/>'
        "</testcase></testsuite>"
        for i in range(count)
    )
    return f"<testsuites{name}>{suites}</testsuites>"


def test_three_suites_give_three_results(tmp_path: Path) -> None:
    path = _write(tmp_path, "three.xml", _suites(3, "root"))
    assert [r.name for r in parse_junit(path)] == ["s0", "s1", "s2"]


def test_four_suites_give_one_result_named_by_root(tmp_path: Path) -> None:
    path = _write(tmp_path, "four.xml", _suites(4, "CI run"))
    assert parse_junit(path) == [
        Result(
            name="CI run",
            source=str(path),
            tests=8,
            passed=4,
            failures=0,
            errors=4,
            skipped=0,
            failing=("u0", "u1", "u2", "u3"),
        )
    ]


@pytest.mark.parametrize("root_name", [None, ""])
def test_four_suites_without_root_name_use_file_stem(tmp_path: Path, root_name: str | None) -> None:
    path = _write(tmp_path, "four-suites.xml", _suites(4, root_name))
    assert [r.name for r in parse_junit(path)] == ["four-suites"]
    assert [r.name for r in parse_junit(path, label="api")] == ["api"]


def test_bare_testsuite_root(tmp_path: Path) -> None:
    text = (
        '<testsuite name="solo" tests="7">'
        '<testcase name="a"/><testcase name="b"><skipped/></testcase>'
        "</testsuite>"
    )
    path = _write(tmp_path, "solo.xml", text)
    [result] = parse_junit(path)
    assert (result.name, result.tests, result.passed, result.skipped) == ("solo", 2, 1, 1)


def test_cases_outside_suites_are_counted(tmp_path: Path) -> None:
    text = (
        '<testsuites><testsuite name="s"><testcase name="a"/></testsuite>'
        '<testcase name="stray"><failure/></testcase></testsuites>'
    )
    path = _write(tmp_path, "stray.xml", text)
    [result] = parse_junit(path)
    assert (result.name, result.tests, result.failures, result.failing) == (
        "stray",
        2,
        1,
        ("stray",),
    )


def test_empty_testsuites_give_one_zero_result(tmp_path: Path) -> None:
    path = _write(tmp_path, "none.xml", '<testsuites name="jest tests" tests="0"/>')
    assert parse_junit(path) == [Result("jest tests", str(path), 0, 0, 0, 0, 0)]


def test_hostile_names_kept_verbatim(tmp_path: Path) -> None:
    text = """<testsuite name="{{ site.title }}">
      <testcase classname="{% include x %}" name="{{ site }}"><failure/></testcase>
      <testcase name="&lt;script&gt;alert(1)&lt;/script&gt;"><error/></testcase>
      <testcase name="&amp;nbsp; &#x27;quoted&#x27;"><failure/></testcase>
    </testsuite>"""
    path = _write(tmp_path, "hostile.xml", text)
    [result] = parse_junit(path)
    assert result.name == "{{ site.title }}"
    assert result.failing == (
        "&nbsp; 'quoted'",
        "<script>alert(1)</script>",
        "{% include x %}.{{ site }}",
    )


BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<testsuites><testsuite name="&lol9;"><testcase name="&lol9;"/></testsuite></testsuites>
"""


def test_entity_bomb_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "bomb.xml", BOMB)
    started = time.monotonic()
    with pytest.raises(ReportError) as caught:
        parse_junit(path)
    assert time.monotonic() - started < 5
    assert caught.value.message == f"{path}: XML entity declarations are refused (<!ENTITY lol>)"


def test_external_entity_refused(tmp_path: Path) -> None:
    secret = _write(tmp_path, "secret.txt", "TOP-SECRET")
    text = (
        f'<!DOCTYPE t [<!ENTITY x SYSTEM "{secret.as_uri()}">]>'
        '<testsuite name="s"><testcase name="&x;"><failure/></testcase></testsuite>'
    )
    path = _write(tmp_path, "xxe.xml", text)
    with pytest.raises(ReportError) as caught:
        parse_junit(path)
    assert "TOP-SECRET" not in caught.value.message
    assert caught.value.message == f"{path}: XML entity declarations are refused (<!ENTITY x>)"


def test_truncated_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "cut.xml", '<testsuites>\n<testsuite name="s">\n<testcase name="a"')
    with pytest.raises(ReportError) as caught:
        parse_junit(path)
    assert caught.value.message == (
        f"{path}: not well-formed XML (line 3, column 1): unclosed token"
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty file"),
        ("  \n\t\n", "empty file"),
        ("\ufeff", "empty file"),
        ("<html><body/></html>", "root element is <html>, expected <testsuites> or <testsuite>"),
        ("not xml at all", "not well-formed XML (line 1, column 1): syntax error"),
        ("<testsuites></testsuite>", "not well-formed XML (line 1, column 15): mismatched tag"),
    ],
)
def test_bad_files_give_one_line_reasons(tmp_path: Path, text: str, reason: str) -> None:
    path = _write(tmp_path, "bad.xml", text)
    with pytest.raises(ReportError) as caught:
        parse_junit(path)
    assert caught.value.message == f"{path}: {reason}"
    assert "\n" not in caught.value.message


def test_collect_keeps_good_files_and_lists_bad_ones(tmp_path: Path) -> None:
    good = _write(tmp_path, "good.xml", '<testsuite name="g"><testcase name="a"/></testsuite>')
    empty = _write(tmp_path, "empty.xml", "")
    missing = tmp_path / "missing.xml"
    results, failures = collect_junit([empty, good, missing])
    assert results == [Result("g", str(good), 1, 1, 0, 0, 0)]
    assert failures == [
        SourceFailure(str(empty), "empty file"),
        SourceFailure(str(missing), "cannot read file (No such file or directory)"),
    ]
