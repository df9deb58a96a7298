"""Time a no-change `statusbot publish` beside git-standup + ghp-import over the same repositories.

Builds N repositories with M commits each over 60 days in a temp folder, publishes once, then
times, round by round and side by side, a `statusbot publish` that finds nothing new and the
peer cycle: `git-standup` over the folder of repositories plus `ghp-import` of the same site tree
into the same Pages repository (on a branch of its own, so it does not move ours; the Pages
repository is not a source, as ghp-import's commits would be the day's news). Prints the
medians and the ratio (goal: at most 0.6x).

Every process runs with its bytecode cached, as an installed package has it: a temporary
PYTHONPYCACHEPREFIX (filled by the warm-up runs) even where PYTHONDONTWRITEBYTECODE is set, so
statusbot doesn't compile its modules on every run while ghp-import, click and yaml load from the
.pyc files pip wrote (`--no-bytecode-cache` measures the other way).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

EMAIL = "dev1@example.com"
ROOT = Path(__file__).resolve().parent.parent


def git(repo: Path, *args: str, stdin: str | None = None) -> str:
    """Run git and return stdout."""
    done = subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, input=stdin
    )
    return done.stdout


def make_repo(path: Path, commits: int, now: datetime) -> None:
    """Create a repo with `commits` commits spread over 60 days, via fast-import (quick)."""
    path.mkdir(parents=True)
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.name", "Dev One")
    git(path, "config", "user.email", EMAIL)
    stream = []
    for i in range(commits):
        minutes = int(60 * 24 * 60 * (commits - i) / commits)
        when = int((now - timedelta(minutes=minutes)).timestamp())
        data, msg = f"change {i}\n", f"Change number {i}\n"
        stream.append(
            f"commit refs/heads/main\nauthor Dev One <{EMAIL}> {when} +0000\n"
            f"committer Dev One <{EMAIL}> {when} +0000\ndata {len(msg)}\n{msg}"
            f"M 644 inline file{i % 50}.txt\ndata {len(data)}\n{data}\n"
        )
    git(path, "fast-import", "--quiet", stdin="".join(stream))
    git(path, "reset", "-q", "--hard", "main")


def run(cmd: list[str], cwd: Path, env: dict[str, str]) -> float:
    """Return the wall time of one run of a command (which must succeed)."""
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, env=env)
    return time.perf_counter() - start


def main() -> None:
    """Build the fixture, run both cycles round by round and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repos", type=int, default=20)
    parser.add_argument("--commits", type=int, default=500)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--no-bytecode-cache", action="store_true", help="compile on every run")
    args = parser.parse_args()
    beside = Path(sys.executable).parent / "ghp-import"  # the script itself, not a pyenv shim
    standup = shutil.which("git-standup")
    ghp = str(beside) if beside.is_file() else shutil.which("ghp-import")
    if not standup or not ghp:
        sys.exit("needs git-standup (npm install -g git-standup) and ghp-import (pip install)")
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        names = [f"repo{i}" for i in range(args.repos)]
        for name in names:
            make_repo(root / name, args.commits, now)
        make_repo(root / "pages", 1, now)  # the Pages repo, not a source (ghp-import commits)
        (root / "statusbot.yml").write_text(
            "timezone: UTC\npeople: [{name: Dev One, emails: [" + EMAIL + "]}]\n"
            f"sources: {{git: [{', '.join(names)}]}}\n"
            "publish: {repo: pages, remote: null}\n"
        )
        env = {**os.environ, "TZ": "UTC", "PYTHONPATH": str(ROOT)}
        if not args.no_bytecode_cache:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(root / "pycache")
        ours = [sys.executable, "-m", "statusbot", "-q", "publish"]
        subprocess.run(ours, cwd=root, check=True, capture_output=True, env=env)
        site = root / "site-tree"
        render = [sys.executable, "-m", "statusbot", "-q", "render", "--out", str(site)]
        subprocess.run(render, cwd=root, check=True, capture_output=True, env=env)
        tip = git(root / "pages", "rev-parse", "gh-pages")
        standup_cmd = [standup, "-s", "-m", "1", "-d", "1", "-a", "Dev One"]
        ghp_cmd = [ghp, "-b", "peer-pages", "-m", "status", str(site)]
        run(ghp_cmd, root / "pages", env)  # a warm-up: ghp-import's bytecode cached too
        mine, peers, parts = [], [], {"git-standup": [], "ghp-import": []}
        for _ in range(args.runs):
            mine.append(run(ours, root, env))
            a = run(standup_cmd, root, env)
            b = run(ghp_cmd, root / "pages", env)
            parts["git-standup"].append(a)
            parts["ghp-import"].append(b)
            peers.append(a + b)
        assert git(root / "pages", "rev-parse", "gh-pages") == tip, "a no-change run committed"
        ms = statistics.median(mine) * 1000
        peer = statistics.median(peers) * 1000
        files = sum(1 for p in site.rglob("*") if p.is_file())
        print(f"fixture: {args.repos} repos x {args.commits} commits, {files}-file site, "
              f"{args.runs} rounds, medians")  # fmt: skip
        print(f"statusbot publish (no change):  {ms:8.1f} ms")
        for name, times in parts.items():
            print(f"{name + ':':31} {statistics.median(times) * 1000:8.1f} ms")
        print(f"git-standup + ghp-import:       {peer:8.1f} ms")
        print(f"ratio:                          {ms / peer:8.2f}x   (goal <= 0.6x)")


if __name__ == "__main__":
    main()
