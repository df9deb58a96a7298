"""Key effort: a marked note, else the top items by size and PR activity."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from conftest import fake_commit

from statusbot.compose import compose
from statusbot.key_effort import doing
from statusbot.model import Commit, Facts, FileStat, Note, Person, PullRequest

DAY = date(2026, 3, 30)
AT = datetime(2026, 3, 30, 9, tzinfo=UTC)


def commit(n: int, branch: str, repo: str = "api") -> Commit:
    return fake_commit(n, AT, repo=repo, branch=branch, author=("Ana", "ana@example.com"))


PR = PullRequest(
    repo="acme/api",
    number=21,
    title="Provisioning retries",
    url="https://github.com/acme/api/pull/21",
    state="open",
    draft=False,
    author="ana",
    commits=4,
    head_branch="retries",
    opened_at=AT,
    updated_at=AT + timedelta(hours=2),
)
MAIN = tuple(commit(n, "main") for n in range(3))
BRANCH = tuple(commit(n, "retries") for n in range(10, 12))


def facts(**fields: object) -> Facts:
    return Facts(day=DAY, timezone="UTC", people=(Person("Ana"),), **fields)  # type: ignore[arg-type]


def test_commits_alone_pick_the_busiest_branch():
    assert compose(facts(commits=MAIN + BRANCH)).key_effort == (
        "Updating api on main (3 commits) and retries"
    )


def test_pull_request_activity_joins_its_branch_and_names_the_work_by_its_title():
    sections = compose(facts(commits=MAIN + BRANCH, pull_requests=(PR,)))
    assert sections.key_effort == (
        "Creating pull request [#21](https://github.com/acme/api/pull/21) for Provisioning "
        "retries (2 commits) and updating api"
    )
    (pull,) = [i for i in sections.accomplishments if i.kind == "pull_request"]
    assert pull.evidence[0] == "acme/api#21"
    assert set(pull.evidence) >= {c.sha for c in BRANCH}  # the branch's commits joined it


def test_a_pull_request_without_local_commits_still_counts():
    sections = compose(facts(commits=MAIN[:1], pull_requests=(PR,)))
    assert sections.key_effort.startswith("Creating pull request [#21](")


def test_a_pull_request_untouched_in_the_window_does_not():
    old = PullRequest(
        **{**PR.__dict__, "opened_at": AT - timedelta(days=5), "updated_at": AT - timedelta(days=4)}
    )
    assert compose(facts(commits=MAIN, pull_requests=(old,))).key_effort == (
        "Updating api on main (3 commits)"
    )


def test_the_marked_note_still_wins():
    note = Note("Release 2.0", AT, DAY, key_effort=True)
    assert compose(facts(commits=BRANCH, pull_requests=(PR,), notes=(note,))).key_effort == (
        "Release 2.0"
    )


def test_the_sentence_says_what_was_being_done_and_each_verb_once():
    assert doing("Added and fixed gtr on master") == ("adding and fixing", " gtr on master")
    assert doing("Worked on githubext on master") == ("working on", " githubext on master")
    assert doing("Merged master and fixed") == ("merging", " master and fixed")

    def work(n: int, subject: str, path: str, lines: int) -> Commit:
        return Commit(
            **{**commit(n, "main").__dict__, "summary": subject,
               "files": (FileStat(path, lines, 0),)}
        )  # fmt: skip

    day = (
        work(1, "Add the parser", "pkg/parser/p.go", 300),
        work(2, "Add the lexer", "pkg/parser/l.go", 100),
        work(3, "Fix the report", "pkg/report/r.go", 90),
        work(4, "Fix the writer", "pkg/writer/w.go", 40),
    )
    assert compose(facts(commits=day)).key_effort == (
        "Adding pkg/parser on main (2 commits, +400/−0 lines), fixing pkg/report and pkg/writer"
    )
    mixed = (
        work(1, "Add the parser", "pkg/parser/p.go", 300),
        work(3, "Fix the report", "pkg/report/r.go", 90),
        work(6, "Add report totals", "pkg/report/t.go", 80),
        work(4, "Fix the writer", "pkg/writer/w.go", 40),
    )
    assert compose(facts(commits=mixed)).key_effort == (
        "Adding pkg/parser on main (1 commit, +300/−0 lines), adding and fixing pkg/report, "
        "and fixing pkg/writer"
    )


def test_a_long_key_effort_is_cut_on_a_word_outside_links_and_entities():
    title = "Rework the a_b_c_d_e_f_g_h state " * 6  # underscores become entities
    long_pr = PullRequest(**{**PR.__dict__, "title": title})
    effort = compose(facts(pull_requests=(long_pr,))).key_effort
    assert len(effort) <= 300
    assert effort.endswith("…") and effort.startswith("Creating pull request [#21](https://")
    assert re.search(r"&#?\w*…$", effort) is None  # no entity cut in half
    assert effort.count("[") == effort.count("]") == 1  # the link is whole


def test_a_key_effort_note_is_at_most_about_300_characters():
    note = Note("Shipping the release " * 30, AT, DAY, key_effort=True)
    effort = compose(facts(notes=(note,))).key_effort
    assert len(effort) <= 300 and effort.endswith("release…")
