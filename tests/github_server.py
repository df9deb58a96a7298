"""A loopback GitHub REST API for the tests and the benchmark, built from real recorded answers.

Every answer starts from a real exchange in shared/github-api-samples/ (its body shape and its
headers), filled with this server's own data and with every api.github.com URL rewritten to the
server's own base URL, because PyGithub refuses URLs whose host or port differ from its base URL.
It speaks: Link pagination (per_page, page), ETag / If-None-Match -> 304, X-RateLimit-* headers
for the core and search buckets, 401 for a wrong token, 403 when a bucket is empty (with its
reset), and injected failures: secondary limits with Retry-After, 404, 5xx and slow answers,
and the answers of a bad day: a 200 carrying an HTML page (a proxy's sign-in page), a 302 to
/login with an empty body, 403 "Resource not accessible by personal access token" (a fine-grained
token without a permission), and searches answered with `incomplete_results: true`. Search behaves
as github.com's does at its edges: a `repo:` qualifier naming a repository that does not exist
fails the whole search with 422, and at most 1,000 results are given (`total_count` says how
many matched; a page past the 1,000th result is a 422).
It counts requests per bucket; a 304 costs nothing of the core bucket, as on GitHub. Searches
are always counted (we do not assume GitHub lets a revalidated search go free). With
`search_window=60` the search bucket is GitHub's: `search_limit` requests a minute, the window
starting at its first search (on the server's `clock`, which a benchmark may drive by hand), and
`search_times` keeps each counted search's moment for per-minute figures.

Samples lack two endpoints: pull request reviews and GET /repos/{owner}/{repo} take their shape
from the GitHub REST documentation (a review: id, user, body, state, submitted_at, commit_id...;
the repository: the sample pull request's base.repo). The 2014 search sample predates fields
GitHub sends today (repository_url, draft, pull_request.url/merged_at): they are filled in.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import re
import shlex
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "github-api-samples"
REAL_API = "https://api.github.com"
TOKEN = "ghp_loopbackTESTtoken0123456789abcdef"
DROPPED = {"transfer-encoding", "content-encoding", "content-length", "date", "status", "link"}
DROPPED |= {"etag", "last-modified", "connection", "server"}
DROPPED |= {h.lower() for h in ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")}
DROPPED |= {"x-ratelimit-used", "x-ratelimit-resource"}
SEARCH_CAP = 1000  # github.com gives at most this many results per search
NOT_ACCESSIBLE = "Resource not accessible by personal access token"
SIGN_IN_PAGE = (
    "<!DOCTYPE html><html><head><title>Sign in</title></head>"
    '<body><form action="/login" method="post">Sign in to continue</form></body></html>'
)
SECONDARY = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
)


def sample(name: str) -> dict[str, Any]:
    """Return one recorded exchange: request, status, headers, body (a copy to change)."""
    return copy.deepcopy(_sample(name))


@functools.cache
def _sample(name: str) -> dict[str, Any]:
    return json.loads((SAMPLES / f"{name}.json").read_text(encoding="utf-8"))


def iso(moment: datetime | None) -> str | None:
    """Return GitHub's timestamp form."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


@dataclass
class Pull:
    """One pull request of the fake GitHub."""

    repo: str
    number: int
    title: str
    author: str
    created: datetime
    updated: datetime
    state: str = "open"
    draft: bool = False
    merged: datetime | None = None
    closed: datetime | None = None
    commits: int = 1
    additions: int = 10
    deletions: int = 2
    head_ref: str = "feature"
    head_sha: str = "0" * 40
    labels: tuple[str, ...] = ()
    reviews: list[tuple[str, str, datetime]] = field(default_factory=list)  # login, state, when
    checks: list[tuple[str, str, str | None]] = field(default_factory=list)  # name, status, concl.
    statuses: list[tuple[str, str]] = field(default_factory=list)  # context, state


@dataclass
class Deploy:
    """One deployment and its statuses (newest last)."""

    repo: str
    id: int
    environment: str
    sha: str
    ref: str
    creator: str
    created: datetime
    statuses: list[tuple[str, datetime]] = field(default_factory=list)


@dataclass
class Run:
    """One Actions workflow run."""

    repo: str
    id: int
    name: str
    status: str
    conclusion: str | None
    branch: str
    created: datetime


@dataclass
class Failure:
    """An injected answer for requests whose path contains `match`."""

    match: str
    status: int
    times: int
    body: dict[str, Any]
    headers: dict[str, str]
    delay: float = 0.0


class FakeClock:
    """Epoch seconds that move only when told to, or when the provider waits (its `sleep`)."""

    def __init__(self) -> None:
        self.now = time.time()

    def time(self) -> float:
        """Return the clock's moment."""
        return self.now

    def sleep(self, seconds: float) -> None:
        """Wait without waiting: move the clock on."""
        self.now += seconds


class FakeGitHub:
    """The server's data, counters and failure rules; `base_url` is its API root."""

    def __init__(
        self,
        token: str = TOKEN,
        core_limit: int = 5000,
        search_limit: int = 30,
        *,
        search_window: float | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        from conftest import require_shared  # without ../shared: skip here, fail in CI

        require_shared("github-api-samples")
        self.token = token
        self.repos: dict[str, bool] = {}  # full name -> private
        self.pulls: dict[tuple[str, int], Pull] = {}
        self.deploys: list[Deploy] = []
        self.runs: list[Run] = []
        self.limits = {"core": core_limit, "search": search_limit}
        self.used: Counter[str] = Counter()  # rate-limited requests by bucket
        self.hits: Counter[str] = Counter()  # every request by bucket, 304s included
        self.not_modified = 0
        self.bytes_sent = 0
        self.log: list[tuple[str, int]] = []  # (path?query, status)
        self.failures: list[Failure] = []
        self.delay = 0.0
        self.clock = clock
        self.reset_at = int(clock()) + 3600
        self.search_window = search_window  # seconds; None: one window as long as core's
        self.search_reset: float | None = None  # when the current search window ends
        self.search_times: list[float] = []  # the clock at each counted search
        self.lock = threading.Lock()
        self.base_url = ""
        self.scopes: str | None = None  # X-OAuth-Scopes of a classic token; None: fine-grained
        self.incomplete = 0  # this many next searches time out: incomplete_results, an item short
        self._httpd: ThreadingHTTPServer | None = None

    # ---- data ------------------------------------------------------------------------------
    def add_repo(self, name: str, private: bool = False) -> None:
        """Create a repository."""
        self.repos[name] = private

    def add_pull(self, repo: str, number: int, **fields: Any) -> Pull:
        """Create (or replace) a pull request."""
        self.repos.setdefault(repo, False)
        fields.setdefault("title", f"Change {number}")
        fields.setdefault("head_sha", hashlib.sha1(f"{repo}{number}".encode()).hexdigest())
        pull = Pull(repo=repo, number=number, **fields)
        self.pulls[(repo, number)] = pull
        return pull

    def touch(self, repo: str, number: int, when: datetime, **changes: Any) -> None:
        """Change a pull request, moving its updated_at like GitHub does."""
        pull = self.pulls[(repo, number)]
        for key, value in changes.items():
            setattr(pull, key, value)
        pull.updated = when

    def add_deploy(self, repo: str, environment: str, sha: str, **fields: Any) -> Deploy:
        """Create a deployment."""
        self.repos.setdefault(repo, False)
        fields.setdefault("ref", sha)
        deploy = Deploy(repo, 1000 + len(self.deploys), environment, sha, **fields)
        self.deploys.append(deploy)
        return deploy

    def add_run(self, repo: str, name: str, **fields: Any) -> Run:
        """Create a workflow run."""
        self.repos.setdefault(repo, False)
        run = Run(repo, 5000 + len(self.runs), name, **fields)
        self.runs.append(run)
        return run

    def fail(
        self,
        match: str,
        status: int,
        *,
        times: int = 1,
        message: str = "Server Error",
        headers: dict[str, str] | None = None,
        delay: float = 0.0,
        body: Any = None,
    ) -> None:
        """Answer the next `times` requests whose path contains `match` with `status`.

        The body is GitHub's error JSON with `message`, or `body` as given (text is sent as is).
        """
        if body is None:
            body = {"message": message, "documentation_url": "https://docs.github.com/rest"}
        self.failures.append(Failure(match, status, times, body, headers or {}, delay))

    def reset_counts(self) -> None:
        """Start counting afresh (between cycles)."""
        with self.lock:
            self.used.clear()
            self.hits.clear()
            self.not_modified = 0
            self.bytes_sent = 0
            self.log.clear()

    # ---- lifecycle -------------------------------------------------------------------------
    @contextmanager
    def running(self) -> Iterator[FakeGitHub]:
        """Serve on 127.0.0.1, on a free port, in a thread."""
        handler = type("Handler", (_Handler,), {"fake": self})
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        httpd.daemon_threads = True
        self._httpd = httpd
        self.base_url = f"http://127.0.0.1:{httpd.server_address[1]}"
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            httpd.shutdown()
            httpd.server_close()
            thread.join()

    # ---- answering -------------------------------------------------------------------------
    def answer(self, path: str, query: dict[str, str], headers: Any) -> tuple[int, dict, bytes]:
        """Return (status, headers, body) for one GET."""
        bucket = "search" if path.startswith("/search/") else "core"
        with self.lock:
            self.hits[bucket] += 1
            injected = self._injected(path)
        if injected is not None:
            if injected.delay:
                time.sleep(injected.delay)
            if injected.status:
                return self._finish(bucket, injected.status, injected.body, injected.headers)
        if self.delay:
            time.sleep(self.delay)
        auth = headers.get("Authorization", "")
        if auth not in (f"token {self.token}", f"Bearer {self.token}"):
            body = {
                "message": "Bad credentials",
                "documentation_url": "https://docs.github.com/rest",
            }
            return self._finish(bucket, 401, body, {})
        if path == "/rate_limit":
            return self._rate_limit()
        with self.lock:
            self._roll_window()
            exhausted = self.used[bucket] >= self.limits[bucket]
        if exhausted:  # answered outside the lock: _finish takes it again
            body = {
                "message": "API rate limit exceeded for user ID 1.",
                "documentation_url": "https://docs.github.com/rest/rate-limit",
            }
            return self._finish(bucket, 403, body, {}, count=False)
        refused = self._search_refusal(path, query)
        if refused is not None:
            return self._finish(bucket, 422, refused, {})
        found = self._route(path, query)
        if found is None:
            body = {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}
            return self._finish(bucket, 404, body, {})
        name, body, list_key = found
        body, link = self._page(path, query, body, list_key)
        text = self._rewrite(json.dumps(body, sort_keys=True))
        etag = 'W/"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'
        extra = self._sample_headers(name)
        extra["ETag"] = etag
        if link:
            extra["Link"] = link
        if headers.get("If-None-Match") == etag:
            with self.lock:
                self.not_modified += 1
            # A revalidated core answer is free on GitHub; a search is counted regardless.
            return self._finish(bucket, 304, None, extra, count=bucket == "search")
        return self._finish(bucket, 200, text, extra)

    def _roll_window(self) -> None:
        """Start a new search window when the last one is over (GitHub's per-minute limit)."""
        if self.search_window is None:
            return
        now = self.clock()
        if self.search_reset is None or now >= self.search_reset:
            self.used["search"] = 0
            self.search_reset = now + self.search_window

    def _reset_of(self, bucket: str) -> int:
        if bucket == "search" and self.search_reset is not None:
            return int(self.search_reset) + 1  # GitHub's reset is a whole second, rounded up
        return self.reset_at

    def _injected(self, path: str) -> Failure | None:
        for failure in self.failures:
            if failure.match in path and failure.times > 0:
                failure.times -= 1
                return failure
        return None

    def _finish(
        self, bucket: str, status: int, body: Any, headers: dict[str, str], count: bool = True
    ) -> tuple[int, dict, bytes]:
        with self.lock:
            if count and status != 401:
                self.used[bucket] += 1
                if bucket == "search":
                    self.search_times.append(self.clock())
            left = max(0, self.limits[bucket] - self.used[bucket])
            out = {
                "Content-Type": "application/json; charset=utf-8",
                "X-RateLimit-Limit": str(self.limits[bucket]),
                "X-RateLimit-Remaining": str(left),
                "X-RateLimit-Reset": str(self._reset_of(bucket)),
                "X-RateLimit-Used": str(self.used[bucket]),
                "X-RateLimit-Resource": bucket,
                **({"X-OAuth-Scopes": self.scopes} if self.scopes is not None else {}),
                **headers,
            }
        if body is None:
            return status, out, b""
        data = body if isinstance(body, str) else json.dumps(body)
        return status, out, data.encode("utf-8")

    def _sample_headers(self, name: str) -> dict[str, str]:
        headers = _sample(name)["headers"]
        return {k: v for k, v in headers.items() if k.lower() not in DROPPED}

    def _rewrite(self, text: str) -> str:
        return text.replace(REAL_API, self.base_url)

    def _page(
        self, path: str, query: dict[str, str], body: Any, list_key: str | None
    ) -> tuple[Any, str | None]:
        """Cut a list to the asked page and return it with its Link header."""
        items = body if list_key is None else body[list_key]
        if not isinstance(items, list):
            return body, None
        per_page = min(100, int(query.get("per_page", 30)))
        page = max(1, int(query.get("page", 1)))
        last = max(1, -(-len(items) // per_page))
        chunk = items[(page - 1) * per_page : page * per_page]
        body = chunk if list_key is None else {**body, list_key: chunk}
        links = []

        def url(n: int) -> str:
            return f"{self.base_url}{path}?{urlencode({**query, 'page': n})}"

        if page < last:
            links += [f'<{url(page + 1)}>; rel="next"', f'<{url(last)}>; rel="last"']
        if page > 1:
            links += [f'<{url(1)}>; rel="first"', f'<{url(page - 1)}>; rel="prev"']
        return body, ", ".join(links) or None

    def _route(self, path: str, query: dict[str, str]) -> tuple[str, Any, str | None] | None:
        """Return (sample name, body, list key) for a path, or None for 404."""
        with self.lock:
            if path == "/search/issues":
                return "search-issues", self._search(query.get("q", "")), "items"
            m = re.fullmatch(r"/repos/([^/]+/[^/]+)(/.*)?", path)
            if not m or m.group(1) not in self.repos:
                return None
            repo, rest = m.group(1), m.group(2) or ""
            if rest == "":
                return "pull", self._repo_json(repo), None
            if rest == "/pulls":
                state = query.get("state", "open")
                pulls = [
                    self._pull_json(p, listed=True)
                    for p in sorted(self._repo_pulls(repo), key=lambda p: -p.number)
                    if state == "all" or p.state == state
                ]
                return "pull", pulls, None
            m = re.fullmatch(r"/pulls/(\d+)(/reviews)?", rest)
            if m:
                pull = self.pulls.get((repo, int(m.group(1))))
                if pull is None:
                    return None
                if m.group(2):
                    return (
                        "pull",
                        [self._review_json(pull, i) for i in range(len(pull.reviews))],
                        None,
                    )
                return "pull", self._pull_json(pull), None
            m = re.fullmatch(r"/commits/([0-9a-f]+)", rest)
            if m:  # PyGithub's eager get_commit(); the shape of a listed commit
                body = copy.deepcopy(_sample("pull-commits")["body"][0])
                body.update(sha=m.group(1), url=f"{self._api(repo)}/commits/{m.group(1)}")
                return "pull-commits", body, None
            m = re.fullmatch(r"/commits/([^/]+)/(check-runs|status)", rest)
            if m:
                pull = next((p for p in self._repo_pulls(repo) if p.head_sha == m.group(1)), None)
                if m.group(2) == "check-runs":
                    return "check-runs", self._checks_json(pull), "check_runs"
                return "combined-status", self._status_json(repo, m.group(1), pull), None
            if rest == "/deployments":
                mine = sorted(
                    (d for d in self.deploys if d.repo == repo), key=lambda d: (d.created, d.id)
                )[::-1]
                return "deployments", [self._deploy_json(d) for d in mine], None
            m = re.fullmatch(r"/deployments/(\d+)/statuses", rest)
            if m:
                deploy = next((d for d in self.deploys if d.id == int(m.group(1))), None)
                if deploy is None:
                    return None
                return "deployment-statuses", self._deploy_statuses_json(deploy), None
            if rest == "/actions/runs":
                runs = sorted(
                    (r for r in self.runs if r.repo == repo), key=lambda r: (r.created, r.id)
                )[::-1]
                since = query.get("created", "").removeprefix(">=")
                runs = [r for r in runs if not since or iso(r.created) >= since]
                body = {
                    "total_count": len(runs),
                    "workflow_runs": [self._run_json(r) for r in runs],
                }
                return "workflow-runs", body, "workflow_runs"
        return None

    def _repo_pulls(self, repo: str) -> list[Pull]:
        return [p for (r, _n), p in self.pulls.items() if r == repo]

    # ---- search ----------------------------------------------------------------------------
    def _search_refusal(self, path: str, query: dict[str, str]) -> dict[str, Any] | None:
        """Return github.com's 422 for a search it refuses, or None."""
        if path != "/search/issues":
            return None
        per_page = min(100, int(query.get("per_page", 30)))
        if int(query.get("page", 1)) * per_page > SEARCH_CAP + per_page - 1:
            return {
                "message": "Only the first 1000 search results are available",
                "documentation_url": "https://docs.github.com/v3/search/",
            }
        repos = [t[5:] for t in shlex.split(query.get("q", "")) if t.startswith("repo:")]
        with self.lock:
            missing = [r for r in repos if r not in self.repos]
        if not missing:
            return None
        return {
            "message": "Validation Failed",
            "errors": [
                {
                    "message": "The listed users and repositories cannot be searched either "
                    "because the resources do not exist or you do not have permission to "
                    "view them.",
                    "resource": "Search",
                    "field": "q",
                    "code": "invalid",
                }
            ],
            "documentation_url": "https://docs.github.com/v3/search/",
        }

    def _search(self, q: str) -> dict[str, Any]:
        terms = shlex.split(q)
        repos = [t[5:] for t in terms if t.startswith("repo:")]
        orgs = [t[4:] for t in terms if t.startswith("org:")]
        found = []
        for pull in self.pulls.values():
            owner = pull.repo.split("/")[0]
            if (repos or orgs) and pull.repo not in repos and owner not in orgs:
                continue
            if all(self._matches(pull, t) for t in terms):
                found.append(pull)
        found.sort(key=lambda p: (p.updated, p.repo, p.number), reverse=True)
        total = len(found)
        items = [self._search_item(p) for p in found[:SEARCH_CAP]]
        incomplete = self.incomplete > 0
        if incomplete:  # GitHub's search timed out: fewer results, and it says so
            self.incomplete -= 1
            items = items[:-1]
        return {"total_count": total, "incomplete_results": incomplete, "items": items}

    def _matches(self, pull: Pull, term: str) -> bool:
        negate = term.startswith("-")
        key, _, value = term.lstrip("-").partition(":")
        if key == "is":
            ok = {"pr": True, "open": pull.state == "open", "closed": pull.state != "open"}[value]
        elif key == "author":
            ok = pull.author.lower() == value.lower()
        elif key == "reviewed-by":
            ok = any(login.lower() == value.lower() for login, _s, _w in pull.reviews)
        elif key == "draft":
            ok = pull.draft == (value == "true")
        elif key in ("updated", "created"):
            moment = iso(pull.updated if key == "updated" else pull.created) or ""
            low, dots, high = value.partition("..")
            if dots:  # an inclusive range, as GitHub reads `updated:A..B`
                stamp = moment if "T" in low else moment[:10]
                return (low <= stamp <= high) != negate
            for op in (">=", "<=", ">", "<"):
                if value.startswith(op):
                    bound = value[len(op) :]
                    stamp = moment if "T" in bound else moment[:10]
                    ok = {
                        ">=": stamp >= bound,
                        "<=": stamp <= bound,
                        ">": stamp > bound,
                        "<": stamp < bound,
                    }[op]
                    break
            else:
                ok = moment[:10] == value
        elif key == "review":
            latest = {login: state for login, state, _w in pull.reviews if state != "COMMENTED"}
            decision = "none" if not pull.reviews else "required"
            if "CHANGES_REQUESTED" in latest.values():
                decision = "changes_requested"
            elif "APPROVED" in latest.values():
                decision = "approved"
            ok = decision == value or (value == "required" and decision == "none")
        elif key == "label":
            ok = value in pull.labels
        elif key == "repo" and negate:
            ok = pull.repo == value
        elif key in ("repo", "org"):  # several are ORed: _search filtered on them already
            ok = True
        else:
            raise ValueError(f"the fake GitHub does not know the qualifier {term!r}")
        return ok != negate

    # ---- JSON shapes, from the samples -----------------------------------------------------
    def _api(self, repo: str) -> str:
        return f"{REAL_API}/repos/{repo}"

    def _user(self, login: str) -> dict[str, Any]:
        user = copy.deepcopy(_sample("pull")["body"]["user"])
        user.update(login=login, url=f"{REAL_API}/users/{login}")
        user["html_url"] = f"https://github.com/{login}"
        return user

    def _repo_json(self, repo: str) -> dict[str, Any]:
        body = copy.deepcopy(_sample("pull")["body"]["base"]["repo"])
        owner, name = repo.split("/")
        body.update(name=name, full_name=repo, private=self.repos[repo], url=self._api(repo))
        body["html_url"] = f"https://github.com/{repo}"
        body["owner"] = self._user(owner)
        return body

    def _pull_json(self, pull: Pull, listed: bool = False) -> dict[str, Any]:
        body = sample("pull")["body"]
        api = self._api(pull.repo)
        merged = pull.merged is not None
        body.update(
            url=f"{api}/pulls/{pull.number}",
            html_url=f"https://github.com/{pull.repo}/pull/{pull.number}",
            issue_url=f"{api}/issues/{pull.number}",
            commits_url=f"{api}/pulls/{pull.number}/commits",
            review_comments_url=f"{api}/pulls/{pull.number}/comments",
            comments_url=f"{api}/issues/{pull.number}/comments",
            statuses_url=f"{api}/statuses/{pull.head_sha}",
            number=pull.number,
            id=hash((pull.repo, pull.number)) % 10**9,
            title=pull.title,
            state="closed" if pull.state != "open" else "open",
            draft=pull.draft,
            user=self._user(pull.author),
            created_at=iso(pull.created),
            updated_at=iso(pull.updated),
            closed_at=iso(pull.closed or pull.merged),
            merged_at=iso(pull.merged),
            merged=merged,
            labels=[{"name": label, "color": "ededed"} for label in pull.labels],
            commits=pull.commits,
            additions=pull.additions,
            deletions=pull.deletions,
        )
        body["head"].update(ref=pull.head_ref, sha=pull.head_sha)
        body["base"]["repo"] = self._repo_json(pull.repo)
        body["head"]["repo"] = self._repo_json(pull.repo)
        body.pop("_links", None)
        if listed:  # the list endpoint leaves out what costs GitHub a computation
            for key in (
                "commits",
                "additions",
                "deletions",
                "changed_files",
                "merged",
                "mergeable",
                "rebaseable",
                "mergeable_state",
                "merged_by",
                "comments",
                "review_comments",
                "maintainer_can_modify",
            ):
                body.pop(key, None)
        return body

    def _review_json(self, pull: Pull, index: int) -> dict[str, Any]:
        login, state, when = pull.reviews[index]
        api = self._api(pull.repo)
        return {
            "id": 80000 + index,
            "node_id": f"PRR_{index}",
            "user": self._user(login),
            "body": "",
            "state": state,
            "html_url": f"https://github.com/{pull.repo}/pull/{pull.number}#pullrequestreview-{index}",
            "pull_request_url": f"{api}/pulls/{pull.number}",
            "author_association": "MEMBER",
            "submitted_at": iso(when),
            "commit_id": pull.head_sha,
        }

    def _search_item(self, pull: Pull) -> dict[str, Any]:
        item = copy.deepcopy(_sample("search-issues")["body"]["items"][0])
        api = self._api(pull.repo)
        html = f"https://github.com/{pull.repo}/pull/{pull.number}"
        item.update(
            url=f"{api}/issues/{pull.number}",
            repository_url=api,
            labels_url=f"{api}/issues/{pull.number}/labels{{/name}}",
            comments_url=f"{api}/issues/{pull.number}/comments",
            events_url=f"{api}/issues/{pull.number}/events",
            html_url=html,
            number=pull.number,
            title=pull.title,
            user=self._user(pull.author),
            state="closed" if pull.state != "open" else "open",
            labels=[{"name": label, "color": "ededed"} for label in pull.labels],
            created_at=iso(pull.created),
            updated_at=iso(pull.updated),
            closed_at=iso(pull.closed or pull.merged),
            draft=pull.draft,
            pull_request={
                "url": f"{api}/pulls/{pull.number}",
                "html_url": html,
                "diff_url": f"{html}.diff",
                "patch_url": f"{html}.patch",
                "merged_at": iso(pull.merged),
            },
        )
        return item

    def _checks_json(self, pull: Pull | None) -> dict[str, Any]:
        body = sample("check-runs")["body"]
        template = body["check_runs"][0]
        runs = []
        for i, (name, status, conclusion) in enumerate(pull.checks if pull else ()):
            run = copy.deepcopy(template)
            run.update(id=700000 + i, name=name, status=status, conclusion=conclusion)
            run["head_sha"] = pull.head_sha if pull else ""
            run["url"] = f"{self._api(pull.repo)}/check-runs/{700000 + i}" if pull else ""
            runs.append(run)
        return {"total_count": len(runs), "check_runs": runs}

    def _status_json(self, repo: str, sha: str, pull: Pull | None) -> dict[str, Any]:
        body = sample("combined-status")["body"]
        template = body["statuses"][0]
        statuses = []
        for context, state in pull.statuses if pull else ():
            status = copy.deepcopy(template)
            status.update(context=context, state=state, url=f"{self._api(repo)}/statuses/{sha}")
            statuses.append(status)
        states = {s for _c, s in (pull.statuses if pull else ())}
        overall = "failure" if states & {"failure", "error"} else "success"
        if "pending" in states or not states:
            overall = "pending"
        body.update(
            state=overall,
            statuses=statuses,
            sha=sha,
            total_count=len(statuses),
            url=f"{self._api(repo)}/commits/{sha}/status",
            commit_url=f"{self._api(repo)}/commits/{sha}",
            repository=self._repo_json(repo),
        )
        return body

    def _deploy_json(self, deploy: Deploy) -> dict[str, Any]:
        body = copy.deepcopy(_sample("deployments")["body"][0])
        api = self._api(deploy.repo)
        body.update(
            id=deploy.id,
            url=f"{api}/deployments/{deploy.id}",
            statuses_url=f"{api}/deployments/{deploy.id}/statuses",
            repository_url=api,
            sha=deploy.sha,
            ref=deploy.ref,
            environment=deploy.environment,
            original_environment=deploy.environment,
            creator=self._user(deploy.creator),
            created_at=iso(deploy.created),
            updated_at=iso(deploy.statuses[-1][1] if deploy.statuses else deploy.created),
        )
        return body

    def _deploy_statuses_json(self, deploy: Deploy) -> list[dict[str, Any]]:
        template = _sample("deployment-statuses")["body"][0]
        api = self._api(deploy.repo)
        out = []
        for i, (state, when) in reversed(list(enumerate(deploy.statuses))):  # newest first
            status = copy.deepcopy(template)
            status.update(
                id=900000 + deploy.id * 10 + i,
                url=f"{api}/deployments/{deploy.id}/statuses/{i}",
                deployment_url=f"{api}/deployments/{deploy.id}",
                repository_url=api,
                state=state,
                environment=deploy.environment,
                environment_url=f"https://{deploy.environment}.example.com",
                log_url=f"https://github.com/{deploy.repo}/actions/runs/{deploy.id}",
                created_at=iso(when),
                updated_at=iso(when),
                creator=self._user(deploy.creator),
            )
            out.append(status)
        return out

    def _run_json(self, run: Run) -> dict[str, Any]:
        body = copy.deepcopy(_sample("workflow-runs")["body"]["workflow_runs"][0])
        api = self._api(run.repo)
        body.update(
            id=run.id,
            name=run.name,
            status=run.status,
            conclusion=run.conclusion,
            head_branch=run.branch,
            created_at=iso(run.created),
            updated_at=iso(run.created),
            url=f"{api}/actions/runs/{run.id}",
            html_url=f"https://github.com/{run.repo}/actions/runs/{run.id}",
        )
        return body

    def _rate_limit(self) -> tuple[int, dict, bytes]:
        body = sample("rate-limit")["body"]
        for bucket in ("core", "search"):
            left = max(0, self.limits[bucket] - self.used[bucket])
            body["resources"][bucket].update(
                limit=self.limits[bucket],
                used=self.used[bucket],
                remaining=left,
                reset=self._reset_of(bucket),
            )
        body["rate"] = body["resources"]["core"]
        return self._finish("core", 200, body, {}, count=False)


class _Handler(BaseHTTPRequestHandler):
    fake: FakeGitHub
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go in two writes: no 40 ms stall

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        status, headers, body = self.fake.answer(parts.path, query, self.headers)
        with self.fake.lock:
            self.fake.log.append((self.path, status))
            self.fake.bytes_sent += len(body)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet."""


def secondary_limit(server: FakeGitHub, match: str, retry_after: int = 1, times: int = 1) -> None:
    """Inject GitHub's secondary rate limit answer (403 with Retry-After)."""
    server.fail(
        match, 403, times=times, message=SECONDARY, headers={"Retry-After": str(retry_after)}
    )


def html_page(server: FakeGitHub, match: str, times: int = 1) -> None:
    """Answer with 200 and an HTML page, as a proxy's sign-in page or a GHE web host does."""
    headers = {"Content-Type": "text/html; charset=utf-8"}
    server.fail(match, 200, times=times, headers=headers, body=SIGN_IN_PAGE)


def redirect_to_login(server: FakeGitHub, match: str, times: int = 1) -> None:
    """Answer with 302 Location: /login and an empty body, as a sign-in proxy does."""
    server.fail(match, 302, times=times, headers={"Location": "/login"}, body="")


def deny(server: FakeGitHub, match: str, times: int = 1000) -> None:
    """Answer 403 as GitHub does to a fine-grained token without the permission."""
    server.fail(match, 403, times=times, message=NOT_ACCESSIBLE)
