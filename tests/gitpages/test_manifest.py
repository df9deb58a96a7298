"""The ownership manifest: statusbot changes only files it wrote, in a folder no one else owns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pages_repo import DAY1, DAY2, commit_by_hand, git, publish, rev

from statusbot.errors import PublishError
from statusbot.gitpages.manifest import MANIFEST_NAME, Manifest
from statusbot.gitpages.tree import list_files, read_file

THEIR_SITE = {
    "_config.yml": b"title: My Own Site\ntheme: minima\n",
    "index.md": b"---\nlayout: home\n---\nWelcome to my site.\n",
    "about.md": b"---\nlayout: page\ntitle: About\n---\nAbout me.\n",
    "_layouts/default.html": b"<html>{{ content }}</html>\n",
    "CNAME": b"www.example.com\n",
}


@pytest.fixture
def their_site(repo: Path) -> Path:
    """A gh-pages branch that already holds a person's own Jekyll site."""
    commit_by_hand(repo, THEIR_SITE, "My site")
    return repo


def theirs_on_branch(repo: Path, folder: str) -> dict[str, str]:
    """Return {path: blob id} of every file outside statusbot's folder."""
    lines = git(repo, "ls-tree", "-r", "gh-pages").splitlines()
    entries = dict(line.split("\t")[::-1] for line in lines)
    return {path: meta for path, meta in entries.items() if not path.startswith(folder)}


def test_root_of_a_foreign_site_is_refused(their_site: Path) -> None:
    tip = rev(their_site, "gh-pages")

    with pytest.raises(PublishError) as caught:
        publish(their_site, DAY1, owner="statusbot.yml")

    assert caught.value.message == (
        "the root of branch 'gh-pages' holds files statusbot did not write (CNAME, _config.yml, "
        "_layouts/default.html and 2 more): choose a publish.path folder of its own "
        "(e.g. /status), or take them over with publish.adopt: true"
    )
    assert rev(their_site, "gh-pages") == tip


def test_a_folder_inside_a_foreign_site_leaves_their_files_alone(their_site: Path) -> None:
    before = theirs_on_branch(their_site, "status/")

    first = publish(their_site, DAY1, prefix="status", owner="statusbot.yml")
    second = publish(their_site, DAY2, prefix="status", owner="statusbot.yml")
    again = publish(their_site, {**DAY1, **DAY2}, prefix="status", owner="statusbot.yml")

    assert first.commit and second.commit and again.commit is None
    assert theirs_on_branch(their_site, "status/") == before
    for path, data in THEIR_SITE.items():
        assert read_file(their_site, "gh-pages", path) == data
    manifest = json.loads(read_file(their_site, "gh-pages", f"status/{MANIFEST_NAME}") or b"")
    assert manifest == {"owner": "statusbot.yml", "files": sorted({**DAY1, **DAY2})}


def test_two_publishers_in_two_folders_coexist(repo: Path) -> None:
    publish(repo, DAY1, prefix="team-a", owner="a.yml")
    publish(repo, DAY1, prefix="team-b", owner="b.yml")
    publish(repo, DAY2, prefix="team-a", owner="a.yml")

    assert publish(repo, {**DAY1, **DAY2}, prefix="team-a", owner="a.yml").commit is None
    assert publish(repo, DAY1, prefix="team-b", owner="b.yml").commit is None
    names = list_files(repo, "gh-pages")
    assert f"team-a/{MANIFEST_NAME}" in names and f"team-b/{MANIFEST_NAME}" in names
    assert read_file(repo, "gh-pages", "team-b/_config.yml") == DAY1["_config.yml"]

    tip = rev(repo, "gh-pages")
    with pytest.raises(PublishError) as caught:
        publish(repo, DAY2, prefix="team-b", owner="a.yml")
    assert caught.value.message == (
        "folder /team-b/ of branch 'gh-pages' belongs to another statusbot publisher (b.yml): "
        "give this config its own publish.path"
    )
    assert rev(repo, "gh-pages") == tip


def test_adopt_takes_over_the_files_it_overwrites(their_site: Path) -> None:
    result = publish(their_site, DAY1, owner="statusbot.yml", adopt=True)

    assert result.changed == (MANIFEST_NAME, "_config.yml", "_posts/2026-02-08-daily-status.md")
    manifest = Manifest.from_bytes(read_file(their_site, "gh-pages", MANIFEST_NAME) or b"", "m")
    assert set(manifest.files) == set(DAY1)
    assert read_file(their_site, "gh-pages", "index.md") == THEIR_SITE["index.md"]
    assert publish(their_site, DAY2, owner="statusbot.yml").commit is not None


def test_a_file_where_the_folder_would_go_is_theirs(repo: Path) -> None:
    commit_by_hand(repo, {"status": b"a file named status\n", "blog/index.md": b"blog\n"}, "mine")

    with pytest.raises(PublishError, match=r"did not write \(status\)"):
        publish(repo, DAY1, prefix="status", owner="me")
    with pytest.raises(PublishError, match=r"did not write \(blog/index.md, status\)"):
        publish(repo, {"blog": b"a file over their folder\n"}, owner="me")
    assert read_file(repo, "gh-pages", "status") == b"a file named status\n"


def test_a_broken_manifest_is_named(repo: Path) -> None:
    commit_by_hand(repo, {f"docs/{MANIFEST_NAME}": b"{not json"}, "mine")

    with pytest.raises(PublishError) as caught:
        publish(repo, DAY1, prefix="docs", owner="me")

    assert caught.value.message.startswith(f"gh-pages:docs/{MANIFEST_NAME} is not a statusbot ")
    assert caught.value.message.endswith("; remove it")
    assert "\n" not in caught.value.message


def test_without_an_owner_nothing_changes(their_site: Path) -> None:
    result = publish(their_site, DAY1)

    assert result.changed == tuple(sorted(DAY1))
    assert read_file(their_site, "gh-pages", MANIFEST_NAME) is None


def test_a_folder_published_before_manifests_is_taken_over(repo: Path) -> None:
    publish(repo, DAY1, prefix="docs", message="statusbot: daily status 2026-02-08")
    commit_by_hand(repo, {"README.md": b"outside the folder\n"}, "docs: readme")

    result = publish(repo, DAY2, prefix="docs", owner="statusbot.yml")

    assert result.commit is not None
    manifest = json.loads(read_file(repo, "gh-pages", f"docs/{MANIFEST_NAME}") or b"")
    assert manifest == {"owner": "statusbot.yml", "files": sorted({**DAY1, **DAY2})}


def test_a_folder_someone_else_wrote_in_is_refused_with_the_fix(repo: Path) -> None:
    publish(repo, DAY1, message="statusbot: daily status 2026-02-08")
    commit_by_hand(repo, {"CNAME": b"status.example.com\n"}, "Add a custom domain")
    tip = rev(repo, "gh-pages")

    with pytest.raises(PublishError) as caught:
        publish(repo, DAY2, owner="statusbot.yml")

    assert caught.value.message == (
        "the root of branch 'gh-pages' holds files statusbot did not write (CNAME): choose a "
        "publish.path folder of its own (e.g. /status), or take them over with publish.adopt: true"
    )
    assert rev(repo, "gh-pages") == tip
    result = publish(repo, DAY2, owner="statusbot.yml", adopt=True)
    assert read_file(repo, "gh-pages", "CNAME") == b"status.example.com\n"
    assert MANIFEST_NAME in result.changed
    assert publish(repo, {**DAY1, **DAY2}, owner="statusbot.yml").commit is None
