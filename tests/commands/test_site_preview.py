"""`statusbot preview` as a person runs it: a real process building with jekyll and serving."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import commit, git, make_repo
from sitebuild import tool

DAY = "2026-02-08"


def start(repo: Path, env: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    """Start the preview on a free port; return the process and its URL."""
    code = "from statusbot.cli import main; main()"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "--date", DAY, "preview", "--port", "0"],
        cwd=repo, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert proc.stdout is not None
    line = proc.stdout.readline()  # blocks until the site is built and served
    match = re.search(r"http://127\.0\.0\.1:\d+/", line)
    if not match:
        proc.kill()
        pytest.fail(f"no preview address: {line!r} {proc.communicate()[1][-2000:]}")
    return proc, match.group(0)


def stop(proc: subprocess.Popen[str]) -> str:
    """Stop the preview as Ctrl-C would; return its remaining output."""
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    return out + err


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:  # 127.0.0.1 only
        return response.read().decode("utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = make_repo(tmp_path / "project")
    commit(repo, "Add the {{ parser }}", datetime(2026, 2, 8, 9, tzinfo=UTC))
    return repo


def test_preview_builds_with_jekyll_and_serves_the_unpublished_day(repo, tmp_path):
    tool("jekyll")
    env = {**os.environ, "HOME": str(tmp_path), "GIT_CONFIG_NOSYSTEM": "1"}
    tip_before = git(repo, "for-each-ref", "refs/heads")
    proc, url = start(repo, env)
    try:
        day = get(f"{url}days/{DAY}/")
        index = get(url)
    finally:
        output = stop(proc)
    assert "<h1" in day and f"Daily Status - {DAY}" in day
    assert "Added the {{ parser }}" in day.replace("&#123;", "{").replace("&#125;", "}")
    assert "This week: " in index and "assets/charts/commits-30.svg" in index
    assert "preview stopped" in output
    assert git(repo, "for-each-ref", "refs/heads") == tip_before  # nothing was published


def test_preview_without_jekyll_serves_the_sources(repo, tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    git_path = tool("git")
    (bin_dir / "git").symlink_to(git_path)
    env = {**os.environ, "HOME": str(tmp_path), "PATH": str(bin_dir), "GIT_CONFIG_NOSYSTEM": "1"}
    proc, url = start(repo, env)
    try:
        page = get(f"{url}_posts/{DAY}-daily-status.md")
    finally:
        output = stop(proc)
    assert page.startswith("---\nlayout: default\n")
    assert "jekyll is not installed" in output
