"""Read JUnit XML test reports into TestSuiteResult totals."""

# Counting follows the "conventions" of shared/real-reports/MANIFEST.json: every <testcase>
# anywhere under the root is counted once (nested suites included), classified by its direct
# children: <error> -> errors, else <failure> -> failures, else <skipped> -> skipped, else
# passed. The tests/failures/errors/skipped counts that roots and suites declare are ignored:
# real tools get them wrong (gotestsum declares tests=0 for a suite holding a failing TestMain,
# trimmed Surefire files declare 924 tests and hold 5, jest-junit declares tests=0 for suites
# that failed to run).

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from junitparser import Error, Failure, JUnitXml, Skipped, TestCase, TestSuite

from statusbot.errors import ReportError
from statusbot.model import SourceFailure, TestSuiteResult
from statusbot.providers.files import BadReport, collect_each, parse_xml, read_bytes

MAX_SUITES = 3
"""A file with more top-level suites than this gives one aggregated result."""

JUNIT_ROOTS = ("testsuites", "testsuite")


def parse_junit(path: Path, label: str | None = None) -> list[TestSuiteResult]:
    """Return the totals of a JUnit XML file: one per top-level suite, or one for the file."""
    try:
        return _parse(path, label)
    except BadReport as exc:
        raise ReportError(f"{path}: {exc}") from exc


def collect_junit(paths: list[Path]) -> tuple[list[TestSuiteResult], list[SourceFailure]]:
    """Return the totals of every readable file and one failure per unreadable one."""
    return collect_each(paths, lambda path: _parse(path, None))


def _parse(path: Path, label: str | None) -> list[TestSuiteResult]:
    """Return the results of a JUnit file, or raise BadReport."""
    root = parse_xml(read_bytes(path))
    if root.tag not in JUNIT_ROOTS:
        raise BadReport(f"root element is <{root.tag}>, expected <testsuites> or <testsuite>")
    report = JUnitXml.fromroot(root)
    suites = list(report)
    source = str(path)
    if _aggregate(root, suites):
        name = label or report.name or path.stem
        cases = (TestCase.fromelem(elem) for elem in root.iter("testcase"))
        return [_totals(name, source, cases)]
    fallback = label or path.stem
    return [_totals(suite.name or fallback, source, suite) for suite in suites]


def _aggregate(root: ET.Element, suites: list[TestSuite]) -> bool:
    """Tell whether the file gives one result: many suites, none, or cases outside them."""
    if not suites or len(suites) > MAX_SUITES:
        return True
    in_suites = sum(len(suite) for suite in suites)
    return in_suites != sum(1 for _ in root.iter("testcase"))


def _totals(name: str, source: str, cases: Iterable[TestCase]) -> TestSuiteResult:
    """Count the cases by outcome into one result."""
    counts: Counter[str] = Counter()
    failing: set[str] = set()
    for case in cases:
        outcome = _outcome(case)
        counts[outcome] += 1
        if outcome in ("errors", "failures"):
            failing.add(_test_name(case))
    return TestSuiteResult(
        name=name,
        source=source,
        tests=counts.total(),
        passed=counts["passed"],
        failures=counts["failures"],
        errors=counts["errors"],
        skipped=counts["skipped"],
        failing=tuple(sorted(failing)),
    )


def _outcome(case: TestCase) -> str:
    """Classify a case by its direct children: error, then failure, then skipped."""
    for kind, outcome in ((Error, "errors"), (Failure, "failures"), (Skipped, "skipped")):
        if case.child(kind) is not None:
            return outcome
    return "passed"


def _test_name(case: TestCase) -> str:
    """Return "classname.name", or the name alone when there is no classname."""
    name = case.name or "(unnamed test)"
    return f"{case.classname}.{name}" if case.classname else name
