"""Week, team, index and charts are built from the built-in work items, never from prose."""

from __future__ import annotations

from datetime import UTC, date, datetime

from statusbot.charts import present_charts, render_charts
from statusbot.compose import Sections, compose
from statusbot.history import History
from statusbot.model import (
    Commit,
    Deployment,
    Facts,
    FileStat,
    Person,
    PullRequest,
    WorkflowRun,
)
from statusbot.site import line, render_index, render_week, summarize_day
from statusbot.summary import VERSION, loads
from statusbot.team import team_files

DAY = date(2026, 2, 9)
AT = datetime(2026, 2, 9, 10, tzinfo=UTC)
ANA = Person("Ana", emails=("ana@example.com",), github="ana")
BEA = Person("Bea", emails=("bea@example.com",), github="bea")

# A summary exactly as main wrote it before work items (version 1).
OLD = {
    "v": 1,
    "day": "2026-02-06",
    "commits": 4,
    "prs_merged": 1,
    "tests": {"passed": 3, "run": 4, "failed": 1},
    "coverage": 71.5,
    "deploys": [],
    "risks": 1,
    "critical": 0,
    "open_risks": [],
    "resolved": [],
    "themes": {"Code": ["Committed 4 changes to app on branch main: x"]},
    "key_effort": "4 commits on main in app, most recently: x",
}


def merged_pr() -> PullRequest:
    return PullRequest(
        repo="acme/app",
        number=12,
        title="Retry provisioning",
        url="https://github.com/acme/app/pull/12",
        state="merged",
        draft=False,
        author="ana",
        commits=3,
        opened_at=AT,
        merged_at=AT,
        updated_at=AT,
    )


def facts() -> Facts:
    work = Commit(
        "app",
        "a" * 40,
        "gtr: Add report builder",
        "Ana",
        "ana@example.com",
        AT,
        ("main",),
        files=(FileStat("pkg/gtr/b.go", 300, 20),),
        on_default=True,
    )
    deploy = Deployment("staging", "v2", "success", AT)
    return Facts(
        day=DAY,
        timezone="UTC",
        people=(ANA, BEA),
        commits=(work,),
        pull_requests=(merged_pr(),),
        deployments=(deploy,),
    )


def test_created_and_merged_pull_request_is_filed_under_pull_requests():
    _sections, summary = summarize_day(facts(), compose(facts()), History(), set())
    assert summary["themes"]["Pull requests and reviews"] == [
        "Created and merged pull request [#12](https://github.com/acme/app/pull/12) for Retry "
        "provisioning (3 commits)"
    ]
    assert "Other" not in summary["themes"]


def test_a_summarizer_rewrite_changes_the_day_page_only():
    built = compose(facts())
    prose = Sections(("Shipped things.",), (), "Shipping")
    sections = built.reworded(prose)
    assert sections.page is prose and sections.accomplishments == built.accomplishments
    files = team_files(facts(), sections)
    team = files["team/2026-02-09.md"]
    assert "- Created and merged pull request [#12](" in team  # the merged PRs list is kept
    assert "Deployed v2 to staging" in team
    _sections, summary = summarize_day(facts(), sections, History(), set())
    assert summary["key_effort"] == built.key_effort
    assert "Shipped things." not in str(summary["themes"])


def test_the_summary_carries_work_and_the_index_line_names_the_main_item():
    _sections, summary = summarize_day(facts(), compose(facts()), History(), set())
    assert summary["v"] == VERSION == 2
    assert summary["work"] == {"commits": 1, "merges": 0, "added": 300, "deleted": 20, "files": 1}
    assert summary["main"] == "Added gtr on main"
    assert line(summary) == (
        "Added gtr on main · 1 commit, +300/−20 lines · 1 PR merged · no tests · "
        "1 deployment · 0 risks"
    )


def test_old_summaries_still_build_the_index_and_the_charts():
    assert loads(b'{"v": 1, "day": "2026-02-06"}') is not None
    _sections, new = summarize_day(facts(), compose(facts()), History(), set())
    history = History([date(2026, 2, 6), DAY], {"2026-02-06": OLD, DAY.isoformat(): new})
    index = render_index(history)
    assert "1 PR merged · tests 3/4 passing · 0 deployments · 1 risk" in index
    assert "Added gtr on main · 1 commit, +300/−20 lines" in index
    charts = render_charts(DAY, history.summaries)
    assert "assets/charts/commits-30.svg" in charts
    stems = [stem for stem, _ in present_charts(DAY, history.summaries)]
    assert stems == ["commits-30", "lines-30", "coverage-30", "coverage-90", "pass-rate-30",
                     "prs-30", "deploys-30"]  # fmt: skip


def test_charts_without_any_data_are_left_out():
    local = {
        "v": 2,
        "day": "2026-02-09",
        "commits": 3,
        "prs_merged": 0,
        "tests": {"passed": 0, "run": 0, "failed": 0},
        "coverage": None,
        "deploys": [],
        "work": {"commits": 3, "merges": 0, "added": 10, "deleted": 2, "files": 1},
    }
    assert [s for s, _ in present_charts(DAY, {"2026-02-09": local})] == ["commits-30", "lines-30"]
    index = render_index(History([DAY], {"2026-02-09": local}))
    assert "commits-30.svg" in index and "coverage-30.svg" not in index
    assert set(render_charts(DAY, {"2026-02-09": local})) == {
        "assets/charts/commits-30.svg",
        "assets/charts/lines-30.svg",
    }


def section(page: str, heading: str) -> str:
    """Return the text under a markdown heading, up to the next heading of any level."""
    return page.split(heading + "\n", 1)[1].split("\n#", 1)[0]


def test_week_and_team_pages_file_merged_prs_and_workflow_runs_by_kind():
    """Issue 9's misfilings, on the rendered pages: a created-and-merged PR is not "Other",
    workflow runs are not tests, and the team's merged PRs survive a summarizer's rewrite."""
    run = WorkflowRun("acme/app", "CI", "completed", "success", "main", "https://e.x/r", AT)
    day = Facts(**{**facts().__dict__, "workflow_runs": (run,)})
    prose = Sections(("Created things; ran tests.",), (), "Things")
    sections = compose(day).reworded(prose)
    _sections, summary = summarize_day(day, sections, History(), set())
    week = render_week(History([DAY], {DAY.isoformat(): summary}), "2026-W07")
    prs = section(week, "### Pull requests and reviews")
    assert "Created and merged pull request [#12](" in prs
    assert "### Other" not in week and "Created things" not in week
    assert "Ran 1 workflow run in acme/app" in section(week, "### CI runs")
    assert "### Tests and coverage" not in week
    team = team_files(day, sections)["team/2026-02-09.md"]
    assert "Created and merged pull request [#12](" in section(team, "## Merged Pull Requests")
    assert section(team, "## Tests").strip() == "- No test reports."
    assert "workflow run" not in section(team, "## Tests")
