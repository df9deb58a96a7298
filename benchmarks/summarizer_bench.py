"""Measure the summarizer's input size and its cost per cycle: a first call, a cached one, checks.

Builds a busy day (N commits, M pull requests), prints the size of both input modes (`prompt`,
the default: the shipped prompt and the bounded digest; `json`: the facts and the sections),
then runs a summarizer script that answers with every work item the prompt shows (so every claim
is checkable) and prints medians and the cached/first ratio.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from statusbot.compose import compose
from statusbot.model import Commit, Facts, Person, PullRequest
from statusbot.store import Store
from statusbot.summarizer import attempt
from statusbot.summarizer.digest import MAX_INPUT, command_input

ECHO = r"""
import re, sys
text = sys.stdin.read()
items = text.split("\n## Work items")[1].split("\n## ")[0].splitlines()[1:]
lines = [re.sub(r" \[[^\[\]]*\]$", "", i) for i in items if i.startswith("- ")]
lines = [line for line in lines if "more work items, not shown" not in line]
risks = [r for r in text.split("\n## Risks (")[1].split("\n## ")[0].splitlines()[1:] if r]
effort = text.split("## Key effort (built-in)")[1].strip()
out = ["## Accomplishments", *lines, "## Risks & Challenges", *risks, "## Key Effort", effort]
sys.stdout.write("\n".join(out) + "\n")
"""


def busy_day(commits: int, prs: int) -> Facts:
    """Return a day with many commits and merged pull requests."""
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
                f"Change {i} of the parser's error handling",
                "Dev One",
                "dev1@example.com",
                start + timedelta(seconds=i),
                (f"feature/{i % 7}",),
                url=f"https://github.com/acme/repo{i % 5}/commit/{i:040x}",
            )
            for i in range(commits)
        ),
        pull_requests=tuple(
            PullRequest(
                f"acme/repo{i % 5}",
                1000 + i,
                f"Make the parser report error {i} with its line and column",
                f"https://github.com/acme/repo{i % 5}/pull/{1000 + i}",
                "merged",
                False,
                "dev1",
                commits=3 + i % 4,
                additions=40 + i,
                deletions=i % 30,
                opened_at=start + timedelta(minutes=i),
                merged_at=start + timedelta(minutes=i + 30),
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


def sizes(commits: int, prs: int) -> str:
    """Return one line: both input sizes of a day, and how many work items the prompt shows."""
    facts = busy_day(commits, prs)
    sections = compose(facts)
    prompt = command_input("prompt", facts, sections).encode("utf-8")
    raw = command_input("json", facts, sections).encode("utf-8")
    omitted = re.search(r"- and (\d+) more work items", prompt.decode())
    left_out = int(omitted.group(1)) if omitted else 0
    total = len(sections.accomplishments)
    return (
        f"{commits} commits, {prs} PRs: prompt input {len(prompt):,} bytes "
        f"(limit {MAX_INPUT:,}), {total - left_out} of {total} work items shown; "
        f"json input {len(raw):,} bytes ({len(raw) / len(prompt):.1f}x the prompt)"
    )


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--commits", type=int, default=500)
    parser.add_argument("--prs", type=int, default=100)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    for commits, prs in ((50, 10), (args.commits, args.prs), (2000, 400)):
        print(sizes(commits, prs))
    facts = busy_day(args.commits, args.prs)
    sections = compose(facts)
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "echo.py"
        script.write_text(ECHO)
        command = (sys.executable, str(script))
        stores = iter(range(10_000))

        def first() -> None:
            store = Store(Path(tmp) / f"s{next(stores)}")
            _, entry = attempt(facts, sections, command, 60, store)
            assert all(v["used"] for v in entry["verdicts"].values()), entry["verdicts"]

        cached_store = Store(Path(tmp) / "cached")
        attempt(facts, sections, command, 60, cached_store)
        first_ms = median_ms(first, args.runs)
        cached_ms = median_ms(lambda: attempt(facts, sections, command, 60, cached_store), 7)
        fresh = Store(Path(tmp) / "fresh")
        call_ms = median_ms(lambda: attempt(facts, sections, command, 60, fresh, save=False), 7)
    print(f"first cycle (call + checks + cache write): {first_ms:.1f} ms")
    print(f"cached cycle (input, hash, cache read, rebuild): {cached_ms:.1f} ms")
    print(f"dry cycle (call + checks, nothing stored): {call_ms:.1f} ms")
    print(f"cached / first: {cached_ms / first_ms:.3f}")


if __name__ == "__main__":
    main()
