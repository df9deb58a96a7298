"""GitHub: the day's pull requests, reviews, CI and deployments, cheaply. The only PyGithub user.

One cycle spends the search API once per person and query, then fetches details only for pull
requests whose `updated_at` moved since the last cycle; every other GET goes out conditionally
(http_cache), so a cycle in which nothing changed costs no core rate limit at all. When GitHub
fails, the day's last known facts come back from the store, marked stale with their fetch time.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import logging
import os
import types
import typing
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from statusbot.config import Config, GitHubSettings
from statusbot.model import (
    Deployment,
    Person,
    PullRequest,
    Review,
    SourceFailure,
    StaleSource,
    WorkflowRun,
)
from statusbot.secrets import github_token
from statusbot.state import Store

if TYPE_CHECKING:
    from statusbot.http_cache import CachingAdapter, Stats

log = logging.getLogger(__name__)

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
    stats: Stats | None = None


def api_url(settings: GitHubSettings) -> str:
    """Return the REST API root: $GITHUB_API_URL (as GitHub Actions sets it), else the config."""
    return (os.environ.get("GITHUB_API_URL") or settings.api_url).rstrip("/")


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
    return collect_github(config.github, tuple(logins), token.value, day, start, end, now, store)


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
) -> GitHubFacts:
    """Collect the day's GitHub facts; on failure return the day's last known ones, marked stale."""
    import requests
    from github import GithubException

    from statusbot.http_cache import CACHE, BudgetExhausted, CachingAdapter, pruned

    state = store.load_json(STATE)
    cache = store.load_json(CACHE)
    adapter = CachingAdapter(
        cache.setdefault("entries", {}),
        day=now.date().isoformat(),
        budget=settings.time_budget,
        backoff=backoff,
    )
    client = _client(api_url(settings), token, adapter)
    collector = Collector(client, settings, state.setdefault("pulls", {}), start, end, day, now)
    try:
        facts = collector.run(people)
    except (GithubException, BudgetExhausted, requests.RequestException) as exc:
        reason = describe_failure(exc)
        log.warning("GitHub: %s; keeping the last known facts of %s", reason, day)
        facts = _last_known(state, day, reason)
    else:
        facts.failures = collector.failures
        if collector.problems:
            facts.stale = StaleSource(SOURCE, collector.oldest_fetch, "; ".join(collector.problems))
        state.setdefault("days", {})[day.isoformat()] = _day_record(facts, now)
    finally:
        cache["entries"] = pruned(adapter.entries, now.date().isoformat())
        store.save_json(CACHE, cache)
    facts.stats = adapter.stats
    _prune_state(state, day)
    store.save_json(STATE, state)
    return facts


def _client(base_url: str, token: str, adapter: CachingAdapter) -> Any:
    """Return a PyGithub client whose HTTP goes through our adapter, with no retries of its own."""
    from github import Auth, Github
    from github.Requester import HTTPRequestsConnectionClass, HTTPSRequestsConnectionClass

    https = base_url.startswith("https:")
    base = HTTPSRequestsConnectionClass if https else HTTPRequestsConnectionClass

    class Connection(base):  # type: ignore[valid-type,misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.session.mount("https://" if https else "http://", adapter)

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


def _data(obj: Any) -> dict[str, Any]:
    """Return the JSON an object came with; `raw_data` would GET a partial list item again."""
    return obj._rawData


class Collector:
    """One cycle's requests against GitHub, reusing the stored details of unchanged PRs."""

    def __init__(
        self,
        client: Any,
        settings: GitHubSettings,
        pulls: dict[str, Any],
        start: datetime,
        end: datetime,
        day: date,
        now: datetime,
    ) -> None:
        self.client = client
        self.settings = settings
        self.pulls = pulls  # "owner/name#n" -> {"updated_at", "fetched_at", "pr", "reviews"}
        self.start, self.end, self.day, self.now = start, end, day, now
        self.problems: list[str] = []  # facts kept from an earlier fetch, and why
        self.failures: list[SourceFailure] = []  # what could not be read at all
        self.oldest_fetch: datetime | None = None
        self.private_repos: dict[str, bool] = {}

    def run(self, people: tuple[Person, ...]) -> GitHubFacts:
        """Search, refresh what changed, and return the day's facts."""
        facts = GitHubFacts()
        seen: set[str] = set()
        since = self.start.strftime("%Y-%m-%dT%H:%M:%SZ")
        cutoff = self.day - timedelta(days=self.settings.stale_review_days)
        for person in people:
            login = person.github or ""
            queries = (
                f"is:pr author:{login} updated:>={since}",
                f"is:pr reviewed-by:{login} -author:{login} updated:>={since}",
                f"is:pr is:open draft:false author:{login} -review:approved "
                f"-review:changes_requested created:<{cutoff.isoformat()}",
            )
            for kind, query in zip(("authored", "reviewed", "waiting"), queries, strict=True):
                for item in self._search(query):
                    if kind == "waiting":  # old and idle: the search item says all we show
                        key = f"{_repo_of(item)}#{item['number']}"
                        if key not in seen:
                            seen.add(key)
                            facts.pull_requests.append(self._waiting(item))
                        continue
                    key, pr, reviews = self._pull(item)
                    if pr is None:
                        continue
                    if kind == "reviewed":
                        facts.reviews += [r for r in reviews if r.reviewer.lower() == login.lower()]
                    elif key not in seen:
                        seen.add(key)
                        facts.pull_requests.append(self._with_ci(key, pr))
        facts.reviews = sorted(
            {(r.repo, r.number, r.reviewer, r.at): r for r in facts.reviews}.values(),
            key=lambda r: r.at,
        )
        facts.pull_requests.sort(key=lambda p: (p.opened_at or self.start, p.repo, p.number))
        from github import UnknownObjectException

        for repo in self.settings.repos:
            if repo in self.settings.exclude_repos:
                continue
            try:
                facts.deployments += self._deployments(repo)
                if self.settings.workflow_runs:
                    facts.workflow_runs += self._workflow_runs(repo)
            except UnknownObjectException:
                self.failures.append(SourceFailure(f"GitHub {repo}", "not found (404)"))
        facts.deployments.sort(key=lambda d: d.at)
        facts.workflow_runs.sort(key=lambda r: r.at)
        return facts

    def _scope(self) -> str:
        parts = [f"repo:{r}" for r in self.settings.repos]
        parts += [f"org:{o}" for o in self.settings.orgs]
        parts += [f"-repo:{r}" for r in self.settings.exclude_repos]
        parts += [f'-label:"{label}"' for label in self.settings.exclude_labels]
        return " ".join(parts)

    def _search(self, query: str) -> list[dict[str, Any]]:
        full = f"{query} {self._scope()}".strip()
        items = [_data(i) for i in self.client.search_issues(full, sort="updated", order="desc")]
        excluded = {label.lower() for label in self.settings.exclude_labels}
        out = []
        for item in items:
            repo = _repo_of(item)
            labels = {label.get("name", "").lower() for label in item.get("labels") or ()}
            wanted = repo not in self.settings.exclude_repos and not labels & excluded
            if "pull_request" in item and wanted:
                out.append(item)
        return out

    def _pull(self, item: dict[str, Any]) -> tuple[str, PullRequest | None, list[Review]]:
        """Return a PR's details: stored ones when unchanged, else one GET plus its reviews."""
        from github import UnknownObjectException

        repo, number = _repo_of(item), int(item["number"])
        key = f"{repo}#{number}"
        stored = self.pulls.get(key)
        if stored and stored.get("updated_at") == item.get("updated_at"):
            return key, from_json(PullRequest, stored["pr"]), self._in_day(_reviews(stored))
        try:
            remote = self.client.get_repo(repo)
            pull = _complete(remote.get_pull(number))
            data = _data(pull)
            reviews = [_data(r) for r in pull.get_reviews()]
        except UnknownObjectException:
            return key, self._gone(key, stored), self._in_day(_reviews(stored or {}))
        pr = _pull_request(repo, data, item, reviews)
        review_facts = [
            Review(
                repo=repo,
                number=number,
                title=pr.title,
                url=pr.url,
                author=pr.author,
                reviewer=(r.get("user") or {}).get("login", ""),
                state=REVIEW_STATES[r["state"]],
                at=_time(r["submitted_at"]),
                private=pr.private,
            )
            for r in reviews
            if r.get("state") in REVIEW_STATES and r.get("submitted_at")
        ]
        self.pulls[key] = {
            "updated_at": item.get("updated_at"),
            "fetched_at": self.now.isoformat(),
            "pr": to_json(pr),
            "reviews": [to_json(r) for r in review_facts],  # all of them: any day may ask
        }
        return key, pr, self._in_day(review_facts)

    def _in_day(self, reviews: list[Review]) -> list[Review]:
        return [r for r in reviews if self.start <= r.at < self.end]

    def _waiting(self, item: dict[str, Any]) -> PullRequest:
        """Return an old open PR that search says still waits for a review (no detail GETs)."""
        repo = _repo_of(item)
        opened = _time(item.get("created_at"))
        return PullRequest(
            repo=repo,
            number=int(item["number"]),
            title=item.get("title") or "",
            url=item.get("html_url"),
            state="open",
            draft=bool(item.get("draft")),
            author=(item.get("user") or {}).get("login", ""),
            review_decision="waiting",
            opened_at=opened,
            updated_at=_time(item.get("updated_at")),
            labels=tuple(label.get("name", "") for label in item.get("labels") or ()),
            private=self._private(repo),
            stale_review=opened is not None
            and (self.end - opened).days > self.settings.stale_review_days,
        )

    def _gone(self, key: str, stored: dict[str, Any] | None) -> PullRequest | None:
        """Note a purged pull request (404) and fall back to what the store knew of it."""
        if not stored:
            self.failures.append(SourceFailure(f"GitHub {key}", "not found (404)"))
            return None
        self.problems.append(f"{key} was not found (404)")
        fetched = _time(stored["fetched_at"])
        self.oldest_fetch = min(self.oldest_fetch or fetched, fetched)
        return from_json(PullRequest, stored["pr"])

    def _with_ci(self, key: str, pr: PullRequest) -> PullRequest:
        """Add the head commit's CI state; a finished PR's final state is not asked again."""
        stored = self.pulls.get(key, {})
        state, failing = None, []
        if pr.state != "open" and stored.get("ci_sha") == pr.head_sha and "ci" in stored:
            state, failing = stored["ci"]
        elif pr.head_sha:
            state, failing = self._ci(pr.repo, pr.head_sha)
            stored.update(ci_sha=pr.head_sha, ci=[state, list(failing)])
        stale_review = (
            pr.state == "open"
            and not pr.draft
            and pr.review_decision == "waiting"
            and pr.opened_at is not None
            and (self.end - pr.opened_at).days > self.settings.stale_review_days
        )
        return dataclasses.replace(
            pr, ci_state=state, failing_checks=tuple(failing), stale_review=stale_review
        )

    def _ci(self, repo: str, sha: str) -> tuple[str | None, list[str]]:
        """Combine check runs and commit statuses into passing, failing (with names) or pending."""
        commit = self.client.get_repo(repo).get_commit(sha)
        runs = [_data(r) for r in commit.get_check_runs()]
        statuses = _data(commit.get_combined_status()).get("statuses") or []
        failing, pending, passing = [], False, False
        for run in runs:
            if run.get("status") != "completed":
                pending = True
            elif run.get("conclusion") in FAILING:
                failing.append(run.get("name", "?"))
            else:
                passing = True
        for status in statuses:
            state = status.get("state")
            if state in ("failure", "error"):
                failing.append(status.get("context", "?"))
            elif state == "pending":
                pending = True
            else:
                passing = True
        if failing:
            return "failing", sorted(set(failing))
        if pending:
            return "pending", []
        return ("passing" if passing else None), []

    def _private(self, repo: str) -> bool:
        if repo not in self.private_repos:
            remote = _complete(self.client.get_repo(repo))
            self.private_repos[repo] = bool(_data(remote).get("private"))
        return self.private_repos[repo]

    def _deployments(self, repo: str) -> list[Deployment]:
        """Return the repo's deployments created in the day, with their latest status."""
        out = []
        for deployment in self.client.get_repo(repo).get_deployments():
            data = _data(deployment)
            created = _time(data["created_at"])
            if created < self.start:
                break  # newest first: the rest are older
            if created >= self.end:
                continue
            statuses = [_data(s) for s in deployment.get_statuses()]
            latest = statuses[0] if statuses else {}
            sha = data.get("sha") or ""
            ref = data.get("ref") or sha
            version = sha[:7] if ref == sha else f"{ref} ({sha[:7]})"
            out.append(
                Deployment(
                    environment=data.get("environment") or "?",
                    version=version,
                    status=latest.get("state") or "pending",
                    at=_time(latest.get("created_at") or data["created_at"]),
                    url=latest.get("environment_url") or latest.get("log_url") or None,
                    source="github",
                    sha=sha or None,
                    creator=(data.get("creator") or {}).get("login"),
                    repo=repo,
                    private=self._private(repo),
                )
            )
        return out

    def _workflow_runs(self, repo: str) -> list[WorkflowRun]:
        """Return the repo's Actions runs created in the day."""
        out = []
        remote = self.client.get_repo(repo)
        since = self.start.strftime("%Y-%m-%dT%H:%M:%SZ")
        for run in remote.get_workflow_runs(created=f">={since}"):
            data = _data(run)
            created = _time(data["created_at"])
            if created < self.start:
                break
            if created >= self.end:
                continue
            out.append(
                WorkflowRun(
                    repo=repo,
                    name=data.get("name") or str(data.get("workflow_id", "?")),
                    status=data.get("status") or "?",
                    conclusion=data.get("conclusion"),
                    branch=data.get("head_branch"),
                    url=data.get("html_url"),
                    at=created,
                    private=self._private(repo),
                )
            )
        return out


def _complete(obj: Any) -> Any:
    """Fetch a lazy object now (one GET, revalidated by the cache on later cycles)."""
    if not obj.completed:
        obj.complete()
    return obj


def _pull_request(
    repo: str, data: dict[str, Any], item: dict[str, Any], reviews: list[dict[str, Any]]
) -> PullRequest:
    """Build a PullRequest from the details, the search item and the reviews."""
    merged = data.get("merged_at")
    state = "merged" if merged else data.get("state", item.get("state", "open"))
    base_repo = (data.get("base") or {}).get("repo") or {}
    head = data.get("head") or {}
    return PullRequest(
        repo=repo,
        number=int(data.get("number", item["number"])),
        title=data.get("title") or item.get("title") or "",
        url=data.get("html_url") or item.get("html_url"),
        state=state,
        draft=bool(data.get("draft")),
        author=(data.get("user") or {}).get("login", ""),
        commits=data.get("commits"),
        additions=data.get("additions"),
        deletions=data.get("deletions"),
        review_decision=review_decision(reviews),
        head_branch=head.get("ref"),
        head_sha=head.get("sha"),
        opened_at=_time(data.get("created_at")),
        updated_at=_time(data.get("updated_at") or item.get("updated_at")),
        merged_at=_time(merged),
        closed_at=_time(data.get("closed_at")),
        labels=tuple(label.get("name", "") for label in data.get("labels") or ()),
        private=bool(base_repo.get("private")),
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


def _repo_of(item: dict[str, Any]) -> str:
    """Return owner/name from a search item's repository_url, or its url (no request)."""
    if item.get("repository_url"):
        return "/".join(item["repository_url"].rstrip("/").split("/")[-2:])
    return "/".join(item["url"].split("/repos/", 1)[1].split("/")[:2])


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

    from statusbot.http_cache import BudgetExhausted

    if isinstance(exc, BadCredentialsException):
        return "the token was refused (401 Bad credentials)"
    if isinstance(exc, RateLimitExceededException):
        return f"rate-limited ({exc.status})"
    if isinstance(exc, GithubException):
        data = exc.data if isinstance(exc.data, dict) else {}
        message = exc.message or data.get("message")
        return f"GitHub answered {exc.status}" + (f": {message}" if message else "")
    if isinstance(exc, BudgetExhausted):
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


def _last_known(state: dict[str, Any], day: date, reason: str) -> GitHubFacts:
    """Return the day's last stored facts, marked stale with their fetch time."""
    record = (state.get("days") or {}).get(day.isoformat())
    if not record:
        return GitHubFacts(stale=StaleSource(SOURCE, None, reason))
    return GitHubFacts(
        pull_requests=[from_json(PullRequest, p) for p in record["pull_requests"]],
        reviews=[from_json(Review, r) for r in record["reviews"]],
        deployments=[from_json(Deployment, d) for d in record["deployments"]],
        workflow_runs=[from_json(WorkflowRun, r) for r in record.get("workflow_runs", [])],
        stale=StaleSource(SOURCE, _time(record["fetched_at"]), reason),
    )


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
