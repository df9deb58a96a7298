"""A requests adapter under PyGithub: conditional GETs, rate-limit guard, retries, time budget.

PyGithub sends If-None-Match only from `.update()`; this adapter sends it on every GET whose
answer it has seen before (ETags and bodies kept in the local store across runs) and turns a 304,
which costs nothing of GitHub's primary rate limit, back into the remembered 200 for PyGithub.
Searches are paced: when the search bucket (30 a minute on github.com) is nearly used up, the
adapter waits for its window to reset when that fits the time budget, instead of failing.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict

log = logging.getLogger(__name__)

CACHE = "github-http-cache.json"
KEEP_DAYS = 7  # entries unused this long are dropped when the cache is saved
RETRIES = 2  # extra attempts after a 5xx or a timeout
MAX_WAIT = 60.0  # longest Retry-After we sleep through (and only within the time budget)
MAX_PACE = 65.0  # longest wait for the search window (a minute, its reset rounded up)
RETRY_STATUSES = (500, 502, 503, 504)
RATE_HEADERS = (
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
    "X-RateLimit-Used",
    "X-RateLimit-Resource",
    "Date",
)
KEPT_HEADERS = ("Content-Type", "ETag", "Last-Modified", "Link", "X-GitHub-Media-Type")


class BudgetExhausted(Exception):
    """The cycle must stop: out of time (bucket None), or a bucket's reserve is reached."""

    def __init__(self, message: str, bucket: str | None = None) -> None:
        super().__init__(message)
        self.bucket = bucket


class UnexpectedAnswer(requests.RequestException):
    """An answer that is not GitHub's API speaking: a redirect, or a 2xx that is not JSON."""


class PlainHTTPRefused(requests.ConnectionError):
    """A request that would carry the token over plain http to a host that is not loopback."""


@dataclass
class Stats:
    """What one cycle cost, per rate-limit bucket."""

    sent: int = 0
    not_modified: int = 0
    retries: int = 0
    waited: float = 0.0  # seconds spent waiting for the search window to reset
    by_bucket: dict[str, int] = field(default_factory=dict)  # answers other than 304
    asked: dict[str, int] = field(default_factory=dict)  # requests per bucket, 304s included
    remaining: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # limit, left, reset

    def counted(self, bucket: str) -> int:
        """Return how many requests of a bucket were not answered 304."""
        return self.by_bucket.get(bucket, 0)

    def as_dict(self) -> dict[str, int | None]:
        """Return the cycle's figures for the run record: requests, rate-limited ones, what is left.

        A 304 costs nothing of the core bucket; a search is counted even when revalidated.
        """
        core = self.remaining.get("core")
        search = self.remaining.get("search")
        return {
            "requests": self.sent,
            "not_modified": self.not_modified,
            "retries": self.retries,
            "search_wait_seconds": round(self.waited),
            "rate_limited_requests": self.counted("core") + self.asked.get("search", 0),
            "remaining": core[1] if core else None,
            "limit": core[0] if core else None,
            "search_remaining": search[1] if search else None,
            "search_limit": search[0] if search else None,
        }


@dataclass(frozen=True)
class Clock:
    """The clocks the adapter reads and the sleep it waits with; a benchmark passes fake ones."""

    monotonic: Callable[[], float] | None = None  # None: the real ones, looked up at use
    wall: Callable[[], float] | None = None
    sleep: Callable[[float], None] | None = None


def bucket_of(url: str) -> str:
    """Return GitHub's rate-limit bucket for an API URL."""
    path = urlsplit(url).path
    return "search" if "/search/" in path or path.endswith("/search") else "core"


class CachingAdapter(HTTPAdapter):
    """An HTTPAdapter that revalidates cached GETs, retries boundedly and keeps a budget."""

    def __init__(
        self,
        entries: dict[str, Any],
        *,
        day: str,
        budget: float,
        backoff: float = 0.5,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], None] | None = None,
        wall: Callable[[], float] | None = None,
    ) -> None:
        super().__init__(max_retries=0)
        self.entries = entries
        self.day = day
        self.backoff = backoff
        # Looked up now, not at import: the deadline and every later reading use one clock.
        self.clock = clock or time.monotonic
        self.sleep = sleep or time.sleep
        self.wall = wall or time.time  # epoch seconds, to read X-RateLimit-Reset against
        self.deadline = self.clock() + budget
        self.stats = Stats()
        self.undo: dict[str, Any] = {}  # key -> its entry before this request's answers came

    def settle(self, checked: bool) -> None:
        """Keep the answers cached since the last settle when the caller checked them, else undo.

        An answer is stored only once the provider has read it as the shape it needs: an answer
        of another shape, remembered with its ETag, would come back as a 304 and fail again.
        """
        if not checked:
            for key, old in self.undo.items():
                if old is None:
                    self.entries.pop(key, None)
                else:
                    self.entries[key] = old
        self.undo.clear()

    def send(  # type: ignore[override]  # requests' stubs spell the timeout narrower
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: bool | str = True,
        cert: Any = None,
        proxies: Any = None,
    ) -> requests.Response:
        """Send one request the cheap way; see the module docstring."""
        kwargs: dict[str, Any] = dict(
            stream=stream, timeout=timeout, verify=verify, cert=cert, proxies=proxies
        )
        url = request.url or ""
        _refuse_plain_http(url)
        bucket = bucket_of(url)
        self._check_budget(bucket)
        key = entry = None
        if request.method == "GET":
            key = f"{request.headers.get('Accept', '')} {url}"
            entry = self.entries.get(key)
            if entry and entry.get("etag"):
                request.headers["If-None-Match"] = entry["etag"]
            elif entry and entry.get("last_modified"):
                request.headers["If-Modified-Since"] = entry["last_modified"]
        response = self._send_with_retries(request, bucket, kwargs)
        self.stats.asked[bucket] = self.stats.asked.get(bucket, 0) + 1
        if response.status_code == 304 and entry is not None and key is not None:
            self.stats.not_modified += 1
            if _json_body(entry.get("body", "").encode("utf-8")) is None:
                self.undo.setdefault(key, entry)
                del self.entries[key]  # a bad answer kept by an older version: fetch it afresh
                raise UnexpectedAnswer("a remembered GitHub answer was not JSON; dropped it")
            entry["seen"] = self.day
            return _replayed(entry, response)
        self.stats.by_bucket[bucket] = self.stats.by_bucket.get(bucket, 0) + 1
        _check_answer(response)
        if key and response.status_code == 200:
            etag = response.headers.get("ETag")
            modified = response.headers.get("Last-Modified")
            if etag or modified:
                self.undo.setdefault(key, self.entries.get(key))
                self.entries[key] = {
                    "etag": etag,
                    "last_modified": modified,
                    "headers": {
                        h: response.headers[h] for h in KEPT_HEADERS if h in response.headers
                    },
                    "body": response.content.decode("utf-8", errors="replace"),
                    "seen": self.day,
                }
        return response

    def _send_with_retries(
        self, request: requests.PreparedRequest, bucket: str, kwargs: dict[str, Any]
    ) -> requests.Response:
        attempt = 0
        while True:
            left = self.deadline - self.clock()
            if left <= 0:
                raise BudgetExhausted("the GitHub time budget ran out")
            timeout = kwargs.get("timeout")
            kwargs["timeout"] = left if timeout is None else min(float(timeout), left)
            self.stats.sent += 1
            try:
                response = super().send(request, **kwargs)
            except (requests.ConnectionError, requests.Timeout) as exc:
                if attempt >= RETRIES:
                    raise
                log.info("GitHub request failed (%s), retrying", type(exc).__name__)
                self._pause(self.backoff * 2**attempt)
                attempt += 1
                continue
            self._note_rate(bucket, response)
            wait = self._retry_wait(response, attempt)
            if wait is None:
                return response
            log.info("GitHub answered %s, retrying in %.1fs", response.status_code, wait)
            response.close()
            self._pause(wait)
            attempt += 1

    def _retry_wait(self, response: requests.Response, attempt: int) -> float | None:
        """Return how long to wait before trying again, or None to hand the answer on."""
        status = response.status_code
        if status in RETRY_STATUSES and attempt < RETRIES:
            return self.backoff * 2**attempt
        if status in (403, 429) and "Retry-After" in response.headers and attempt < RETRIES:
            try:
                wait = float(response.headers["Retry-After"])
            except ValueError:
                return None
            # A secondary limit: wait it out only when it is short and fits the budget.
            if wait <= MAX_WAIT and self.clock() + wait < self.deadline:
                return wait
        return None

    def _pause(self, seconds: float) -> None:
        if self.clock() + seconds >= self.deadline:
            raise BudgetExhausted("the GitHub time budget ran out while retrying")
        self.stats.retries += 1
        self.sleep(seconds)

    def _note_rate(self, bucket: str, response: requests.Response) -> None:
        headers = response.headers
        try:
            limit = int(headers["X-RateLimit-Limit"])
            left = int(headers["X-RateLimit-Remaining"])
            reset = int(headers.get("X-RateLimit-Reset", "0"))
        except (KeyError, ValueError):
            return
        self.stats.remaining[headers.get("X-RateLimit-Resource", bucket)] = (limit, left, reset)

    def _check_budget(self, bucket: str) -> None:
        """Stop before the bucket is exhausted, leaving a reserve for other tools of the user."""
        if self.clock() >= self.deadline:
            raise BudgetExhausted("the GitHub time budget ran out")
        known = self.stats.remaining.get(bucket)
        if known is None:
            return
        limit, left, reset = known
        if reset and reset <= self.wall():  # a new window has begun since we last heard
            return
        if left <= max(1, limit // 100):
            wait = reset - self.wall() + 0.5  # X-RateLimit-Reset is a whole second
            if bucket == "search" and 0 < wait <= MAX_PACE and self.clock() + wait < self.deadline:
                # Search's window is a minute: pace the cycle's searches rather than lose them.
                log.info("GitHub search limit reached, waiting %.0fs for its window", wait)
                self.stats.waited += wait
                self.sleep(wait)
                del self.stats.remaining[bucket]
                return
            raise BudgetExhausted(
                f"the GitHub {bucket} rate limit is nearly used up ({left} left)", bucket
            )


def _check_answer(response: requests.Response) -> None:
    """Refuse what is not the API speaking: any redirect (a sign-in page), a 2xx without JSON.

    The one redirect let through is a renamed repository's 301 to another API path of the same
    scheme, host and port, which PyGithub follows; a pagination link must stay on that host too.
    """
    status = response.status_code
    asked = urlsplit(response.request.url if response.request else response.url or "")
    location = response.headers.get("Location", "")
    target = urlsplit(location)
    if status == 301 and _renamed_repo(asked, target):
        return
    if 300 <= status < 400:
        where = target.path[:80] or "nowhere"
        if target.hostname and not _same_origin(asked, target):
            where = f"{target.scheme}://{target.hostname}{where}"[:80]
        response.close()
        raise UnexpectedAnswer(f"GitHub redirected to {where} ({status}) instead of answering")
    if 200 <= status < 300:
        for link in _links(response):
            if urlsplit(link).hostname and not _same_origin(asked, urlsplit(link)):
                response.close()
                raise UnexpectedAnswer(
                    f"GitHub's next-page link points to another host ({urlsplit(link).hostname})"
                )
    kind = response.headers.get("Content-Type", "no type").split(";")[0].strip()[:40]
    if status == 404 and "html" in kind and _json_body(response.content) is None:
        # GitHub's API says 404 in JSON; a web page means the URL is not the API at all.
        response.close()
        raise UnexpectedAnswer(
            f"GitHub answered 404 with {kind}, not JSON (an API URL without /api/v3?)"
        )
    if 200 <= status < 300 and status != 204 and _json_body(response.content) is None:
        raise UnexpectedAnswer(
            f"GitHub answered {status} with {kind or 'no type'}, not JSON "
            "(a sign-in page, or an API URL without /api/v3?)"
        )


def _refuse_plain_http(url: str) -> None:
    """Send nothing over plain http except to loopback: every request carries the token."""
    from statusbot.config.options import check_api_url

    if urlsplit(url).scheme != "https" and check_api_url(url) is not None:
        host = urlsplit(url).hostname or "?"
        raise PlainHTTPRefused(
            f"refused to send the token over plain http to {host} (only https, or http to a "
            "loopback address)"
        )


def _same_origin(a: Any, b: Any) -> bool:
    """Return whether two split URLs name one scheme, host and port."""
    try:
        return (a.scheme, a.hostname, a.port) == (b.scheme, b.hostname, b.port)
    except ValueError:  # a port that is not a number
        return False


def _renamed_repo(asked: Any, target: Any) -> bool:
    """Return whether a 301 is GitHub's answer for a renamed or moved repository."""
    path = target.path
    return (
        _same_origin(asked, target)
        and path != asked.path
        and ("/repos/" in path or "/repositories/" in path)
    )


def _links(response: requests.Response) -> list[str]:
    """Return the URLs of a Link header (pagination), or none when there is no such header."""
    try:
        return [link["url"] for link in response.links.values() if link.get("url")]
    except (KeyError, ValueError, TypeError):
        return []


def _json_body(content: bytes) -> Any:
    """Return the JSON object or list a body holds, or None."""
    try:
        value = json.loads(content)
    except ValueError:
        return None
    return value if isinstance(value, dict | list) else None


def _replayed(entry: dict[str, Any], fresh: requests.Response) -> requests.Response:
    """Return the remembered 200 answer, with the fresh answer's rate-limit headers."""
    response = requests.Response()
    response.status_code = 200
    response.reason = "OK (revalidated)"
    headers = CaseInsensitiveDict(entry.get("headers") or {})
    for name in RATE_HEADERS:
        if name in fresh.headers:
            headers[name] = fresh.headers[name]
    response.headers = headers
    response._content = entry["body"].encode("utf-8")
    response.encoding = "utf-8"
    response.url = fresh.url
    response.request = fresh.request
    response.connection = fresh.connection
    return response


def pruned(entries: dict[str, Any], today: str, keep_days: int = KEEP_DAYS) -> dict[str, Any]:
    """Return the entries used in the last keep_days days (ISO dates compare as text)."""
    from datetime import date, timedelta

    cutoff = (date.fromisoformat(today) - timedelta(days=keep_days)).isoformat()
    return {k: v for k, v in entries.items() if isinstance(v, dict) and v.get("seen", "") >= cutoff}
