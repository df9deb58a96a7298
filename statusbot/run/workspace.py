"""What a run works in: the config, the local store, the people, and the time it started."""

from __future__ import annotations

import glob
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path

from statusbot.config import Config
from statusbot.errors import ConfigError
from statusbot.model import Person
from statusbot.store import Store


@dataclass(frozen=True)
class Workspace:
    """The config, store and people of one run, and `now` as the run saw it."""

    config: Config
    store: Store
    now: datetime

    @cached_property
    def people(self) -> tuple[Person, ...]:
        """Return the people, read from git config at first use (the no-change cycle skips it)."""
        return people_for(self.config)

    def report_files(self, patterns: tuple[str, ...], start: datetime, end: datetime) -> list[Path]:
        """Return report files matching the globs that were written in [start, end)."""
        found: set[Path] = set()
        for pattern in patterns:
            full = pattern if Path(pattern).is_absolute() else str(self.config.base / pattern)
            for name in glob.glob(full, recursive=True):
                path = Path(name)
                if path.is_file():
                    found.add(path)
        lo, hi = start.timestamp(), end.timestamp()
        return sorted(p for p in found if lo <= p.stat().st_mtime < hi)

    def relative(self, source: str) -> str:
        """Return a report path relative to the config's folder, so pages never show ours."""
        path = Path(source)
        try:
            return path.relative_to(self.config.base).as_posix()
        except ValueError:
            return path.name


def open_workspace(config: Config, now: datetime, store: Store | None = None) -> Workspace:
    """Return the run's workspace: the store found once, the people defaulted at first use."""
    return Workspace(config, store or store_for(config), now)


def store_for(config: Config) -> Store:
    """Return the store: the Pages repo's records ref, local files in state_dir or its git dir."""
    from statusbot.gitpages.locate import common_dir

    found = common_dir(config.publish.repo)
    repo = config.publish.repo if found is not None else None
    if config.state_dir is not None:
        return Store(config.state_dir, repo)
    if found is None:
        raise ConfigError(
            f"{config.publish.repo} is not a git repository: run statusbot inside a git "
            "checkout, or set publish.repo (or state_dir) in statusbot.yml"
        )
    return Store(found / "statusbot", repo)


def people_for(config: Config) -> tuple[Person, ...]:
    """Return the configured people, or the checkout's git user for the embedded default."""
    if config.people:
        return config.people
    from statusbot.providers.git import git_identity

    person = git_identity(config.publish.repo)
    if person is None:
        raise ConfigError(
            f"no person to report on: set `git config user.email` in {config.publish.repo} "
            "or list people in statusbot.yml"
        )
    return (person,)
