"""A run's GitHub cost reaches the summary line and the run record; failures reach `status`."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from github_cycle import project, publish
from github_day import a_day
from github_server import TOKEN, FakeGitHub


@pytest.fixture
def server() -> Iterator[FakeGitHub]:
    with FakeGitHub().running() as fake:
        yield fake


def runs(repo: Path) -> dict:
    return json.loads((repo / ".git" / "statusbot" / "runs.json").read_text(encoding="utf-8"))


def test_github_requests_are_counted_in_the_summary_and_the_run_record(
    tmp_path, server, run_cli, monkeypatch
):
    monkeypatch.setenv("STATUSBOT_GITHUB_TOKEN", TOKEN)
    a_day(server)
    repo = project(tmp_path, server)

    result = publish(run_cli, repo)

    assert result.exit_code == 0, result.output
    found = re.search(r"GitHub: (\d+) requests?, (\d+) of (\d+) left", result.output)
    assert found, result.output
    sent = int(found.group(1))
    assert sent == sum(server.hits.values()) > 0
    last = runs(repo)["last_run"]
    assert last["requests"] == sent
    assert last["rate_remaining"] == int(found.group(2))


def test_a_github_outage_is_a_failing_source_in_the_summary_and_status(
    tmp_path, server, run_cli, monkeypatch
):
    monkeypatch.setenv("STATUSBOT_GITHUB_TOKEN", TOKEN)
    a_day(server)
    repo = project(tmp_path, server)
    assert publish(run_cli, repo).exit_code == 0
    server.fail("/", 502, times=1000)

    result = publish(run_cli, repo)

    assert result.exit_code == 0, result.output
    assert "1 failing source" in result.output
    assert "github" in json.dumps(runs(repo)["failing"]).lower()
    status = run_cli(repo, "status")
    assert "github" in status.output.lower(), status.output
