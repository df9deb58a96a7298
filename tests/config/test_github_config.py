"""github.* keys and the token lookup: env, a token file, systemd credentials; never the YAML."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from statusbot import config
from statusbot.errors import ConfigError
from statusbot.secrets import github_token


def build(data: dict, base: Path) -> config.Config:
    return config.build(data, base=base, path=base / "statusbot.yml")


def test_github_keys_have_their_defaults(tmp_path):
    settings = build({}, tmp_path).github
    assert settings.api_url == "https://api.github.com"
    assert settings.stale_review_days == 2
    assert (settings.repos, settings.orgs, settings.workflow_runs) == ((), (), False)
    assert build({}, tmp_path).publish.allow_private_data is False


def test_bad_github_keys_are_listed_at_once(tmp_path):
    data = {
        "github": {
            "repos": ["noslash"],
            "api_url": "ftp://x",
            "stale_review_days": -1,
            "workflow_runs": "yes",
            "token": "ghp_secret",
        },
        "publish": {"allow_private_data": "sure"},
    }
    with pytest.raises(ConfigError) as caught:
        build(data, tmp_path)
    label = tmp_path / "statusbot.yml"
    assert caught.value.message.splitlines() == [
        f"{label}: github.token: unknown key",
        f"{label}: publish.allow_private_data: expected true or false, got a string",
        f"{label}: github.repos: expected owner/name, not 'noslash'",
        f"{label}: github.api_url: expected an https URL, not 'ftp://x'",
        f"{label}: github.stale_review_days: expected a whole number >= 0, got -1",
        f"{label}: github.workflow_runs: expected true or false, got a string",
    ]
    assert "ghp_secret" not in caught.value.message


def test_token_comes_from_the_environment_first(tmp_path, monkeypatch):
    token_file = tmp_path / "token"
    token_file.write_text("from-file\n")
    token_file.chmod(0o600)
    monkeypatch.setenv("GITHUB_TOKEN", "from-github-token")
    assert github_token(token_file).value == "from-github-token"
    monkeypatch.setenv("STATUSBOT_GITHUB_TOKEN", "from-statusbot")
    token = github_token(token_file)
    assert (token.value, token.origin) == ("from-statusbot", "$STATUSBOT_GITHUB_TOKEN")
    assert "from-statusbot" not in repr(token) and "from-statusbot" not in str(token)


def test_token_file_then_systemd_credentials(tmp_path, monkeypatch, caplog):
    token_file = tmp_path / "token"
    token_file.write_text("  from-file \n")
    token_file.chmod(0o600)
    assert github_token(token_file).value == "from-file"
    assert github_token(None) is None
    creds = tmp_path / "creds"
    creds.mkdir()
    (creds / "github-token").write_text("from-systemd")
    (creds / "github-token").chmod(0o644)
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(creds))
    caplog.set_level(logging.WARNING)
    assert github_token(None).value == "from-systemd"
    assert "readable by others" in caplog.text  # 0644: others may read it
    assert "from-systemd" not in caplog.text


def test_a_bad_token_file_is_one_line_without_its_content(tmp_path):
    bad = tmp_path / "token"
    bad.write_text("two words\n")
    with pytest.raises(ConfigError) as caught:
        github_token(bad)
    assert caught.value.message == (
        f"{bad} (github.token_file): expected one line holding only the token"
    )
    bad.write_text("")
    with pytest.raises(ConfigError):
        github_token(bad)


def test_token_file_key_names_a_file_that_must_exist(tmp_path):
    (tmp_path / "t").write_text("x")
    assert build({"github": {"token_file": "t"}}, tmp_path).github.token_file == tmp_path / "t"
    with pytest.raises(ConfigError, match=r"github\.token_file: no such file or directory: nope"):
        build({"github": {"token_file": "nope"}}, tmp_path)
