"""The small refusals of the command line: bad dates, a folder as config, notes from files, ids."""

from __future__ import annotations

import json
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import commit, git, make_repo
from freezegun import freeze_time

from statusbot.cli import cli

NOON = datetime(2026, 2, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Return a checkout with a commit on the day under test and a config without a remote."""
    repo = make_repo(tmp_path / "project")
    commit(repo, "Work", datetime(2026, 2, 10, 9, 0, tzinfo=UTC))
    (repo / "statusbot.yml").write_text("timezone: UTC\npublish: {remote: null}\n")
    return repo


def notes(run_cli, repo: Path) -> list[str]:
    """Return the texts of the day's notes, as `statusbot collect` gives them."""
    facts = json.loads(run_cli(repo, "collect").output)
    return [n["text"] for n in facts["notes"]]


@pytest.mark.parametrize("day", ["0001-01-01", "1969-12-31"])
def test_a_date_before_1970_is_a_usage_error(project: Path, run_cli, day: str) -> None:
    with freeze_time(NOON):
        result = run_cli(project, "--date", day, "publish")
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (
        f"Error: Invalid value for '--date': '{day}' is before 1970: no git history is that old"
    )
    branches = subprocess.run(
        ["git", "-C", str(project), "branch", "--list", "gh-pages"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert branches.stdout == ""  # nothing was published


@pytest.mark.parametrize(
    "args", [("--date", "2026-02-11", "publish"), ("note", "x", "--date", "2026-02-11")]
)
def test_a_future_date_is_a_usage_error_like_any_bad_date(
    project: Path, run_cli, args: tuple[str, ...]
) -> None:
    with freeze_time(NOON):
        result = run_cli(project, *args)
    assert result.exit_code == 2
    assert (
        result.output == "Error: --date 2026-02-11 is in the future (today is 2026-02-10 in UTC)\n"
    )


def test_config_that_is_a_folder_says_so(project: Path, run_cli) -> None:
    (project / "conf").mkdir()
    result = run_cli(project, "--config", "conf", "publish")
    assert result.exit_code == 1
    assert result.output == "Error: conf: is a folder; give the config file in it\n"


def test_a_note_from_a_file_and_from_stdin(project: Path, run_cli, monkeypatch) -> None:
    long_note = "Migrated the provisioning pipeline: " + "step, " * 2000 + "done.\n"
    (project / "note.txt").write_text(long_note, encoding="utf-8")
    with freeze_time(NOON):
        from_file = run_cli(project, "note", "--file", "note.txt")
        assert from_file.exit_code == 0, from_file.output
        monkeypatch.chdir(project)
        piped = CliRunner().invoke(
            cli, ["note", "--file", "-", "--risk", "high"], input="Disk full\n"
        )
        assert piped.exit_code == 0, piped.output
        assert re.search(r"risk id [0-9a-f]{6}", piped.output)
        assert notes(run_cli, project) == [long_note.strip(), "Disk full"]


@pytest.mark.parametrize(
    ("args", "exit_code", "message"),
    [
        (("note",), 2, "Error: give the note as TEXT, or with --file F (- for stdin)"),
        (
            ("note", "x", "--file", "note.txt"),
            2,
            "Error: give the note as TEXT or with --file F, not both",
        ),
        (
            ("note", "--file", "missing.txt"),
            1,
            "Error: --file missing.txt: cannot read (No such file or directory)",
        ),
        (
            ("note", "--file", "big.txt"),
            1,
            "Error: --file big.txt: the note is over 64 KB; shorten it",
        ),
        (
            ("note", "--file", "latin1.txt"),
            1,
            "Error: --file latin1.txt: not UTF-8 text (byte offset 3)",
        ),
        (("note", "--file", "blank.txt"), 1, "Error: the note is empty"),
    ],
)
def test_note_file_refusals(
    project: Path, run_cli, args: tuple[str, ...], exit_code: int, message: str
) -> None:
    (project / "note.txt").write_text("a note\n")
    (project / "big.txt").write_text("x" * (64 * 1024 + 1))
    (project / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    (project / "blank.txt").write_text("\n  \n")
    with freeze_time(NOON):
        result = run_cli(project, *args)
        assert notes(run_cli, project) == []
    assert result.exit_code == exit_code
    assert message in result.output.splitlines()[-1]


def test_resolve_refuses_an_id_no_open_risk_has_and_lists_the_open_ones(
    project: Path, run_cli
) -> None:
    with freeze_time(NOON):
        none_open = run_cli(project, "note", "Fixed", "--resolve", "abc123")
        assert none_open.exit_code == 1
        assert none_open.output == (
            "Error: --resolve abc123: no open risk has this id (open risks: none)\n"
        )
        first = run_cli(project, "note", "DB on fire", "--risk", "critical").output
        second = run_cli(project, "note", "Disk full", "--risk", "high").output
        ids = sorted(re.search(r"risk id ([0-9a-f]{6})", o).group(1) for o in (first, second))
        wrong = run_cli(project, "note", "Fixed", "--resolve", "abc123")
        assert wrong.exit_code == 1
        assert wrong.output == (
            f"Error: --resolve abc123: no open risk has this id (open risks: {', '.join(ids)})\n"
        )
        assert run_cli(project, "note", "Fixed", "--resolve", ids[0].upper()).exit_code == 0
        again = run_cli(project, "note", "Fixed again", "--resolve", ids[0])
        assert again.exit_code == 1
        assert again.output.endswith(f"(open risks: {ids[1]})\n")
        assert notes(run_cli, project)[-1] == "Fixed"


def test_a_risk_open_on_the_page_can_be_resolved_without_the_local_record(
    project: Path, run_cli
) -> None:
    with freeze_time(NOON):
        noted = run_cli(project, "note", "DB on fire", "--risk", "critical").output
        rid = re.search(r"risk id ([0-9a-f]{6})", noted).group(1)
        assert run_cli(project, "publish").exit_code == 0
    git(project, "update-ref", "-d", "refs/statusbot/records")  # e.g. noted on another machine
    with freeze_time(datetime(2026, 2, 11, 12, 0, tzinfo=UTC)):
        result = run_cli(project, "note", "Fixed", "--resolve", rid)
    assert result.exit_code == 0, result.output
    assert result.output == f"recorded note for 2026-02-11 (resolves risk {rid})\n"


def test_a_commit_without_a_message_shows_as_no_message(project: Path, run_cli) -> None:
    for n, message in enumerate(("", "   ", "\n\n")):
        (project / f"blank{n}.txt").write_text(f"{n}\n")
        git(project, "add", f"blank{n}.txt")
        stamp = datetime(2026, 2, 10, 10, n, tzinfo=UTC).isoformat()
        git(
            project, "commit", "-q", "--allow-empty-message", "--cleanup=verbatim", "-m", message,
            env={"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp},
        )  # fmt: skip
    with freeze_time(NOON):
        result = run_cli(project, "publish")
    assert result.exit_code == 0, result.output
    page = git(project, "show", "gh-pages:_posts/2026-02-10-daily-status.md")
    done = page.split("## Accomplishments\n", 1)[1].split("\n\n", 1)[0].splitlines()
    blank = [line for line in done if "blank" in line]
    assert len(blank) == 3, done
    for line in blank:  # the escaped "(" is how the page keeps Markdown from reading a link
        assert ": &#40;no message) (1 commit" in line, line


@pytest.mark.parametrize(
    ("branch", "problem"),
    [
        ("HEAD", "'HEAD' names the checked-out commit, not a branch; use e.g. gh-pages"),
        ("refs/heads/pages", "write the branch name without refs/heads/: 'pages'"),
    ],
)
def test_a_branch_git_would_trip_over_is_refused_before_anything_is_written(
    project: Path, run_cli, branch: str, problem: str
) -> None:
    (project / "statusbot.yml").write_text(
        f"timezone: UTC\npublish: {{remote: null, branch: {branch}}}\n"
    )
    refs = git(project, "for-each-ref", "--format=%(refname)")
    with freeze_time(NOON):
        result = run_cli(project, "publish")
    assert result.exit_code == 1
    assert result.output == f"Error: {project / 'statusbot.yml'}: publish.branch: {problem}\n"
    assert git(project, "for-each-ref", "--format=%(refname)") == refs
    assert git(project, "rev-parse", "--abbrev-ref", "HEAD") == "main"  # not ambiguous
