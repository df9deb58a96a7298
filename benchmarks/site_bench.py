"""Render and publish a generated 3-year archive (1,100 days), then one more day, then no change.

Run from a checkout with the project's venv: ``python benchmarks/site_bench.py``.
Side by side, ghp-import (the dev extra) publishes the same site tree from a folder. The
"one more day" run of statusbot is the real `statusbot.run.publish` (collect from git, compose, read
the summaries it needs from the Pages branch, render, publish); it is repeated on a 110-day
archive to show that its cost does not grow with the archive.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from statusbot import config as config_mod
from statusbot.compose import compose
from statusbot.gitpages.publish import publish_site
from statusbot.gitpages.tree import list_files
from statusbot.history import History
from statusbot.model import Commit, CoverageReport, Deployment, Facts, Note, Person, TestSuiteResult
from statusbot.render import render_day, site_sources
from statusbot.run.publish import commit_message
from statusbot.run.render import site_for_day
from statusbot.run.workspace import open_workspace, store_for
from statusbot.site import render_everything, summarize_day
from statusbot.summary import dumps, summary_path

try:
    import ghp_import
except ImportError:  # optional: only the comparison needs it
    ghp_import = None

FIRST = date(2023, 1, 1)
BRANCH = "gh-pages"
PERSON = Person(name="Dev One", emails=("dev1@example.com",))
IDENTITY = {
    "GIT_AUTHOR_NAME": "Dev One",
    "GIT_AUTHOR_EMAIL": "dev1@example.com",
    "GIT_COMMITTER_NAME": "Dev One",
    "GIT_COMMITTER_EMAIL": "dev1@example.com",
}


def facts_of(day: date, n: int) -> Facts:
    """Return a generated, plausible day of work."""
    at = datetime(day.year, day.month, day.day, 10, tzinfo=UTC)
    commits = tuple(
        Commit("app", f"{n:020x}{i:020x}", f"Change {i}: tidy module {n % 17}", *PERSON_ID, at,
               (f"feature/{n % 5}",))
        for i in range(n % 6)
    ) + tuple(
        Commit("app", f"{n:020x}{99:020x}", f"Merge pull request #{n} from dev/x", *PERSON_ID,
               at, ("main",), is_merge=True)
        for _ in range(n % 3 == 0)
    )  # fmt: skip
    notes = (Note(f"Reviewed the plan for item {n}", at, day),)
    if n % 50 == 0:
        notes += (Note(f"Risk {n}: the provider may time out", at, day, risk="critical"),)
    deploys = tuple(
        Deployment(env, f"v1.{n}", "success" if n % 13 else "failure", at)
        for env in ("staging", "prod")[: n % 3]
    )
    tests = (TestSuiteResult("E2E", "e2e.xml", 40, 40 - n % 4, n % 4, 0, 0),)
    coverage = (CoverageReport("coverage.xml", "cobertura", 600 + n % 300, 1000),)
    return Facts(day, "UTC", (PERSON,), commits, tests, coverage, (), deploys, notes)


PERSON_ID = ("Dev One", "dev1@example.com")


def render_archive(days: int, cfg: config_mod.Config) -> dict[str, bytes]:
    """Render a whole archive of `days` days in one go: pages, summaries, history, charts."""
    history = History()
    files: dict[str, str] = dict(site_sources(cfg))
    for n in range(days):
        day = FIRST + timedelta(days=n)
        facts = facts_of(day, n)
        sections, summary = summarize_day(facts, compose(facts), history, set())
        history.days.append(day)
        history.summaries[day.isoformat()] = summary
        files[f"_posts/{day}-daily-status.md"] = render_day(facts, sections)
        files[summary_path(day)] = dumps(summary)
    files.update(render_everything(history))
    return {path: text.encode("utf-8") for path, text in files.items()}


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                          check=True)  # fmt: skip
    return done.stdout.strip()


def new_repo(path: Path) -> Path:
    """Create a source-and-Pages repository with a config publishing to its gh-pages."""
    path.mkdir(parents=True)
    git(path, "init", "-q", "-b", "main")
    (path / "statusbot.yml").write_text(
        "timezone: UTC\npeople: [{name: Dev One, emails: [dev1@example.com]}]\n"
        "sources: {git: [.], junit: [none.xml], coverage: [none.xml]}\n"
        "publish: {repo: ., branch: gh-pages, remote: null}\n"
    )
    git(path, "add", "statusbot.yml")
    git(path, "commit", "-q", "-m", "config")
    return path


def timed(action: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def write_tree(root: Path, files: dict[str, bytes]) -> None:
    if root.exists():
        shutil.rmtree(root)
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def ghp(repo: Path, src: Path, message: str) -> None:
    before = Path.cwd()
    os.chdir(repo)
    try:
        ghp_import.ghp_import(str(src), mesg=message, branch=BRANCH)
    finally:
        os.chdir(before)


def commit_work(repo: Path, day: date) -> None:
    """Commit one change authored on `day`."""
    stamp = datetime(day.year, day.month, day.day, 9, tzinfo=UTC).isoformat()
    (repo / "work.txt").write_text(stamp)
    git(repo, "add", "work.txt")
    env = {**os.environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
    cmd = ["git", "-C", str(repo), "commit", "-q", "-m", f"Work of {day}"]
    subprocess.run(cmd, check=True, env=env)


def publish_day(cfg: config_mod.Config, day: date) -> tuple[float, float, object]:
    """Run the real cycle for `day` in two timed phases: collect+render, then publish."""
    store = store_for(cfg)
    render_s, (facts, _sections, files) = timed(
        lambda: site_for_day(open_workspace(cfg, datetime.now(UTC), store), day)
    )
    data = {path: text.encode("utf-8") for path, text in files.items()}
    message = commit_message(facts)
    publish_s, result = timed(
        lambda: publish_site(cfg.publish.repo, data, branch=BRANCH, message=message)
    )
    return render_s, publish_s, result


def one_more_day(repo: Path, cfg: config_mod.Config, first: date, repeat: int) -> dict[str, float]:
    """Return the median phase times of `repeat` more days, and of a no-change rerun."""
    runs = []
    for n in range(repeat):
        day = first + timedelta(days=n)
        commit_work(repo, day)
        render_s, publish_s, result = publish_day(cfg, day)
        assert result.commit is not None
        again = publish_day(cfg, day)
        assert again[2].commit is None
        runs.append((render_s, publish_s, again[0], again[1]))
    keys = ("more render", "more publish", "same render", "same publish")
    return {k: statistics.median(r[i] for r in runs) for i, k in enumerate(keys)}


def run_size(
    tmp: Path, days: int, with_ghp: bool, repeat: int
) -> dict[str, tuple[float, float | None]]:
    """Return {case: (statusbot s, ghp-import s or None)} for an archive of `days` days."""
    repo = new_repo(tmp / f"repo-{days}")
    cfg = config_mod.load(repo / "statusbot.yml", repo)
    results: dict[str, tuple[float, float | None]] = {}
    render_s, files = timed(lambda: render_archive(days, cfg))
    publish_s, result = timed(lambda: publish_site(repo, files, message="archive"))
    assert result.commit is not None and len(list_files(repo, BRANCH)) == len(files)
    more = one_more_day(repo, cfg, FIRST + timedelta(days=days), repeat)

    theirs: list[float | None] = [None, None, None]
    if with_ghp:
        other = new_repo(tmp / f"ghp-{days}")
        src = tmp / f"src-{days}"
        write_tree(src, files)
        theirs[0], _ = timed(lambda: ghp(other, src, "archive"))
        # The same tree plus the days statusbot added, as it published them.
        changed = git(repo, "diff", "--name-only", f"{BRANCH}~{repeat}", BRANCH)
        for path in changed.split():
            target = src / path
            target.parent.mkdir(parents=True, exist_ok=True)
            show = ["git", "-C", str(repo), "show", f"{BRANCH}:{path}"]
            target.write_bytes(subprocess.run(show, capture_output=True, check=True).stdout)
        theirs[1], _ = timed(lambda: ghp(other, src, "more days"))
        theirs[2], _ = timed(lambda: ghp(other, src, "no change"))
    results[f"full run: render {days} days"] = (render_s, None)
    results[f"full run: publish {len(files)} files"] = (publish_s, theirs[0])
    results["one more day: collect+render"] = (more["more render"], None)
    results["one more day: publish"] = (more["more publish"], theirs[1])
    results["no-change run: collect+render"] = (more["same render"], None)
    results["no-change run: publish"] = (more["same publish"], theirs[2])
    return results


def main() -> None:
    """Run the cases and print times and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=1100)
    parser.add_argument("--small", type=int, default=110, help="the smaller archive to compare")
    parser.add_argument("--repeat", type=int, default=5, help="more days to add (median shown)")
    args = parser.parse_args()
    os.environ.update(IDENTITY)
    with tempfile.TemporaryDirectory(prefix="site-bench-") as name:
        tmp = Path(name)
        big = run_size(tmp, args.days, ghp_import is not None, args.repeat)
        small = run_size(tmp, args.small, False, args.repeat)
    if ghp_import is None:
        print("ghp-import is not installed (pip install ghp-import): statusbot only")
    print(f"{'case':44} {'statusbot':>10} {'ghp-import':>11} {'ratio':>7}")
    for case, (ours, theirs) in big.items():
        other = f"{theirs:10.3f}s" if theirs is not None else f"{'':>11}"
        ratio = f"{theirs / ours:6.1f}x" if theirs else ""
        print(f"{case:44} {ours:9.3f}s {other} {ratio:>7}")

    def more(results: dict[str, tuple[float, float | None]]) -> float:
        return sum(results[f"one more day: {p}"][0] for p in ("collect+render", "publish"))

    print(
        f"one more day, all phases: {more(small):.3f}s on {args.small} days, "
        f"{more(big):.3f}s on {args.days} days (x{more(big) / more(small):.2f} for "
        f"{args.days / args.small:.0f}x the archive)"
    )


if __name__ == "__main__":
    main()
