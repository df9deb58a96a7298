"""Typed reads of GitHub's answers: every field the provider uses is checked before it is used.

An answer that does not fit raises BadAnswer, which the provider treats as a failure of that one
request (never as facts, never stored). Fields the provider does not read are not checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


class BadAnswer(Exception):
    """An answer without the shape the provider reads."""


@dataclass(frozen=True)
class SearchPage:
    """One page of /search/issues."""

    total: int
    incomplete: bool
    items: list[dict[str, Any]]


@dataclass(frozen=True)
class SearchItem:
    """The fields of a search result the provider reads."""

    repo: str
    number: int
    title: str
    url: str | None
    state: str
    draft: bool
    author: str
    labels: tuple[str, ...]
    created_at: datetime | None
    updated_at: str | None  # as GitHub wrote it: compared with the stored one
    closed_at: datetime | None
    merged_at: datetime | None
    is_pull: bool


@dataclass(frozen=True)
class DeploymentItem:
    """The fields of a deployment the provider reads."""

    created_at: datetime
    sha: str
    ref: str
    environment: str
    creator: str | None


@dataclass(frozen=True)
class DeploymentStatus:
    """The fields of a deployment status the provider reads."""

    state: str
    created_at: datetime | None
    url: str | None


def obj(value: Any, what: str) -> dict[str, Any]:
    """Return value when it is a JSON object, else raise."""
    if not isinstance(value, dict):
        raise BadAnswer(f"{what}: expected a JSON object, got {_kind(value)}")
    return value


def text(data: dict[str, Any], key: str, what: str, *, required: bool = False) -> str | None:
    """Return a string field (None when absent and allowed)."""
    value = data.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise BadAnswer(f"{what}: {key} should be text, got {_kind(value)}")
    return value


def whole(data: dict[str, Any], key: str, what: str, *, required: bool = False) -> int | None:
    """Return an integer field (None when absent and allowed); a bool is not a number here."""
    value = data.get(key)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadAnswer(f"{what}: {key} should be a whole number, got {_kind(value)}")
    return value


def flag(data: dict[str, Any], key: str, what: str) -> bool:
    """Return a boolean field; absent is false."""
    value = data.get(key)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise BadAnswer(f"{what}: {key} should be true or false, got {_kind(value)}")
    return value


def moment(data: dict[str, Any], key: str, what: str, *, required: bool = False) -> datetime | None:
    """Return a timestamp field as an aware datetime."""
    value = text(data, key, what, required=required)
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BadAnswer(f"{what}: {key} is not a timestamp") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def login(data: dict[str, Any], key: str, what: str) -> str:
    """Return the login of a user field; a deleted user (null) is the empty string."""
    user = data.get(key)
    if user is None:
        return ""
    return text(obj(user, f"{what} {key}"), "login", what) or ""


def objects(data: dict[str, Any], key: str, what: str) -> list[dict[str, Any]]:
    """Return a list-of-objects field; absent is empty."""
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadAnswer(f"{what}: {key} should be a list, got {_kind(value)}")
    return [obj(v, f"{what} {key}") for v in value]


def labels(data: dict[str, Any], what: str) -> tuple[str, ...]:
    """Return the names of a labels field."""
    return tuple(text(label, "name", what) or "" for label in objects(data, "labels", what))


def search_page(data: Any) -> SearchPage:
    """Read one page of a search answer."""
    page = obj(data, "search answer")
    total = whole(page, "total_count", "search answer", required=True)
    if "items" not in page:
        raise BadAnswer("search answer: no items")
    return SearchPage(
        total=total or 0,
        incomplete=flag(page, "incomplete_results", "search answer"),
        items=objects(page, "items", "search answer"),
    )


def search_item(data: dict[str, Any]) -> SearchItem:
    """Read a search result (an issue or a pull request)."""
    what = "search item"
    number = whole(data, "number", what, required=True) or 0
    source = text(data, "repository_url", what) or text(data, "url", what, required=True) or ""
    repo = _repo_of(source, what)
    pull = data.get("pull_request")
    merged = moment(obj(pull, what), "merged_at", what) if pull is not None else None
    return SearchItem(
        repo=repo,
        number=number,
        title=text(data, "title", what) or "",
        url=text(data, "html_url", what),
        state=text(data, "state", what) or "open",
        draft=flag(data, "draft", what),
        author=login(data, "user", what),
        labels=labels(data, what),
        created_at=moment(data, "created_at", what),
        updated_at=text(data, "updated_at", what),
        closed_at=moment(data, "closed_at", what),
        merged_at=merged,
        is_pull=pull is not None,
    )


def _repo_of(url: str, what: str) -> str:
    """Return owner/name from an API URL of a repository or one of its issues."""
    if "/repos/" not in url:
        raise BadAnswer(f"{what}: {url[:80]!r} names no repository")
    parts = url.split("/repos/", 1)[1].strip("/").split("/")
    if len(parts) < 2 or not all(parts[:2]):
        raise BadAnswer(f"{what}: {url[:80]!r} names no repository")
    return "/".join(parts[:2])


def review(data: Any) -> tuple[str, str | None, datetime | None]:
    """Return a review's (reviewer, state, submitted_at)."""
    what = "review"
    data = obj(data, what)
    return login(data, "user", what), text(data, "state", what), moment(data, "submitted_at", what)


def check_run(data: Any) -> tuple[str, str | None, str | None]:
    """Return a check run's (name, status, conclusion)."""
    what = "check run"
    data = obj(data, what)
    name = text(data, "name", what) or "?"
    return name, text(data, "status", what), text(data, "conclusion", what)


def statuses(data: Any) -> list[tuple[str, str | None]]:
    """Return a combined status's (context, state) pairs."""
    what = "combined status"
    combined = obj(data, what)
    return [
        (text(s, "context", what) or "?", text(s, "state", what))
        for s in objects(combined, "statuses", what)
    ]


def deployment(data: Any) -> DeploymentItem:
    """Read a deployment."""
    what = "deployment"
    data = obj(data, what)
    sha = text(data, "sha", what) or ""
    creator = login(data, "creator", what) or None
    return DeploymentItem(
        created_at=moment(data, "created_at", what, required=True),  # type: ignore[arg-type]
        sha=sha,
        ref=text(data, "ref", what) or sha,
        environment=text(data, "environment", what) or "?",
        creator=creator,
    )


def deployment_status(data: Any) -> DeploymentStatus:
    """Read a deployment status."""
    what = "deployment status"
    data = obj(data, what)
    url = text(data, "environment_url", what) or text(data, "log_url", what) or None
    return DeploymentStatus(
        state=text(data, "state", what) or "pending",
        created_at=moment(data, "created_at", what),
        url=url,
    )


def repository_private(data: Any) -> bool:
    """Return whether a repository answer says it is private."""
    what = "repository"
    data = obj(data, what)
    text(data, "full_name", what, required=True)
    return flag(data, "private", what)


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    return {dict: "an object", list: "a list", str: "text", bool: "true/false"}.get(
        type(value), type(value).__name__
    )
