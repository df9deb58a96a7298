"""Large reports: the size cap, streamed parsing with flat memory, format from the first bytes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import branch_file, configured_site, project_layout, set_mtime
from freezegun import freeze_time

ROOT = Path(__file__).resolve().parents[2]
NOON = datetime(2026, 2, 10, 12, 0, tzinfo=UTC)
PAGE = "_posts/2026-02-10-daily-status.md"
PAGE_8 = "_posts/2026-02-08-daily-status.md"
MB = 1024 * 1024

# Runs in a child process, so that the peak is this parse's and nothing else's. The peak is the
# kernel's high-water mark of resident memory, reset just before the parse: a child's ru_maxrss
# starts at its parent's size when it was forked (under pytest, far above any parse here).
PROBE = """
import json, sys, time
from pathlib import Path
from statusbot.providers.coverage import collect_coverage
from statusbot.providers.junit import collect_junit

def resident(field):
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith(field + ":"))
    return int(line.split()[1]) * 1024

kind, name, cap = sys.argv[1], Path(sys.argv[2]), float(sys.argv[3])
collect = collect_junit if kind == "junit" else collect_coverage
with open("/proc/self/clear_refs", "w") as clear:
    clear.write("5")  # the high-water mark starts again from what is resident now
before = resident("VmRSS")
started = time.monotonic()
found, failures = collect([name], cap)
seconds = time.monotonic() - started
print(json.dumps({
    "grown": resident("VmHWM") - before, "seconds": seconds,
    "found": [str(f) for f in found], "failures": [f.reason for f in failures],
}))
"""


def probe(kind: str, path: Path, cap: float = 64) -> dict:
    """Parse one report in a fresh interpreter; return what it found and how memory grew."""
    if not Path("/proc/self/clear_refs").exists():
        pytest.skip("the peak is read from /proc/self/status (Linux)")
    done = subprocess.run(
        [sys.executable, "-c", PROBE, kind, str(path), str(cap)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    return json.loads(done.stdout)


def write_junit(path: Path, size: int) -> int:
    """Write a JUnit report of about `size` bytes (one failure in ten); return its cases."""
    cases = 0
    with path.open("w", encoding="utf-8") as out:
        out.write('<testsuites name="all">\n')
        suite = 0
        while out.tell() < size:
            out.write(f'<testsuite name="s{suite}">\n')
            for i in range(100):
                out.write(f'  <testcase classname="pkg.Suite{suite}" name="test_{i}" time="0.01"')
                if i % 10:
                    out.write("/>\n")
                else:
                    out.write('><failure message="boom">trace\nmore</failure></testcase>\n')
            out.write("</testsuite>\n")
            suite += 1
            cases += 100
        out.write("</testsuites>\n")
    return cases


def sparse(path: Path, size: int) -> Path:
    """Make a sparse file of zeros: it takes no disk."""
    with path.open("wb") as out:
        out.truncate(size)
    return path


def test_a_50_mb_junit_report_is_read_in_less_than_twice_its_size(tmp_path: Path) -> None:
    path = tmp_path / "big.xml"
    cases = write_junit(path, 50 * MB)
    size = path.stat().st_size
    result = probe("junit", path)
    assert result["failures"] == []
    assert f"tests={cases}" in result["found"][0]
    assert f"failures={cases // 10}" in result["found"][0]
    # The whole tree took ten times the file; a stream takes a fraction of it.
    assert result["grown"] < 2 * size, f"{result['grown'] / MB:.0f} MB for {size / MB:.0f} MB"


def test_a_1_gb_sparse_coverage_file_is_refused_by_the_cap_at_once(tmp_path: Path) -> None:
    path = sparse(tmp_path / "coverage.xml", 1024 * MB)
    result = probe("coverage", path)
    assert result["failures"] == [
        "file is 1024.0 MB, over the 64 MB limit (sources.max_report_mb); not read"
    ]
    assert result["seconds"] < 1
    assert result["grown"] < 16 * MB


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        (
            "coverage",
            "unknown coverage format (expected Cobertura or JaCoCo XML, coverage.py JSON, lcov"
            " or a Go coverprofile)",
        ),
        ("junit", "not well-formed XML (line 1, column 1): not well-formed (invalid token)"),
    ],
)
def test_under_a_raised_cap_a_1_gb_file_of_zeros_is_refused_from_its_first_bytes(
    tmp_path: Path, kind: str, reason: str
) -> None:
    path = sparse(tmp_path / "report.xml", 1024 * MB)
    result = probe(kind, path, cap=2048)
    assert result["failures"] == [reason]
    assert result["seconds"] < 1
    assert result["grown"] < 16 * MB


def test_a_large_cobertura_report_is_streamed(tmp_path: Path) -> None:
    path = tmp_path / "coverage.xml"
    with path.open("w", encoding="utf-8") as out:
        out.write("<coverage><packages>\n")
        for n in range(400):
            out.write(f'<package name="p{n % 7}"><classes><class filename="src/f{n}.py"><lines>\n')
            out.write("".join(f'<line number="{i}" hits="{i % 3}"/>\n' for i in range(1, 2001)))
            out.write("</lines></class></classes></package>\n")
        out.write("</packages></coverage>\n")
    size = path.stat().st_size
    result = probe("coverage", path)
    assert result["failures"] == []
    assert "lines_covered=533600, lines_valid=800000" in result["found"][0]
    assert result["grown"] < 2 * size, f"{result['grown'] / MB:.0f} MB for {size / MB:.0f} MB"


def test_a_large_coveragepy_json_report_takes_about_twice_its_size(tmp_path: Path) -> None:
    path = tmp_path / "coverage.json"
    lines = list(range(1, 400))
    entry = {"executed_lines": lines[::2], "missing_lines": lines[1::2], "excluded_lines": []}
    with path.open("w", encoding="utf-8") as out:
        out.write('{"meta": {"version": "7.6.1"}, "files": {')
        files = 0
        while out.tell() < 30 * MB:
            summary = {"covered_lines": 200, "num_statements": 399}
            item = {**entry, "summary": summary, "functions": {"f": {**entry, "summary": summary}}}
            out.write(
                ("," if files else "") + f'"src/p{files % 7}/f{files}.py": ' + json.dumps(item)
            )
            files += 1
        out.write('}, "totals": {"covered_lines": 0, "num_statements": 0}}')
    size = path.stat().st_size
    result = probe("coverage", path)
    assert result["failures"] == []
    assert f"lines_covered={200 * files}, lines_valid={399 * files}" in result["found"][0]
    # The whole document took five times the file; the text and one object at a time, twice.
    grown = result["grown"]
    assert grown < 2 * size + 16 * MB, f"{grown / MB:.0f} MB for {size / MB:.0f} MB"


def test_a_report_over_the_cap_is_named_under_risks_and_the_rest_publishes(
    tmp_path: Path, run_cli
) -> None:
    origin = configured_site(
        tmp_path,
        sources="  max_report_mb: 0.5\n",
        tail="",
    )
    config = tmp_path / "statusbot.yml"
    config.write_text(config.read_text().replace("  junit: []\n", '  junit: ["reports/*.xml"]\n'))
    (tmp_path / "reports").mkdir()
    small = tmp_path / "reports" / "unit.xml"
    small.write_text('<testsuite name="unit"><testcase name="a"/></testsuite>')
    big = tmp_path / "reports" / "e2e.xml"
    write_junit(big, MB)
    for path in (small, big):
        set_mtime(path, NOON)
    with freeze_time(NOON):
        result = run_cli(tmp_path, "publish")
    assert result.exit_code == 0, result.output
    page = branch_file(origin, "gh-pages", PAGE)
    risks = [line for line in page.splitlines() if "e2e.xml" in line]
    assert risks == [
        "- **MEDIUM:** Source junit report reports/e2e.xml is stale: file is 1.0 MB, over the"
        " 0.5 MB limit (sources.max&#95;report&#95;mb); not read"
    ]
    assert "Executed" in page and "(1/1 passing)" in page


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("0", "sources.max_report_mb: must be more than 0, not 0"),
        ("lots", "sources.max_report_mb: expected a number >= 0, got a string"),
    ],
)
def test_a_bad_cap_is_a_config_error(tmp_path: Path, run_cli, value: str, problem: str) -> None:
    configured_site(tmp_path, sources=f"  max_report_mb: {value}\n")
    result = run_cli(tmp_path, "collect")
    assert result.exit_code == 1
    assert result.output == f"Error: {tmp_path / 'statusbot.yml'}: {problem}\n"


def run_child(cwd: Path, *args: str) -> tuple[int, int, float, str]:
    """Run statusbot in its own process; return exit code, peak resident bytes, seconds, output."""
    out = cwd / "child-output.txt"
    started = time.monotonic()
    with out.open("wb") as sink:
        child = subprocess.Popen(
            [sys.executable, "-m", "statusbot", *args],
            cwd=cwd, stdout=sink, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )  # fmt: skip
        _pid, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    return child.returncode, usage.ru_maxrss * 1024, time.monotonic() - started, out.read_text()


def test_publish_with_a_1_gb_sparse_coverage_file_peaks_as_without_it(tmp_path: Path) -> None:
    """The whole CLI in a child process: the 1 GB file costs no memory and no time, only a risk."""
    if not hasattr(os, "wait4"):
        pytest.skip("a child's own peak is read with os.wait4 (POSIX)")
    project_layout(
        tmp_path, sources='  junit: []\n  coverage: ["coverage.xml"]\n', publish="  remote: null\n"
    )
    report = tmp_path / "coverage.xml"
    report.write_text(
        '<coverage><packages><package name="p"><classes><class filename="a.py"><lines>'
        '<line number="1" hits="1"/></lines></class></classes></package></packages></coverage>'
    )
    day = datetime(2026, 2, 8, 10, 0, tzinfo=UTC)
    set_mtime(report, day)
    small = run_child(tmp_path, "--date", "2026-02-08", "publish")
    assert small[0] == 0, small[3]
    assert "coverage: coverage.xml 100.0%" in branch_file(tmp_path / "site", "gh-pages", PAGE_8)
    sparse(report, 1024 * MB)
    set_mtime(report, day)
    code, peak, seconds, output = run_child(tmp_path, "--date", "2026-02-08", "publish")

    assert code == 0, output
    assert "1 failing source" in output
    page = branch_file(tmp_path / "site", "gh-pages", PAGE_8)
    assert "file is 1024.0 MB, over the 64 MB limit" in page
    assert peak < small[1] + 16 * MB, f"{peak / MB:.0f} MB, {small[1] / MB:.0f} MB without it"
    assert seconds < small[2] + 2, f"{seconds:.1f} s, {small[2]:.1f} s without it"
    print(f"peak {peak / MB:.1f} MB in {seconds:.2f} s; small report {small[1] / MB:.1f} MB")
