"""A run that finds nothing new renders nothing; any change of input or branch renders again."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime

from conftest import branch_file, commit, git, make_repo
from freezegun import freeze_time

NOON = datetime(2026, 2, 8, 12, 0, tzinfo=UTC)
PAGE = "_posts/2026-02-08-daily-status.md"
PROBE = (
    "import sys; from freezegun import freeze_time; from statusbot.cli import main\n"
    "try:\n"
    "    with freeze_time('2026-02-08 12:00:00'): main()\n"
    "finally:\n"
    "    print('heavy:', sorted(m for m in ('jinja2', 'pygal') if m in sys.modules))\n"
)


def probe(cwd) -> str:
    """Run `statusbot publish` in a fresh process; return its output."""
    done = subprocess.run([sys.executable, "-c", PROBE, "publish"], cwd=cwd, env=os.environ,
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_no_change_run_loads_no_template_or_chart_library(tmp_path):
    repo = make_repo(tmp_path / "project")
    commit(repo, "Work", datetime(2026, 2, 8, 9, 0, tzinfo=UTC))
    first = probe(repo)
    assert "committed" in first and "heavy: ['jinja2', 'pygal']" in first
    tip = git(repo, "rev-parse", "gh-pages")
    second = probe(repo)
    assert "no change" in second and "heavy: []" in second
    assert git(repo, "rev-parse", "gh-pages") == tip


def test_new_facts_a_changed_template_or_a_moved_branch_render_again(tmp_path, run_cli):
    repo = make_repo(tmp_path / "project")
    commit(repo, "Work", datetime(2026, 2, 8, 9, 0, tzinfo=UTC))
    templates = tmp_path / "mine"
    templates.mkdir()
    (templates / "day.md.j2").write_text("---\ntitle: {{ title }}\n---\nOne: {{ day }}\n")
    (tmp_path / "statusbot.yml").write_text(
        "sources: {git: [project]}\npublish: {repo: project, remote: null}\ntemplates_dir: mine\n"
    )
    with freeze_time(NOON):
        assert run_cli(tmp_path, "publish").exit_code == 0
        assert "no change" in run_cli(tmp_path, "publish").output

        (templates / "day.md.j2").write_text("---\ntitle: {{ title }}\n---\nTwo: {{ day }}\n")
        assert "committed" in run_cli(tmp_path, "publish").output
        assert branch_file(repo, "gh-pages", PAGE).endswith("Two: 2026-02-08")

        git(repo, "branch", "-f", "gh-pages", "gh-pages~1")  # someone reset the branch
        assert "committed" in run_cli(tmp_path, "publish").output
        assert branch_file(repo, "gh-pages", PAGE).endswith("Two: 2026-02-08")

        assert run_cli(tmp_path, "note", "Reviewed the plan").exit_code == 0
        assert "committed" in run_cli(tmp_path, "publish").output
