"""GitHub's issue search read whole: every page, the 1,000 cap split, incomplete answers named.

GitHub returns at most 1,000 results per search and says how many matched in `total_count`; a
search above the cap is asked again per configured repository, then in halves of its date range,
until each part fits. `incomplete_results: true` (GitHub's search timed out) and a part that still
does not fit are reported as partial, never taken as the whole answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from statusbot.providers.github_shapes import SearchPage

CAP = 1000  # GitHub's most results per search
PER_PAGE = 100
EPOCH = datetime(2008, 1, 1, tzinfo=UTC)  # before any GitHub pull request
MAX_HALVINGS = 16


class Failed(Exception):
    """One request failed: `reason` is one line without secrets; `status` when GitHub answered."""

    def __init__(
        self, reason: str, status: int | None = None, message: str = "", halted: bool = False
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.message = message
        self.halted = halted  # GitHub as a whole failed (token, network, limit), not this request


@dataclass(frozen=True)
class Query:
    """A search: its terms, a date range on one field, and its scope."""

    label: str  # what the search finds, for messages: "dev1's pull requests"
    terms: str
    date_field: str  # updated or created
    lo: datetime | None
    hi: datetime | None
    repos: tuple[str, ...] = ()
    orgs: tuple[str, ...] = ()
    exclude: str = ""  # -repo: and -label: terms

    def text(self) -> str:
        """Return the q parameter."""
        if self.lo and self.hi:
            dates = f"{self.date_field}:{_stamp(self.lo)}..{_stamp(self.hi)}"
        elif self.lo:
            dates = f"{self.date_field}:>={_stamp(self.lo)}"
        elif self.hi:
            dates = f"{self.date_field}:<{_stamp(self.hi)}"
        else:
            dates = ""
        scope = [f"repo:{r}" for r in self.repos] + [f"org:{o}" for o in self.orgs]
        return " ".join(p for p in (self.terms, dates, *scope, self.exclude) if p)


@dataclass
class Found:
    """What a search returned, and what it could not."""

    items: list[dict] = field(default_factory=list)
    partial: list[str] = field(default_factory=list)  # why some results may be missing
    missing_repos: list[tuple[str, str]] = field(default_factory=list)  # (repo, reason)


def search_all(query: Query, fetch: Callable[[str, int], SearchPage], now: datetime) -> Found:
    """Return every result of a search, splitting it when it hits the cap; Failed when it failed."""
    found = Found()
    _search(query, fetch, now, found, 0)
    return found


def _search(
    query: Query, fetch: Callable[[str, int], SearchPage], now: datetime, found: Found, depth: int
) -> None:
    try:
        first = fetch(query.text(), 1)
    except Failed as failed:
        if failed.status != 422:
            raise
        # github.com refuses a whole search when one named repository does not exist.
        if len(query.repos) > 1:
            for repo in query.repos:
                _search(replace(query, repos=(repo,)), fetch, now, found, depth)
            return
        if len(query.repos) == 1:
            found.missing_repos.append((query.repos[0], _refused(failed)))
            return
        raise
    if first.total > CAP:
        if len(query.repos) > 1:
            for repo in query.repos:
                _search(replace(query, repos=(repo,)), fetch, now, found, depth)
            return
        lo, hi = query.lo or EPOCH, query.hi or now
        if depth < MAX_HALVINGS and hi - lo > timedelta(seconds=2):
            mid = lo + (hi - lo) / 2
            mid = mid.replace(microsecond=0)
            _search(replace(query, lo=lo, hi=mid), fetch, now, found, depth + 1)
            _search(replace(query, lo=mid, hi=hi), fetch, now, found, depth + 1)
            return
        found.partial.append(
            f"the search for {query.label} matched {first.total:,} results, "
            f"GitHub gives at most {CAP:,}"
        )
    pages = [first]
    wanted = min(first.total, CAP)
    got = len(first.items)
    number = 1
    while got < wanted and len(pages[-1].items) >= PER_PAGE and number < CAP // PER_PAGE:
        number += 1
        pages.append(fetch(query.text(), number))
        got += len(pages[-1].items)
    for page in pages:
        found.items += page.items
    if any(page.incomplete for page in pages):
        found.partial.append(
            f"GitHub's search for {query.label} timed out and gave incomplete results"
        )


def _refused(failed: Failed) -> str:
    return "not found, or the token cannot read it (search answered 422)"


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
