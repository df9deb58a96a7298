"""Read JUnit XML test reports into TestSuiteResult totals, streaming the file."""

# Counting follows the "conventions" of shared/real-reports/MANIFEST.json: every <testcase>
# anywhere under the root is counted once (nested suites included), classified by its direct
# children: <error> -> errors, else <failure> -> failures, else <skipped> -> skipped, else
# passed. The tests/failures/errors/skipped counts that roots and suites declare are ignored:
# real tools get them wrong (gotestsum declares tests=0 for a suite holding a failing TestMain,
# trimmed Surefire files declare 924 tests and hold 5, jest-junit declares tests=0 for suites
# that failed to run).
#
# The file is read as a stream of parse events; each element is dropped from the tree once it
# ends (a <testcase> once it is counted), so memory stays flat however large the report.

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from statusbot.errors import ReportError
from statusbot.model import SourceFailure, TestSuiteResult
from statusbot.providers.files import (
    DEFAULT_MAX_REPORT_MB,
    BadReport,
    collect_each,
    iter_xml,
    open_report,
)

MAX_SUITES = 3
"""A file with more top-level suites than this gives one aggregated result."""

JUNIT_ROOTS = ("testsuites", "testsuite")
OUTCOMES = (("error", "errors"), ("failure", "failures"), ("skipped", "skipped"))


@dataclass
class _Tally:
    """The counted cases of one suite, or of the whole file."""

    name: str | None = None
    counts: Counter[str] = field(default_factory=Counter)
    failing: set[str] = field(default_factory=set)

    def add(self, outcome: str, name: str) -> None:
        """Count one case; remember its name when it failed."""
        self.counts[outcome] += 1
        if outcome in ("errors", "failures"):
            self.failing.add(name)

    def result(self, name: str, source: str) -> TestSuiteResult:
        """Return the totals as a TestSuiteResult."""
        return TestSuiteResult(
            name=name,
            source=source,
            tests=self.counts.total(),
            passed=self.counts["passed"],
            failures=self.counts["failures"],
            errors=self.counts["errors"],
            skipped=self.counts["skipped"],
            failing=tuple(sorted(self.failing)),
        )


def parse_junit(
    path: Path, label: str | None = None, max_mb: float = DEFAULT_MAX_REPORT_MB
) -> list[TestSuiteResult]:
    """Return the totals of a JUnit XML file: one per top-level suite, or one for the file."""
    try:
        return _parse(path, label, max_mb)
    except BadReport as exc:
        raise ReportError(f"{path}: {exc}") from exc


def collect_junit(
    paths: list[Path], max_mb: float = DEFAULT_MAX_REPORT_MB
) -> tuple[list[TestSuiteResult], list[SourceFailure]]:
    """Return the totals of every readable file and one failure per unreadable one."""
    return collect_each(paths, lambda path: _parse(path, None, max_mb))


def _parse(path: Path, label: str | None, max_mb: float) -> list[TestSuiteResult]:
    """Return the results of a JUnit file, or raise BadReport."""
    with open_report(path, max_mb) as (stream, _head):
        root_name, suites, overall, outside = _count(iter_xml(stream))
    source = str(path)
    # One result for the file: a bare <testsuite> root, no suites, many, or cases outside them.
    if suites is None or not suites or len(suites) > MAX_SUITES or outside:
        return [overall.result(label or root_name or path.stem, source)]
    fallback = label or path.stem
    return [suite.result(suite.name or fallback, source) for suite in suites]


def _count(
    events: Iterable[tuple[str, ET.Element]],
) -> tuple[str | None, list[_Tally] | None, _Tally, int]:
    """Count the cases: (root name, top-level suites or None, all cases, cases outside suites)."""
    stack: list[ET.Element] = []
    suites: list[_Tally] | None = []
    current: _Tally | None = None
    overall = _Tally()
    outside = 0
    in_case = 0  # how many <testcase> elements are open: their children are kept until they end
    root_name: str | None = None
    for event, elem in events:
        if event == "start":
            if not stack:
                if elem.tag not in JUNIT_ROOTS:
                    raise BadReport(
                        f"root element is <{elem.tag}>, expected <testsuites> or <testsuite>"
                    )
                root_name = elem.get("name")
                if elem.tag == "testsuite":
                    suites = None
            elif len(stack) == 1 and elem.tag == "testsuite" and suites is not None:
                current = _Tally(elem.get("name"))
                if len(suites) <= MAX_SUITES:  # past that, one result: stop keeping suites
                    suites.append(current)
            in_case += elem.tag == "testcase"
            stack.append(elem)
            continue
        stack.pop()
        if elem.tag == "testcase":
            in_case -= 1
            outcome, name = _outcome(elem), _test_name(elem)
            overall.add(outcome, name)
            if current is not None:
                current.add(outcome, name)
            else:
                outside += 1
        elif len(stack) == 1 and elem.tag == "testsuite":
            current = None
        if stack and not in_case:
            elem.clear()
            stack[-1].remove(elem)
    return root_name, suites, overall, outside


def _outcome(case: ET.Element) -> str:
    """Classify a case by its direct children: error, then failure, then skipped."""
    tags = {child.tag for child in case}
    return next((outcome for tag, outcome in OUTCOMES if tag in tags), "passed")


def _test_name(case: ET.Element) -> str:
    """Return "classname.name", or the name alone when there is no classname."""
    name = case.get("name") or "(unnamed test)"
    classname = case.get("classname")
    return f"{classname}.{name}" if classname else name
