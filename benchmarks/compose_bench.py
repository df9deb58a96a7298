"""Compose a day of 2,000 commits in 30 areas: time and peak memory, against a naive listing.

Run from a checkout: ``python benchmarks/compose_bench.py [--commits N] [--areas N]``.
The baseline is the one-line commit listing statusbot printed before work items (every commit's
subject and short sha joined into a line per repository), timed on the same facts in the same
run, so the ratio says what grouping and wording cost over a plain listing.
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from statusbot import markup as md
from statusbot.compose import compose
from statusbot.model import Commit, Facts, FileStat, Person

PERSON = Person("Dev One", emails=("dev1@example.com",))
DAY = date(2026, 2, 9)
PREFIXES = ("feat", "fix", "refactor", "docs", "test", "chore")


def day_facts(commits: int, areas: int) -> Facts:
    """Return a day of `commits` commits spread over `areas` areas, with numstat files."""
    start = datetime(2026, 2, 9, 6, tzinfo=UTC)
    made = []
    for n in range(commits):
        area = f"pkg/area{n % areas:02d}"
        kind = PREFIXES[n % len(PREFIXES)]
        subject = f"{kind}(area{n % areas:02d}): change number {n} of the day"
        files = tuple(
            FileStat(f"{area}/file{(n + k) % 7}.go", 3 + (n * 7 + k) % 40, (n + k) % 9)
            for k in range(1 + n % 4)
        )
        made.append(
            Commit(
                repo="app",
                sha=f"{n:040x}",
                summary=subject,
                author_name=PERSON.name,
                author_email=PERSON.emails[0],
                authored_at=start + timedelta(seconds=8 * n),
                branches=("main",),
                files=files,
                on_default=True,
            )
        )
    return Facts(day=DAY, timezone="UTC", people=(PERSON,), commits=tuple(made))


def naive(facts: Facts) -> list[str]:
    """Return the old page's commit listing: one line per repository with every subject."""
    by_repo: dict[str, list[Commit]] = {}
    for commit in facts.commits:
        by_repo.setdefault(commit.repo, []).append(commit)
    return [
        f"Committed {len(group)} changes to {md.text(repo, 80)}: "
        + "; ".join(f"{md.text(c.summary, 120)} ({c.sha[:7]})" for c in group)
        for repo, group in sorted(by_repo.items())
    ]


def measure(fn: Callable[[], object], repeat: int) -> tuple[float, int]:
    """Return the median seconds of fn over `repeat` runs and its peak traced memory in bytes."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return statistics.median(times), peak


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=2000)
    parser.add_argument("--areas", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    facts = day_facts(args.commits, args.areas)
    sections = compose(facts)
    bullets = [i for i in sections.accomplishments]
    counted = sum(i.size.commits for i in bullets)
    assert counted == args.commits, counted
    composed, composed_peak = measure(lambda: compose(facts), args.repeat)
    listed, listed_peak = measure(lambda: naive(facts), args.repeat)
    print(f"{args.commits} commits in {args.areas} areas -> {len(bullets)} bullets")
    print(f"compose (work items):   {composed * 1000:8.1f} ms, peak {composed_peak / 1e6:6.2f} MB")
    print(f"naive one-line listing: {listed * 1000:8.1f} ms, peak {listed_peak / 1e6:6.2f} MB")
    print(f"ratio: {composed / listed:.1f}x time, {composed_peak / listed_peak:.1f}x peak memory")
    print(f"key effort: {sections.key_effort}")


if __name__ == "__main__":
    main()
