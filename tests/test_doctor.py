"""`statusbot doctor`: each check with ok or the fix; non-zero exit when one fails."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import bare_remote, commit, git, make_repo

from statusbot.commands import doctor


def project(tmp_path: Path, github: str | None = None) -> Path:
    app = make_repo(tmp_path / "app")
    commit(app, "Work", datetime(2026, 2, 8, 9, 0, tzinfo=UTC))
    site = make_repo(tmp_path / "site")
    commit(site, "Site repo", datetime(2026, 1, 1, tzinfo=UTC))
    git(site, "remote", "add", "origin", str(bare_remote(tmp_path / "origin.git")))
    login = f"\n    github: {github}" if github else ""
    (tmp_path / "statusbot.yml").write_text(
        f"timezone: UTC\npeople:\n  - name: Dev One{login}\n    emails: [dev1@example.com]\n"
        "sources:\n  git: [app]\npublish:\n  repo: site\n"
    )
    return tmp_path


@pytest.fixture
def active_timer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An installed user timer, and a systemctl that reports it active."""
    unit_dir = Path(os.environ["XDG_CONFIG_HOME"]) / "systemd" / "user"
    unit_dir.mkdir(parents=True)
    (unit_dir / "statusbot.timer").write_text("[Timer]\nOnCalendar=*:0/15\n")
    script = tmp_path / "systemctl"
    script.write_text(
        "#!/bin/sh\nprintf 'ActiveState=active\\nUnitFileState=enabled\\n"
        "NextElapseUSecRealtime=Sun 2026-02-08 12:15:00 UTC\\n'\n"
    )
    script.chmod(0o755)
    monkeypatch.setenv("STATUSBOT_SYSTEMCTL", str(script))


def marks(output: str) -> dict[str, str]:
    return {
        line[5:].split(":")[0]: line[:4].strip() for line in output.splitlines() if line[4] == " "
    }


def test_all_checks_pass(tmp_path, run_cli, active_timer):
    root = project(tmp_path)
    before = git(root / "origin.git", "for-each-ref")

    result = run_cli(root, "doctor")

    assert result.exit_code == 0, result.output
    assert marks(result.output) == {
        "config": "ok",
        "github token": "warn",
        "push access": "ok",
        "site renders": "ok",
        "schedule": "ok",
    }
    assert "ok   push access: git push --dry-run to origin/gh-pages succeeds" in result.output
    assert "ok   schedule: user timer active, enabled" in result.output
    assert git(root / "origin.git", "for-each-ref") == before  # nothing pushed


def test_failures_print_the_fix_and_exit_1(tmp_path, run_cli, monkeypatch):
    root = project(tmp_path, github="dev1")
    for name in doctor.TOKEN_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("CREDENTIALS_DIRECTORY", raising=False)
    git(root / "site", "remote", "set-url", "origin", str(tmp_path / "gone.git"))
    monkeypatch.setenv("STATUSBOT_SYSTEMCTL", str(tmp_path / "none"))

    result = run_cli(root, "doctor")

    assert result.exit_code == 1
    assert marks(result.output) == {
        "config": "ok",
        "github token": "FAIL",
        "push access": "FAIL",
        "site renders": "ok",
        "schedule": "FAIL",
    }
    assert "FAIL schedule: no timer; run: statusbot timer install" in result.output
    assert "check the remote URL and your credentials for 'origin'" in result.output
    assert result.output.strip().splitlines()[-1] == (
        "Error: doctor: 3 check(s) failed: github token, push access, schedule"
    )


def test_token_from_a_systemd_credential_and_the_github_hook(
    tmp_path, run_cli, monkeypatch, active_timer
):
    root = project(tmp_path, github="dev1")
    for name in doctor.TOKEN_ENV:
        monkeypatch.delenv(name, raising=False)
    creds = tmp_path / "creds"
    creds.mkdir()
    (creds / "github-token").write_text("secret-value\n")
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(creds))
    seen = []

    def hook(config):
        seen.append(config.people[0].github)
        return [doctor.Check("github rate limit", False, "3 requests left; wait an hour")]

    monkeypatch.setattr(doctor, "GITHUB_CHECKS", [hook])
    result = run_cli(root, "doctor")
    assert seen == ["dev1"]
    assert "ok   github token: found in the systemd credential github-token" in result.output
    assert "FAIL github rate limit: 3 requests left; wait an hour" in result.output
    assert "secret-value" not in result.output
    assert result.exit_code == 1


def test_bad_config_is_one_failed_check(tmp_path, run_cli):
    (tmp_path / "statusbot.yml").write_text("nonsense_key: 1\n")
    result = run_cli(tmp_path, "doctor")
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        f"FAIL config: {tmp_path / 'statusbot.yml'}: nonsense_key: unknown key"
    )


def test_actions_workflow_counts_as_a_schedule(tmp_path, run_cli, monkeypatch):
    root = project(tmp_path)
    monkeypatch.setenv("STATUSBOT_SYSTEMCTL", str(tmp_path / "none"))
    assert run_cli(root / "site", "init", "--github-actions").exit_code == 0
    result = run_cli(root, "doctor")
    assert "ok   schedule: GitHub Actions workflow .github/workflows/statusbot.yml" in result.output


def test_token_from_the_environment_wins(tmp_path, run_cli, monkeypatch, active_timer):
    root = project(tmp_path, github="dev1")
    for name in doctor.TOKEN_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GITHUB_TOKEN", "env-secret")
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(tmp_path / "no-such-dir"))
    result = run_cli(root, "doctor")
    assert result.exit_code == 0, result.output
    assert "ok   github token: found in $GITHUB_TOKEN" in result.output
    assert "env-secret" not in result.output
