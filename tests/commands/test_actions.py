"""The GitHub Actions workflow: its structure, and its run steps executed in a real checkout."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from conftest import USER, bare_remote, commit, git, make_repo
from github_server import TOKEN, FakeGitHub

from statusbot.commands.actions import install_spec, workflow_text
from statusbot.errors import StatusbotError

WORKFLOW = Path(".github/workflows/statusbot.yml")


SPEC = "statusbot[github] @ git+https://github.com/acme/statusbot@0123abc"


def written(tmp_path: Path, run_cli) -> tuple[Path, dict]:
    repo = make_repo(tmp_path / "project")
    result = run_cli(repo, "init", "--github-actions", "--spec", SPEC)
    assert result.exit_code == 0, result.output
    return repo, yaml.safe_load((repo / WORKFLOW).read_text())


def step(flow: dict, name: str) -> dict:
    """Return the workflow step of that name."""
    (found,) = [s for s in flow["jobs"]["publish"]["steps"] if s.get("name") == name]
    return found


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
    assert job["env"] == {"STATUSBOT_SPEC": SPEC}
    assert 'pip install "$STATUSBOT_SPEC"' in step(flow, "Install statusbot")["run"]
    publish = step(flow, "Publish")
    assert publish["run"].strip().splitlines()[-1] == "statusbot publish --push"
    assert publish["env"] == {"GITHUB_TOKEN": "${{ secrets.GITHUB_TOKEN }}"}
    restore, save = step(flow, "Restore the local store"), step(flow, "Save the local store")
    assert restore["uses"] == "actions/cache/restore@v4" and save["uses"] == "actions/cache/save@v4"
    assert restore["with"]["path"] == save["with"]["path"] == ".git/statusbot"
    assert restore["with"]["restore-keys"] == "statusbot-store-"
    assert save["if"] == "always()"  # a failed publish still keeps the cache it warmed
    names = [s.get("name") for s in steps]
    assert names.index("Restore the local store") < names.index("Publish")
    assert names.index("Publish") < names.index("Save the local store")
    assert job["timeout-minutes"] <= 15


def test_init_refuses_to_overwrite_the_workflow(tmp_path, run_cli):
    repo, _flow = written(tmp_path, run_cli)
    again = run_cli(repo, "init", "--github-actions", "--spec", SPEC)
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
    assert "Added the statusbot workflow" in page
    assert git(origin, "rev-list", "--count", "gh-pages") == "1"  # the second run changed nothing
    assert tips[0] == tips[1]
    assert "dummy-token" not in git(origin, "log", "--format=%B", "gh-pages")


def dist_with(tmp_path: Path, direct_url: dict | None, version: str = "1.4.0"):
    """Return an installed-distribution record as pip writes it, with or without direct_url."""
    info = tmp_path / f"statusbot-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: statusbot\nVersion: {version}\n")
    if direct_url is not None:
        (info / "direct_url.json").write_text(json.dumps(direct_url))
    return metadata.Distribution.at(info)


@pytest.mark.parametrize(
    ("direct_url", "spec"),
    [
        (None, "statusbot[github]==1.4.0"),
        (
            {"url": "https://github.com/acme/statusbot.git",
             "vcs_info": {"vcs": "git", "commit_id": "a" * 40, "requested_revision": "v1.4"}},
            f"statusbot[github] @ git+https://github.com/acme/statusbot.git@{'a' * 40}",
        ),
        (
            {"url": "https://github.com/acme/mono.git", "subdirectory": "tools/statusbot",
             "vcs_info": {"vcs": "git", "commit_id": "b" * 40}},
            f"statusbot[github] @ git+https://github.com/acme/mono.git@{'b' * 40}"
            "#subdirectory=tools/statusbot",
        ),
        (
            {"url": "https://files.example.com/statusbot-1.4.0.tar.gz",
             "archive_info": {"hashes": {"sha256": "c" * 64}}},
            "statusbot[github] @ https://files.example.com/statusbot-1.4.0.tar.gz",
        ),
    ],
)  # fmt: skip
def test_the_workflow_installs_statusbot_from_where_this_one_came_from(tmp_path, direct_url, spec):
    found = install_spec(dist_with(tmp_path, direct_url))
    assert found == spec
    flow = yaml.safe_load(workflow_text(found))
    assert flow["jobs"]["publish"]["env"]["STATUSBOT_SPEC"] == spec


@pytest.mark.parametrize(
    "direct_url",
    [
        {"url": "file:///home/me/statusbot", "dir_info": {"editable": True}},
        {"url": "file:///home/me/statusbot", "dir_info": {}},
        {"url": "file:///home/me/statusbot", "vcs_info": {"vcs": "git", "commit_id": "d" * 40}},
        {"url": "file:///tmp/statusbot-1.4.0.tar.gz", "archive_info": {}},
    ],
)
def test_a_local_install_is_refused_with_a_line_asking_for_spec(tmp_path, direct_url):
    with pytest.raises(StatusbotError) as caught:
        install_spec(dist_with(tmp_path, direct_url))
    assert caught.value.message == (
        "statusbot was installed from a local path (file://"
        + direct_url["url"].removeprefix("file://")
        + "), which a runner can't reach; give --spec "
        "'statusbot[github] @ git+https://github.com/OWNER/statusbot@v1.0'"
    )


def test_init_from_a_local_checkout_asks_for_spec(tmp_path, run_cli):
    local = json.loads(metadata.distribution("statusbot").read_text("direct_url.json") or "{}")
    if not str(local.get("url", "")).startswith("file:"):
        pytest.skip("this statusbot was not installed from a local path")
    repo = make_repo(tmp_path / "project")
    result = run_cli(repo, "init", "--github-actions")
    assert result.exit_code == 1
    assert "which a runner can't reach; give --spec" in result.output
    assert not (repo / WORKFLOW).exists()


def test_actions_runs_are_warm_after_the_first_and_show_notes_from_other_clones(tmp_path, run_cli):
    """The workflow's run script in fresh clones, its cache steps played by copying a folder."""
    repo, flow = written(tmp_path, run_cli)
    (repo / "statusbot.yml").write_text(
        f"timezone: UTC\npeople:\n  - name: {USER[0]}\n    github: dev1\n    emails: [{USER[1]}]\n"
        "github:\n  repos: [acme/api]\n"
    )
    git(repo, "add", "-A")
    commit(repo, "Add the statusbot workflow", datetime.now(UTC))
    origin = bare_remote(tmp_path / "origin.git")
    git(repo, "push", "-q", str(origin), "main")
    git(repo, "remote", "add", "origin", str(origin))
    cache_path = step(flow, "Restore the local store")["with"]["path"]
    cache = tmp_path / "actions-cache"  # what actions/cache keeps between runs
    bin_dir = str(Path(sys.executable).parent)
    now = datetime.now(UTC)
    midnight = datetime.combine(now.date(), datetime.min.time(), UTC)  # the PR is today's
    with FakeGitHub().running() as server:
        server.add_pull("acme/api", 7, title="Faster login", author="dev1",
                        created=max(midnight, now - timedelta(minutes=30)),
                        updated=max(midnight, now - timedelta(minutes=5)),
                        checks=[("test", "completed", "success")])  # fmt: skip
        env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
               "GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": server.base_url, "CI": "true"}  # fmt: skip
        used = []
        for run in range(2):
            if run == 1:  # a teammate records a note from their own clone between the runs
                noted = run_cli(repo, "note", "Paired on the flaky login test")
                assert noted.exit_code == 0 and "pushed records to 'origin'" in noted.output
            checkout = tmp_path / f"runner-{run}" / "project"
            subprocess.run(["git", "clone", "-q", str(origin), str(checkout)], check=True)
            if cache.exists():  # Restore the local store
                shutil.copytree(cache, checkout / cache_path)
            server.reset_counts()
            proc = subprocess.run(
                ["bash", "-e", "-c", step(flow, "Publish")["run"]],
                cwd=checkout, env=env, capture_output=True, text=True, check=False,
            )  # fmt: skip
            assert proc.returncode == 0, proc.stderr
            used.append(dict(server.used))
            shutil.rmtree(cache, ignore_errors=True)  # Save the local store (a new key each run)
            shutil.copytree(checkout / cache_path, cache)
    assert used[0]["core"] > 0  # the first run is a cold cycle
    assert used[1].get("core", 0) == 0, used  # the second is warm: 304s only
    page = git(origin, "show", f"gh-pages:_posts/{now.date()}-daily-status.md")
    assert "Paired on the flaky login test" in page
    assert "Faster login" in page
