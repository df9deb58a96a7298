"""doctor's "site renders" check asks GitHub for nothing and leaves the store as it was."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from doctor_project import marks, project
from github_day import a_day
from github_server import TOKEN, FakeGitHub


@pytest.fixture
def server() -> Iterator[FakeGitHub]:
    """A loopback GitHub with public repositories (a private one would stop publish)."""
    fake = FakeGitHub(core_limit=5000)
    fake.scopes = "repo, read:org"
    with fake.running():
        yield fake


def snapshot(folder: Path) -> dict[str, bytes]:
    """Return every file under a folder with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.usefixtures("active_timer")
def test_site_renders_makes_no_github_request_and_writes_nothing(
    tmp_path, run_cli, monkeypatch, server
):
    root = project(tmp_path, github="dev1", api_url=server.base_url)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    a_day(server)
    assert run_cli(root, "publish", "--no-push").exit_code == 0
    store = root / "site" / ".git" / "statusbot"
    before = snapshot(store)
    server.log.clear()

    result = run_cli(root, "doctor")

    assert marks(result.output)["site renders"] == "ok", result.output
    asked = [path for path, _ in server.log]
    assert asked, "doctor's own GitHub checks ran"
    # doctor's own checks are one-item probes; collecting would search and list pull requests.
    collecting = [p for p in asked if p.startswith("/search/") or "/pulls/" in p]
    assert not collecting, asked
    assert snapshot(store) == before
