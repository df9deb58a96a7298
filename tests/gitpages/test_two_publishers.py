"""Two configs on one Pages branch, and other writers between runs: nobody's pages are lost."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from conftest import bare_remote, branch_file, commit, git, make_repo
from freezegun import freeze_time
from pages_repo import commit_by_hand

from statusbot.gitpages.manifest import MANIFEST_NAME

NOON = datetime(2026, 2, 9, 12, 0, tzinfo=UTC)
DAY = "2026-02-09"


def two_teams(tmp_path: Path, path_b: str = "/team-b") -> Path:
    """Lay out two source repos, one Pages repo with a bare origin and a config per team."""
    for team in ("a", "b"):
        repo = make_repo(tmp_path / f"app-{team}")
        commit(repo, f"Team {team} work", NOON.replace(hour=9))
    site = make_repo(tmp_path / "site")
    commit(site, "Site", NOON.replace(hour=8))
    git(site, "remote", "add", "origin", str(bare_remote(tmp_path / "origin.git")))
    for team, path in (("a", "/team-a"), ("b", path_b)):
        (tmp_path / f"state-{team}").mkdir()
        (tmp_path / f"{team}.yml").write_text(
            "timezone: UTC\npeople:\n  - name: Dev One\n    emails: [dev1@example.com]\n"
            f"sources:\n  git: [app-{team}]\n  junit: []\n  coverage: []\n"
            f"publish:\n  repo: site\n  path: {path}\n  remote: origin\n"
            f"state_dir: state-{team}\nsite_title: Team {team}\n"
        )
    return site


def test_two_publishers_in_their_folders_coexist_and_reruns_commit_nothing(
    tmp_path: Path, run_cli
) -> None:
    site = two_teams(tmp_path)
    with freeze_time(NOON):
        for team in ("a", "b", "a", "b"):
            result = run_cli(tmp_path, "--config", f"{team}.yml", "publish")
            assert result.exit_code == 0, result.output
        tip = git(site, "rev-parse", "gh-pages")
        for team in ("a", "b"):
            assert "no change" in run_cli(tmp_path, "--config", f"{team}.yml", "publish").output

    assert git(site, "rev-parse", "gh-pages") == tip
    assert git(tmp_path / "origin.git", "rev-parse", "gh-pages") == tip
    for team in ("a", "b"):
        index = branch_file(site, "gh-pages", f"team-{team}/index.md")
        assert f"# Team {team}" in index and f"/team-{team}/days/{DAY}/" in index
        page = branch_file(site, "gh-pages", f"team-{team}/days/{DAY}.md")
        assert f"Team {team} work" in page
        manifest = branch_file(site, "gh-pages", f"team-{team}/{MANIFEST_NAME}")
        assert f'"owner": "../{team}.yml"' in manifest
    assert "_config.yml" not in git(site, "ls-tree", "--name-only", "gh-pages")


def test_two_publishers_in_one_folder_are_refused_naming_the_other(tmp_path: Path, run_cli) -> None:
    site = two_teams(tmp_path, path_b="/team-a")
    with freeze_time(NOON):
        assert run_cli(tmp_path, "--config", "a.yml", "publish").exit_code == 0
        tip = git(site, "rev-parse", "gh-pages")
        result = run_cli(tmp_path, "--config", "b.yml", "publish")

    assert result.exit_code == 1
    assert result.output.strip().endswith(
        "folder /team-a/ of branch 'gh-pages' belongs to another statusbot publisher "
        "(../a.yml): give this config its own publish.path"
    )
    assert git(site, "rev-parse", "gh-pages") == tip


def test_a_local_commit_over_our_page_is_undone_keeping_theirs(tmp_path: Path, run_cli) -> None:
    site = two_teams(tmp_path)
    page = f"team-a/days/{DAY}.md"
    with freeze_time(NOON):
        assert run_cli(tmp_path, "--config", "a.yml", "publish").exit_code == 0
        ours = branch_file(site, "gh-pages", page)
        commit_by_hand(site, {page: b"not our page\n", "notes.md": b"theirs\n"}, "Edit by hand")
        result = run_cli(tmp_path, "--config", "a.yml", "publish")

    assert result.exit_code == 0 and "no change" not in result.output, result.output
    assert branch_file(site, "gh-pages", page) == ours
    assert branch_file(site, "gh-pages", "notes.md") == "theirs"
    assert git(tmp_path / "origin.git", "rev-parse", "gh-pages") == git(
        site, "rev-parse", "gh-pages"
    )


def test_a_pushed_commit_over_our_page_is_undone_keeping_theirs(tmp_path: Path, run_cli) -> None:
    site = two_teams(tmp_path)
    origin = tmp_path / "origin.git"
    page = f"team-a/days/{DAY}.md"
    with freeze_time(NOON):
        assert run_cli(tmp_path, "--config", "a.yml", "publish").exit_code == 0
        ours = branch_file(site, "gh-pages", page)
        other = tmp_path / "other"
        git(tmp_path, "clone", "-q", str(origin), str(other))
        git(other, "branch", "gh-pages", "origin/gh-pages")
        commit_by_hand(
            other, {page: b"not our page\n", "notes.md": b"theirs\n"}, "Edit", "gh-pages"
        )
        git(other, "push", "-q", "origin", "gh-pages")
        result = run_cli(tmp_path, "--config", "a.yml", "publish")

    assert result.exit_code == 0 and "no change" not in result.output, result.output
    assert branch_file(origin, "gh-pages", page) == ours
    assert branch_file(origin, "gh-pages", "notes.md") == "theirs"


def test_another_writers_commit_outside_our_folder_keeps_the_shortcut(
    tmp_path: Path, run_cli
) -> None:
    site = two_teams(tmp_path)
    with freeze_time(NOON):
        assert run_cli(tmp_path, "--config", "a.yml", "publish").exit_code == 0
        commit_by_hand(site, {"notes.md": b"theirs\n"}, "Notes")
        git(site, "push", "-q", "origin", "gh-pages")
        tip = git(site, "rev-parse", "gh-pages")
        result = run_cli(tmp_path, "--config", "a.yml", "publish")

    assert "no change" in result.output, result.output
    assert git(site, "rev-parse", "gh-pages") == tip
