"""Commits statusbot writes: who makes them, and the trailer that marks them as statusbot's."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from statusbot.gitpages.git import Git

DEFAULT_IDENTITY = ("statusbot", "statusbot@localhost")
# Every commit statusbot writes to the Pages branch ends with this trailer, so that readers of
# history (the git provider) can tell statusbot's commits from people's work on the same branch.
TRAILER_KEY = "Generated-by"
TRAILER_VALUE = "statusbot"
TRAILER = f"{TRAILER_KEY}: {TRAILER_VALUE}"
_TRAILER_LINE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*:\s")


def with_trailer(message: str) -> str:
    """Return `message` ending with the statusbot trailer (once), and a newline."""
    text = message.rstrip("\n")
    lines = text.split("\n")
    if TRAILER in lines:
        return text + "\n"
    paragraphs = text.split("\n\n")
    last = paragraphs[-1].strip("\n").split("\n")
    # A last paragraph of "Key: value" lines (after a subject) is git's trailer block: join it.
    joins = len(paragraphs) > 1 and all(_TRAILER_LINE.match(line) for line in last)
    return f"{text}\n{TRAILER}\n" if joins else f"{text}\n\n{TRAILER}\n"


# Settings under which `git commit-tree` writes a commit differently from a plain one.
_COMMIT_SETTINGS = ("i18n.commitencoding", "commit.gpgsign")
# What git strips from the ends of an identity's name and email ("crud", in git's ident.c).
_CRUD = "".join(map(chr, range(33))) + ".,:;<>\"\\'"


def _settings(git: Git) -> dict[str, str]:
    """Return the repo's user.name/email and the settings that change how commits are written."""
    keys = r"^(user\.(name|email)|i18n\.commitencoding|commit\.gpgsign)$"
    proc = git.run("config", "-z", "--get-regexp", keys, check=False)
    found: dict[str, str] = {}
    for record in proc.stdout.decode("utf-8", "replace").split("\0"):
        key, _, value = record.partition("\n")
        if value.strip():
            found[key] = value.strip()
    return found


def identity(git: Git) -> tuple[str, str]:
    """Return the repo's configured user.name/email, each falling back to statusbot's own."""
    return _identity(_settings(git))


def _identity(found: Mapping[str, str]) -> tuple[str, str]:
    return (
        found.get("user.name", DEFAULT_IDENTITY[0]),
        found.get("user.email", DEFAULT_IDENTITY[1]),
    )


def identity_env(git: Git, author: tuple[str, str] | None) -> dict[str, str]:
    """Return the environment that makes `author` (or the repo's user) author and committer."""
    return _env(author or identity(git))


def _env(who: tuple[str, str]) -> dict[str, str]:
    name, email = who
    return {
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email,
    }


def commit_identity(git: Git, author: tuple[str, str] | None) -> tuple[dict[str, str], bool]:
    """Return the environment of `identity_env`, and whether a plain commit is what git writes.

    Plain: `git commit-tree` would write the name and email as given, dated now, unsigned and
    without an encoding header, so a commit written by `git fast-import` is the same commit.
    Otherwise (dates set in the environment, a signing or encoding setting, a name git would
    trim) only `commit_tree` writes it as git does.
    """
    found = _settings(git)
    name, email = who = author or _identity(found)
    plain = not any(k in git.env for k in ("GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE"))
    plain = plain and not any(k in found for k in _COMMIT_SETTINGS)
    plain = plain and all(v and v.strip(_CRUD) == v and "\n" not in v for v in (name, email))
    plain = plain and not any(c in name + email for c in "<>")
    return _env(who), plain


def commit_tree(
    git: Git, tree: str, parents: Sequence[str], message: str, env: Mapping[str, str]
) -> str:
    """Write a commit of `tree` on `parents` with `message` as given; return its id."""
    text = message if message.endswith("\n") else message + "\n"
    args = [arg for parent in parents for arg in ("-p", parent)]
    proc = git.run("commit-tree", tree, *args, input=text.encode(), env=env)
    return proc.stdout.decode().strip()
