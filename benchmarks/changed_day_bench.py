"""Time a changed-day `statusbot publish` beside ghp-import's full publish of the same tree.

Builds a source repository and a Pages branch holding a generated archive of N days (365 by
default) that ends yesterday, published once. Then, round by round and side by side: one new
commit in the source repository and a whole `statusbot -q publish` process (collect, compose,
read the summaries it needs, render, commit to the Pages branch), against a whole `ghp-import`
process publishing the branch's tree, as statusbot left it, from a folder onto a branch of its
own (which is what ghp-import always does: it rewrites the whole tree). Prints the medians and
the ratio (goal: at most 1.0x), of wall time and of CPU time (the process and its git
processes: steadier on a shared machine).

Each round also times the floor under any Python publisher built on the design card's packages:
an interpreter that imports click and Jinja2 and does nothing else. The ratio the floor prints
is the lowest statusbot could reach without giving up either package.

Every process runs with its bytecode cached, as an installed package has it (a temporary
PYTHONPYCACHEPREFIX filled by the warm-up runs), even where PYTHONDONTWRITEBYTECODE is set.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from site_bench import facts_of  # noqa: E402

from statusbot import config as config_mod  # noqa: E402
from statusbot.compose import compose  # noqa: E402
from statusbot.gitpages.publish import publish_site  # noqa: E402
from statusbot.history import History  # noqa: E402
from statusbot.render import render_day, site_sources  # noqa: E402
from statusbot.site import render_everything, summarize_day  # noqa: E402
from statusbot.summary import dumps, summary_path  # noqa: E402

IDENTITY = {
    "GIT_AUTHOR_NAME": "Dev One",
    "GIT_AUTHOR_EMAIL": "dev1@example.com",
    "GIT_COMMITTER_NAME": "Dev One",
    "GIT_COMMITTER_EMAIL": "dev1@example.com",
}


def git(repo: Path, *args: str) -> str:
    """Run git in repo and return its stripped stdout."""
    done = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def archive(first: date, days: int, cfg: config_mod.Config) -> dict[str, bytes]:
    """Render `days` generated days from `first` on: pages, summaries, history pages, charts."""
    history = History()
    files: dict[str, str] = dict(site_sources(cfg))
    for n in range(days):
        day = first + timedelta(days=n)
        facts = facts_of(day, n)
        sections, summary = summarize_day(facts, compose(facts), history, set())
        history.days.append(day)
        history.summaries[day.isoformat()] = summary
        files[f"_posts/{day}-daily-status.md"] = render_day(facts, sections)
        files[summary_path(day)] = dumps(summary)
    files.update(render_everything(history))
    return {path: text.encode("utf-8") for path, text in files.items()}


def new_commit(repo: Path, n: int) -> None:
    """Commit one change in the source repository, now."""
    (repo / "work.txt").write_text(f"change {n}\n")
    git(repo, "add", "work.txt")
    git(repo, "commit", "-q", "-m", f"Tidy the parser, step {n}")


def export_tree(repo: Path, branch: str, out: Path) -> int:
    """Write the branch's tree into a fresh folder; return its number of files."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir()
    tar = subprocess.run(["git", "-C", str(repo), "archive", branch], capture_output=True,
                         check=True).stdout  # fmt: skip
    subprocess.run(["tar", "-x", "-C", str(out)], input=tar, check=True)
    return sum(1 for p in out.rglob("*") if p.is_file())


def timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """Return the wall time and the CPU time (its git processes too) of one run of a command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def main() -> None:
    """Build the archive, run both processes round by round and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--no-bytecode-cache", action="store_true", help="compile on every run")
    args = parser.parse_args()
    beside = Path(sys.executable).parent / "ghp-import"  # the script itself, not a pyenv shim
    ghp = str(beside) if beside.is_file() else shutil.which("ghp-import")
    if not ghp:
        sys.exit("needs ghp-import (pip install ghp-import)")
    os.environ.update(IDENTITY)
    env = {**os.environ, "TZ": "UTC", "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory(prefix="changed-day-") as name:
        tmp = Path(name)
        if not args.no_bytecode_cache:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
        repo = tmp / "project"
        repo.mkdir()
        git(repo, "init", "-q", "-b", "main")
        (repo / "statusbot.yml").write_text(
            "timezone: UTC\npeople: [{name: Dev One, emails: [dev1@example.com]}]\n"
            "sources: {git: [.]}\npublish: {repo: ., branch: gh-pages, remote: null}\n"
        )
        git(repo, "add", "statusbot.yml")
        git(repo, "commit", "-q", "-m", "config")
        cfg = config_mod.load(repo / "statusbot.yml", repo)
        today = datetime.now(UTC).date()
        files = archive(today - timedelta(days=args.days), args.days, cfg)
        assert publish_site(repo, files, branch="gh-pages", message="archive").commit
        # ghp-import commits as someone else: its commits on its branch of the same repository
        # are not the day's work (as Dev One, each would be a commit of 800 files on the page).
        peer_env = {**env, **{k: "Peer Publisher" for k in IDENTITY if k.endswith("_NAME")}}
        peer_env.update({k: "peer@example.com" for k in IDENTITY if k.endswith("_EMAIL")})
        ours = [sys.executable, "-m", "statusbot", "-q", "publish"]
        site = tmp / "site"
        theirs = [ghp, "-b", "peer-pages", "-m", "status", str(site)]
        new_commit(repo, 0)
        timed(ours, repo, env)  # warm-up: today's first page, and the bytecode cached
        export_tree(repo, "gh-pages", site)
        timed(theirs, repo, peer_env)
        floor_cmd = [sys.executable, "-c", "import click, jinja2"]
        mine, peer, floor = [], [], []
        count = 0
        for n in range(1, args.runs + 1):
            tip = git(repo, "rev-parse", "gh-pages")
            new_commit(repo, n)
            mine.append(timed(ours, repo, env))
            assert git(repo, "rev-parse", "gh-pages") != tip, "the changed day committed nothing"
            count = export_tree(repo, "gh-pages", site)
            peer.append(timed(theirs, repo, peer_env))
            floor.append(timed(floor_cmd, repo, env))
        print(f"fixture: {args.days}-day archive, {count}-file tree, {args.runs} rounds, medians")
        print(f"{'':36}{'wall':>9} {'CPU':>9}")
        ms = [statistics.median(t[i] for t in mine) * 1000 for i in (0, 1)]
        other = [statistics.median(t[i] for t in peer) * 1000 for i in (0, 1)]
        least = [statistics.median(t[i] for t in floor) * 1000 for i in (0, 1)]
        print(f"statusbot publish (one new commit): {ms[0]:6.1f} ms {ms[1]:6.1f} ms")
        print(f"ghp-import (the whole tree):        {other[0]:6.1f} ms {other[1]:6.1f} ms")
        print(f"floor (python, click, jinja2 only): {least[0]:6.1f} ms {least[1]:6.1f} ms")
        ratios = f"{ms[0] / other[0]:8.2f}x {ms[1] / other[1]:8.2f}x"
        print(f"ratio:                              {ratios}   (goal <= 1.0x)")
        floors = f"{least[0] / other[0]:8.2f}x {least[1] / other[1]:8.2f}x"
        print(f"floor's ratio:                      {floors}   (the least with both imported)")


if __name__ == "__main__":
    main()
