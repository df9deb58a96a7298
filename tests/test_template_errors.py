"""A broken user template is one line naming its file and line; nothing is published."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from conftest import commit, git, make_repo
from freezegun import freeze_time

NOON = datetime(2026, 2, 8, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("---\ntitle: {{ title }}\n---\n{% for x in %}\n", "day.md.j2, line 4: "),
        ("---\ntitle: {{ title }}\n---\n\n{{ no_such_value }}\n", "day.md.j2, line 5: "),
    ],
)
def test_a_broken_template_names_its_file_and_line(tmp_path, run_cli, text, problem):
    repo = make_repo(tmp_path / "project")
    commit(repo, "Work", datetime(2026, 2, 8, 9, 0, tzinfo=UTC))
    templates = tmp_path / "mine"
    templates.mkdir()
    (templates / "day.md.j2").write_text(text)
    (tmp_path / "statusbot.yml").write_text(
        "sources: {git: [project]}\npublish: {repo: project, remote: null}\ntemplates_dir: mine\n"
    )
    with freeze_time(NOON):
        result = run_cli(tmp_path, "publish")
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert str(templates / "day.md.j2") in lines[0] and problem in lines[0]
    assert "Traceback" not in result.output
    assert git(repo, "branch", "--list", "gh-pages") == ""


def test_a_compiled_template_kept_between_runs_still_names_its_file_and_line(tmp_path, run_cli):
    from statusbot.render import _environment, environment

    repo = make_repo(tmp_path / "project")
    commit(repo, "Work", datetime(2026, 2, 8, 9, 0, tzinfo=UTC))
    templates = tmp_path / "mine"
    templates.mkdir()
    (templates / "day.md.j2").write_text("---\ntitle: {{ title }}\n---\n\n{{ no_such_value }}\n")
    (tmp_path / "statusbot.yml").write_text(
        "sources: {git: [project]}\npublish: {repo: project, remote: null}\ntemplates_dir: mine\n"
    )
    for _run in range(2):  # the second run loads the compiled template, as a new process would
        _environment.cache_clear()
        with freeze_time(NOON):
            result = run_cli(tmp_path, "publish")
        assert result.exit_code == 1
        assert f"{templates / 'day.md.j2'}, line 5: " in result.output
    env = environment(templates)
    source, filename, _uptodate = env.loader.get_source(env, "day.md.j2")
    bucket = env.bytecode_cache.get_bucket(env, "day.md.j2", filename, source)
    assert bucket.code is not None  # kept compiled: the next process does not compile it
