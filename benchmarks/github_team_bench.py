"""Measure the GitHub provider for a team of 10, 25 and 50 against GitHub's real search limit.

The loopback GitHub server enforces 30 searches a minute (a window starting at the first search,
as github.com's) and 5,000 core requests an hour, on a clock this script drives: each cycle runs
at its moment (a cold start at 09:00, then every 15 minutes for the next hour), and a wait for the
search window advances the clock instead of sleeping. Workload: 50 repositories x 40 pull requests
by 50 developers and 5 people outside the team; before the cold start each developer has one pull
request updated today and has reviewed a colleague's; between cycles 10 pull requests get a new
commit (new CI) and 2 get a review. The team is the first N developers (all of github.repos).

Prints, per team size: searches per cycle (cold, then the most of a warm one), the most searches in
any 60 seconds, core requests of the cold cycle and of the 4 cycles of the hour after it (against
the 5,000 an hour), seconds waited for the search window, and whether every person's pull requests
and reviews were on the page.
"""

from __future__ import annotations

import argparse
import inspect
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from github_server import TOKEN, FakeClock, FakeGitHub  # noqa: E402

from statusbot.config import GitHubSettings  # noqa: E402
from statusbot.model import Person  # noqa: E402
from statusbot.providers.github import collect_github  # noqa: E402
from statusbot.store import Store  # noqa: E402

DAY = date(2026, 2, 8)
START = datetime(2026, 2, 8, tzinfo=UTC)
END = START + timedelta(days=1)
COLD = START + timedelta(hours=9)
CYCLE = timedelta(minutes=15)
REPOS = [f"acme/svc-{i:02d}" for i in range(50)]
DEVS = [f"dev{i:02d}" for i in range(50)]
AUTHORS = DEVS + [f"ext{i}" for i in range(5)]
CORE_HOURLY = 5000


def workload(server: FakeGitHub, per_repo: int) -> dict[str, tuple[str, int]]:
    """Fill the server; return each developer's pull request touched today."""
    n = 0
    for r, repo in enumerate(REPOS):
        server.add_repo(repo)
        for number in range(1, per_repo + 1):
            author = AUTHORS[n % len(AUTHORS)]
            n += 1
            created = START - timedelta(days=2 + (number * 7 + r) % 120, hours=number % 24)
            merged = created + timedelta(hours=20) if number % 4 else None
            reviewer = AUTHORS[(n + 1) % len(AUTHORS)]
            server.add_pull(
                repo, number, title=f"Change {number} of {repo}", author=author,
                created=created, updated=(merged or created) + timedelta(hours=1),
                state="closed" if merged else "open", merged=merged, commits=1 + number % 9,
                checks=[("test", "completed", "success")], statuses=[("ci/jenkins", "success")],
                reviews=[(reviewer, "APPROVED", created + timedelta(hours=3))],
            )  # fmt: skip
        server.add_deploy(repo, "staging", "a" * 40, creator=DEVS[r], created=START - CYCLE)
    mine: dict[str, tuple[str, int]] = {}
    for (repo, number), pull in sorted(server.pulls.items()):
        if pull.author in DEVS and pull.author not in mine:
            mine[pull.author] = (repo, number)
    for i, dev in enumerate(DEVS):  # the morning: one PR each, one review each
        repo, number = mine[dev]
        server.touch(repo, number, START + timedelta(hours=8, minutes=i), state="open",
                     merged=None, head_sha=f"{i:040x}")  # fmt: skip
        server.pulls[(repo, number)].checks = [("test", "completed", "success")]
        other = mine[DEVS[(i + 1) % len(DEVS)]]
        when = START + timedelta(hours=8, minutes=30 + i % 30)
        server.pulls[other].reviews.append((dev, "COMMENTED", when))
    for i in range(5):  # outsiders' pull requests the team reviewed
        pull = next(p for p in server.pulls.values() if p.author == f"ext{i}")
        pull.reviews.append((DEVS[i * 7], "APPROVED", START + timedelta(hours=8, minutes=50)))
        pull.updated = START + timedelta(hours=8, minutes=50)
    return mine


def activity(
    server: FakeGitHub, mine: dict[str, tuple[str, int]], cycle: int, at: datetime
) -> None:
    """What happens in 15 minutes: 10 pull requests get a commit, 2 a review."""
    for k in range(10):
        dev = DEVS[(cycle * 10 + k) % len(DEVS)]
        repo, number = mine[dev]
        server.touch(repo, number, at - timedelta(minutes=k), head_sha=f"{cycle:020x}{k:020x}")
        server.pulls[(repo, number)].checks = [
            ("test", "completed", "failure" if k % 3 else "success")
        ]
    for k in range(2):
        reviewer = DEVS[(cycle * 2 + k + 25) % len(DEVS)]
        repo, number = mine[DEVS[(cycle * 2 + k) % len(DEVS)]]
        server.pulls[(repo, number)].reviews.append(
            (reviewer, "APPROVED", at - timedelta(minutes=1))
        )
        server.pulls[(repo, number)].updated = at - timedelta(minutes=1)


def cycle(
    server: FakeGitHub, clock: FakeClock, store: Path, team: list[Person], now: datetime
) -> Any:
    """Run the provider once at `now`; return its facts."""
    server.reset_counts()
    settings = GitHubSettings(api_url=server.base_url, repos=tuple(REPOS), time_budget=600)
    extra: dict[str, Any] = {}
    if "clock" in inspect.signature(collect_github).parameters:  # older versions have none
        from statusbot.http_cache import Clock

        extra["clock"] = Clock(monotonic=clock.time, wall=clock.time, sleep=clock.sleep)
    return collect_github(settings, tuple(team), TOKEN, DAY, START, END, now, Store(store), **extra)


def peak_per_minute(times: list[float]) -> int:
    """Return the most searches in any 60 seconds."""
    times = sorted(times)
    best, lo = 0, 0
    for hi, moment in enumerate(times):
        while moment - times[lo] >= 60:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


def measure(size: int, per_repo: int) -> dict[str, Any]:
    """Run a cold cycle and the next hour's four for a team of `size`; return the figures."""
    clock = FakeClock()
    fake = FakeGitHub(core_limit=CORE_HOURLY, search_limit=30, search_window=60, clock=clock.time)
    team = [Person(f"Dev {d}", github=d) for d in DEVS[:size]]
    with fake.running() as server, tempfile.TemporaryDirectory() as tmp:
        mine = workload(server, per_repo)
        clock.now += 3600  # the workload's own minute is not the cycle's
        facts = cycle(server, clock, Path(tmp), team, COLD)
        cold = {"search": server.used["search"], "core": server.used["core"]}
        waited = facts.http.waited if hasattr(facts.http, "waited") else 0.0
        authors = {p.author for p in facts.pull_requests if p.updated_at and p.updated_at >= START}
        reviewers = {r.reviewer for r in facts.reviews}
        everyone = authors >= set(DEVS[:size]) and reviewers >= set(DEVS[:size])
        searches, core = [], 0
        for n in range(1, 5):
            now = COLD + n * CYCLE
            clock.now += CYCLE.total_seconds()
            activity(server, mine, n, now)
            later = cycle(server, clock, Path(tmp), team, now)
            searches.append(server.used["search"])
            core += server.used["core"]
            waited += later.http.waited if hasattr(later.http, "waited") else 0.0
            touched = {(repo, n) for repo, n in (mine[d] for d in DEVS[:size])}
            shown = {(p.repo, p.number) for p in later.pull_requests}
            everyone = everyone and touched <= shown and later.stale is None
        return {
            "size": size,
            "cold_searches": cold["search"],
            "warm_searches": max(searches),
            "peak_minute": peak_per_minute(server.search_times),
            "cold_core": cold["core"],
            "hour_core": core,
            "waited": waited,
            "everyone": everyone,
            "stale": facts.stale.reason if facts.stale else "",
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,25,50")
    parser.add_argument("--pulls", type=int, default=40, help="pull requests per repository")
    args = parser.parse_args()
    rows = [measure(int(size), args.pulls) for size in args.sizes.split(",")]
    print(f"workload: {len(REPOS)} repos x {args.pulls} PRs; search limit 30/minute; "
          f"cold start at 09:00, then a cycle every 15 minutes")  # fmt: skip
    print(
        f"{'team':>4} {'searches/cycle':>15} {'peak/min':>9} {'core cold':>10} "
        f"{'core next hour':>15} {'% of 5,000':>10} {'waited s':>9}  all on page"
    )
    for r in rows:
        share = 100 * r["hour_core"] / CORE_HOURLY
        print(
            f"{r['size']:4d} {r['cold_searches']:7d} / {r['warm_searches']:<5d} "
            f"{r['peak_minute']:9d} {r['cold_core']:10d} {r['hour_core']:15d} "
            f"{share:9.1f}% {r['waited']:9.0f}  {'yes' if r['everyone'] else 'NO'}"
            + (f"  ({r['stale'][:100]})" if r["stale"] else "")
        )


if __name__ == "__main__":
    main()
