"""The one way statusbot runs git: a clean, non-interactive environment, timeouts, redaction."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from statusbot.errors import PublishError


class GitError(PublishError):
    """A git command failed; its message is one line, with credentials masked."""


# Variables that would point git at another repository, index or object store than `repo`.
_REPO_ENV = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_NAMESPACE",
    "GIT_PREFIX",
)
_URL_USERINFO = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*://)[^/\s@]+@")
_PREFIX = re.compile(r"^(fatal|error|warning|remote): ")
# What git prints after the real reason a remote cannot be reached.
_BOILERPLATE = {
    "Could not read from remote repository.",
    "Please make sure you have the correct access rights",
    "and the repository exists.",
}


def redact(text: str, secrets: Sequence[str] = ()) -> str:
    """Return text with URL credentials (scheme://user:token@) and the given secrets masked."""
    text = _URL_USERINFO.sub(r"\1***@", text)
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


class Git:
    """Runs git in one repository with a clean, non-interactive environment."""

    def __init__(self, repo: Path) -> None:
        """Bind to `repo`, refusing to look for a repository above it."""
        self.repo = Path(repo).expanduser().resolve()
        if not self.repo.is_dir():
            raise GitError(f"{self.repo} is not a git repository (no such directory)")
        env = {k: v for k, v in os.environ.items() if k not in _REPO_ENV}
        # Never let git find an enclosing repository (a $HOME kept in git, say) by walking up.
        env["GIT_CEILING_DIRECTORIES"] = str(self.repo.parent)
        env["LC_ALL"] = "C"
        self.env = env
        self.secrets: list[str] = []
        # ls-tree answers by commit id (gitpages.tree): a commit's tree never changes.
        self.listings: dict[str, Any] = {}

    def run(
        self,
        *args: str,
        input: bytes | None = None,
        env: Mapping[str, str] | None = None,
        check: bool = True,
        timeout: float | None = None,
    ) -> subprocess.CompletedProcess[bytes]:
        """Run `git args` in the repo; raise GitError with git's last line on failure."""
        full_env = {**self.env, **env} if env else self.env
        try:
            proc = subprocess.run(
                ["git", "-C", str(self.repo), *args],
                input=input,
                stdin=None if input is not None else subprocess.DEVNULL,
                capture_output=True,
                env=full_env,
                check=False,
                timeout=timeout,
            )
        except FileNotFoundError:
            raise GitError("git is not installed (no 'git' on PATH)") from None
        except subprocess.TimeoutExpired:
            raise GitError(f"git {args[0]} in {self.repo} timed out after {timeout}s") from None
        if check and proc.returncode != 0:
            raise GitError(self.failure(args[0], proc.stderr))
        return proc

    def popen(self, *args: str) -> subprocess.Popen[bytes]:
        """Start `git args` in the repo with pipes on stdin, stdout and stderr (a conversation,
        such as `cat-file --batch` answering one request before the next is written)."""
        try:
            return subprocess.Popen(
                ["git", "-C", str(self.repo), *args],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=self.env,
            )
        except FileNotFoundError:
            raise GitError("git is not installed (no 'git' on PATH)") from None

    def failure(self, command: str, stderr: bytes) -> str:
        """Return one line describing a failed git command, from its stderr."""
        line = last_line(stderr)
        if "not a git repository" in line:
            return f"{self.repo} is not a git repository"
        return self.redact(f"git {command} failed in {self.repo}: {line or 'no message'}")

    def redact(self, text: str) -> str:
        """Return text with credentials masked."""
        return redact(text, self.secrets)


def last_line(stderr: bytes) -> str:
    """Return git's last 'fatal:'/'error:' line (else its last line), without the prefix."""
    lines = [ln.strip() for ln in stderr.decode("utf-8", "replace").splitlines()]
    lines = [ln for ln in lines if ln and not ln.startswith("hint:")]
    lines = [ln for ln in lines if _PREFIX.sub("", ln) not in _BOILERPLATE]
    errors = [ln for ln in lines if ln.startswith(("fatal:", "error:"))]
    return _PREFIX.sub("", (errors or lines or [""])[-1])
