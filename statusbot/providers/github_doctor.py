"""`statusbot doctor`'s GitHub checks: token accepted, scopes, rate-limit headroom, repo access."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from statusbot.config import GitHubSettings

LOW_RATE = 0.1  # warn below this share of the core bucket
READ_SCOPES = ("repo", "public_repo")

Finding = tuple[str, "bool | None", str]  # (check name, ok / failed / warning, detail or fix)


def github_checks(settings: GitHubSettings, token: str) -> list[Finding]:
    """Ask GitHub about the token and each configured repository; one finding per check."""
    return list(_checks(settings, token))


def _checks(settings: GitHubSettings, token: str) -> Iterator[Finding]:
    from github import GithubException

    from statusbot.http_cache import CachingAdapter
    from statusbot.providers.github import _client, api_url, describe_failure

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
    core = limits.resources.core if hasattr(limits, "resources") else limits.core
    if core.remaining == 0:
        reset = core.reset.strftime("%H:%M UTC")
        yield (
            "github rate limit",
            False,
            f"0 of {core.limit} left until {reset}; wait, or use another token",
        )
    elif core.remaining < LOW_RATE * core.limit:
        yield "github rate limit", None, f"only {core.remaining} of {core.limit} left this hour"
    else:
        yield "github rate limit", True, f"{core.remaining} of {core.limit} left this hour"
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
