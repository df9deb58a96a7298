"""GitHub: the day's pull requests, reviews, CI and deployments, cheaply. The only PyGithub user.

One cycle spends the search API once per person and query, then fetches details only for pull
requests whose `updated_at` moved since the last cycle; every other GET goes out conditionally
(http_cache), so a cycle in which nothing changed costs no core rate limit at all.

GitHub's answers are untrusted input: each is checked against the shape the provider reads
(github_shapes) before it is used or stored, and one that does not fit is a failure of that
request. A failed request costs only the facts that depend on it: they come back from the day's
last stored facts, marked stale with their fetch time, or the page says the facts are partial.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import logging
import os
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from statusbot.config import DEFAULT_GITHUB_API, Config, GitHubSettings
from statusbot.errors import ConfigError
from statusbot.model import (
    Deployment,
    Person,
    PullRequest,
    Review,
    SourceFailure,
    StaleSource,
    WorkflowRun,
)
from statusbot.providers import github_shapes as shapes
from statusbot.providers.github_search import Failed, Query, search_all
from statusbot.providers.github_shapes import (
    BadAnswer,
    SearchItem,
    SearchPage,
    flag,
    moment,
    obj,
    text,
    whole,
)
from statusbot.secrets import github_token
from statusbot.store import Store

if TYPE_CHECKING:
    from statusbot.http_cache import CachingAdapter, Clock, Stats

log = logging.getLogger(__name__)
T = TypeVar("T")

STATE = "github-state.json"
SOURCE = "GitHub"
KEEP_DAYS = 7
FAILING = {"failure", "timed_out", "cancelled", "action_required", "startup_failure", "error"}
REVIEW_STATES = {"APPROVED": "approved", "CHANGES_REQUESTED": "changes_requested"}
REVIEW_STATES["COMMENTED"] = "commented"


@dataclass
class GitHubFacts:
    """What the GitHub provider found for one day, and what it cost."""

    pull_requests: list[PullRequest] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    deployments: list[Deployment] = field(default_factory=list)
    workflow_runs: list[WorkflowRun] = field(default_factory=list)
    stale: StaleSource | None = None
    failures: list[SourceFailure] = field(default_factory=list)
    stats: dict[str, int | None] = field(default_factory=dict)  # requests, rate-limited, left
    http: Stats | None = None  # the same in detail


def api_url(settings: GitHubSettings) -> str:
    """Return the REST API root: $GITHUB_API_URL (as GitHub Actions sets it), else the config."""
    return api_url_origin(settings)[0]


def api_url_origin(settings: GitHubSettings) -> tuple[str, str]:
    """Return the REST API root and where it came from; a bad $GITHUB_API_URL is a ConfigError."""
    from statusbot.config.options import check_api_url

    value = os.environ.get("GITHUB_API_URL", "").strip()
    if value:
        problem = check_api_url(value)
        if problem:
            raise ConfigError(f"GITHUB_API_URL (environment): {problem}")
        return value.rstrip("/"), "$GITHUB_API_URL"
    origin = "github.api_url" if settings.api_url != DEFAULT_GITHUB_API else "default"
    return settings.api_url.rstrip("/"), origin


def collect_for_config(
    config: Config,
    people: tuple[Person, ...],
    day: date,
    window: tuple[datetime, datetime],
    now: datetime,
    store: Store,
) -> GitHubFacts | None:
    """Run the provider when someone has a GitHub login and a token exists; else say why not."""
    start, end = window
    logins = [p for p in people if p.github]
    if not logins:
        return None
    api_url(config.github)  # a bad $GITHUB_API_URL stops the run before any token is read
    if importlib.util.find_spec("github") is None:
        log.warning("GitHub: skipped, PyGithub is not installed (pip install 'statusbot[github]')")
        return None
    token = github_token(config.github.token_file)
    if token is None:
        log.warning(
            "GitHub: skipped, no token (set STATUSBOT_GITHUB_TOKEN or GITHUB_TOKEN, "
            "github.token_file, or a github-token systemd credential)"
        )
        return None
    return collect_github(
        config.github,
        tuple(logins),
        token.value,
        day,
        start,
        end,
        now,
        store,
        allow_private=config.publish.allow_private_data,
    )


def collect_github(
    settings: GitHubSettings,
    people: tuple[Person, ...],
    token: str,
    day: date,
    start: datetime,
    end: datetime,
    now: datetime,
    store: Store,
    *,
    backoff: float = 0.5,
    allow_private: bool = False,
    clock: Clock | None = None,
) -> GitHubFacts:
    """Collect the day's GitHub facts; what fails comes from the last known ones, marked stale."""
    from statusbot.http_cache import CACHE, CachingAdapter, Clock, pruned

    clock = clock or Clock()

    base = api_url(settings)
    state = store.load_json(STATE)
    cache = store.load_json(CACHE)
    adapter = CachingAdapter(
        cache.setdefault("entries", {}),
        day=now.date().isoformat(),
        budget=settings.time_budget,
        backoff=backoff,
        clock=clock.monotonic,
        sleep=clock.sleep,
        wall=clock.wall,
    )
    client = _client(base, token, adapter)
    record = (state.get("days") or {}).get(day.isoformat())
    collector = Collector(
        client, settings, state, record, start, end, day, now, allow_private, adapter.settle
    )
    try:
        facts = collector.run(people)
    finally:
        cache["entries"] = pruned(adapter.entries, now.date().isoformat())
        store.save_json(CACHE, cache)
    facts.failures = collector.failures
    facts.stale = collector.mark()
    if facts.stale is not None:
        log.warning("GitHub: %s", facts.stale.reason)
    if collector.answered:  # only validated answers replace what the store knew
        state.setdefault("days", {})[day.isoformat()] = _day_record(
            facts, min(collector.oldest_fetch or now, now)
        )
    facts.http = adapter.stats
    facts.stats = adapter.stats.as_dict()
    _prune_state(state, day)
    store.save_json(STATE, state)
    return facts


def _client(base_url: str, token: str, adapter: CachingAdapter) -> Any:
    """Return a PyGithub client whose HTTP goes through our adapter, with no retries of its own."""
    from github import Auth, Github
    from github.Requester import HTTPRequestsConnectionClass, HTTPSRequestsConnectionClass

    # As PyGithub reads it: urlsplit lowercases the scheme, so HTTPS://host is https too.
    https = urlsplit(base_url).scheme == "https"
    base = HTTPSRequestsConnectionClass if https else HTTPRequestsConnectionClass

    class Connection(base):  # type: ignore[valid-type,misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            for scheme in ("https://", "http://"):  # every request passes the adapter's checks
                self.session.mount(scheme, adapter)

    client = Github(
        auth=Auth.Token(token),
        base_url=base_url,
        per_page=100,
        retry=None,
        timeout=30,
        lazy=True,
        user_agent="statusbot",
        # GitHub asks for pauses between writes, not reads; we only read, serially, and the
        # adapter honours Retry-After. PyGithub's default 0.25 s per request would cost more
        # wall time than the requests themselves.
        seconds_between_requests=None,
    )
    # PyGithub has no public hook for the transport; its tests inject connection classes
    # globally, we set this one client's class instead (the attribute has existed since 1.x).
    requester = client.requester
    if not hasattr(requester, "_Requester__connectionClass"):
        raise RuntimeError("this PyGithub version has no connection class to hook the cache into")
    requester._Requester__connectionClass = Connection
    return client


def _data(obj: Any) -> Any:
    """Return the JSON an object came with; `raw_data` would GET a partial list item again."""
    return obj._rawData


class Collector:
    """One cycle's requests; each failure costs only the facts that depend on that request."""

    def __init__(
        self,
        client: Any,
        settings: GitHubSettings,
        state: dict[str, Any],
        record: dict[str, Any] | None,
        start: datetime,
        end: datetime,
        day: date,
        now: datetime,
        allow_private: bool = False,
        settle: Callable[[bool], None] | None = None,
    ) -> None:
        self.client = client
        self.settings = settings
        self.pulls = state.setdefault("pulls", {})  # "owner/name#n" -> updated_at, pr, reviews, ci
        self.private_repos: dict[str, bool] = state.setdefault("private", {})
        self.record = record  # the day's facts as of the last cycle that got answers
        self.start, self.end, self.day, self.now = start, end, day, now
        self.allow_private = allow_private
        self.stale: list[tuple[str, str]] = []  # (what, why) of facts kept from an earlier fetch
        self.partial: list[tuple[str, str]] = []  # (what, why) of facts that may be missing
        self.failures: list[SourceFailure] = []  # configured things that could not be read at all
        self.oldest_fetch: datetime | None = None
        self.halted: dict[str, str] = {}  # bucket -> why no more requests go there this cycle
        self.answered = 0  # requests (or whole lists) answered and validated
        self.ci_read: dict[tuple[str, str], tuple[str | None, list[str]]] = {}  # this cycle's
        # the HTTP cache's commit: keep (True) or undo (False) the answers of the last request
        self.settle: Callable[[bool], None] = settle or (lambda checked: None)

    # ---- the cycle --------------------------------------------------------------------------
    def run(self, people: tuple[Person, ...]) -> GitHubFacts:
        """Search, refresh what changed, and return the day's facts."""
        facts = GitHubFacts()
        logins = [p.github or "" for p in people]
        team = {login.lower() for login in logins}
        seen: set[str] = set()
        lost_authors: list[str] = []
        lost_reviewers: list[str] = []
        for kind, login in self._searches(logins):
            who = [login] if login else logins
            lost = {
                "authored": (lost_authors,),
                "reviewed": (lost_reviewers,),
                "waiting": (lost_authors,),
                "team": (lost_authors, lost_reviewers),
            }[kind]
            try:
                items, whole_answer = self._search(self._query(kind, login))
            except Failed as failed:
                for logins_lost in lost:
                    logins_lost += who
                self._lost(failed.reason)
                continue
            if not whole_answer:  # what search left out comes from the day's record
                for logins_lost in lost:
                    logins_lost += who
            reviewers = {w.lower() for w in who} if kind in ("reviewed", "team") else set()
            for item in items:
                key = f"{item.repo}#{item.number}"
                ours = item.author.lower() in team
                if kind == "waiting":  # old and idle: the search item says all we show
                    if ours and key not in seen:
                        pr = self._from_item(item, waiting=True)
                        if pr is not None:
                            seen.add(key)
                            facts.pull_requests.append(pr)
                    continue
                if ours:
                    pr, reviews = self._pull(item)
                    if kind != "reviewed" and pr is not None and key not in seen:
                        seen.add(key)
                        facts.pull_requests.append(self._with_ci(key, pr))
                else:  # someone else's pull request: only the team's reviews of it count
                    reviews = self._reviews_only(item)
                facts.reviews += [
                    r
                    for r in reviews
                    if r.reviewer.lower() in reviewers and r.reviewer.lower() != r.author.lower()
                ]
        facts.pull_requests += self._known_pulls(lost_authors, seen)
        facts.reviews += self._known("reviews", Review, "reviewer", lost_reviewers)
        facts.reviews = sorted(
            {(r.repo, r.number, r.reviewer, r.at): r for r in facts.reviews}.values(),
            key=lambda r: r.at,
        )
        facts.pull_requests.sort(key=lambda p: (p.opened_at or self.start, p.repo, p.number))
        for repo in self.settings.repos:
            if repo in self.settings.exclude_repos:
                continue
            facts.deployments += self._per_repo(repo, "deployments", Deployment)
            if self.settings.workflow_runs:
                facts.workflow_runs += self._per_repo(repo, "workflow_runs", WorkflowRun)
        facts.deployments.sort(key=lambda d: d.at)
        facts.workflow_runs.sort(key=lambda r: r.at)
        return facts

    def mark(self) -> StaleSource | None:
        """Return how the facts fall short of a full fresh answer, or None when they do not."""
        if not self.stale and not self.partial:
            return None
        reason = "; ".join(_grouped(self.stale + self.partial))
        if self.oldest_fetch is None and not self.answered:
            return StaleSource(SOURCE, None, reason)  # nothing at all: unavailable
        return StaleSource(SOURCE, self.oldest_fetch, reason, partial=bool(self.partial))

    # ---- requests ---------------------------------------------------------------------------
    def _ask(self, bucket: str, call: Callable[[], T]) -> T:
        """Make one request (or read one whole list) and validate it; Failed says why not."""
        import requests
        from github import BadCredentialsException, GithubException, RateLimitExceededException

        from statusbot.http_cache import BudgetExhausted

        if bucket in self.halted:
            raise Failed(self.halted[bucket], halted=True)
        try:
            result = self._checked(call)
        except (BadCredentialsException, requests.ConnectionError, requests.Timeout) as exc:
            reason = describe_failure(exc)
            self.halted.update(core=reason, search=reason)  # nothing else will answer either
            raise Failed(reason, halted=True) from None
        except BudgetExhausted as exc:
            reason = describe_failure(exc)
            for name in (exc.bucket,) if exc.bucket else ("core", "search"):
                self.halted[name] = reason
            raise Failed(reason, halted=True) from None
        except RateLimitExceededException as exc:
            self.halted[bucket] = reason = describe_failure(exc)
            raise Failed(reason, halted=True) from None
        except GithubException as exc:
            data = exc.data if isinstance(exc.data, dict) else {}
            message = str(data.get("message") or "")
            raise Failed(describe_failure(exc), exc.status, message) from None
        except (requests.RequestException, BadAnswer) as exc:
            raise Failed(describe_failure(exc)) from None
        except (
            TypeError, KeyError, ValueError, AttributeError, IndexError, AssertionError,
            RuntimeError,
        ) as exc:  # fmt: skip
            # PyGithub reading an answer of another shape (a list where it wants an object...),
            # or refusing one (it asserts on a link's host, raises RuntimeError on a redirect).
            log.debug("GitHub: an answer did not fit", exc_info=True)
            kind = type(exc).__name__
            raise Failed(f"GitHub's answer did not have the expected shape ({kind})") from None
        self.answered += 1
        return result

    def _checked(self, call: Callable[[], T]) -> T:
        """Call; the answers it cached stay only when it returned (they were read and checked)."""
        try:
            result = call()
        except BaseException:
            self.settle(False)
            raise
        self.settle(True)
        return result

    def _repo(self, name: str) -> Any:
        return self.client.get_repo(name)  # lazy: no request

    # ---- search -----------------------------------------------------------------------------
    def _searches(self, logins: list[str]) -> list[tuple[str, str | None]]:
        """Return the cycle's searches: (kind, login), or (kind, None) for the whole team.

        With `github.repos` and two or more people, two searches serve any team: every pull
        request of those repositories updated in the window (the team's are kept, and the
        team's reviews read from the others), and the ready ones waiting long. GitHub allows 30
        searches a minute; three per person would spend them at ten people.
        """
        if self.settings.repos and len(logins) > 1:
            return [("team", None), ("waiting", None)]
        return [(kind, login) for login in logins for kind in ("authored", "reviewed", "waiting")]

    def _query(self, kind: str, login: str | None) -> Query:
        s = self.settings
        exclude = [f"-repo:{r}" for r in s.exclude_repos]
        exclude += [f'-label:"{label}"' for label in s.exclude_labels]
        scope = {"repos": s.repos, "orgs": s.orgs, "exclude": " ".join(exclude)}
        author = f" author:{login}" if login else ""
        whose = f"{login}'s" if login else "the team's"
        if kind == "team":
            terms, label = "is:pr", "the pull requests of github.repos"
        elif kind == "authored":
            terms, label = f"is:pr author:{login}", f"{login}'s pull requests"
        elif kind == "reviewed":
            terms, label = f"is:pr reviewed-by:{login} -author:{login}", f"{login}'s reviews"
        else:
            terms = f"is:pr is:open draft:false{author} -review:approved -review:changes_requested"
            label = f"{whose} pull requests waiting for review"
            cutoff = self.day - timedelta(days=s.stale_review_days)
            hi = datetime(cutoff.year, cutoff.month, cutoff.day, tzinfo=UTC)
            return Query(label, terms, "created", None, hi, **scope)  # type: ignore[arg-type]
        return Query(label, terms, "updated", self.start, None, **scope)  # type: ignore[arg-type]

    def _search(self, query: Query) -> tuple[list[SearchItem], bool]:
        """Return a search's pull requests (all pages, split at the cap) and whether that is all."""

        def fetch(q: str, page: int) -> SearchPage:
            params = {"q": q, "sort": "updated", "order": "desc", "per_page": 100, "page": page}
            return self._ask(
                "search",
                lambda: shapes.search_page(
                    self.client.requester.requestJsonAndCheck(
                        "GET", "/search/issues", parameters=params
                    )[1]
                ),
            )

        found = search_all(query, fetch, self.now)
        for repo, reason in found.missing_repos:
            self._failure(f"GitHub {repo}", reason)
        self.partial += [("", why) for why in found.partial]
        excluded = {label.lower() for label in self.settings.exclude_labels}
        out = []
        for raw in found.items:
            try:
                item = shapes.search_item(raw)
            except BadAnswer as exc:
                self._lost(str(exc), "search")
                continue
            labels = {label.lower() for label in item.labels}
            if (
                item.is_pull
                and item.repo not in self.settings.exclude_repos
                and not (labels & excluded)
            ):
                out.append(item)
        return out, not found.partial

    # ---- pull requests ----------------------------------------------------------------------
    def _pull(self, item: SearchItem) -> tuple[PullRequest | None, list[Review]]:
        """Return a PR's details: stored ones when unchanged, else one GET plus its reviews."""
        key = f"{item.repo}#{item.number}"
        stored = self.pulls.get(key)
        if stored and "pr" not in stored:  # only its reviews were read (not the team's then)
            stored = None
        if stored and stored.get("updated_at") == item.updated_at:
            return from_json(PullRequest, stored["pr"]), self._in_day(_reviews(stored))

        def fetch() -> tuple[PullRequest, list[Review]]:
            pull = _complete(self._repo(item.repo).get_pull(item.number))
            pr = _pull_request(item.repo, obj(_data(pull), "pull request"), item)
            reviews = [shapes.review(_data(r)) for r in pull.get_reviews()]
            return _with_reviews(pr, reviews)

        try:
            pr, review_facts = self._ask("core", fetch)
        except Failed as failed:
            return self._pull_unread(key, item, stored, failed)
        self.private_repos[item.repo] = pr.private
        self.pulls[key] = {
            "updated_at": item.updated_at,
            "fetched_at": self.now.isoformat(),
            "pr": to_json(pr),
            "reviews": [to_json(r) for r in review_facts],  # all of them: any day may ask
        }
        return pr, self._in_day(review_facts)

    def _pull_unread(
        self, key: str, item: SearchItem, stored: dict[str, Any] | None, failed: Failed
    ) -> tuple[PullRequest | None, list[Review]]:
        """Fall back to what the store knew of a PR whose details failed, else its search item."""
        if stored:
            if failed.status == 404:
                self._kept("", f"{key} was not found (404)", _time(stored["fetched_at"]))
            else:
                scope = "" if failed.halted else key
                self._kept(scope, failed.reason, _time(stored["fetched_at"]))
            return from_json(PullRequest, stored["pr"]), self._in_day(_reviews(stored))
        if failed.status == 404:
            self._failure(f"GitHub {key}", "not found (404)")
            return None, []
        known = [r for r in self._record("reviews", Review) if (r.repo, r.number) == _split(key)]
        self._lost(failed.reason, "" if failed.halted else key)
        return self._from_item(item), known

    def _reviews_only(self, item: SearchItem) -> list[Review]:
        """Return the day's reviews of someone else's PR: its review list only, no details."""
        key = f"{item.repo}#{item.number}"
        stored = self.pulls.get(key)
        if stored and stored.get("updated_at") == item.updated_at:
            return self._in_day(_reviews(stored))
        pr = self._from_item(item)  # what the search item carries is all a review line needs
        if pr is None:
            return []

        def fetch() -> list[tuple[str, str | None, datetime | None]]:
            pull = self._repo(item.repo).get_pull(item.number)  # lazy: no GET of the details
            return [shapes.review(_data(r)) for r in pull.get_reviews()]

        try:
            found = self._ask("core", fetch)
        except Failed as failed:
            if stored:
                self._kept("" if failed.halted else key, failed.reason, _time(stored["fetched_at"]))
                return self._in_day(_reviews(stored))
            self._lost(failed.reason, "" if failed.halted else key)
            return [r for r in self._record("reviews", Review) if (r.repo, r.number) == _split(key)]
        _pr, reviews = _with_reviews(pr, found)
        self.pulls[key] = {
            "updated_at": item.updated_at,
            "fetched_at": self.now.isoformat(),
            "reviews": [to_json(r) for r in reviews],
        }
        return self._in_day(reviews)

    def _from_item(self, item: SearchItem, waiting: bool = False) -> PullRequest | None:
        """Return a PR as its search item shows it (no detail GETs); None when held back."""
        private = self._private(item.repo)
        if private is None:
            return None
        state = "merged" if item.merged_at else "closed" if item.state == "closed" else "open"
        opened = item.created_at
        return PullRequest(
            repo=item.repo,
            number=item.number,
            title=item.title,
            url=item.url,
            state=state,
            draft=item.draft,
            author=item.author,
            review_decision="waiting" if waiting else None,
            opened_at=opened,
            updated_at=_time(item.updated_at),
            merged_at=item.merged_at,
            closed_at=item.closed_at,
            labels=item.labels,
            private=private,
            stale_review=waiting
            and opened is not None
            and (self.end - opened).days > self.settings.stale_review_days,
        )

    def _in_day(self, reviews: list[Review]) -> list[Review]:
        return [r for r in reviews if self.start <= r.at < self.end]

    def _with_ci(self, key: str, pr: PullRequest) -> PullRequest:
        """Add the head commit's CI state; a finished PR's final state is not asked again."""
        stored = self.pulls.get(key, {})
        state, failing, why = None, [], None
        known = stored.get("ci_sha") == pr.head_sha and "ci" in stored
        if pr.state != "open" and known:
            state, failing = stored["ci"]
        elif pr.head_sha:
            try:
                state, failing = self._ci(pr.repo, pr.head_sha)
            except CIUnread as unread:
                if known:
                    state, failing = stored["ci"]
                    fetched = _time(stored.get("ci_at") or stored["fetched_at"])
                    self._kept("" if unread.halted else pr.repo, unread.reason, fetched)
                else:
                    state, why = "unknown", unread.why
                    self._lost(unread.reason, "" if unread.halted else pr.repo)
            else:
                if key in self.pulls:
                    stored.update(ci_sha=pr.head_sha, ci=[state, list(failing)])
                    stored["ci_at"] = self.now.isoformat()
        stale_review = (
            pr.state == "open"
            and not pr.draft
            and pr.review_decision == "waiting"
            and pr.opened_at is not None
            and (self.end - pr.opened_at).days > self.settings.stale_review_days
        )
        return dataclasses.replace(
            pr,
            ci_state=state,
            ci_unknown=why,
            failing_checks=tuple(failing),
            stale_review=stale_review,
        )

    def _ci(self, repo: str, sha: str) -> tuple[str | None, list[str]]:
        """Return a head commit's CI, asked once a cycle however many pull requests share it."""
        if (repo, sha) not in self.ci_read:
            self.ci_read[(repo, sha)] = self._read_ci(repo, sha)
        state, failing = self.ci_read[(repo, sha)]
        return state, list(failing)

    def _read_ci(self, repo: str, sha: str) -> tuple[str | None, list[str]]:
        """Combine check runs and commit statuses into passing, failing (with names) or pending."""
        try:
            commit = self._ask("core", lambda: self._repo(repo).get_commit(sha))
        except Failed as failed:
            raise CIUnread("checks", failed) from None
        try:
            runs = self._ask(
                "core", lambda: [shapes.check_run(_data(r)) for r in commit.get_check_runs()]
            )
        except Failed as failed:
            raise CIUnread("checks", failed) from None
        try:
            contexts = self._ask(
                "core", lambda: shapes.statuses(_data(commit.get_combined_status()))
            )
        except Failed as failed:
            raise CIUnread("commit statuses", failed) from None
        failing, pending, passing = [], False, False
        for name, status, conclusion in runs:
            if status != "completed":
                pending = True
            elif conclusion in FAILING:
                failing.append(name)
            else:
                passing = True
        for context, state in contexts:
            if state in ("failure", "error"):
                failing.append(context)
            elif state == "pending":
                pending = True
            else:
                passing = True
        if failing:
            return "failing", sorted(set(failing))
        if pending:
            return "pending", []
        return ("passing" if passing else None), []

    def _private(self, repo: str) -> bool | None:
        """Return whether a repository is private; None (held back) when GitHub would not say."""
        if repo not in self.private_repos:

            def fetch() -> bool:
                return shapes.repository_private(_data(_complete(self._repo(repo))))

            try:
                self.private_repos[repo] = self._ask("core", fetch)
            except Failed as failed:
                if self.allow_private:  # publish.allow_private_data: privacy does not matter
                    return True
                why = f"held back: GitHub did not say whether it is private ({failed.reason})"
                self._lost(why, repo)
                return None
        return self.private_repos[repo]

    # ---- deployments and workflow runs ------------------------------------------------------
    def _per_repo(self, repo: str, kind: str, cls: type) -> list[Any]:
        """Return a repository's deployments or workflow runs; the last known ones when it fails."""
        read = self._deployments if kind == "deployments" else self._workflow_runs
        what = "deployments" if kind == "deployments" else "workflow runs"
        try:
            found = self._ask("core", lambda: read(repo))
        except Failed as failed:
            known = [x for x in self._record(kind, cls) if x.repo == repo]
            if failed.status == 404:  # what the day's record knows of it stays on the page
                self._failure(f"GitHub {repo}", "not found (404)")
                return known
            if failed.status == 403 and "not accessible" in failed.message:
                self._lost(f"no permission to read {what} ({failed.message})", repo)
            else:
                self._lost(failed.reason, "" if failed.halted else f"{repo} {what}")
            return known
        private = self._private(repo) if found else False
        if private is None:
            return []
        return [dataclasses.replace(x, private=private) for x in found]

    def _deployments(self, repo: str) -> list[Deployment]:
        """Return the repo's deployments created in the day, with their latest status."""
        out = []
        for deployment in self._repo(repo).get_deployments():
            data = shapes.deployment(_data(deployment))
            if data.created_at < self.start:
                break  # newest first: the rest are older
            if data.created_at >= self.end:
                continue
            statuses = self._deployment_statuses(deployment)
            latest = statuses[0] if statuses else None
            sha = data.sha
            version = sha[:7] if data.ref == sha else f"{data.ref} ({sha[:7]})"
            out.append(
                Deployment(
                    environment=data.environment,
                    version=version,
                    status=latest.state if latest else "pending",
                    at=(latest.created_at if latest else None) or data.created_at,
                    url=latest.url if latest else None,
                    source="github",
                    sha=sha or None,
                    creator=data.creator,
                    repo=repo,
                )
            )
        return out

    @staticmethod
    def _deployment_statuses(deployment: Any) -> list[shapes.DeploymentStatus]:
        """Return a deployment's statuses, newest first; a 404 there is not the repo's 404."""
        from github import GithubException

        try:
            return [shapes.deployment_status(_data(s)) for s in deployment.get_statuses()]
        except GithubException as exc:
            if exc.status != 404:
                raise
            number = _data(deployment).get("id", "?")
            raise BadAnswer(f"deployment {number}: its statuses were not found (404)") from None

    def _workflow_runs(self, repo: str) -> list[WorkflowRun]:
        """Return the repo's Actions runs created in the day."""
        out = []
        since = self.start.strftime("%Y-%m-%dT%H:%M:%SZ")
        for run in self._repo(repo).get_workflow_runs(created=f">={since}"):
            data = obj(_data(run), "workflow run")
            what = "workflow run"
            created = moment(data, "created_at", what, required=True)
            assert created is not None
            if created < self.start:
                break
            if created >= self.end:
                continue
            workflow = data.get("workflow_id", "?")
            out.append(
                WorkflowRun(
                    repo=repo,
                    name=text(data, "name", what) or str(workflow),
                    status=text(data, "status", what) or "?",
                    conclusion=text(data, "conclusion", what),
                    branch=text(data, "head_branch", what),
                    url=text(data, "html_url", what),
                    at=created,
                )
            )
        return out

    # ---- what was not read ------------------------------------------------------------------
    def _record(self, kind: str, cls: type) -> list[Any]:
        """Return the day's facts of a kind as the last cycle stored them."""
        return [from_json(cls, x) for x in (self.record or {}).get(kind) or ()]

    def _known_pulls(self, authors: list[str], seen: set[str]) -> list[PullRequest]:
        """Return the stored pull requests of authors whose searches failed, not already found."""
        out = []
        for pr in self._known("pull_requests", PullRequest, "author", authors):
            key = f"{pr.repo}#{pr.number}"
            if key not in seen:
                seen.add(key)
                out.append(pr)
        return out

    def _known(self, kind: str, cls: type, who: str, logins: list[str]) -> list[Any]:
        wanted = {login.lower() for login in logins}
        if not wanted:
            return []
        known = [x for x in self._record(kind, cls) if getattr(x, who).lower() in wanted]
        if known and self.record is not None:
            fetched = _time(self.record.get("fetched_at"))
            if fetched is not None:
                self.oldest_fetch = min(self.oldest_fetch or fetched, fetched)
        return known

    def _lost(self, why: str, what: str = "") -> None:
        """Note a failed request: its facts come from the day's record when there is one."""
        if self.record is not None:
            self._kept(what, why, _time(self.record.get("fetched_at")))
        else:
            self.partial.append((what, why))

    def _kept(self, what: str, why: str, fetched: datetime | None) -> None:
        self.stale.append((what, why))
        if fetched is not None:
            self.oldest_fetch = min(self.oldest_fetch or fetched, fetched)

    def _failure(self, source: str, reason: str) -> None:
        if all(f.source != source for f in self.failures):
            self.failures.append(SourceFailure(source, reason))


def _complete(obj: Any) -> Any:
    """Fetch a lazy object now (one GET, revalidated by the cache on later cycles)."""
    if not obj.completed:
        obj.complete()
    return obj


class CIUnread(Exception):
    """The CI of a head commit could not be read; `why` is what the page says about it."""

    def __init__(self, what: str, failed: Failed) -> None:
        self.halted = failed.halted
        denied = failed.status == 403 and "not accessible" in failed.message
        self.why = f"no permission to read {what}" if denied else f"{what} could not be read"
        self.reason = (
            f"no permission to read {what} ({failed.message})" if denied else failed.reason
        )
        super().__init__(self.reason)


def _grouped(problems: list[tuple[str, str]]) -> list[str]:
    """Return one line per distinct reason, naming what it cost unless it cost everything."""
    groups: dict[str, list[str]] = {}
    for what, why in problems:
        groups.setdefault(why, []).append(what)
    out = []
    for why, whats in groups.items():
        if "" in whats:
            out.append(why)
        else:
            out.append(f"{', '.join(sorted(set(whats)))}: {why}")
    return out


def _with_reviews(
    pr: PullRequest, reviews: list[tuple[str, str | None, datetime | None]]
) -> tuple[PullRequest, list[Review]]:
    """Return the PR with its review decision, and its reviews as facts."""
    facts = [
        Review(
            repo=pr.repo,
            number=pr.number,
            title=pr.title,
            url=pr.url,
            author=pr.author,
            reviewer=who,
            state=REVIEW_STATES[state],
            at=when,
            private=pr.private,
        )
        for who, state, when in reviews
        if state in REVIEW_STATES and when is not None
    ]
    decision = review_decision([{"state": s, "user": {"login": w}} for w, s, _ in reviews])
    return dataclasses.replace(pr, review_decision=decision), facts


def _pull_request(repo: str, data: dict[str, Any], item: SearchItem) -> PullRequest:
    """Build a PullRequest from the details (checked field by field) and the search item."""
    what = "pull request"
    number = whole(data, "number", what, required=True)
    if number != item.number:
        raise BadAnswer(f"{what}: asked for #{item.number}, got #{number}")
    merged = moment(data, "merged_at", what)
    state = text(data, "state", what, required=True)
    base = obj(data.get("base"), f"{what} base")
    base_repo = obj(base.get("repo"), f"{what} base repo")
    head = obj(data.get("head"), f"{what} head")
    return PullRequest(
        repo=repo,
        number=item.number,
        title=text(data, "title", what) or item.title,
        url=text(data, "html_url", what) or item.url,
        state="merged" if merged else state or "open",
        draft=flag(data, "draft", what),
        author=shapes.login(data, "user", what),
        commits=whole(data, "commits", what, required=True),
        additions=whole(data, "additions", what, required=True),
        deletions=whole(data, "deletions", what, required=True),
        head_branch=text(head, "ref", what),
        head_sha=text(head, "sha", what),
        opened_at=moment(data, "created_at", what, required=True),
        updated_at=moment(data, "updated_at", what) or _time(item.updated_at),
        merged_at=merged,
        closed_at=moment(data, "closed_at", what),
        labels=shapes.labels(data, what),
        private=flag(base_repo, "private", what),
    )


def review_decision(reviews: list[dict[str, Any]]) -> str:
    """Return approved, changes_requested or waiting from each reviewer's latest verdict."""
    latest: dict[str, str] = {}
    for review in reviews:
        state = review.get("state")
        who = (review.get("user") or {}).get("login", "")
        if state in ("APPROVED", "CHANGES_REQUESTED", "DISMISSED"):
            latest[who] = state
    verdicts = set(latest.values())
    if "CHANGES_REQUESTED" in verdicts:
        return "changes_requested"
    if "APPROVED" in verdicts:
        return "approved"
    return "waiting"


def _split(key: str) -> tuple[str, int]:
    repo, _, number = key.rpartition("#")
    return repo, int(number)


def _reviews(stored: dict[str, Any]) -> list[Review]:
    return [from_json(Review, r) for r in stored.get("reviews") or ()]


def _time(value: str | None) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def describe_failure(exc: BaseException) -> str:
    """Return one line saying what failed, without any secret."""
    import requests
    from github import BadCredentialsException, GithubException, RateLimitExceededException

    from statusbot.http_cache import BudgetExhausted, PlainHTTPRefused, UnexpectedAnswer

    if isinstance(exc, BadCredentialsException):
        return "the token was refused (401 Bad credentials)"
    if isinstance(exc, RateLimitExceededException):
        return f"rate-limited ({exc.status})"
    if isinstance(exc, GithubException):
        data = exc.data if isinstance(exc.data, dict) else {}
        message = exc.message or data.get("message")
        return f"GitHub answered {exc.status}" + (f": {message}" if message else "")
    if isinstance(exc, BudgetExhausted | BadAnswer | UnexpectedAnswer | PlainHTTPRefused):
        return str(exc)
    if isinstance(exc, requests.Timeout):
        return "GitHub did not answer in time"
    if isinstance(exc, requests.RequestException):
        return f"GitHub could not be reached ({type(exc).__name__})"
    return type(exc).__name__


def _day_record(facts: GitHubFacts, now: datetime) -> dict[str, Any]:
    return {
        "fetched_at": now.isoformat(),
        "pull_requests": [to_json(p) for p in facts.pull_requests],
        "reviews": [to_json(r) for r in facts.reviews],
        "deployments": [to_json(d) for d in facts.deployments],
        "workflow_runs": [to_json(r) for r in facts.workflow_runs],
    }


def _prune_state(state: dict[str, Any], day: date) -> None:
    """Forget days (and PR details) older than KEEP_DAYS."""
    cutoff = (day - timedelta(days=KEEP_DAYS)).isoformat()
    days = state.get("days") or {}
    state["days"] = {d: v for d, v in days.items() if d >= cutoff}
    pulls = state.get("pulls") or {}
    state["pulls"] = {k: v for k, v in pulls.items() if (v.get("fetched_at") or "")[:10] >= cutoff}


def to_json(obj: Any) -> dict[str, Any]:
    """Return a model dataclass as JSON-ready data."""
    from statusbot.model import _jsonable

    return _jsonable(dataclasses.asdict(obj))


def from_json(cls: type, data: dict[str, Any]) -> Any:
    """Rebuild a model dataclass from to_json's output."""
    hints = typing.get_type_hints(cls)
    values = {}
    for f in dataclasses.fields(cls):
        if f.name not in data:
            continue
        value = data[f.name]
        hint = hints[f.name]
        union = typing.get_origin(hint) in (typing.Union, types.UnionType)
        kinds = typing.get_args(hint) if union else (hint,)
        if isinstance(value, str) and any(_is_datetime(k) for k in kinds):
            value = _time(value)
        elif isinstance(value, list) and any(typing.get_origin(k) is tuple for k in kinds):
            value = tuple(value)
        values[f.name] = value
    return cls(**values)


def _is_datetime(kind: object) -> bool:
    # A type, not its name: under freezegun the hint is FakeDatetime, a subclass of datetime.
    return isinstance(kind, type) and issubclass(kind, datetime)


def local_time(moment: datetime, timezone: str) -> str:
    """Return HH:MM of a moment in a zone."""
    return moment.astimezone(ZoneInfo(timezone)).strftime("%H:%M")
