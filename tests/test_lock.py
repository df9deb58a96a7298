"""One run at a time; a run killed anywhere leaves site and store whole (real processes)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import git, project_layout

from statusbot.checkpoint import POINTS
from statusbot.lock import run_lock

DAY = "2026-02-08"
PAGE = f"_posts/{DAY}-daily-status.md"
MAIN = "from statusbot.cli import main; main()"


def project(tmp_path: Path, lock_wait: float = 0.3) -> Path:
    """A source repo, a Pages repo with a bare remote, and a config naming them."""
    work = ("Build the lock", datetime(2026, 2, 8, 9, 0, tzinfo=UTC))
    return project_layout(tmp_path, publish=f"  lock_wait: {lock_wait}\n", work=work)


def start(root: Path, pause_at: str | None = None, seconds: float = 60) -> subprocess.Popen:
    """Start `statusbot publish` as a real process, optionally pausing at a checkpoint."""
    env = {**os.environ, "STATUSBOT_PAUSE_FILE": str(root / "paused")}
    if pause_at:
        env |= {"STATUSBOT_PAUSE_AT": pause_at, "STATUSBOT_PAUSE_SECONDS": str(seconds)}
    return subprocess.Popen(
        [sys.executable, "-c", MAIN, "--date", DAY, "publish"],
        cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def wait_paused(root: Path, proc: subprocess.Popen, point: str) -> None:
    """Wait until the process reports it reached `point`."""
    marker = root / "paused"
    for _ in range(600):
        if marker.exists() and marker.read_text() == point:
            return
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    raise AssertionError(f"never reached {point}")


def publish(root: Path) -> subprocess.CompletedProcess[str]:
    proc = start(root)
    out, err = proc.communicate(timeout=60)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def test_second_run_waits_briefly_then_exits_0_with_one_line(tmp_path):
    root = project(tmp_path)
    first = start(root, "locked")
    wait_paused(root, first, "locked")

    second = publish(root)

    assert second.returncode == 0, second.stderr
    lines = second.stdout.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("another statusbot run holds the lock ")
    assert f"(pid {first.pid})" in lines[0]
    assert git(root / "site", "branch", "--list", "gh-pages") == ""  # it did nothing
    first.kill()
    first.wait()


def test_a_killed_run_leaves_no_stale_lock(tmp_path):
    root = project(tmp_path)
    first = start(root, "locked")
    wait_paused(root, first, "locked")
    first.send_signal(signal.SIGKILL)
    first.wait()

    after = publish(root)

    assert after.returncode == 0, after.stderr
    assert "committed" in after.stdout and "pushed gh-pages to origin" in after.stdout


def test_a_waiting_run_gets_the_lock_when_the_holder_finishes(tmp_path):
    root = project(tmp_path, lock_wait=30)
    first = start(root, "locked", seconds=0.5)
    wait_paused(root, first, "locked")
    second = publish(root)
    first.communicate(timeout=60)
    assert first.returncode == 0
    assert second.returncode == 0, second.stderr
    assert "holds the lock" not in second.stdout
    assert "no change" in second.stdout  # the first had published it


def test_lock_in_process_is_exclusive_and_released(tmp_path):
    with run_lock(tmp_path, 0) as first:
        assert first.held
        with run_lock(tmp_path, 0.2) as second:
            assert not second.held and second.holder == str(os.getpid())
    with run_lock(tmp_path, 0) as third:
        assert third.held


def consistent(root: Path) -> None:
    """Assert the Pages repo, the remote and the store are each whole."""
    site = root / "site"
    git(site, "fsck", "--no-progress", "--connectivity-only")
    store = site / ".git" / "statusbot"
    for doc in store.glob("*.json"):
        assert isinstance(json.loads(doc.read_text()), dict), doc
    temps = [p for p in store.glob(".*.json.*") if p.suffix != ".lock"]
    assert not temps, "a temp file of an atomic write was left"
    if git(site, "branch", "--list", "gh-pages"):
        page = git(site, "show", f"gh-pages:{PAGE}")
        assert page.startswith("---\n") and "## Key Effort" in page


@pytest.mark.parametrize("point", [p for p in POINTS if p != "pushed"] + ["pushed"])
def test_a_run_killed_at_any_point_is_completed_by_the_next(tmp_path, point):
    root = project(tmp_path)
    victim = start(root, point)
    wait_paused(root, victim, point)
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    consistent(root)

    after = publish(root)
    again = publish(root)

    assert after.returncode == 0, after.stderr
    consistent(root)
    site, origin = root / "site", root / "origin.git"
    assert git(origin, "rev-parse", "gh-pages") == git(site, "rev-parse", "gh-pages")
    assert "Built the lock" in git(origin, "show", f"gh-pages:{PAGE}")
    assert git(site, "rev-list", "--count", "gh-pages") == "1"  # no duplicate commit
    assert again.returncode == 0 and "no change" in again.stdout
    history = json.loads((site / ".git" / "statusbot" / "runs.json").read_text())
    assert history["last_success"]["pushed"] in (True, False)
    assert history["last_run"]["ok"] is True
