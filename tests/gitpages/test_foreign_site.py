"""statusbot inside a person's own Jekyll site: it lives in its folder and leaves theirs alone."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import branch_file, commit, git, make_repo
from pages_repo import commit_by_hand
from sitebuild import export, jekyll_build

from statusbot.gitpages.manifest import MANIFEST_NAME

THEIR_SITE = {
    "_config.yml": (
        b"title: My Own Site\ndescription: Things I make\ntheme: minima\nplugins: [jekyll-feed]\n"
    ),
    "_posts/2026-01-05-hello.md": b"---\nlayout: post\ntitle: Hello\n---\nMy first post.\n",
    "index.md": b"---\nlayout: home\n---\nWelcome to my site.\n",
    "about.md": b"---\nlayout: page\ntitle: About\npermalink: /about/\n---\nAbout me.\n",
    "_layouts/home.html": b'---\nlayout: default\n---\n<div class="their-home">{{ content }}</div>',
    "CNAME": b"www.example.com\n",
}
DAYS = ("2026-02-09", "2026-02-10")


def blobs_outside(repo: Path, folder: str) -> dict[str, str]:
    """Return {path: mode and blob id} of every file on gh-pages outside `folder`."""
    lines = git(repo, "ls-tree", "-r", "gh-pages").splitlines()
    entries = {line.split("\t")[1]: line.split("\t")[0] for line in lines}
    return {path: meta for path, meta in entries.items() if not path.startswith(folder)}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A repository with two days of work whose gh-pages holds its owner's minima site."""
    repo = make_repo(tmp_path / "project")
    for day in DAYS:
        when = datetime.fromisoformat(day).replace(hour=10, tzinfo=UTC)
        commit(repo, f"Work of {day}", when)
    commit_by_hand(repo, THEIR_SITE, "My site")
    (repo / "statusbot.yml").write_text(
        "timezone: UTC\npeople:\n  - name: Dev One\n    emails: [dev1@example.com]\n"
        "sources:\n  git: [.]\n  junit: []\n  coverage: []\n"
        "publish:\n  path: /status\n  remote: null\nsite_title: Team status\n"
    )
    return repo


def publish_days(project: Path, run_cli) -> None:
    """Publish every day of DAYS through the CLI."""
    for day in DAYS:
        result = run_cli(project, "--date", day, "publish")
        assert result.exit_code == 0, result.output


def test_statusbot_writes_only_under_its_folder(project: Path, run_cli) -> None:
    before = blobs_outside(project, "status/")

    publish_days(project, run_cli)
    tip = git(project, "rev-parse", "gh-pages")
    again = run_cli(project, "--date", DAYS[-1], "publish")

    assert again.exit_code == 0 and git(project, "rev-parse", "gh-pages") == tip
    assert blobs_outside(project, "status/") == before
    names = git(project, "ls-tree", "-r", "--name-only", "gh-pages", "status/").splitlines()
    assert "status/_config.yml" not in names and not any("_layouts" in n for n in names)
    assert {"status/index.md", "status/days/2026-02-09.md", "status/days/2026-02-10.md"} <= set(
        names
    )
    manifest = branch_file(project, "gh-pages", f"status/{MANIFEST_NAME}")
    assert '"owner": "statusbot.yml"' in manifest
    day = branch_file(project, "gh-pages", "status/days/2026-02-10.md")
    assert "permalink: /status/days/2026-02-10/\n" in day and "\ntitle:" not in day


def test_the_root_of_a_foreign_site_is_refused_with_the_fix(project: Path, run_cli) -> None:
    config = project / "statusbot.yml"
    config.write_text(config.read_text().replace("path: /status", "path: /"))
    tip = git(project, "rev-parse", "gh-pages")

    result = run_cli(project, "--date", DAYS[0], "publish")

    assert result.exit_code == 1
    assert result.output.strip().endswith(
        "the root of branch 'gh-pages' holds files statusbot did not write (CNAME, _config.yml, "
        "_layouts/home.html and 3 more): choose a publish.path folder of its own (e.g. /status), "
        "or take them over with publish.adopt: true"
    )
    assert git(project, "rev-parse", "gh-pages") == tip


@pytest.mark.jekyll
def test_jekyll_builds_their_site_with_statusbot_in_its_folder(
    project: Path, run_cli, tmp_path: Path
) -> None:
    # Their site built before statusbot publishes, at a fixed site.time (the feed's <updated>).
    when = tmp_path / "time.yml"
    when.write_text("time: 2026-02-11 08:00:00 +0000\n")
    theirs = tmp_path / "their-site"
    mine = tmp_path / "their-branch"
    export(project, "gh-pages", mine)
    alone = jekyll_build(mine, theirs, "--config", f"{mine / '_config.yml'},{when}")
    assert alone.returncode == 0, alone.stdout + alone.stderr
    publish_days(project, run_cli)
    source, site = tmp_path / "branch", tmp_path / "_site"
    export(project, "gh-pages", source)

    done = jekyll_build(source, site, "--config", f"{source / '_config.yml'},{when}")

    assert done.returncode == 0, done.stdout + done.stderr
    # Every page of theirs is byte-identical, and statusbot added nothing outside its folder.
    built = {p.relative_to(theirs): p.read_bytes() for p in theirs.rglob("*") if p.is_file()}
    assert {Path("index.html"), Path("about/index.html"), Path("feed.xml")} <= set(built)
    after = {
        p.relative_to(site): p.read_bytes()
        for p in site.rglob("*")
        if p.is_file() and p.relative_to(site).parts[0] != "status"
    }
    assert after == built
    assert "does not exist" not in done.stdout + done.stderr  # every layout was found
    for path, data in THEIR_SITE.items():
        assert (source / path).read_bytes() == data
    assert (site / "CNAME").read_bytes() == THEIR_SITE["CNAME"]
    home = (site / "index.html").read_text()
    about = (site / "about" / "index.html").read_text()
    assert 'class="their-home"' in home and "Welcome to my site." in home
    for page in (home, about):  # their menu and home page list none of statusbot's pages
        assert "/status/" not in page and "Daily Status" not in page
    index = (site / "status" / "index.html").read_text()
    assert "Team status" in index and "My Own Site" in index  # the site's own default layout
    links = set(re.findall(r'href="(/status/[^"#]*)"', index))
    assert "/status/days/2026-02-10/" in links and "/status/archive/" in links
    links |= set(re.findall(r'src="(/status/[^"]*)"', index))
    assert "/status/assets/charts/commits-30.svg" in links
    for link in links:
        assert (site / link.strip("/") / "index.html").is_file() or (site / link[1:]).is_file()
    day = (site / "status" / "days" / "2026-02-10" / "index.html").read_text()
    assert "Work of 2026-02-10" in day and 'class="site-header"' in day
