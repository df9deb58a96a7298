"""The site's history on a real Pages branch: bounded reads, bounded changes, risks, charts."""

from __future__ import annotations

import json
import logging
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from conftest import commit, git, make_repo
from site_archive import START, archive, summary

from statusbot.charts import render_charts
from statusbot.gitpages.publish import publish_site
from statusbot.gitpages.tree import read_files
from statusbot.history import CHART_DAYS, load, needed
from statusbot.summary import summary_path


def configured(tmp_path: Path) -> Path:
    repo = make_repo(tmp_path / "project")
    (repo / "statusbot.yml").write_text(
        "timezone: UTC\npeople: [{name: Dev One, emails: [dev1@example.com]}]\n"
        "sources: {git: [.]}\npublish: {repo: ., branch: gh-pages, remote: null}\n"
    )
    return repo


def test_a_render_reads_a_bounded_set_of_summaries():
    for size in (400, 1100, 3000):
        days = [START + timedelta(days=n) for n in range(size)]
        want = needed(days[-1] + timedelta(days=1), days)
        # The charts' 90 days hold this week, the recent days, the month and the day before.
        assert len(want) == CHART_DAYS - 1
        old = needed(days[100], days)  # re-rendering an old day adds its month and week
        assert len(old) <= CHART_DAYS + 31 + 7


def test_one_more_day_changes_only_the_files_it_touches(tmp_path, run_cli):
    repo = configured(tmp_path)
    publish_site(repo, archive(400), message="an old archive")
    last = START + timedelta(days=399)  # 2026-02-04, a Wednesday
    for offset in (1, 2):
        day = last + timedelta(days=offset)
        commit(repo, f"Work of {day}", datetime(day.year, day.month, day.day, 9, tzinfo=UTC))
        result = run_cli(repo, "--date", day.isoformat(), "publish")
        assert result.exit_code == 0, result.output
    changed = set(git(repo, "diff", "--name-only", "gh-pages~1", "gh-pages").splitlines())
    day = last + timedelta(days=2)
    assert changed == {
        f"_posts/{day}-daily-status.md",
        summary_path(day),
        ".statusbot-manifest.json",  # it lists the day's new files
        "index.md",
        "archive/2026-02.md",
        "weeks/2026-W06.md",
        *(f"assets/charts/{c}.svg" for c in ("coverage-30", "coverage-90", "pass-rate-30",
                                              "prs-30", "deploys-30", "commits-30", "lines-30")),
    }  # fmt: skip
    index = git(repo, "show", "gh-pages:index.md")
    assert index.index(f"[{day} (Fri)]") < index.index(f"[{last} (Wed)]")
    stored = json.loads(git(repo, "show", f"gh-pages:{summary_path(day)}"))
    assert stored["commits"] == 1 and stored["day"] == day.isoformat()


def test_an_unreadable_summary_is_skipped_with_a_warning(tmp_path, caplog):
    repo = make_repo(tmp_path / "project")
    files = archive(3)
    files[summary_path(START + timedelta(days=1))] = b"{not json"
    publish_site(repo, files, message="archive")
    with caplog.at_level(logging.WARNING):
        history = load(repo, "gh-pages", "", START + timedelta(days=3))
    assert sorted(history.summaries) == [str(START), str(START + timedelta(days=2))]
    assert "_data/days/2025-01-02.json: not a summary statusbot can read" in caplog.text


def test_read_files_reads_many_paths_in_one_go(tmp_path):
    repo = make_repo(tmp_path / "project")
    publish_site(repo, {"a.md": b"A\n", "dir/b.md": b"", "c.md": b"C"}, message="m")
    found = read_files(repo, "gh-pages", ["a.md", "missing.md", "dir", "dir/b.md", "c.md"])
    assert found == {"a.md": b"A\n", "dir/b.md": b"", "c.md": b"C"}
    assert read_files(repo, "no-such-branch", ["a.md"]) == {}


def test_charts_are_deterministic_static_svg_with_gaps():
    summaries = {
        (START + timedelta(days=n)).isoformat(): summary(START + timedelta(days=n), n)
        for n in range(0, 120, 2)  # every other day: the rest are gaps
    }
    end = START + timedelta(days=119)
    first = render_charts(end, summaries)
    assert first == render_charts(end, summaries)
    assert len(first) == 5
    for svg in first.values():
        assert "<script" not in svg and "uuid" not in svg and "Generated with" not in svg
    assert "Line coverage, last 90 days" in first["assets/charts/coverage-90.svg"]


def test_resolve_needs_a_risk_id(tmp_path, run_cli):
    repo = configured(tmp_path)
    result = run_cli(repo, "note", "--resolve", "not-an-id", "Fixed it")
    assert result.exit_code == 1
    assert result.output.startswith("Error: --resolve 'not-an-id': a risk id is 6 hex digits")
    added = run_cli(repo, "--date", "2026-02-08", "note", "--risk", "critical", "It broke")
    assert "risk id " in added.output
    rid = added.output.split("risk id ")[1][:6]
    done = run_cli(repo, "--date", "2026-02-09", "note", "--resolve", rid, "Fixed it")
    assert done.exit_code == 0 and f"resolves risk {rid}" in done.output


def test_weekly_themes_group_pull_requests_and_key_findings():

    from statusbot.compose import Sections
    from statusbot.model import WorkItem
    from statusbot.summary import themes

    finding = "**Key finding:** A provides 2.0x faster runs (1s vs 2s)"
    sections = Sections(
        accomplishments=(
            WorkItem("pull_request", "X", "Created pull request [#1](https://e.x/1) for X"),
            WorkItem("pull_request", "Y", "Created and merged pull request [#12](u) for Y"),
            WorkItem("finding", "f", finding),
            WorkItem("workflow_runs", "a/x", "Ran 2 workflow runs in a/x (2 success)"),
            WorkItem("other", "x", "Something else"),
        ),
        risks=(),
        key_effort="",
    )
    grouped = themes(sections)
    # "Created and merged" used to land under Other, workflow runs under tests (issue 9)
    assert len(grouped["Pull requests and reviews"]) == 2
    assert grouped["Findings"] == [finding]
    assert grouped["CI runs"] == ["Ran 2 workflow runs in a/x (2 success)"]
    assert "Tests and coverage" not in grouped
    assert grouped["Other"] == ["Something else"]


def test_the_index_links_each_persons_days_and_the_team_page_for_a_team():

    from statusbot.history import History
    from statusbot.model import Person
    from statusbot.site import render_index

    history = History(days=[date(2026, 2, 9)], summaries={})
    team = (Person(name="Ana <b>Novak</b>"), Person(name="Bea Roth"))
    index = render_index(history, None, team)
    assert (
        'People: [Ana &#60;b&#62;Novak&#60;/b&#62;]({{ "/people/ana-b-novak-b/" | relative_url }})'
        ' · [Bea Roth]({{ "/people/bea-roth/" | relative_url }})'
        ' · [the team\'s latest day]({{ "/team/2026-02-09/" | relative_url }})'
    ) in index
    assert "People:" not in render_index(history, None, team[:1])
