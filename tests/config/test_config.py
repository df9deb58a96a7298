"""Config validation: every problem in one pass, one line each, with the key path."""

from __future__ import annotations

from pathlib import Path

import pytest

from statusbot import config
from statusbot.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "statusbot.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_full_config_is_read_with_paths_relative_to_the_file(tmp_path: Path) -> None:
    (tmp_path / "repo").mkdir()
    path = write(
        tmp_path,
        """\
timezone: Europe/Prague
people:
  - name: Dev One
    github: dev1
    emails: [Dev1@Example.com]
sources:
  git: [repo]
  junit: ["reports/**/*.xml"]
  coverage: coverage.xml
publish:
  repo: repo
  branch: pages
  path: /docs
  remote: null
""",
    )
    cfg = config.load(path, Path("/"))
    assert cfg.timezone == "Europe/Prague"
    assert cfg.people[0].emails == ("dev1@example.com",)
    assert cfg.sources.git == ((tmp_path / "repo").resolve(),)
    assert cfg.sources.junit == ("reports/**/*.xml",)
    assert cfg.sources.coverage == ("coverage.xml",)
    assert cfg.publish.repo == (tmp_path / "repo").resolve()
    assert (cfg.publish.branch, cfg.publish.path, cfg.publish.remote) == ("pages", "docs", None)
    assert not cfg.embedded


def test_every_problem_is_listed_once_with_its_key(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
timezone: Mars/Olympus
colour: blue
people:
  - github: dev1
    emails: 5
  - nope
sources:
  git: [missing-repo]
  junit: 3
  svn: x
publish:
  path: /site/../x
  remote: [origin]
templates_dir: no-such-dir
""",
    )
    with pytest.raises(ConfigError) as err:
        config.load(path, tmp_path)
    lines = err.value.message.splitlines()
    assert lines == [
        f"{path}: {p}"
        for p in [
            "colour: unknown key",
            "sources.svn: unknown key",
            "timezone: unknown time zone 'Mars/Olympus'",
            "sources.git: no such directory: missing-repo",
            "sources.junit: expected a list of strings, got an integer",
            "publish.path: must be a folder of the branch such as /status, with no empty, "
            "'.' or '..' parts, not '/site/../x'",
            "publish.remote: expected a non-empty string, got a list",
            "templates_dir: no such file or directory: no-such-dir",
            "people[0].name: required",
            "people[0].emails: expected a list of strings, got an integer",
            "people[1]: expected a mapping with name, github, emails",
        ]
    ]


def test_broken_yaml_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "people:\n  - name: [unclosed\n")
    with pytest.raises(ConfigError) as err:
        config.load(path, tmp_path)
    message = err.value.message
    assert message.startswith(f"{path}: not valid YAML (line ")
    assert "\n" not in message


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    path = write(tmp_path, "- a\n- b\n")
    with pytest.raises(ConfigError, match="expected a mapping of keys at the top level"):
        config.load(path, tmp_path)


def test_embedded_default_uses_cwd_and_default_globs(tmp_path: Path) -> None:
    cfg = config.load(None, tmp_path)
    assert cfg.embedded
    assert cfg.sources.git == (tmp_path.resolve(),)
    assert cfg.publish.branch == "gh-pages" and cfg.publish.remote == "origin"
    assert "reports/**/*.xml" in cfg.sources.junit and "coverage.xml" in cfg.sources.coverage


def test_config_search_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    xdg = tmp_path / "xdg"
    (xdg / "statusbot").mkdir(parents=True)
    (xdg / "statusbot" / "config.yml").write_text("{}\n")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(xdg))
    work = tmp_path / "work"
    work.mkdir()
    assert config.find_config(None, work) == xdg / "statusbot" / "config.yml"
    write(work, "{}\n")
    assert config.find_config(None, work) == work / "statusbot.yml"
    with pytest.raises(ConfigError, match=r"nope\.yml: no such config file"):
        config.find_config("nope.yml", work)


def test_system_timezone_follows_tz(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    assert config.system_timezone() == "America/New_York"
