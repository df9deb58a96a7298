"""Time a `statusbot publish` that finds nothing new, beside `git log` (the floor) and git-standup.

Builds N repositories with M commits each over 60 days in a temp folder, publishes once, then
times repeated no-change cycles, and prints the medians and ratios.
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


def git(repo: Path, *args: str, env: dict[str, str] | None = None, stdin: str | None = None) -> str:
    """Run git and return stdout."""
    done = subprocess.run(
        ["git", "-C", str(repo), *args],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        input=stdin,
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
        when = int(
            (now - timedelta(minutes=int(60 * 24 * 60 * (commits - i) / commits))).timestamp()
        )
        data = f"change {i}\n"
        msg = f"Change number {i}\n"
        stream.append(
            f"commit refs/heads/main\nauthor Dev One <{EMAIL}> {when} +0000\n"
            f"committer Dev One <{EMAIL}> {when} +0000\ndata {len(msg)}\n{msg}"
            f"M 644 inline file{i % 50}.txt\ndata {len(data)}\n{data}\n"
        )
    git(path, "fast-import", "--quiet", stdin="".join(stream))
    git(path, "reset", "-q", "--hard", "main")


def timed(cmd: list[str], cwd: Path, runs: int, env: dict[str, str]) -> float:
    """Return the median wall time of a command over `runs` runs."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    """Build the fixture, run each tool and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repos", type=int, default=5)
    parser.add_argument("--commits", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    statusbot = shutil.which("statusbot") or str(Path(sys.executable).parent / "statusbot")
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        names = [f"repo{i}" for i in range(args.repos)]
        for name in names:
            make_repo(root / name, args.commits, now)
        (root / "statusbot.yml").write_text(
            "timezone: UTC\npeople: [{name: Dev One, emails: [" + EMAIL + "]}]\n"
            f"sources: {{git: [{', '.join(names)}]}}\n"
            "publish: {repo: repo0, remote: null}\n"
        )
        env = {**os.environ, "TZ": "UTC"}
        subprocess.run([statusbot, "publish"], cwd=root, check=True, capture_output=True, env=env)
        ours = timed([statusbot, "-q", "publish"], root, args.runs, env)
        since = (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        floor_cmd = [
            "sh",
            "-c",
            " && ".join(
                f"git -C {n} log --all --since={since} --author={EMAIL} --format=%H%s >/dev/null"
                for n in names
            ),
        ]
        floor = timed(floor_cmd, root, args.runs, env)
        print(f"fixture: {args.repos} repos x {args.commits} commits, {args.runs} runs, medians")
        print(f"statusbot publish (no change): {ours * 1000:8.1f} ms")
        print(f"git log over the same repos:   {floor * 1000:8.1f} ms   ratio {ours / floor:5.1f}x")
        standup = shutil.which("git-standup")
        if standup:
            cmd = [
                "sh",
                "-c",
                " && ".join(f"(cd {n} && git-standup -d 1 >/dev/null)" for n in names),
            ]
            peer = timed(cmd, root, args.runs, env)
            print(
                f"git-standup over the same:     {peer * 1000:8.1f} ms   ratio {ours / peer:5.2f}x"
            )
        else:
            print("git-standup: not installed (npm install -g git-standup to compare)")


if __name__ == "__main__":
    main()
