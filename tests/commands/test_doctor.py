"""`statusbot doctor`: each check with ok or the fix; non-zero exit when one fails."""

from __future__ import annotations

import pytest
from conftest import git
from doctor_project import marks, project
from github_server import TOKEN, FakeGitHub

from statusbot.secrets import ENV_NAMES


def test_all_checks_pass(tmp_path, run_cli, active_timer):
    root = project(tmp_path)
    before = git(root / "origin.git", "for-each-ref")

    result = run_cli(root, "doctor")

    assert result.exit_code == 0, result.output
    assert marks(result.output) == {
        "config": "ok",
        "github token": "warn",
        "push access": "ok",
        "git history": "ok",
        "site renders": "ok",
        "schedule": "ok",
    }
    assert "ok   push access: git push --dry-run to origin/gh-pages succeeds" in result.output
    assert "ok   schedule: user timer active, enabled" in result.output
    assert git(root / "origin.git", "for-each-ref") == before  # nothing pushed


def test_failures_print_the_fix_and_exit_1(tmp_path, run_cli, monkeypatch):
    root = project(tmp_path, github="dev1")
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("CREDENTIALS_DIRECTORY", raising=False)
    git(root / "site", "remote", "set-url", "origin", str(tmp_path / "gone.git"))
    monkeypatch.setenv("STATUSBOT_SYSTEMCTL", str(tmp_path / "none"))

    result = run_cli(root, "doctor")

    assert result.exit_code == 1
    assert marks(result.output) == {
        "config": "ok",
        "github token": "FAIL",
        "github api": "ok",  # which API URL, shown without a token too
        "push access": "FAIL",
        "git history": "ok",
        "site renders": "ok",
        "schedule": "warn",
    }
    assert (
        "warn schedule: no timer (fine when you run it by hand); for unattended runs: "
        "statusbot timer install"
    ) in result.output
    assert "check the remote URL and your credentials for 'origin'" in result.output
    assert result.output.strip().splitlines()[-1] == (
        "Error: doctor: 2 check(s) failed: github token, push access"
    )


@pytest.fixture
def github() -> FakeGitHub:
    server = FakeGitHub(core_limit=5000)
    server.add_repo("acme/api", private=True)
    server.scopes = "repo, read:org"
    with server.running():
        yield server


def test_token_from_a_systemd_credential_is_checked_with_github(
    tmp_path, run_cli, monkeypatch, active_timer, github
):
    root = project(tmp_path, github="dev1", api_url=github.base_url)
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    creds = tmp_path / "creds"
    creds.mkdir()
    (creds / "github-token").write_text(TOKEN + "\n")
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(creds))

    result = run_cli(root, "doctor")

    lines = result.output.splitlines()
    assert f"ok   github token: found in {creds / 'github-token'}" in lines
    assert "ok   github access: token accepted, scopes: repo, read:org" in lines
    assert "ok   github rate limit: 5000 of 5000 left this hour" in lines
    assert "ok   github repo acme/api: readable (private)" in lines
    assert (
        "FAIL github repo acme/gone: GitHub answered 404: Not Found; check the name, "
        "or give the token read access to it"
    ) in lines
    assert TOKEN not in result.output
    assert result.exit_code == 1


def test_a_refused_token_a_missing_scope_and_a_spent_rate_limit_are_named(
    tmp_path, run_cli, monkeypatch, active_timer, github
):
    root = project(tmp_path, github="dev1", api_url=github.base_url)
    monkeypatch.setenv("GITHUB_TOKEN", "not-the-token")
    refused = run_cli(root, "doctor")
    assert (
        "FAIL github access: "
        f"{github.base_url}: the token was refused (401 Bad credentials); make a new token"
    ) in refused.output.splitlines()
    assert "github repo" not in refused.output  # nothing more is asked with a refused token

    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    github.scopes = "read:user"
    github.used["core"] = 4990
    result = run_cli(root, "doctor")
    lines = result.output.splitlines()
    assert (
        "FAIL github access: scopes read:user cannot read pull requests; give the classic token "
        "the repo scope (or public_repo for public repositories)"
    ) in lines
    assert "warn github rate limit: only 10 of 5000 left this hour" in lines
    github.used["core"] = 5000
    spent = run_cli(root, "doctor").output.splitlines()
    assert any(line.startswith("FAIL github rate limit: 0 of 5000 left until ") for line in spent)
    # A spent limit is not the repositories' fault: they are not checked, and not blamed.
    assert (
        "warn github repos: not checked (acme/api, acme/gone): the rate limit is used up" in spent
    )
    assert not [line for line in spent if line.startswith("FAIL github repo ")]


def test_the_search_bucket_is_checked_too(tmp_path, run_cli, monkeypatch, active_timer, github):
    root = project(tmp_path, github="dev1", api_url=github.base_url)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    assert "ok   github search limit: 30 of 30 left this minute" in run_cli(root, "doctor").output
    github.used["search"] = 30
    lines = run_cli(root, "doctor").output.splitlines()
    assert any(line.startswith("warn github search limit: 0 of 30 left until ") for line in lines)


def test_a_fine_grained_token_is_checked_per_repository(
    tmp_path, run_cli, monkeypatch, active_timer, github
):
    root = project(tmp_path, github="dev1", api_url=github.base_url)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    github.scopes = None
    lines = run_cli(root, "doctor").output.splitlines()
    assert (
        "ok   github access: token accepted (fine-grained: access is checked per repository below)"
    ) in lines


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
    assert run_cli(root / "site", "init", "--github-actions", "--spec", "statusbot").exit_code == 0
    result = run_cli(root, "doctor")
    assert "ok   schedule: GitHub Actions workflow .github/workflows/statusbot.yml" in result.output


def test_token_from_the_environment_wins(tmp_path, run_cli, monkeypatch, active_timer, github):
    root = project(tmp_path, github="dev1", api_url=github.base_url)
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    creds = tmp_path / "creds"
    creds.mkdir()
    (creds / "github-token").write_text("a-credential-that-loses\n")
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(creds))
    result = run_cli(root, "doctor")
    assert "ok   github token: found in $GITHUB_TOKEN" in result.output
    assert "ok   github access: token accepted, scopes: repo, read:org" in result.output
    assert TOKEN not in result.output and "a-credential-that-loses" not in result.output
