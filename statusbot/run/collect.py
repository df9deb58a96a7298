"""Collect: ask every available provider for its part of the day, then assemble the Facts."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from typing import Any

from statusbot.model import Facts
from statusbot.providers.base import Provider
from statusbot.run.window import Window
from statusbot.run.workspace import Workspace

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Collected:
    """The day's facts and each provider's stats (GitHub requests, rate limit left)."""

    facts: Facts
    stats: dict[str, dict[str, Any]] = field(default_factory=dict)


def collect(
    workspace: Workspace, window: Window, providers: tuple[Provider, ...] | None = None
) -> Collected:
    """Return the window's facts from every provider; a failing provider is noted, not fatal."""
    from statusbot.providers.registry import PROVIDERS

    parts: dict[str, list[Any]] = {}
    failures, stale, stats = [], [], {}
    for provider in PROVIDERS if providers is None else providers:
        reason = provider.unavailable(workspace)
        if reason is not None:
            log.debug("%s: skipped, %s", provider.name, reason)
            continue
        got = provider.collect(workspace, window)
        for name, items in got.facts.items():
            parts.setdefault(name, []).extend(items)
        failures += got.failures
        stale += got.stale
        if got.stats:
            stats[provider.name] = got.stats
    facts = Facts(
        day=window.day,
        timezone=workspace.config.timezone,
        people=workspace.people,
        failures=tuple(failures),
        stale=tuple(stale),
        since=window.days[0] if workspace.config.workdays else None,
        **{name: tuple(items) for name, items in parts.items()},
    )
    deployments = tuple(sorted(facts.deployments, key=lambda d: d.at))
    return Collected(dataclasses.replace(facts, deployments=deployments), stats)
