"""The one interface of every source of facts: a name, why it is unavailable, and collect."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from statusbot.model import SourceFailure, StaleSource

if TYPE_CHECKING:
    from statusbot.run.window import Window
    from statusbot.run.workspace import Workspace


@dataclass
class Contribution:
    """What one provider adds to the day: facts by Facts field, failures, stale marks, stats."""

    facts: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    failures: list[SourceFailure] = field(default_factory=list)
    stale: list[StaleSource] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)


class Provider(Protocol):
    """A source of facts. It never raises: what went wrong comes back as failures."""

    name: str

    def unavailable(self, workspace: Workspace) -> str | None:
        """Return why this provider can't run for this workspace (None: it can)."""
        ...

    def collect(self, workspace: Workspace, window: Window) -> Contribution:
        """Return the provider's facts for the window."""
        ...
