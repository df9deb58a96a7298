"""Shared fixtures: isolated git, real repositories and bare remotes in tmp dirs, the CLI."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import github as _pygithub  # noqa: F401 (see below)
import pytest
from click.testing import CliRunner, Result

from statusbot.cli import cli
from statusbot.model import Commit

# PyGithub is imported here, before any test freezes the clock: a module first imported under
# freezegun keeps freezegun's datetime, whose `now(tz)` raises IndexError once the freeze ends
# (the soak runs the CLI in-process under freeze_time, and statusbot imports PyGithub lazily).

USER = ("Dev One", "dev1@example.com")
SHARED = Path(__file__).resolve().parents[2] / "shared"


def require_shared(relative: str) -> Path:
    """Return a path in ../shared beside the checkout: skip without it, but fail in CI."""
    path = SHARED / relative
    if not path.exists():
        message = f"{relative} not found in {SHARED} (clone the repo beside shared/)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def reports() -> Path:
    """Return the shared real-reports folder."""
    return require_shared("real-reports/MANIFEST.json").parent


@pytest.fixture(autouse=True)
def isolated_git(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the machine's git config, identity, XDG folders and tokens out of every test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))  # parsed configs (config.load)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("TZ", "UTC")
    for var in (
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_AUTHOR_DATE",
        "GIT_COMMITTER_DATE",
        "GIT_AUTHOR_NAME",
        "GIT_AUTHOR_EMAIL",
        "GIT_COMMITTER_NAME",
        "GIT_COMMITTER_EMAIL",
        "GIT_CONFIG_GLOBAL",
        "EMAIL",
        "GITHUB_TOKEN",
        "STATUSBOT_GITHUB_TOKEN",
        "GITHUB_API_URL",
        "CREDENTIALS_DIRECTORY",
    ):
        monkeypatch.delenv(var, raising=False)


def git(repo: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """Run git in repo and return its stdout."""
    full_env = {**os.environ, **(env or {})}
    done = subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, env=full_env
    )
    return done.stdout.strip()


def make_repo(path: Path, user: tuple[str, str] | None = USER) -> Path:
    """Create a repository with a first commit on main, owned by user."""
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    if user:
        git(path, "config", "user.name", user[0])
        git(path, "config", "user.email", user[1])
    return path


def commit(
    repo: Path,
    message: str,
    when: datetime,
    *,
    author: tuple[str, str] = USER,
    filename: str | None = None,
) -> str:
    """Commit a change authored (and committed) at `when`; return its sha."""
    name = filename or f"file-{abs(hash((message, when.isoformat()))) % 10**8}.txt"
    (repo / name).write_text(f"{message}\n{when.isoformat()}\n", encoding="utf-8")
    git(repo, "add", name)
    stamp = when.isoformat()
    env = {
        "GIT_AUTHOR_DATE": stamp,
        "GIT_COMMITTER_DATE": stamp,
        "GIT_AUTHOR_NAME": author[0],
        "GIT_AUTHOR_EMAIL": author[1],
        "GIT_COMMITTER_NAME": author[0],
        "GIT_COMMITTER_EMAIL": author[1],
    }
    git(repo, "commit", "-q", "-m", message, env=env)
    return git(repo, "rev-parse", "HEAD")


def bare_remote(path: Path) -> Path:
    """Create a bare repository to push to."""
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(path)], check=True)
    return path


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """Return a work repository on main with one commit (the publisher's tests)."""
    path = make_repo(tmp_path / "work", user=None)
    (path / "README.md").write_text("hello\n")
    ident = ["-c", "user.name=Test User", "-c", "user.email=test@example.com"]
    subprocess.run(["git", "-C", str(path), *ident, "add", "README.md"], check=True)
    subprocess.run(["git", "-C", str(path), *ident, "commit", "-q", "-m", "init"], check=True)
    return path


@pytest.fixture
def bare(tmp_path: Path, repo: Path) -> Path:
    """Return a bare remote, configured as `origin` of the work repository."""
    path = bare_remote(tmp_path / "remote.git")
    git(repo, "remote", "add", "origin", str(path))
    return path


def fake_commit(
    n: int,
    at: datetime,
    *,
    repo: str = "app",
    branch: str = "main",
    merge: bool = False,
    author: tuple[str, str] = USER,
) -> Commit:
    """Return the n-th Commit fact of a day (n minutes after `at`), for tests of pure code."""
    return Commit(
        repo=repo,
        sha=f"{n:040x}",
        summary=f"change {n}",
        author_name=author[0],
        author_email=author[1],
        authored_at=at + timedelta(minutes=n),
        branches=(branch,),
        is_merge=merge,
    )


def project_layout(
    tmp_path: Path,
    *,
    sources: str = "",
    publish: str = "",
    tail: str = "",
    login: str | None = None,
    work: tuple[str, datetime] = ("Work", datetime(2026, 2, 8, 9, 0, tzinfo=UTC)),
    site_at: datetime = datetime(2026, 1, 1, tzinfo=UTC),
) -> Path:
    """Lay out an `app` source repo, a `site` Pages repo with a bare origin, and a config.

    The one project builder of the tests: `sources` and `publish` add lines under those keys,
    `tail` adds top-level keys, `login` gives Dev One a GitHub login; returns tmp_path.
    """
    app = make_repo(tmp_path / "app")
    commit(app, work[0], work[1])
    site = make_repo(tmp_path / "site")
    commit(site, "Site repo", site_at)
    git(site, "remote", "add", "origin", str(bare_remote(tmp_path / "origin.git")))
    github = f"\n    github: {login}" if login else ""
    (tmp_path / "statusbot.yml").write_text(
        f"timezone: UTC\npeople:\n  - name: Dev One{github}\n    emails: [{USER[1]}]\n"
        f"sources:\n  git: [app]\n{sources}publish:\n  repo: site\n{publish}{tail}"
    )
    return tmp_path


def configured_site(tmp_path: Path, sources: str = "", tail: str = "") -> Path:
    """Lay out the project with no report globs and an origin remote; return the bare origin."""
    start = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
    project_layout(
        tmp_path, sources=f"  junit: []\n  coverage: []\n{sources}", publish="  remote: origin\n",
        tail=tail, work=("Start", start), site_at=start,
    )  # fmt: skip
    return tmp_path / "origin.git"


def lines(items: Iterable[object]) -> tuple[str, ...]:
    """Return work items (or risks) as the bullet text the page shows."""
    return tuple(getattr(i, "line", None) or getattr(i, "markdown", None) or str(i) for i in items)


def set_mtime(path: Path, when: datetime) -> None:
    """Give a report file a modification time inside the day under test."""
    os.utime(path, (when.timestamp(), when.timestamp()))


@pytest.fixture
def run_cli(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Return a function that runs statusbot in a folder, like a person in a shell."""

    def run(cwd: Path, *args: str) -> Result:
        monkeypatch.chdir(cwd)
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)

    return run


def branch_file(repo: Path, branch: str, path: str) -> str:
    """Return a file's text from a branch without checking it out."""
    return git(repo, "show", f"{branch}:{path}")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> object:
    """Publish a week of hostile days with the real CLI and build it with the real jekyll, once."""
    from sitebuild import build

    return build(tmp_path_factory.mktemp("jekyll"))


@pytest.fixture
def active_timer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An installed user timer, and a systemctl that reports it active."""
    unit_dir = Path(os.environ["XDG_CONFIG_HOME"]) / "systemd" / "user"
    unit_dir.mkdir(parents=True)
    (unit_dir / "statusbot.timer").write_text("[Timer]\nOnCalendar=*:0/15\n")
    script = tmp_path / "systemctl"
    script.write_text(
        "#!/bin/sh\nprintf 'ActiveState=active\\nUnitFileState=enabled\\n"
        "NextElapseUSecRealtime=Sun 2026-02-08 12:15:00 UTC\\n'\n"
    )
    script.chmod(0o755)
    monkeypatch.setenv("STATUSBOT_SYSTEMCTL", str(script))
