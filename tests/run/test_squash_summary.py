"""After a squash, the summary line and the run record name the commit the branch holds."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner
from conftest import commit, git, project_layout
from freezegun import freeze_time

from statusbot.cli import cli

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def publish_at(root: Path, when: datetime) -> str:
    """Run `statusbot publish` at a simulated time (git's dates too); return its output."""
    stamp = when.isoformat()
    env = {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
    with freeze_time(when):
        result = CliRunner().invoke(
            cli, ["--config", str(root / "statusbot.yml"), "publish"], env=env
        )
    assert result.exit_code == 0, result.output
    return result.output


def test_the_summary_and_run_record_name_the_commit_left_after_a_squash(tmp_path: Path) -> None:
    root = project_layout(
        tmp_path,
        sources="  junit: []\n  coverage: []\n",
        publish="  remote: origin\n  squash_after_days: 2\n",
        work=("Day one work", START),
        site_at=START - timedelta(days=30),
    )
    squashes = 0
    for n in range(7):
        when = START + timedelta(days=n, hours=1)
        commit(root / "app", f"Work of day {n + 1}", when, filename=f"w{n}.txt")
        output = publish_at(root, when)
        if not re.search(r"squashed \d+ commits", output):
            continue
        squashes += 1
        named = re.search(r"committed ([0-9a-f]{7}) to gh-pages", output)
        assert named, output
        tip = git(root / "site", "rev-parse", "gh-pages")
        assert tip.startswith(named.group(1)), (output, tip)
        record = json.loads((root / "site" / ".git" / "statusbot" / "runs.json").read_text())
        assert tip.startswith(record["last_run"]["commit"][:7]), record["last_run"]
        assert git(root / "origin.git", "rev-parse", "gh-pages") == tip
    assert squashes >= 1
