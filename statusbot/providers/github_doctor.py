"""`statusbot doctor`'s GitHub checks: the API URL, the token, its scopes, rate limit, permissions.

Per configured repository, one cheap GET per kind of fact the provider reads shows whether the
token may read it: a fine-grained token lacking a permission gets 403 "Resource not accessible".
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from statusbot.config import GitHubSettings

LOW_RATE = 0.1  # warn below this share of the core bucket
READ_SCOPES = ("repo", "public_repo")

Finding = tuple[str, "bool | None", str]  # (check name, ok / failed / warning, detail or fix)

# What the provider reads of each repository: (what, path under the repo, fine-grained permission).
PROBES = (
    ("pull requests", "/pulls", "Pull requests"),
    ("checks", "/commits/{ref}/check-runs", "Checks"),
    ("commit statuses", "/commits/{ref}/status", "Commit statuses"),
    ("deployments", "/deployments", "Deployments"),
)
ACTIONS = ("workflow runs", "/actions/runs", "Actions")


def github_checks(settings: GitHubSettings, token: str) -> list[Finding]:
    """Ask GitHub about the token and each configured repository; one finding per check."""
    return list(_checks(settings, token))


def api_finding(settings: GitHubSettings) -> Finding:
    """Return which API URL is used and where it came from, or why it is refused (no request)."""
    from statusbot.errors import ConfigError
    from statusbot.providers.github import api_url_origin

    try:
        base, origin = api_url_origin(settings)
    except ConfigError as exc:
        return "github api", False, exc.message
    return "github api", True, f"{base} (from {origin})"


def _checks(settings: GitHubSettings, token: str) -> Iterator[Finding]:
    from github import GithubException

    from statusbot.http_cache import CachingAdapter
    from statusbot.providers.github import _client, api_url, describe_failure

    api = api_finding(settings)
    yield api
    if api[1] is False:
        return
    base = api_url(settings)
    client = _client(base, token, CachingAdapter({}, day="", budget=settings.time_budget))
    try:
        limits = client.get_rate_limit()  # free: /rate_limit costs no rate limit
    except Exception as exc:  # whatever went wrong is the finding
        fix = "make a new token" if "401" in describe_failure(exc) else "check github.api_url"
        yield "github access", False, f"{base}: {describe_failure(exc)}; {fix}"
        return
    scopes = client.requester.oauth_scopes
    if scopes is None:
        detail = "token accepted (fine-grained: access is checked per repository below)"
        yield "github access", True, detail
    elif any(s in READ_SCOPES for s in scopes):
        yield "github access", True, f"token accepted, scopes: {', '.join(scopes) or 'none'}"
    else:
        fix = "give the classic token the repo scope (or public_repo for public repositories)"
        held = ", ".join(scopes) or "none"
        yield "github access", False, f"scopes {held} cannot read pull requests; {fix}"
    resources = limits.resources if hasattr(limits, "resources") else limits
    core = resources.core
    for label, rate in (("github rate limit", core), ("github search limit", resources.search)):
        per = "this hour" if rate is core else "this minute"
        if rate.remaining == 0:
            reset = rate.reset.strftime("%H:%M UTC")
            fix = "wait, or use another token" if rate is core else "it refills within a minute"
            # An empty search bucket refills in a minute: a warning, not a failure.
            ok = False if rate is core else None
            yield label, ok, f"0 of {rate.limit} left until {reset}; {fix}"
        elif rate.remaining < LOW_RATE * rate.limit:
            yield label, None, f"only {rate.remaining} of {rate.limit} left {per}"
        else:
            yield label, True, f"{rate.remaining} of {rate.limit} left {per}"
    if core.remaining == 0 and settings.repos:
        # Every repository would answer 403 now: that says nothing about the repository.
        names = ", ".join(settings.repos)
        yield "github repos", None, f"not checked ({names}): the rate limit is used up"
        return
    for name in settings.repos:
        try:
            repo = client.get_repo(name)
            repo.id  # noqa: B018  (a lazy client fetches the repository on first read)
        except GithubException as exc:
            fix = "check the name, or give the token read access to it"
            yield f"github repo {name}", False, f"{describe_failure(exc)}; {fix}"
            continue
        except Exception as exc:
            yield f"github repo {name}", False, describe_failure(exc)
            continue
        kind = "private" if repo._rawData.get("private") else "public"
        yield f"github repo {name}", True, f"readable ({kind})"
        yield f"github permissions {name}", *_permissions(client, settings, name, repo)


def _permissions(
    client: Any, settings: GitHubSettings, name: str, repo: Any
) -> tuple[bool | None, str]:
    """Probe each kind of fact the provider reads of a repository; say what is missing."""
    from github import GithubException

    from statusbot.providers.github import describe_failure

    ref = repo._rawData.get("default_branch") or "HEAD"
    probes = PROBES + ((ACTIONS,) if settings.workflow_runs else ())
    readable, denied, other = [], [], []
    for what, path, permission in probes:
        url = f"/repos/{name}" + path.format(ref=ref)
        try:
            client.requester.requestJsonAndCheck("GET", url, parameters={"per_page": 1})
        except GithubException as exc:
            data = exc.data if isinstance(exc.data, dict) else {}
            if exc.status == 403 and "not accessible" in str(data.get("message", "")):
                denied.append((what, permission))
            else:
                other.append(f"{what}: {describe_failure(exc)}")
            continue
        except Exception as exc:  # whatever went wrong is the finding
            other.append(f"{what}: {describe_failure(exc)}")
            continue
        readable.append(what)
    if denied:
        missing = ", ".join(what for what, _p in denied)
        grant = ", ".join(f"{p}: read" for _w, p in denied)
        return False, (
            f"the token cannot read {missing} (403 Resource not accessible); "
            f"give the fine-grained token {grant} on {name}"
        )
    if other:
        return None, f"can read {', '.join(readable) or 'nothing'}, but {'; '.join(other)}"
    return True, f"can read {', '.join(readable)}"
