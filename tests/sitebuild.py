"""One real site for the Jekyll and browser tests: days published by the real CLI from real
repositories holding hostile text, then built by the real `jekyll` (once per test session)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from pathlib import Path

import pytest

# Untrusted text as it could come from titles, commit messages, test names, branches and notes.
LONG = "long-" + "x" * 3000
HOSTILE = {
    "liquid_output": "{{ site.github }}",
    "liquid_include": "{% include /etc/passwd %}",
    "raw_closer": "{% endraw %}{{ site.time }}{% raw %}",
    "script": "<script>alert('xss')</script>",
    "js_link": "[click me](javascript:alert(1))",
    "front_matter": "---",
    "html_attr": '<img src=x onerror="alert(2)">',
    "unicode": "Ünïcödé 日本語 🚀 e\u0301 \u202eevil\u202c",
    "table": "a | b | c",
    "typography": 'it\'s "quoted" -- dash... << >>',
}
CONTROL = "bell\x07 escape\x1b[31m red\x0b tab\tend"
FIRST = date(2026, 1, 28)  # a Wednesday: the days cross a month's and an ISO week's end
DAYS = [FIRST + timedelta(days=n) for n in range(7)]  # 2026-01-28 .. 2026-02-03
USER = ("Dev One", "dev1@example.com")
JEKYLL_TIMEOUT = 300


@dataclass(frozen=True)
class BuiltSite:
    """The published branch exported to `source` and built by Jekyll into `site`."""

    repo: Path
    source: Path
    site: Path
    output: str
    returncode: int
    risk_id: str


def tool(name: str) -> str:
    """Return the path of a tool; fail in CI when it is missing, else skip."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (apt-get install {name})"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def env_for(home: Path) -> dict[str, str]:
    """Return an environment for the CLI and git with nothing of the machine's git config."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        GIT_CONFIG_NOSYSTEM="1",
        TZ="UTC",
        LC_ALL="C.UTF-8",
    )
    return env


def run(cmd: list[str], cwd: Path, env: dict[str, str], **extra: str) -> str:
    """Run a command; return its stdout or fail with its output."""
    done = subprocess.run(
        cmd, cwd=cwd, env={**env, **extra}, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, f"{cmd}: {done.stdout}{done.stderr}"
    return done.stdout


def statusbot(cwd: Path, env: dict[str, str], *args: str) -> str:
    """Run the real CLI in a subprocess."""
    code = "from statusbot.cli import main; main()"
    return run([sys.executable, "-c", code, *args], cwd, env)


def commit(repo: Path, env: dict[str, str], message: str, when: datetime, name: str) -> None:
    """Commit a file authored at `when`."""
    (repo / name).write_text(f"{when.isoformat()}\n", encoding="utf-8")
    run(["git", "add", name], repo, env)
    stamp = when.isoformat()
    run(
        ["git", "commit", "-q", "-m", message], repo, env,
        GIT_AUTHOR_DATE=stamp, GIT_COMMITTER_DATE=stamp,
    )  # fmt: skip


def junit(names: list[str]) -> str:
    """Return a JUnit report with one passing and one failing test per name."""
    from xml.sax.saxutils import quoteattr

    cases = "".join(
        f"<testcase classname={quoteattr('suite')} name={quoteattr(n)}/>"
        f"<testcase classname='suite' name={quoteattr(n + ' fails')}><failure message='x'/>"
        "</testcase>"
        for n in names
    )
    return (
        f"<?xml version='1.0'?><testsuite name={quoteattr('E2E ' + names[0])}>{cases}</testsuite>"
    )


def coverage(rate: float) -> str:
    """Return a one-package Cobertura report at `rate` (0..1)."""
    total = 100
    covered = round(rate * total)
    lines = "".join(f'<line number="{i}" hits="{int(i <= covered)}"/>' for i in range(1, total + 1))
    return (
        f'<?xml version="1.0"?><coverage line-rate="{rate}"><packages>'
        f'<package name="app" line-rate="{rate}"><classes><class name="c" filename="c.py">'
        f"<lines>{lines}</lines></class></classes></package></packages></coverage>"
    )


def publish_days(root: Path) -> tuple[Path, str]:
    """Publish DAYS from a real repository full of hostile text; return the repo and risk id."""
    home = root / "home"
    home.mkdir()
    env = env_for(home)
    repo = root / "project"
    repo.mkdir()
    run(["git", "init", "-q", "-b", "main"], repo, env)
    run(["git", "config", "user.name", USER[0]], repo, env)
    run(["git", "config", "user.email", USER[1]], repo, env)
    (repo / "statusbot.yml").write_text(
        "timezone: UTC\n"
        f"people: [{{name: {USER[0]}, emails: [{USER[1]}]}}]\n"
        "sources: {git: [.], junit: ['reports/*.xml'], coverage: ['coverage.xml']}\n"
        "publish: {repo: ., branch: gh-pages, remote: null}\n"
        "site_title: 'Status {{ site.github }} <b>'\n",
        encoding="utf-8",
    )
    run(["git", "add", "statusbot.yml"], repo, env)
    commit(repo, env, "Start", datetime(2026, 1, 1, tzinfo=UTC), "start.txt")
    run(["git", "checkout", "-q", "-b", "feature/{{site.github}}"], repo, env)
    (repo / "reports").mkdir()
    risk_text = f"Critical: {HOSTILE['raw_closer']} breaks the build"
    hostile = list(HOSTILE.values())
    risk_id = ""
    for n, day in enumerate(DAYS):
        noon = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
        for i, text in enumerate(hostile[n % 3 :: 3] if n else hostile):
            commit(repo, env, f"Fix {text}", noon + timedelta(minutes=i), f"f{n}-{i}.txt")
        if n == 0:
            run(["git", "checkout", "-q", "-b", "dev/x"], repo, env)
            commit(repo, env, "Work for the pull request", noon, "pr.txt")
            run(["git", "checkout", "-q", "feature/{{site.github}}"], repo, env)
            stamp = (noon + timedelta(minutes=40)).isoformat()
            merge = ["git", "merge", "-q", "--no-ff", "-m", "Merge pull request #7 from dev/x"]
            run([*merge, "dev/x"], repo, env, GIT_AUTHOR_DATE=stamp, GIT_COMMITTER_DATE=stamp)
        report = repo / "reports" / "e2e.xml"
        report.write_text(junit([HOSTILE["script"], HOSTILE["liquid_output"]]), encoding="utf-8")
        cov = repo / "coverage.xml"
        cov.write_text(coverage(0.70 + n * 0.02), encoding="utf-8")
        for path in (report, cov):
            os.utime(path, (noon.timestamp(), noon.timestamp()))
        on = ["--date", day.isoformat()]
        if n == 0:
            for text in [*hostile, f"Long {LONG}", f"Control {CONTROL}"]:
                statusbot(repo, env, *on, "note", "--", text)
            out = statusbot(repo, env, *on, "note", "--risk", "critical", "--", risk_text)
            risk_id = out.split("risk id ")[1].split(":")[0]
            statusbot(repo, env, *on, "note", "--risk", "low", "--", HOSTILE["js_link"])
            statusbot(repo, env, *on, "note", "--key-effort", "--", HOSTILE["liquid_include"])
            statusbot(
                repo, env, *on, "record", "deploy", "--env", HOSTILE["liquid_output"],
                "--version", HOSTILE["script"], "--url", "https://example.com/d?q=\"><script>alert(3)</script>",
            )  # fmt: skip
        if n in (1, 4):
            statusbot(
                repo, env, *on, "record", "deploy", "--env", "staging", "--version", f"v1.{n}"
            )
        if n == 5:
            statusbot(repo, env, *on, "note", "--resolve", risk_id, "--", "Fixed the build")
        statusbot(repo, env, *on, "publish")
    return repo, risk_id


def export(repo: Path, branch: str, target: Path) -> None:
    """Write the branch's tree into `target` (what GitHub Pages would check out)."""
    data = subprocess.run(
        ["git", "-C", str(repo), "archive", "--format=tar", branch],
        capture_output=True,
        check=True,
    ).stdout
    target.mkdir(parents=True)
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        tar.extractall(target, filter="data")


def jekyll_build(source: Path, site: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """Build the site with the real jekyll, as GitHub Pages would (`extra`: more arguments)."""
    args = ["build", "--source", str(source), "--destination", str(site), "--trace", *extra]
    return subprocess.run(
        [tool("jekyll"), *args],
        capture_output=True,
        text=True,
        timeout=JEKYLL_TIMEOUT,
        env={**os.environ, "JEKYLL_ENV": "production", "LC_ALL": "C.UTF-8"},
        check=False,
    )


def build(root: Path) -> BuiltSite:
    """Publish the days, export the branch and build it."""
    tool("jekyll")
    repo, risk_id = publish_days(root)
    source = root / "branch"
    export(repo, "gh-pages", source)
    site = root / "_site"
    done = jekyll_build(source, site)
    return BuiltSite(repo, source, site, done.stdout + done.stderr, done.returncode, risk_id)
