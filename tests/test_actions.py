"""The GitHub Actions workflow: its structure, and its run steps executed in a real checkout."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import yaml
from conftest import USER, bare_remote, commit, git, make_repo

WORKFLOW = Path(".github/workflows/statusbot.yml")


def written(tmp_path: Path, run_cli) -> tuple[Path, dict]:
    repo = make_repo(tmp_path / "project")
    result = run_cli(repo, "init", "--github-actions")
    assert result.exit_code == 0, result.output
    return repo, yaml.safe_load((repo / WORKFLOW).read_text())


def test_workflow_structure(tmp_path, run_cli):
    _repo, flow = written(tmp_path, run_cli)
    triggers = flow[True]  # YAML 1.1 reads the key `on` as True
    assert triggers["schedule"] == [{"cron": "*/15 * * * *"}]
    assert "workflow_dispatch" in triggers
    assert flow["permissions"] == {"contents": "write"}
    assert flow["concurrency"] == {"group": "statusbot-publish", "cancel-in-progress": False}
    (job,) = flow["jobs"].values()
    steps = job["steps"]
    assert steps[0] == {"uses": "actions/checkout@v4", "with": {"fetch-depth": 0}}
    assert steps[1]["uses"] == "actions/setup-python@v5"
    assert 'pip install "$STATUSBOT_SPEC"' in steps[2]["run"]
    assert steps[3]["run"].strip().splitlines()[-1] == "statusbot publish --push"
    assert steps[3]["env"] == {"GITHUB_TOKEN": "${{ secrets.GITHUB_TOKEN }}"}
    assert job["timeout-minutes"] <= 15


def test_init_refuses_to_overwrite_the_workflow(tmp_path, run_cli):
    repo, _flow = written(tmp_path, run_cli)
    again = run_cli(repo, "init", "--github-actions")
    assert again.exit_code == 1
    assert "already exists; not overwriting it" in again.output


def test_run_steps_publish_from_a_fresh_full_checkout(tmp_path, run_cli):
    """Run the workflow's own `run:` lines in a clone, as the runner would, twice."""
    repo, flow = written(tmp_path, run_cli)
    (repo / "statusbot.yml").write_text(
        f"timezone: UTC\npeople:\n  - name: {USER[0]}\n    emails: [{USER[1]}]\n"
    )
    git(repo, "add", "-A")
    commit(repo, "Add the statusbot workflow", datetime.now(UTC))
    origin = bare_remote(tmp_path / "origin.git")
    git(repo, "push", "-q", str(origin), "main")
    steps = flow["jobs"]["publish"]["steps"]
    (publish_step,) = [s for s in steps if "statusbot publish" in str(s.get("run"))]
    bin_dir = str(Path(sys.executable).parent)  # where pip put statusbot (the install step)
    tips = []
    for run in range(2):
        checkout = tmp_path / f"runner-{run}" / "project"  # the runner names it after the repo
        subprocess.run(["git", "clone", "-q", str(origin), str(checkout)], check=True)
        env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
               "GITHUB_TOKEN": "dummy-token-for-the-test", "CI": "true"}  # fmt: skip
        proc = subprocess.run(
            ["bash", "-e", "-c", publish_step["run"]],
            cwd=checkout, env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        assert "pushed gh-pages to origin" in proc.stdout or "already at" in proc.stdout
        tips.append(git(origin, "rev-parse", "gh-pages"))
    day = datetime.now(UTC).date()
    page = git(origin, "show", f"gh-pages:_posts/{day}-daily-status.md")
    assert "Add the statusbot workflow" in page
    assert git(origin, "rev-list", "--count", "gh-pages") == "1"  # the second run changed nothing
    assert tips[0] == tips[1]
    assert "dummy-token" not in git(origin, "log", "--format=%B", "gh-pages")
