"""Open risks keep the id `note --risk` printed; a resolving note of an earlier day ends them."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from conftest import branch_file, commit, make_repo
from freezegun import freeze_time


def page(repo, day: str) -> str:
    return branch_file(repo, "gh-pages", f"_posts/{day}-daily-status.md")


def risk_id(output: str) -> str:
    return re.search(r"risk id ([0-9a-f]+)", output).group(1)


def test_a_resolving_note_dated_before_the_page_closes_the_risk(tmp_path, run_cli):
    repo = make_repo(tmp_path / "project")
    commit(repo, "Work", datetime(2026, 2, 2, 9, 0, tzinfo=UTC))
    with freeze_time(datetime(2026, 2, 2, 12, 0, tzinfo=UTC)):
        noted = run_cli(repo, "note", "DB is on fire", "--risk", "critical")
        rid = risk_id(noted.output)
        assert run_cli(repo, "publish").exit_code == 0
    with freeze_time(datetime(2026, 2, 3, 12, 0, tzinfo=UTC)):
        assert run_cli(repo, "publish").exit_code == 0
    assert f"risk id {rid}" in page(repo, "2026-02-03")
    with freeze_time(datetime(2026, 2, 4, 12, 0, tzinfo=UTC)):
        assert run_cli(repo, "publish").exit_code == 0
        assert f"risk id {rid}" in page(repo, "2026-02-04")
        # Recorded today, dated yesterday (the fix happened then): today's page must drop it.
        assert (
            run_cli(repo, "note", "Fixed", "--resolve", rid, "--date", "2026-02-03").exit_code == 0
        )
        assert "committed" in run_cli(repo, "publish").output
    assert "DB is on fire" not in page(repo, "2026-02-04")


def test_a_weekend_risk_keeps_its_printed_id_on_later_pages(tmp_path, run_cli):
    repo = make_repo(tmp_path / "project")
    commit(repo, "Friday work", datetime(2026, 2, 6, 9, 0, tzinfo=UTC))
    (repo / "statusbot.yml").write_text(
        "timezone: UTC\nworkdays: Mon-Fri\npublish: {remote: null}\n"
    )
    with freeze_time(datetime(2026, 2, 9, 12, 0, tzinfo=UTC)):  # a Monday, covering the weekend
        noted = run_cli(repo, "note", "Pager storm", "--risk", "critical", "--date", "2026-02-07")
        rid = risk_id(noted.output)
        assert run_cli(repo, "publish").exit_code == 0
    assert "**CRITICAL:** Pager storm" in page(repo, "2026-02-09")
    with freeze_time(datetime(2026, 2, 10, 12, 0, tzinfo=UTC)):
        assert run_cli(repo, "publish").exit_code == 0
        assert f"Pager storm (open since 2026-02-07, risk id {rid})" in page(repo, "2026-02-10")
        assert run_cli(repo, "note", "Calm again", "--resolve", rid).exit_code == 0
        assert run_cli(repo, "publish").exit_code == 0
    assert "Pager storm" not in page(repo, "2026-02-10")
