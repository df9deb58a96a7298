"""`statusbot init`: write a commented starter config."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from statusbot.errors import StatusbotError

if TYPE_CHECKING:
    from statusbot.cli import Context

STARTER = """\
# statusbot configuration. Every key is optional; relative paths are relative to this file.
# Secrets (tokens) never go here.

# The zone whose midnight starts and ends the day (default: the system's zone).
# timezone: Europe/Prague

# Whose work the page shows (default: the git user of this checkout).
# people:
#   - name: Dev One
#     github: dev1
#     emails: [dev1@example.com]

sources:
  git: [.]                          # local repositories to read commits from (all branches)
  # junit: ["reports/**/*.xml"]     # JUnit/xUnit XML globs (default: common report paths)
  # coverage: ["coverage.xml"]      # Cobertura/JaCoCo XML, coverage.py JSON, lcov, Go coverprofile

publish:
  repo: .                           # the repository whose Pages branch is written
  branch: gh-pages
  path: /                           # folder inside the branch: / or /docs
  remote: origin                    # push target; null = commit only

# templates_dir: templates          # your templates, overriding the built-in ones file by file
# state_dir: null                   # local store (default: .git/statusbot of publish.repo)
# site_title: Daily Status
"""


def write_starter(obj: Context, target: Path) -> None:
    """Create the starter file, never replacing an existing one."""
    if obj.dry_run:
        obj.say(f"dry run: would write {target}")
        return
    write_new(target, STARTER)
    obj.say(f"wrote {target}; edit it, then run: statusbot publish")


def write_new(target: Path, text: str) -> None:
    """Create a file with text, refusing to replace one that exists."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        raise StatusbotError(f"{target} already exists; not overwriting it") from None
    except OSError as exc:
        raise StatusbotError(f"{target}: cannot write: {exc.strerror}") from None
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
