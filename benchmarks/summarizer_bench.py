"""Time the summarizer's cost per cycle: a first call, a cached cycle, and the checks alone.

Builds a busy day (N commits, M pull requests), a summarizer script that echoes every built-in
line (so every claim is checkable), and prints medians and the cached/first ratio.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from statusbot.compose import compose
from statusbot.model import Commit, Facts, Person, PullRequest
from statusbot.state import Store
from statusbot.summarizer import _verified, payload, run, summarize

ECHO = """\
import json, sys
d = json.load(sys.stdin)["sections"]
out = ["## Accomplishments"] + ["- " + a for a in d["accomplishments"]]
out += ["## Risks & Challenges"] + ["- " + r for r in d["risks"]]
out += ["## Key Effort", d["key_effort"]]
sys.stdout.write("\\n".join(out) + "\\n")
"""


def busy_day(commits: int, prs: int) -> Facts:
    """Return a day with many commits and pull requests."""
    day = date(2026, 2, 10)
    start = datetime(2026, 2, 10, 8, 0, tzinfo=UTC)
    return Facts(
        day=day,
        timezone="UTC",
        people=(Person("Dev One", ("dev1@example.com",), "dev1"),),
        commits=tuple(
            Commit(
                f"repo{i % 5}",
                f"{i:040x}",
                f"Change {i} of the parser",
                "Dev One",
                "dev1@example.com",
                start + timedelta(seconds=i),
                (f"feature/{i % 7}",),
            )
            for i in range(commits)
        ),
        pull_requests=tuple(
            PullRequest(
                f"acme/repo{i % 5}",
                1000 + i,
                f"PR {i}",
                f"https://github.com/acme/r/pull/{i}",
                "merged",
                False,
                "dev1",
            )
            for i in range(prs)
        ),
    )


def median_ms(fn, runs: int) -> float:
    """Return the median wall time of fn in milliseconds."""
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--commits", type=int, default=500)
    parser.add_argument("--prs", type=int, default=100)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    facts = busy_day(args.commits, args.prs)
    sections = compose(facts)
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "echo.py"
        script.write_text(ECHO)
        command = (sys.executable, str(script))
        stores = iter(range(10_000))

        def first() -> None:
            summarize(facts, sections, command, 60, Store(Path(tmp) / f"s{next(stores)}"))

        cached_store = Store(Path(tmp) / "cached")
        summarize(facts, sections, command, 60, cached_store)
        data = json.dumps(payload(facts, sections), sort_keys=True)
        first_ms = median_ms(first, args.runs)
        cached_ms = median_ms(lambda: summarize(facts, sections, command, 60, cached_store), 7)
        echoed = Path(tmp) / "out.md"
        echoed.write_text(run(command, data, 60))
        checks_ms = median_ms(lambda: _verified(echoed.read_text(), data), args.runs)
    print(f"facts: {args.commits} commits, {args.prs} PRs, {len(data)} bytes of JSON input")
    print(f"first cycle (call + checks + cache write): {first_ms:.1f} ms")
    print(f"cached cycle (hash + cache read):          {cached_ms:.1f} ms")
    print(f"checks alone on the echoed text:           {checks_ms:.1f} ms")
    print(f"cached / first: {cached_ms / first_ms:.3f}")


if __name__ == "__main__":
    main()
