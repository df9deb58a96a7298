"""Measure the GitHub provider's requests and wall time against the loopback GitHub server.

Workload: R repositories x P pull requests (defaults 20 x 200) with check runs, commit statuses,
reviews and deployments, a few of them touched today. For statusbot's collector it measures a
cold cycle (empty store), a warm cycle in which nothing changed, and a cycle in which one pull
request changed; beside it, in the same run, a naive PyGithub collector that lists every repo's
pulls with state=all, filters locally and reads details of the day's PRs (it has no cache, so
every cycle costs the same). Both use per_page=100 and no pause between requests, to compare
the strategies, not PyGithub's defaults. Prints the figures and the ratios.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from github_server import TOKEN, FakeGitHub  # noqa: E402

from statusbot.config import GitHubSettings  # noqa: E402
from statusbot.model import Person  # noqa: E402
from statusbot.providers.github import collect_github  # noqa: E402
from statusbot.store import Store  # noqa: E402

DAY = date(2026, 2, 8)
START = datetime(2026, 2, 8, tzinfo=UTC)
END = START + timedelta(days=1)
NOW = START + timedelta(hours=15)
LOGIN = "dev1"


def workload(server: FakeGitHub, repos: int, pulls: int, touched: int) -> list[str]:
    """Fill the server; return the repository names."""
    names = [f"acme/service-{i:02d}" for i in range(repos)]
    for r, repo in enumerate(names):
        server.add_repo(repo)
        for n in range(1, pulls + 1):
            age = timedelta(days=2 + (n * 7 + r) % 120, hours=n % 24)
            created = START - age
            mine = n % 3 == 0
            merged = created + timedelta(hours=20) if n % 4 else None
            server.add_pull(
                repo,
                n,
                title=f"Change {n} of {repo}",
                author=LOGIN if mine else f"peer{n % 5}",
                created=created,
                updated=(merged or created) + timedelta(hours=1),
                state="closed" if merged else "open",
                merged=merged,
                commits=1 + n % 9,
                checks=[("test", "completed", "success"), ("lint", "completed", "success")],
                statuses=[("ci/jenkins", "success")],
                reviews=[(f"peer{n % 5}", "APPROVED", created + timedelta(hours=3))],
            )
        for d in range(30):
            when = START - timedelta(days=30 - d)
            server.add_deploy(
                repo, "staging", f"{d:07x}" + "0" * 33, creator=LOGIN, created=when,
                statuses=[("success", when)],
            )  # fmt: skip
    # The day: a few of the person's PRs touched, reviews given, two deployments.
    for i in range(touched):
        repo = names[i % repos]
        number = 3 * (i + 1)
        server.touch(repo, number, START + timedelta(hours=9 + i % 6), state="open", merged=None)
        if i == 0:
            server.pulls[(repo, number)].created = START + timedelta(hours=8)
    for i in range(3):
        pull = server.pulls[(names[i], 1 + 3 * i)]
        pull.reviews.append((LOGIN, "APPROVED", START + timedelta(hours=11)))
        pull.updated = START + timedelta(hours=11)
    for repo, state in ((names[0], "success"), (names[1], "failure")):
        when = START + timedelta(hours=14)
        server.add_deploy(repo, "production", "f" * 40, creator=LOGIN, created=when,
                          statuses=[(state, when)])  # fmt: skip
    return names


def statusbot_cycle(server: FakeGitHub, store: Path, repos: list[str]) -> dict[str, float]:
    """Run statusbot's collector once; return its cost."""
    server.reset_counts()
    settings = GitHubSettings(api_url=server.base_url, repos=tuple(repos), time_budget=600)
    started = time.perf_counter()
    facts = collect_github(
        settings, (Person("Dev", github=LOGIN),), TOKEN, DAY, START, END, NOW, Store(store)
    )
    seconds = time.perf_counter() - started
    assert facts.stale is None, facts.stale
    today = [p for p in facts.pull_requests if p.updated_at and START <= p.updated_at < END]
    return cost(server, seconds, len(today) + len({(r.repo, r.number) for r in facts.reviews}))


def naive_cycle(server: FakeGitHub, repos: list[str]) -> dict[str, float]:
    """List each repo's pulls (state=all), keep the day's, read their details as a script would."""
    from github import Auth, Github

    server.reset_counts()
    started = time.perf_counter()
    gh = Github(
        auth=Auth.Token(TOKEN),
        base_url=server.base_url,
        per_page=100,
        seconds_between_requests=None,
        retry=None,
    )
    found = 0
    for name in repos:
        repo = gh.get_repo(name)
        for pull in repo.get_pulls(state="all"):
            if not START <= pull.updated_at < END:
                continue
            reviews = list(pull.get_reviews())
            if pull.user.login != LOGIN:
                found += any(r.user.login == LOGIN for r in reviews)
                continue
            found += 1
            _ = (pull.commits, pull.additions, pull.deletions, pull.merged)  # completes: one GET
            commit = repo.get_commit(pull.head.sha)
            _ = [c.conclusion for c in commit.get_check_runs()]
            _ = commit.get_combined_status().state
        for deployment in repo.get_deployments():
            if deployment.created_at < START:
                break
            _ = [s.state for s in deployment.get_statuses()][:1]
    seconds = time.perf_counter() - started
    return cost(server, seconds, found)


def cost(server: FakeGitHub, seconds: float, found: int) -> dict[str, float]:
    return {
        "requests": sum(server.hits.values()),
        "rate_limited": server.used["core"] + server.used["search"],
        "core": server.used["core"],
        "search": server.used["search"],
        "not_modified": server.not_modified,
        "kilobytes": server.bytes_sent / 1000,
        "seconds": seconds,
        "found": found,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repos", type=int, default=20)
    parser.add_argument("--pulls", type=int, default=200)
    parser.add_argument("--touched", type=int, default=6, help="the person's PRs touched today")
    args = parser.parse_args()

    fake = FakeGitHub(core_limit=10**6, search_limit=10**6)
    with fake.running() as server, tempfile.TemporaryDirectory() as tmp:
        repos = workload(server, args.repos, args.pulls, args.touched)
        store = Path(tmp)
        rows = [("statusbot cold", statusbot_cycle(server, store, repos))]
        rows.append(("statusbot warm, no change", statusbot_cycle(server, store, repos)))
        pull = server.pulls[(repos[0], 3)]
        server.touch(repos[0], 3, START + timedelta(hours=15), commits=pull.commits + 1)
        pull.checks = [("test", "completed", "failure"), ("lint", "completed", "success")]
        rows.append(("statusbot one PR changed", statusbot_cycle(server, store, repos)))
        rows.append(("naive PyGithub (any cycle)", naive_cycle(server, repos)))

    touched = f"{args.touched} of the person's touched today"
    print(f"workload: {args.repos} repos x {args.pulls} PRs, {touched}")
    header = f"{'cycle':30} {'requests':>9} {'rate-ltd':>9} {'core':>6} {'search':>7} {'304s':>6}"
    print(header + f" {'kB':>7} {'seconds':>8} {'found':>5}")
    for name, c in rows:
        print(
            f"{name:30} {c['requests']:9.0f} {c['rate_limited']:9.0f} {c['core']:6.0f} "
            f"{c['search']:7.0f} {c['not_modified']:6.0f} {c['kilobytes']:7.0f} "
            f"{c['seconds']:8.3f} {c['found']:5.0f}"
        )
    naive = rows[-1][1]
    print("ratios, naive / statusbot (rate-limited requests; wall time):")
    for name, c in rows[:-1]:
        limited = naive["rate_limited"] / max(c["rate_limited"], 1)
        print(f"  {name:28} {limited:8.1f}x   {naive['seconds'] / c['seconds']:6.1f}x")
    per_hour = rows[1][1]["rate_limited"] * 4
    print(f"warm cycles every 15 minutes: {per_hour:.0f} search requests an hour, 0 core")


if __name__ == "__main__":
    main()
