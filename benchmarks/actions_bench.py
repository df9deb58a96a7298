"""Measure what the GitHub Actions workflow's runs spend of GITHUB_TOKEN's 1,000 requests an hour.

The workflow `statusbot init --github-actions` writes is read, and its Publish step's script is run
with bash in a fresh clone of a bare origin per run, as a runner would (statusbot from this
checkout; the loopback GitHub of the tests, loaded with benchmarks/github_bench.py's 20 x 200
workload). Its cache steps are played by copying the store folder between runs (`--no-cache`:
every run starts cold, as with an evicted cache). The script's `statusbot publish` is given
`--date` of the workload's day. Prints each run's core and search requests, and the hour's at
four runs an hour.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from github_bench import DAY, LOGIN, workload  # noqa: E402
from github_server import TOKEN, FakeGitHub  # noqa: E402

from statusbot.commands.actions import workflow_text  # noqa: E402

SPEC = "statusbot[github] @ git+https://github.com/acme/statusbot@0123abc"  # not installed here
LIMIT = 1000  # GITHUB_TOKEN's REST requests an hour per repository


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Dev", "GIT_AUTHOR_EMAIL": "dev@example.com",
           "GIT_COMMITTER_NAME": "Dev", "GIT_COMMITTER_EMAIL": "dev@example.com"}  # fmt: skip
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"git {' '.join(args)}: {done.stderr}")
    return done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--touched", type=int, default=6, help="the person's PRs touched today")
    parser.add_argument("--no-cache", action="store_true", help="no cache between runs")
    args = parser.parse_args()

    flow = yaml.safe_load(workflow_text(SPEC))
    steps = flow["jobs"]["publish"]["steps"]
    (publish,) = [s for s in steps if s.get("name") == "Publish"]
    (restore,) = [s for s in steps if s.get("name") == "Restore the local store"]
    script = publish["run"].replace("statusbot publish", f"statusbot --date {DAY} publish")
    with FakeGitHub(core_limit=10**6, search_limit=10**6).running() as server, \
            tempfile.TemporaryDirectory() as tmp:  # fmt: skip
        root = Path(tmp)
        repos = workload(server, 20, 200, args.touched)
        seed = root / "seed"
        seed.mkdir()
        git(seed, "init", "-q", "-b", "main")
        (seed / "statusbot.yml").write_text(
            f"timezone: UTC\npeople:\n  - name: Dev\n    github: {LOGIN}\n"
            f"    emails: [dev@example.com]\ngithub:\n  repos: [{', '.join(repos)}]\n"
            "  time_budget: 600\n"
        )
        git(seed, "add", "-A")
        git(seed, "commit", "-q", "-m", "Add statusbot.yml")
        origin = root / "origin.git"
        git(root, "init", "-q", "--bare", "-b", "main", str(origin))
        git(seed, "push", "-q", str(origin), "main")
        cache = root / "actions-cache"
        env = {**os.environ, "GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": server.base_url,
               "CI": "true", "PYTHONPATH": str(ROOT)}  # fmt: skip
        rows = []
        for run in range(args.runs):
            checkout = root / f"runner-{run}" / "project"
            git(root, "clone", "-q", str(origin), str(checkout))
            if cache.exists() and not args.no_cache:
                shutil.copytree(cache, checkout / restore["with"]["path"])
            server.reset_counts()
            done = subprocess.run(["bash", "-e", "-c", script], cwd=checkout, env=env,
                                  capture_output=True, text=True)  # fmt: skip
            if done.returncode:
                raise SystemExit(f"run {run + 1} failed: {done.stdout}{done.stderr}")
            rows.append((dict(server.used), server.not_modified, done.stdout.strip()))
            shutil.rmtree(cache, ignore_errors=True)
            shutil.copytree(checkout / restore["with"]["path"], cache)
        page = git(origin, "show", f"gh-pages:_posts/{DAY}-daily-status.md")
        linked = len(set(re.findall(r"/pull/\d+\)", page)))

    cached = "no cache (every run cold)" if args.no_cache else "actions/cache between runs"
    print(f"workload: 20 repos x 200 PRs, {args.touched} touched today; {cached}")
    print(f"{'run':>4} {'core':>6} {'search':>7} {'304s':>6}")
    for n, (used, not_modified, _out) in enumerate(rows, 1):
        print(f"{n:4} {used.get('core', 0):6} {used.get('search', 0):7} {not_modified:6}")
    print(f"pull requests linked on the published page: {linked}")
    last = rows[-1][0]
    hour = 4 * last.get("core", 0)
    print(f"four runs an hour like the last: {hour} core of {LIMIT:,} ({hour / LIMIT:.1%}), "
          f"{4 * last.get('search', 0)} searches")  # fmt: skip


if __name__ == "__main__":
    main()
