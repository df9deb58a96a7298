"""`statusbot doctor`: check everything an unattended run needs; print ok or the fix for each.

The GitHub checks (token accepted, scopes, rate-limit headroom, access to each configured
repository) ask GitHub itself, through the GitHub provider's client.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from statusbot.errors import StatusbotError
from statusbot.secrets import github_token

if TYPE_CHECKING:
    from statusbot.cli import Context
    from statusbot.config import Config

__all__ = ["Check", "run"]


@dataclass(frozen=True)
class Check:
    """One check: its name, whether it passed (None: skipped or only a warning), and the fix."""

    name: str
    ok: bool | None
    detail: str

    def line(self) -> str:
        """Return the printed line: 'ok', 'FAIL' or 'warn', the name, the detail or fix."""
        mark = "ok  " if self.ok else "FAIL" if self.ok is False else "warn"
        return f"{mark} {self.name}: {self.detail}"


def check_config(obj: Context) -> tuple[Check, Config | None]:
    """Load the config."""
    try:
        config = obj.config()
    except StatusbotError as exc:
        return Check("config", False, exc.message.replace("\n", "; ")), None
    where = str(config.path) if config.path else "embedded default (no statusbot.yml)"
    return Check("config", True, where), config


def check_token(config: Config) -> list[Check]:
    """Check the GitHub token is there when GitHub is configured, then ask GitHub about it."""
    wants_github = any(p.github for p in config.people)
    if not wants_github:
        return [Check("github token", None, "skipped: no GitHub login configured in people")]
    from statusbot.providers.github_doctor import api_finding, github_checks

    api = Check(*api_finding(config.github))  # shown even without a token: no request needed
    try:
        token = github_token(config.github.token_file)
    except StatusbotError as exc:
        return [Check("github token", False, exc.message), api]
    if token is None:
        fix = (
            "set STATUSBOT_GITHUB_TOKEN or GITHUB_TOKEN, set github.token_file, or put it in the "
            "systemd credential file (statusbot timer install)"
        )
        return [Check("github token", False, f"missing; {fix}"), api]

    found = github_checks(config.github, token.value)
    return [Check("github token", True, f"found in {token.origin}")] + [
        Check(name, ok, detail) for name, ok, detail in found
    ]


def check_push(config: Config) -> Check:
    """Check the Pages branch can be pushed, with `git push --dry-run` (changes nothing)."""
    remote = config.publish.remote
    if remote is None:
        return Check("push access", None, "skipped: publish.remote is null (commit only)")
    from statusbot.gitpages.git import Git, GitError, last_line
    from statusbot.gitpages.refs import git_dir_of, read_ref

    branch = config.publish.branch
    ref = f"refs/heads/{branch}"
    try:
        git = Git(config.publish.repo)
        source = ref if read_ref(git_dir_of(config.publish.repo), ref) else "HEAD"
        proc = git.run(
            "push", "--dry-run", "--porcelain", remote, f"{source}:{ref}",
            env={"GIT_TERMINAL_PROMPT": "0"}, check=False, timeout=120,
        )  # fmt: skip
    except GitError as exc:
        return Check("push access", False, exc.message)
    if proc.returncode == 0:
        return Check("push access", True, f"git push --dry-run to {remote}/{branch} succeeds")
    reason = git.redact(last_line(proc.stderr) or f"git push exited {proc.returncode}")
    if b"rejected" in proc.stdout:
        return Check("push access", True, f"{remote} reachable; {branch} has moved (rebuilt)")
    fix = f"check the remote URL and your credentials for '{remote}'"
    return Check("push access", False, f"{reason}; {fix}")


def check_history(config: Config) -> Check:
    """Warn when a source repository is a shallow clone: the days before its cut undercount."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from statusbot.gitpages import locate
    from statusbot.gitpages.git import Git, GitError

    repos = list(config.sources.git)
    if not repos:
        return Check("git history", None, "skipped: no sources.git repositories")
    problems = []
    for repo in repos:
        common = locate.common_dir(repo)
        cuts = _read_lines(common / "shallow") if common else []
        if not cuts:
            continue  # a full clone (a missing repository is named by the site check)
        try:
            proc = Git(repo).run("show", "-s", "--format=%ct", *cuts[:MAX_CUTS], timeout=60)
            stamps = [int(s) for s in proc.stdout.decode().split()]
        except (GitError, ValueError):
            stamps = []
        when = ""
        if stamps:
            cut = datetime.fromtimestamp(max(stamps), ZoneInfo(config.timezone))
            when = f": history before {cut:%Y-%m-%d %H:%M} not read"
        problems.append(f"{repo} is a shallow clone{when}; run: git -C {repo} fetch --unshallow")
    if problems:
        return Check("git history", None, "; ".join(problems))
    return Check("git history", True, f"full history in {_repos(len(repos))}")


MAX_CUTS = 100
"""Shallow cut points read for their date (a clone of many branches can have many)."""


def _read_lines(path: Path) -> list[str]:
    """Return a small file's non-blank lines, or [] when it is missing."""
    try:
        return [line for line in path.read_text(encoding="utf-8").split() if line]
    except OSError:
        return []


def _repos(count: int) -> str:
    return "1 repository" if count == 1 else f"{count} repositories"


def check_render(config: Config, obj: Context) -> Check:
    """Check the site renders for today (in memory; nothing written)."""
    from statusbot.providers.registry import PROVIDERS
    from statusbot.run.render import site_for_day
    from statusbot.run.window import resolve_day
    from statusbot.run.workspace import open_workspace, store_for

    try:
        day = resolve_day(obj.now, config.timezone, obj.day)
        store = store_for(config)
        _facts, _sections, files = site_for_day(
            open_workspace(config, obj.now, store), day, dry_run=True,
            providers=tuple(p for p in PROVIDERS if p.name != "github"),  # no requests, no cache
        )  # fmt: skip
    except StatusbotError as exc:
        return Check("site renders", False, exc.message.replace("\n", "; "))
    except Exception as exc:  # a template error is a finding here, not a crash
        return Check("site renders", False, f"{type(exc).__name__}: {exc}")
    return Check("site renders", True, f"{len(files)} files for {day}")


def check_timer(config: Config) -> Check:
    """Check the timer is installed and active (or that a GitHub workflow schedules runs)."""
    from statusbot.commands.actions import WORKFLOW
    from statusbot.commands.timer import describe_timer, timer_state

    state = timer_state()
    if state.get("installed") == "no":
        if (config.publish.repo / WORKFLOW).is_file() or (config.base / WORKFLOW).is_file():
            return Check("schedule", True, f"GitHub Actions workflow {WORKFLOW}")
        # Running statusbot by hand is a fine way to use it: no timer is not a failure.
        return Check(
            "schedule", None, "no timer (fine when you run it by hand); for unattended runs: "
            "statusbot timer install",
        )  # fmt: skip
    line = describe_timer(state)
    if "error" in state or state.get("ActiveState") != "active":
        return Check("schedule", False, f"{line}; run: statusbot timer install")
    return Check("schedule", True, line)


def run(obj: Context) -> None:
    """Run every check, print one line each, and fail when one failed."""
    config_check, config = check_config(obj)
    checks = [config_check]
    if config is not None:
        checks += check_token(config)
        checks.append(check_push(config))
        checks.append(check_history(config))
        checks.append(check_render(config, obj))
        checks.append(check_timer(config))
    for check in checks:
        click.echo(check.line())
    failed = [c.name for c in checks if c.ok is False]
    if failed:
        raise StatusbotError(f"doctor: {len(failed)} check(s) failed: {', '.join(failed)}")
