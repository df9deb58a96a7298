"""Tests of publish: real git repositories and a real bare remote in tmp_path, no mocks."""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
from pages_repo import DAY1, DAY2, git, publish, rev

from statusbot.errors import PublishError
from statusbot.gitpages.git import Git, last_line, redact
from statusbot.gitpages.refs import update_ref
from statusbot.gitpages.tree import LS_TREE_MAX_PATHS, blob_id, list_files, ls_tree, read_file


def objects(repo: Path) -> list[str]:
    """Return every file in the object store, to see whether anything was written."""
    store = Path(git(repo, "rev-parse", "--git-path", "objects"))
    store = store if store.is_absolute() else repo / store
    return sorted(str(p.relative_to(store)) for p in store.rglob("*") if p.is_file())


def user_state(repo: Path) -> dict[str, object]:
    """Return what publishing must not change: index, HEAD, branch, status, files, refs."""
    index = hashlib.sha256((repo / ".git" / "index").read_bytes()).hexdigest()
    files = {
        str(p.relative_to(repo)): p.read_bytes()
        for p in sorted(repo.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(repo).parts
    }
    return {
        "index": index,
        "head": git(repo, "rev-parse", "HEAD"),
        "current": git(repo, "symbolic-ref", "HEAD"),
        "status": git(repo, "--no-optional-locks", "status", "--porcelain", "-uall"),
        "files": files,
        "main": git(repo, "rev-parse", "refs/heads/main"),
    }


def test_creates_orphan_branch_when_missing(repo: Path) -> None:
    result = publish(repo, DAY1)

    assert result.branch == "gh-pages"
    assert result.commit is not None
    assert result.commit == rev(repo, "refs/heads/gh-pages")
    assert result.changed == ("_config.yml", "_posts/2026-02-08-daily-status.md")
    assert git(repo, "rev-list", "--parents", "-n", "1", result.commit) == result.commit
    assert git(repo, "log", "-1", "--format=%s", "gh-pages") == "Publish daily status"
    assert git(repo, "ls-tree", "-r", "--name-only", "gh-pages").splitlines() == sorted(DAY1)
    for path, data in DAY1.items():
        assert git(repo, "show", f"gh-pages:{path}") == data.decode().strip()
    assert result.pushed is False
    assert result.push_message == "not pushed: push is off"


def test_overlay_keeps_files_already_in_the_branch(repo: Path) -> None:
    first = publish(repo, DAY1)
    second = publish(repo, {**DAY2, "_config.yml": b"title: Changed\n"})

    assert second.changed == ("_config.yml", "_posts/2026-02-09-daily-status.md")
    assert git(repo, "rev-parse", "gh-pages^") == first.commit
    assert list_files(repo, "gh-pages") == sorted({**DAY1, **DAY2})
    assert (
        read_file(repo, "gh-pages", "_posts/2026-02-08-daily-status.md")
        == DAY1["_posts/2026-02-08-daily-status.md"]
    )
    assert read_file(repo, "gh-pages", "_config.yml") == b"title: Changed\n"


def test_identical_publish_makes_no_commit_and_writes_nothing(repo: Path) -> None:
    first = publish(repo, DAY1)
    before = objects(repo)

    again = publish(repo, DAY1, message="Another message")

    assert again.commit is None
    assert again.changed == ()
    assert rev(repo, "refs/heads/gh-pages") == first.commit
    assert objects(repo) == before


def test_subset_of_unchanged_files_makes_no_commit(repo: Path) -> None:
    first = publish(repo, {**DAY1, **DAY2})

    again = publish(repo, DAY2)

    assert again.commit is None
    assert rev(repo, "refs/heads/gh-pages") == first.commit


def test_user_working_tree_index_and_head_untouched(repo: Path, bare: Path) -> None:
    (repo / "README.md").write_text("staged change\n")
    git(repo, "add", "README.md")
    (repo / "README.md").write_text("unstaged change\n")
    (repo / "notes.txt").write_text("untracked\n")
    git(repo, "status")  # let status refresh the index once, before the snapshot
    before = user_state(repo)

    publish(repo, DAY1, remote="origin", push=True)
    publish(repo, DAY2, remote="origin", push=True)

    assert user_state(repo) == before
    assert rev(repo, "refs/heads/gh-pages") is not None
    assert sorted(os.listdir(repo)) == [".git", "README.md", "notes.txt"]


def test_prefix_docs_writes_under_docs(repo: Path) -> None:
    result = publish(repo, DAY1, prefix="docs")

    assert result.changed == ("docs/_config.yml", "docs/_posts/2026-02-08-daily-status.md")
    assert list_files(repo, "gh-pages") == [f"docs/{p}" for p in sorted(DAY1)]
    assert list_files(repo, "gh-pages", "docs/_posts") == ["docs/_posts/2026-02-08-daily-status.md"]
    assert read_file(repo, "gh-pages", "docs/_config.yml") == DAY1["_config.yml"]
    assert read_file(repo, "gh-pages", "_config.yml") is None

    again = publish(repo, DAY1, prefix="/docs/")
    assert again.commit is None


def test_file_may_replace_a_directory_and_the_reverse(repo: Path) -> None:
    publish(repo, {"about/index.md": b"dir page\n"})

    result = publish(repo, {"about": b"now a file\n", "_config.yml/x": b"nested\n"})

    assert result.commit is not None
    assert read_file(repo, "gh-pages", "about") == b"now a file\n"
    assert read_file(repo, "gh-pages", "about/index.md") is None
    assert list_files(repo, "gh-pages") == ["_config.yml/x", "about"]


def test_many_files_compare_against_the_whole_tree(repo: Path) -> None:
    pages = {f"_posts/page-{n:04d}.md": b"page %d\n" % n for n in range(LS_TREE_MAX_PATHS + 50)}
    publish(repo, {**pages, "about/index.md": b"dir page\n"})

    edited = {**pages, "_posts/page-0007.md": b"edited\n", "about": b"a file now\n"}
    result = publish(repo, edited)

    assert result.changed == ("_posts/page-0007.md", "about")
    assert publish(repo, edited).commit is None
    assert len(list_files(repo, "gh-pages", "_posts")) == len(pages)


def test_a_whole_tree_listing_is_kept_by_commit_id_never_by_a_moving_name(repo: Path) -> None:
    pages = {f"p/{n:04d}.md": b"%d\n" % n for n in range(LS_TREE_MAX_PATHS + 1)}
    first = publish(repo, pages).commit
    assert first is not None
    g = Git(repo)
    listed = ls_tree(g, first, list(pages))
    assert sorted(listed) == sorted(pages) and g.listings[first]  # kept for the next asker
    assert ls_tree(g, first, ["p"])["p"].type == "tree"  # few paths: asked of git, dirs too
    assert sorted(ls_tree(g, first)) == sorted(pages)  # all files, not the directories
    assert "gh-pages" not in g.listings and ls_tree(g, "gh-pages", list(pages)) == listed
    publish(repo, {**pages, "p/0000.md": b"moved\n"})
    assert ls_tree(g, "gh-pages", list(pages))["p/0000.md"].oid == blob_id(b"moved\n")
    assert ls_tree(g, first, list(pages)) == listed


def test_a_listing_answers_a_later_question_about_fewer_paths_without_git(repo: Path) -> None:
    first = publish(repo, DAY1).commit
    assert first is not None
    g = Git(repo)
    asked = [*DAY1, "_posts", "missing.md"]
    listed = ls_tree(g, first, asked)
    assert sorted(listed) == sorted(DAY1)  # _posts is shown by its child, as git shows it
    assert ls_tree(Git(repo), first, ["_posts"])["_posts"].type == "tree"  # asked alone
    g.env["PATH"] = ""  # from here on, a git process would fail: "git is not installed"
    assert ls_tree(g, first, list(DAY1)) == listed
    assert ls_tree(g, first, ["missing.md"]) == {}
    for unsure in (["_posts"], ["_config.yml", "other.md"]):  # shadowed, or never asked
        with pytest.raises(PublishError, match="not installed"):
            ls_tree(g, first, unsure)


def test_push_to_bare_remote(repo: Path, bare: Path) -> None:
    result = publish(repo, DAY1, remote="origin", push=True)

    assert result.pushed is True
    assert result.push_message == "pushed gh-pages to origin (new branch)"
    assert rev(bare, "refs/heads/gh-pages") == result.commit
    assert rev(repo, "refs/remotes/origin/gh-pages") == result.commit

    second = publish(repo, DAY2, remote="origin", push=True)
    assert second.pushed is True
    assert rev(bare, "refs/heads/gh-pages") == second.commit


def test_no_change_and_remote_up_to_date_does_not_push(repo: Path, bare: Path) -> None:
    first = publish(repo, DAY1, remote="origin", push=True)

    again = publish(repo, DAY1, remote="origin", push=True)

    assert again.commit is None
    assert again.pushed is False
    assert again.push_message == f"not pushed: origin/gh-pages is already at {first.commit[:7]}"


@pytest.mark.parametrize("fetched", [False], ids=["unfetched"])
def test_push_rejected_when_remote_diverges(
    repo: Path, bare: Path, tmp_path: Path, fetched: bool
) -> None:
    publish(repo, DAY1, remote="origin", push=True)
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", "-b", "gh-pages", str(bare), str(other))
    (other / "extra.md").write_text("pushed from elsewhere\n")
    git(other, "add", "extra.md")
    git(other, "commit", "-q", "-m", "elsewhere")
    git(other, "push", "-q", "origin", "gh-pages")
    theirs = rev(other, "HEAD")
    if fetched:
        git(repo, "fetch", "-q", "origin")

    with pytest.raises(PublishError) as caught:
        publish(repo, DAY2, remote="origin", push=True)

    text = str(caught.value.message)
    reason = "non-fast-forward" if fetched else "fetch first"
    assert f"rejected ({reason}): the remote has commits this one lacks" in text
    assert f"push of branch 'gh-pages' to remote 'origin' ({bare}) failed: " in text
    assert "\n" not in text
    ours = rev(repo, "refs/heads/gh-pages")
    assert git(repo, "log", "-1", "--format=%s", "gh-pages") == "Publish daily status"
    assert read_file(repo, "gh-pages", "_posts/2026-02-09-daily-status.md") is not None
    assert f"commit {ours[:7]} stays on the local branch" in text
    assert rev(bare, "refs/heads/gh-pages") == theirs


def test_a_fetched_remote_ahead_is_built_over(repo: Path, bare: Path, tmp_path: Path) -> None:
    publish(repo, DAY1, remote="origin", push=True)
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", "-b", "gh-pages", str(bare), str(other))
    (other / "extra.md").write_text("pushed from elsewhere\n")
    git(other, "add", "extra.md")
    git(other, "commit", "-q", "-m", "elsewhere")
    git(other, "push", "-q", "origin", "gh-pages")
    git(repo, "fetch", "-q", "origin")

    result = publish(repo, DAY2, remote="origin", push=True)

    assert result.pushed and result.rebuilt == 0
    assert rev(bare, "refs/heads/gh-pages~1") == rev(other, "HEAD")
    assert read_file(repo, "gh-pages", "extra.md") == b"pushed from elsewhere\n"


def test_commit_left_by_failed_push_goes_out_next_time(
    repo: Path, bare: Path, tmp_path: Path
) -> None:
    git(repo, "remote", "set-url", "origin", str(tmp_path / "missing.git"))
    with pytest.raises(PublishError) as caught:
        publish(repo, DAY1, remote="origin", push=True)
    assert "does not appear to be a git repository" in caught.value.message
    assert "\n" not in caught.value.message
    local = rev(repo, "refs/heads/gh-pages")
    assert local is not None

    git(repo, "remote", "set-url", "origin", str(bare))
    again = publish(repo, DAY1, remote="origin", push=True)

    assert again.commit is None
    assert again.pushed is True
    assert rev(bare, "refs/heads/gh-pages") == local


def test_commit_made_without_push_goes_out_when_push_is_on(repo: Path, bare: Path) -> None:
    publish(repo, DAY1, remote="origin", push=True)
    offline = publish(repo, DAY2, remote="origin", push=False)
    assert offline.pushed is False
    assert rev(bare, "refs/heads/gh-pages") != offline.commit

    again = publish(repo, DAY2, remote="origin", push=True)

    assert again.commit is None
    assert again.pushed is True
    assert rev(bare, "refs/heads/gh-pages") == offline.commit


def test_credentials_in_remote_url_never_shown(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed once the socket is: nothing listens there
    url = f"https://statususer:s3cr3tT0ken@127.0.0.1:{port}/site.git"
    git(repo, "remote", "add", "origin", url)
    started = time.monotonic()

    with pytest.raises(PublishError) as caught:
        publish(repo, DAY1, remote="origin", push=True)

    text = caught.value.message
    assert time.monotonic() - started < 30
    assert "s3cr3tT0ken" not in text
    assert "statususer" not in text
    assert f"remote 'origin' (https://***@127.0.0.1:{port}/site.git) failed" in text
    assert "\n" not in text


def test_redact_masks_userinfo_and_known_secrets() -> None:
    text = "unable to access 'https://bot:ghp_abc123@github.com/o/r.git/': token ghp_abc123"
    assert redact(text, ["ghp_abc123"]) == (
        "unable to access 'https://***@github.com/o/r.git/': token ***"
    )


def test_dry_run_writes_nothing(repo: Path, bare: Path) -> None:
    before = objects(repo)

    fresh = publish(repo, DAY1, dry_run=True)

    assert fresh.commit is None
    assert fresh.changed == ("_config.yml", "_posts/2026-02-08-daily-status.md")
    assert rev(repo, "refs/heads/gh-pages") is None
    assert objects(repo) == before

    first = publish(repo, DAY1)
    before = objects(repo)
    changed = publish(repo, {**DAY1, **DAY2}, dry_run=True, remote="origin", push=True)

    assert changed.changed == ("_posts/2026-02-09-daily-status.md",)
    assert changed.pushed is False
    assert rev(bare, "refs/heads/gh-pages") is None
    assert rev(repo, "refs/heads/gh-pages") == first.commit
    assert objects(repo) == before


def test_identity_defaults_without_user_email(repo: Path) -> None:
    assert not any(Path(os.environ["HOME"]).iterdir())
    unset = subprocess.run(["git", "config", "user.email"], cwd=repo, check=False)
    assert unset.returncode == 1

    result = publish(repo, DAY1)

    line = git(repo, "log", "-1", "--format=%an <%ae>|%cn <%ce>", result.commit)
    assert line == "statusbot <statusbot@localhost>|statusbot <statusbot@localhost>"


def test_identity_from_repo_config_then_argument(repo: Path) -> None:
    git(repo, "config", "user.name", "Repo Owner")
    git(repo, "config", "user.email", "owner@example.com")
    first = publish(repo, DAY1)
    second = publish(repo, DAY2, author=("Given Name", "given@example.com"))

    assert git(repo, "log", "-1", "--format=%an <%ae>", first.commit) == (
        "Repo Owner <owner@example.com>"
    )
    assert git(repo, "log", "-1", "--format=%cn <%ce>", second.commit) == (
        "Given Name <given@example.com>"
    )
    assert git(repo, "config", "--local", "user.email") == "owner@example.com"


def test_concurrent_ref_move_is_detected(repo: Path, tmp_path: Path, monkeypatch) -> None:
    publish(repo, DAY1)
    racer = git(repo, "commit-tree", "-m", "racer", git(repo, "rev-parse", "main^{tree}"))
    # The publish pauses with its commit written, just before moving the branch; another
    # writer moves the branch then.
    mark = tmp_path / "paused"
    monkeypatch.setenv("STATUSBOT_PAUSE_AT", "before-ref-update")
    monkeypatch.setenv("STATUSBOT_PAUSE_FILE", str(mark))
    monkeypatch.setenv("STATUSBOT_PAUSE_SECONDS", "1")
    caught: list[BaseException] = []

    def run() -> None:
        try:
            publish(repo, DAY2)
        except BaseException as exc:  # handed to the test below
            caught.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    for _ in range(500):
        if mark.exists():
            break
        time.sleep(0.01)
    git(repo, "update-ref", "refs/heads/gh-pages", racer)
    thread.join()

    assert len(caught) == 1 and isinstance(caught[0], PublishError)
    caught_error = caught[0]
    assert mark.read_text() == "before-ref-update"
    assert "refs/heads/gh-pages" in caught_error.message
    assert "moved while publishing" in caught_error.message
    assert f"now {racer[:7]}" in caught_error.message
    assert rev(repo, "refs/heads/gh-pages") == racer
    assert not list((repo / ".git").glob("statusbot-publish-*"))


def test_update_ref_compare_and_swap(repo: Path) -> None:
    first = publish(repo, DAY1)
    second = publish(repo, DAY2)
    head = rev(repo, "main")
    handle = Git(repo)

    with pytest.raises(PublishError, match=r"moved while publishing \(was .{7}, now .{7}\)"):
        update_ref(handle, "refs/heads/gh-pages", head, first.commit)
    with pytest.raises(PublishError, match="was absent"):
        update_ref(handle, "refs/heads/gh-pages", head, None)
    assert rev(repo, "refs/heads/gh-pages") == second.commit

    update_ref(handle, "refs/heads/gh-pages", head, second.commit)
    assert rev(repo, "refs/heads/gh-pages") == head


def test_failure_before_the_ref_update_leaves_the_branch(repo: Path) -> None:
    first = publish(repo, DAY1)
    lock = repo / ".git" / "refs" / "heads" / "gh-pages.lock"
    lock.write_text("held by another writer\n")

    with pytest.raises(PublishError) as caught:
        publish(repo, DAY2)

    assert caught.value.message.startswith(f"git update-ref failed in {repo}: ")
    assert "gh-pages.lock" in caught.value.message
    assert "\n" not in caught.value.message
    lock.unlink()
    assert rev(repo, "refs/heads/gh-pages") == first.commit
    assert not list((repo / ".git").glob("statusbot-publish-*"))
    assert publish(repo, DAY2).changed == ("_posts/2026-02-09-daily-status.md",)


def test_temporary_index_removed(repo: Path) -> None:
    publish(repo, DAY1)
    publish(repo, DAY2)

    leftovers = [p.name for p in (repo / ".git").iterdir() if p.name.startswith("statusbot")]
    assert leftovers == []


def test_unknown_remote(repo: Path) -> None:
    with pytest.raises(PublishError) as caught:
        publish(repo, DAY1, remote="upstream", push=True)

    assert caught.value.message == f"remote 'upstream' is not configured in {repo}"
    assert rev(repo, "refs/heads/gh-pages") is None


def test_not_a_git_repository(tmp_path: Path, repo: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    inside = repo / "sub"
    inside.mkdir()

    with pytest.raises(PublishError) as caught:
        publish(plain, DAY1)
    assert caught.value.message == f"{plain} is not a git repository"
    with pytest.raises(PublishError) as caught:
        publish(inside, DAY1)
    assert caught.value.message == f"{inside} is not a git repository"
    with pytest.raises(PublishError, match="no such directory"):
        read_file(tmp_path / "missing", "gh-pages", "x")
    assert rev(repo, "refs/heads/gh-pages") is None


@pytest.mark.parametrize(
    ("files", "kwargs", "needle"),
    [
        ({"../escape.md": b"x"}, {}, "site file '../escape.md'"),
        ({".git/config": b"x"}, {}, "site file '.git/config'"),
        ({"a//b.md": b"x"}, {}, "site file 'a//b.md'"),
        ({"a.md": "text"}, {}, "must be bytes"),
        (DAY1, {"prefix": "../up"}, "prefix '../up'"),
        (DAY1, {"branch": "bad..name"}, "'bad..name' is not a valid branch name"),
        (DAY1, {"message": "  "}, "message is empty"),
    ],
)
def test_bad_input_is_refused(
    repo: Path, files: dict[str, bytes], kwargs: dict[str, object], needle: str
) -> None:
    with pytest.raises(PublishError) as caught:
        publish(repo, files, **kwargs)

    assert needle in caught.value.message
    assert rev(repo, "refs/heads/gh-pages") is None


def test_read_and_list_on_missing_branch_or_file(repo: Path) -> None:
    assert read_file(repo, "gh-pages", "_config.yml") is None
    assert list_files(repo, "gh-pages") == []

    publish(repo, DAY1)

    assert read_file(repo, "gh-pages", "_posts") is None  # a directory, not a file
    assert read_file(repo, "gh-pages", "nope.md") is None
    assert read_file(repo, "other", "_config.yml") is None
    assert list_files(repo, "gh-pages", "_posts") == ["_posts/2026-02-08-daily-status.md"]
    assert list_files(repo, "gh-pages", "nothing-here") == []


def test_branch_in_bare_repository(bare: Path) -> None:
    result = publish(bare, DAY1, branch="pages")

    assert rev(bare, "refs/heads/pages") == result.commit
    assert read_file(bare, "pages", "_config.yml") == DAY1["_config.yml"]
    assert publish(bare, DAY1, branch="pages").commit is None


def test_sha256_repository(tmp_path: Path) -> None:
    path = tmp_path / "sha256"
    git(tmp_path, "init", "-q", "--object-format=sha256", "-b", "main", str(path))

    first = publish(path, DAY1)
    again = publish(path, DAY1)
    more = publish(path, DAY2)

    assert first.commit is not None
    assert len(first.commit) == 64
    assert again.commit is None
    assert more.changed == ("_posts/2026-02-09-daily-status.md",)
    assert read_file(path, "gh-pages", "_config.yml") == DAY1["_config.yml"]
    assert git(path, "rev-parse", "gh-pages:_config.yml") == blob_id(DAY1["_config.yml"], "sha256")


def test_blob_id_matches_git(repo: Path) -> None:
    data = b"some page\n\x00binary"
    assert blob_id(data) == git(repo, "hash-object", "--stdin", input=data.decode())


@pytest.mark.parametrize(
    ("stderr", "line"),
    [
        (
            b"git@github.com: Permission denied (publickey).\r\n"
            b"fatal: Could not read from remote repository.\n\n"
            b"Please make sure you have the correct access rights\nand the repository exists.\n",
            "git@github.com: Permission denied (publickey).",
        ),
        (
            b"error: failed to push some refs to 'x'\nhint: Updates were rejected\n",
            "failed to push some refs to 'x'",
        ),
        (b"", ""),
    ],
    ids=["ssh", "hints", "empty"],
)
def test_last_line_picks_the_reason(stderr: bytes, line: str) -> None:
    assert last_line(stderr) == line


def _shape(repo: Path, commit: str) -> tuple[str, ...]:
    """Return what a commit holds but its dates: tree, parents, people, message, headers."""
    raw = git(repo, "cat-file", "commit", commit)
    headers, _, message = raw.partition("\n\n")
    kept = [
        " ".join(line.split(" ")[:-2]) if line.startswith(("author ", "committer ")) else line
        for line in headers.splitlines()
    ]
    return (*kept, message)


def test_one_fast_import_writes_the_commit_commit_tree_would(
    repo: Path, tmp_path: Path, monkeypatch
) -> None:
    git(repo, "config", "user.name", "Repo Owner")
    git(repo, "config", "user.email", "owner@example.com")
    publish(repo, DAY1)
    trace = tmp_path / "trace"
    monkeypatch.setenv("GIT_TRACE", str(trace))
    plain = publish(repo, DAY2)
    commands = [
        ln.split("built-in: ", 1)[1] for ln in trace.read_text().splitlines() if "built-in: " in ln
    ]
    monkeypatch.delenv("GIT_TRACE")
    assert any(cmd.startswith("git fast-import") for cmd in commands)
    assert not any(cmd.startswith(("git write-tree", "git commit-tree")) for cmd in commands)
    assert not any(
        line.startswith("refs/statusbot/") for line in git(repo, "for-each-ref").splitlines()
    )

    # The same publish where a setting makes statusbot leave the commit to commit-tree.
    other = tmp_path / "other"
    subprocess.run(["git", "clone", "-q", str(repo), str(other)], check=True)
    git(other, "update-ref", "refs/heads/gh-pages", git(repo, "rev-parse", "gh-pages~1"))
    git(other, "config", "user.name", "Repo Owner")
    git(other, "config", "user.email", "owner@example.com")
    git(other, "config", "commit.gpgsign", "false")
    monkeypatch.setenv("GIT_TRACE", str(trace))
    trace.unlink()
    by_commit_tree = publish(other, DAY2)
    commands = [
        ln.split("built-in: ", 1)[1] for ln in trace.read_text().splitlines() if "built-in: " in ln
    ]
    assert any(cmd.startswith("git commit-tree") for cmd in commands)
    assert plain.commit and by_commit_tree.commit
    assert plain.changed == by_commit_tree.changed
    assert _shape(repo, plain.commit) == _shape(other, by_commit_tree.commit)


def test_dates_from_the_environment_are_kept(repo: Path, monkeypatch) -> None:
    publish(repo, DAY1)
    monkeypatch.setenv("GIT_AUTHOR_DATE", "2026-02-09T10:00:00+0100")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2026-02-09T11:00:00+0100")
    result = publish(repo, DAY2)
    assert result.commit
    dates = git(repo, "log", "-1", "--format=%aI %cI", result.commit)
    assert dates == "2026-02-09T10:00:00+01:00 2026-02-09T11:00:00+01:00"
