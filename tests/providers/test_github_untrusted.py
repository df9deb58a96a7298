"""GitHub's answers are untrusted input (issue 14): each case through real PyGithub over HTTP.

Cases: 1 the token only over https or to loopback; 2 an HTML 200 body; 3 a 302 to /login;
4 a one-off bad answer for one pull request; 5 one failing endpoint (500, 403 permission, 422 on
search for a missing repo); 6 incomplete and capped searches; 7 a bad GITHUB_API_URL; 8 the date
on "facts as of" when fetched on another day.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import branch_file, git
from github_cycle import PAGE, project, publish
from github_day import AFTERNOON, DAY, a_day, at, run, warm
from github_server import SIGN_IN_PAGE, TOKEN, FakeGitHub, deny, html_page, redirect_to_login

from statusbot.model import Facts, StaleSource
from statusbot.risk_rules import stale_sources

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def server() -> Iterator[FakeGitHub]:
    with FakeGitHub().running() as fake:
        yield fake


AS_OF = r"GitHub facts as of (\d{4}-\d\d-\d\d )?\d\d:\d\d"


def page_of(repo: Path) -> str:
    return branch_file(repo, "gh-pages", PAGE)


def stored_state(repo: Path) -> str:
    return (repo / ".git" / "statusbot" / "github-state.json").read_text(encoding="utf-8")


# ---- 1 and 7: where the token may go -------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "line"),
    [
        ("not-a-url", "expected an https URL, not 'not-a-url'"),
        (
            "ftp://ghe.example.com/api/v3",
            "expected an https URL, not 'ftp://ghe.example.com/api/v3'",
        ),
        (
            "http://192.0.2.10:8080",
            "plain http sends the token in the clear: use https, not 'http://192.0.2.10:8080' "
            "(http is allowed only to a loopback address)",
        ),
    ],
)
def test_a_bad_github_api_url_in_the_environment_is_one_line_and_nothing_is_sent(
    tmp_path, server, run_cli, monkeypatch, value, line
):
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("GITHUB_API_URL", value)
    a_day(server)
    repo = project(tmp_path, server)

    result = publish(run_cli, repo)

    assert result.exit_code == 1
    assert result.output.splitlines() == [f"Error: GITHUB_API_URL (environment): {line}"]
    assert sum(server.hits.values()) == 0


def test_plain_http_to_another_host_is_refused_in_the_config(tmp_path, server, run_cli):
    a_day(server)
    repo = project(tmp_path, server)
    config = repo / "statusbot.yml"
    config.write_text(config.read_text().replace(server.base_url, "http://ghe.example.com/api/v3"))

    result = run_cli(repo, "--date", "2026-02-08", "publish")

    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"Error: {config}: github.api_url: plain http sends the token in the clear: use https, "
        "not 'http://ghe.example.com/api/v3' (http is allowed only to a loopback address)"
    ]


def test_doctor_shows_which_api_url_is_used_and_where_it_came_from(
    tmp_path, server, run_cli, monkeypatch
):
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    a_day(server)
    repo = project(tmp_path, server)

    from_config = run_cli(repo, "doctor").output.splitlines()
    monkeypatch.setenv("GITHUB_API_URL", server.base_url + "/")
    from_env = run_cli(repo, "doctor").output.splitlines()
    monkeypatch.setenv("GITHUB_API_URL", "http://192.0.2.10")
    refused = run_cli(repo, "doctor").output.splitlines()

    assert f"ok   github api: {server.base_url} (from github.api_url)" in from_config
    assert f"ok   github api: {server.base_url} (from $GITHUB_API_URL)" in from_env
    assert [x for x in refused if x.startswith("FAIL github api")] == [
        "FAIL github api: GITHUB_API_URL (environment): plain http sends the token in the clear: "
        "use https, not 'http://192.0.2.10' (http is allowed only to a loopback address)"
    ]


def test_doctor_shows_the_api_url_and_refuses_a_bad_one_without_a_token(
    tmp_path, server, run_cli, monkeypatch
):
    for name in ("GITHUB_TOKEN", "STATUSBOT_GITHUB_TOKEN", "CREDENTIALS_DIRECTORY"):
        monkeypatch.delenv(name, raising=False)
    repo = project(tmp_path, server)

    plain = run_cli(repo, "doctor").output.splitlines()
    monkeypatch.setenv("GITHUB_API_URL", "ftp://ghe.example.com/api/v3")
    refused = run_cli(repo, "doctor")

    assert any(x.startswith("FAIL github token: missing") for x in plain)
    assert f"ok   github api: {server.base_url} (from github.api_url)" in plain
    assert refused.exit_code == 1
    assert (
        "FAIL github api: GITHUB_API_URL (environment): expected an https URL, not "
        "'ftp://ghe.example.com/api/v3'"
    ) in refused.output.splitlines()
    assert sum(server.hits.values()) == 0


def test_an_https_url_in_capitals_is_spoken_as_https(server, tmp_path):
    """urlsplit (and PyGithub) read HTTPS:// as https: the token must not go out in the clear."""
    a_day(server)
    capitals = server.base_url.replace("http://", "HTTPS://")

    facts = run(server, tmp_path, api_url=capitals)

    assert sum(server.hits.values()) == 0  # the plain-http server never read a request
    assert facts.pull_requests == [] and facts.deployments == []
    assert facts.stale is not None and "SSLError" in facts.stale.reason


def test_the_transport_sends_nothing_over_plain_http_to_another_host():
    """Below the config's check, the adapter itself refuses: no request is ever sent."""
    from statusbot.http_cache import CachingAdapter, PlainHTTPRefused
    from statusbot.providers.github import _client

    adapter = CachingAdapter({}, day="2026-02-08", budget=5)
    client = _client("http://192.0.2.10/api/v3", TOKEN, adapter)

    with pytest.raises(PlainHTTPRefused, match=r"over plain http to 192\.0\.2\.10 "):
        client.get_repo("acme/api").private  # noqa: B018  (the attribute GETs the repo)
    assert adapter.stats.sent == 0


NETNS_CHILD = textwrap.dedent(
    """
    import json, os, socket, subprocess, sys
    listener = socket.socket()
    listener.bind(("10.77.0.1", 0))
    listener.listen(5)
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    url = f"http://10.77.0.1:{port}"
    repo = sys.argv[1]
    env = {**os.environ, "GITHUB_TOKEN": sys.argv[2], "GITHUB_API_URL": url}
    cli = "from statusbot.cli import main; main()"
    done = subprocess.run([sys.executable, "-c", cli, "--date", "2026-02-08", "publish"],
                          cwd=repo, env=env, capture_output=True, text=True, timeout=120)
    received = b""
    try:
        conn, _ = listener.accept()
        conn.settimeout(1)
        received = conn.recv(65536)
    except OSError:
        pass
    # The control: the address is reachable, so a leak would have been seen.
    probe = socket.create_connection(("10.77.0.1", port), timeout=2)
    probe.sendall(b"GET / HTTP/1.0\\r\\n\\r\\n")
    seen, _ = listener.accept()
    control = seen.recv(100)
    print(json.dumps({"code": done.returncode, "out": done.stdout, "err": done.stderr,
                      "received": received.decode("latin-1"), "control": control.decode()}))
    """
)


def test_the_token_is_refused_before_any_request_to_a_plain_http_address_in_a_netns(
    tmp_path, server
):
    """In a private network namespace a non-loopback address listens; nothing reaches it."""
    unshare, ip = shutil.which("unshare"), shutil.which("ip")
    if not (unshare and ip and os.geteuid() == 0):
        if os.environ.get("CI"):
            pytest.fail("CI must run the network-namespace test: needs root, unshare and ip")
        pytest.skip("needs root, unshare and ip (runs as root in CI)")
    a_day(server)
    repo = project(tmp_path, server)
    script = tmp_path / "child.py"
    script.write_text(NETNS_CHILD, encoding="utf-8")
    shell = (
        "ip link set lo up && ip addr add 10.77.0.1/32 dev lo && "
        f'exec "{sys.executable}" "{script}" "{repo}" "{TOKEN}"'
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path])}
    done = subprocess.run(
        [unshare, "-n", "sh", "-c", shell],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["control"].startswith("GET / HTTP/1.0")  # the listener was reachable
    assert result["received"] == ""  # statusbot never connected
    assert result["code"] == 1
    assert "GITHUB_API_URL (environment): plain http sends the token in the clear" in (
        result["out"] + result["err"]
    )
    assert "Traceback" not in result["err"]
    assert TOKEN not in result["out"] + result["err"]


# ---- 2 and 3: bodies that are not the API speaking -----------------------------------------
def test_an_html_page_for_search_and_deployments_still_publishes_the_local_facts(
    tmp_path, server, run_cli, monkeypatch
):
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    a_day(server)
    html_page(server, "/search/", times=100)
    html_page(server, "/deployments", times=100)
    repo = project(tmp_path, server)

    result = publish(run_cli, repo)

    assert result.exit_code == 0, result.output
    page = page_of(repo)
    assert "Added the parser" in page
    assert (
        "**MEDIUM:** GitHub facts unavailable: GitHub answered 200 with text/html, not JSON "
        "(a sign-in page, or an API URL without /api/v3?)"
    ) in page
    assert "<html" not in stored_state(repo) + (
        repo / ".git" / "statusbot" / "github-http-cache.json"
    ).read_text(encoding="utf-8")


def test_a_redirect_to_login_keeps_every_published_fact_and_says_so(
    tmp_path, server, run_cli, monkeypatch
):
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    a_day(server)
    repo = project(tmp_path, server)
    assert publish(run_cli, repo).exit_code == 0
    before = page_of(repo)
    redirect_to_login(server, "/", times=1000)

    result = publish(run_cli, repo)

    assert result.exit_code == 0, result.output
    page = page_of(repo)
    assert re.search(
        rf"\*\*MEDIUM:\*\* {AS_OF} \(GitHub redirected to /login \(302\) instead of answering\)",
        page,
    )
    for line in before.splitlines():
        if line.startswith("- ") or line.startswith("**HIGH"):
            assert line in page  # every pull request, review, deployment and risk line stays


@pytest.mark.parametrize(
    ("location", "where"),
    [
        ("https://evil.example/repos/acme/api/pulls/102", "https://evil.example/repos/acme/api"),
        ("http://evil.example/repos/acme/api/pulls/102", "http://evil.example/repos/acme/api/"),
        ("/repos/acme/api/pulls/103", "/repos/acme/api/pulls/103"),
        ("{base}/repos/acme/api/pulls/102", "/repos/acme/api/pulls/102"),  # to itself
    ],
    ids=["https-elsewhere", "http-elsewhere", "relative", "loop"],
)
def test_a_301_that_pygithub_would_not_follow_is_a_failure_of_that_request(
    server, tmp_path, location, where
):
    before = warm(server, tmp_path)
    server.touch("acme/api", 102, at(16))
    moved = {"Location": location.format(base=server.base_url)}
    server.fail("/pulls/102", 301, times=1, headers=moved, body="")

    facts = run(server, tmp_path, now=at(16, minute=15))

    assert facts.stale is not None
    assert facts.stale.reason.startswith(f"acme/api#102: GitHub redirected to {where}")
    assert facts.stale.reason.endswith("(301) instead of answering")
    assert facts.pull_requests == before.pull_requests
    assert not any("evil" in path for path, _status in server.log)


def test_a_301_elsewhere_on_every_answer_publishes_the_known_facts(
    tmp_path, server, run_cli, monkeypatch
):
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    a_day(server)
    repo = project(tmp_path, server)
    assert publish(run_cli, repo).exit_code == 0
    before = page_of(repo)
    server.fail("/", 301, times=1000, headers={"Location": "https://evil.example/"}, body="")

    result = publish(run_cli, repo)

    assert result.exit_code == 0, result.output
    page = page_of(repo)
    assert "GitHub redirected to https://evil.example/ (301) instead of answering" in page
    for line in before.splitlines():
        if line.startswith("- ") or line.startswith("**HIGH"):
            assert line in page


def test_a_renamed_repository_is_still_followed(server, tmp_path):
    a_day(server)
    moved = {"Location": f"{server.base_url}/repos/acme/api/deployments"}
    server.fail("/repos/acme/old/deployments", 301, times=1, headers=moved, body="")

    facts = run(server, tmp_path, repos=("acme/api", "acme/web", "acme/old"))

    assert facts.stale is None
    api = [d.version for d in facts.deployments if d.repo == "acme/api"]
    assert api and [d.version for d in facts.deployments if d.repo == "acme/old"] == api


def test_a_next_page_link_to_another_host_is_a_failure_not_facts(server, tmp_path):
    before = warm(server, tmp_path)
    _status, _headers, listed = server.answer(
        "/repos/acme/api/deployments", {"per_page": "100"}, {"Authorization": f"token {TOKEN}"}
    )
    full_page = (json.loads(listed) * 100)[:100]  # a full page: PyGithub follows rel="next"
    link = '<https://evil.example/repos/acme/api/deployments?page=2>; rel="next"'
    server.fail("/repos/acme/api/deployments", 200, times=1, headers={"Link": link}, body=full_page)

    facts = run(server, tmp_path, now=at(16))

    assert facts.stale is not None
    assert facts.stale.reason == (
        "acme/api deployments: GitHub's next-page link points to another host (evil.example)"
    )
    assert facts.deployments == before.deployments


def test_a_repository_answering_404_for_a_cycle_keeps_its_known_deployments(server, tmp_path):
    before = warm(server, tmp_path)
    server.fail("/repos/acme/api/deployments", 404, times=1, message="Not Found")

    facts = run(server, tmp_path, now=at(16))

    assert facts.deployments == before.deployments
    failures = [(f.source, f.reason) for f in facts.failures]
    assert failures == [("GitHub acme/api", "not found (404)")]


def test_a_404_for_one_deployments_statuses_is_not_the_repositorys_404(server, tmp_path):
    before = warm(server, tmp_path)
    server.fail("/statuses", 404, times=1, message="Not Found")

    facts = run(server, tmp_path, now=at(16))

    assert facts.failures == []
    assert facts.deployments == before.deployments
    assert facts.stale is not None
    assert re.fullmatch(
        r"acme/api deployments: deployment \d+: its statuses were not found \(404\)",
        facts.stale.reason,
    )


# ---- 4: one bad answer for one pull request ------------------------------------------------
def test_a_one_off_html_answer_for_a_pull_request_neither_corrupts_nor_sticks(
    tmp_path, server, run_cli, monkeypatch
):
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    a_day(server)
    repo = project(tmp_path, server)
    assert publish(run_cli, repo).exit_code == 0
    created = (
        "- Created pull request [acme/api#102](https://github.com/acme/api/pull/102) for {} "
        "(24 commits, +1200/−300 lines, ready for review, CI failing)"
    )
    old_title = "AAP Direct provider with job lifecycle management"
    server.touch("acme/api", 102, at(16), title="AAP Direct provider, renamed")
    html_page(server, "/pulls/102", times=1)

    bad = publish(run_cli, repo)

    assert bad.exit_code == 0, bad.output
    page = page_of(repo)
    assert created.format(old_title) in page
    assert "**HIGH:** CI failing on pull request [acme/api#102]" in page
    assert re.search(rf"{AS_OF} \(acme/api&#35;102: GitHub answered 200 with text/html", page)
    assert "<html" not in stored_state(repo)

    good = publish(run_cli, repo)  # the next cycle reads the details afresh: nothing stuck

    assert good.exit_code == 0, good.output
    page = page_of(repo)
    assert created.format("AAP Direct provider, renamed") in page
    assert "GitHub facts" not in page


def test_a_pull_request_answer_of_another_shape_is_a_failure_not_facts(server, tmp_path):
    before = warm(server, tmp_path)
    server.touch("acme/api", 102, at(16))
    server.fail("/pulls/102", 200, times=1, body={"number": "102", "state": ["open"]})

    facts = run(server, tmp_path, now=at(16, minute=15))

    assert facts.stale is not None
    assert facts.stale.reason == (
        "acme/api#102: pull request: number should be a whole number, got text"
    )
    assert facts.pull_requests == before.pull_requests


def test_an_answer_of_another_shape_is_not_cached_even_with_an_etag(server, tmp_path):
    """Else a 304 for its ETag would bring the refused answer back on every later cycle."""
    before = warm(server, tmp_path)
    server.touch("acme/api", 102, at(16))
    odd = {"ETag": 'W/"an-answer-of-another-shape"'}
    server.fail("/pulls/102", 200, times=1, body={"number": "102"}, headers=odd)

    facts = run(server, tmp_path, now=at(16, minute=15))
    cache = (tmp_path / "github-http-cache.json").read_text(encoding="utf-8")
    again = run(server, tmp_path, now=at(16, minute=30))

    assert facts.stale is not None and "number should be a whole number" in facts.stale.reason
    assert "an-answer-of-another-shape" not in cache
    assert '"102"' not in cache
    assert again.stale is None
    assert [p.number for p in again.pull_requests] == [p.number for p in before.pull_requests]


def test_a_pull_request_answer_without_its_counts_is_a_failure_not_an_updated_pr(server, tmp_path):
    """The list endpoint's shape (no commits, additions, deletions) for a PR's details."""
    before = warm(server, tmp_path)
    server.touch("acme/api", 102, at(16))
    listed = server._rewrite(json.dumps(server._pull_json(server.pulls[("acme/api", 102)], True)))
    server.fail("/pulls/102", 200, times=1, body=json.loads(listed))

    facts = run(server, tmp_path, now=at(16, minute=15))

    assert facts.stale is not None
    assert facts.stale.reason == (
        "acme/api#102: pull request: commits should be a whole number, got nothing"
    )
    assert facts.pull_requests == before.pull_requests  # still 24 commits, +1200/-300


def test_cycles_with_no_answer_store_nothing_that_looks_fetched(server, tmp_path):
    """Stored facts are replaced only by checked answers: two cold failing cycles stay unknown."""
    a_day(server)
    redirect_to_login(server, "/", times=1000)

    first = run(server, tmp_path)
    second = run(server, tmp_path, now=AFTERNOON + timedelta(minutes=15))

    for facts in (first, second):
        assert facts.pull_requests == [] and facts.deployments == []
        assert facts.stale is not None and facts.stale.fetched_at is None  # "unavailable"
    assert json.loads((tmp_path / "github-state.json").read_text())["days"] == {}


# ---- 5: one failing endpoint costs only what depends on it ---------------------------------
def test_no_permission_to_read_checks_shows_the_pull_requests_with_ci_unknown(
    tmp_path, server, run_cli, monkeypatch
):
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    a_day(server)
    deny(server, "/check-runs")
    repo = project(tmp_path, server)

    result = publish(run_cli, repo)

    assert result.exit_code == 0, result.output
    page = page_of(repo)
    assert (
        "- Created pull request [acme/api#102](https://github.com/acme/api/pull/102) for AAP "
        "Direct provider with job lifecycle management (24 commits, +1200/−300 lines, "
        "ready for review, CI unknown: no permission to read checks)"
    ) in page
    assert "Deployed acme/api [b4b15d3]" in page
    assert "Reviewed pull request [acme/web#9]" in page
    assert (
        "**MEDIUM:** GitHub facts are partial: acme/api, acme/web: no permission to read "
        "checks (Resource not accessible by personal access token)"
    ) in page


def test_checks_failing_for_good_keep_the_ci_known_from_an_earlier_cycle(server, tmp_path):
    before = warm(server, tmp_path)
    server.fail("/check-runs", 500, times=1000)

    facts = run(server, tmp_path, now=at(16))

    by_number = {p.number: p for p in facts.pull_requests}
    assert by_number[102].ci_state == "failing" == before.pull_requests[-1].ci_state
    assert by_number[102].failing_checks == ("ci/jenkins", "lint")
    assert facts.stale is not None and facts.stale.fetched_at == at(15)
    # The merged acme/web#7's final CI is not asked again; only acme/api's failed.
    assert facts.stale.reason == "acme/api: GitHub answered 500: Server Error"
    assert [d.environment for d in facts.deployments] == ["staging", "production"]


def test_checks_failing_on_a_cold_run_say_ci_unknown_and_why(server, tmp_path):
    a_day(server)
    server.fail("/check-runs", 500, times=1000)

    facts = run(server, tmp_path)

    pr = next(p for p in facts.pull_requests if p.number == 102)
    assert (pr.ci_state, pr.ci_unknown, pr.commits) == ("unknown", "checks could not be read", 24)
    assert facts.stale == StaleSource(
        "GitHub", None, "acme/api, acme/web: GitHub answered 500: Server Error", partial=True
    )


def test_no_permission_to_read_deployments_keeps_the_pull_requests_fresh(server, tmp_path):
    a_day(server)
    deny(server, "/deployments")

    facts = run(server, tmp_path)

    assert {p.number for p in facts.pull_requests} == {7, 50, 102}
    assert facts.deployments == []
    assert facts.stale is not None and facts.stale.partial
    assert facts.stale.reason == (
        "acme/api, acme/web: no permission to read deployments "
        "(Resource not accessible by personal access token)"
    )


def test_a_missing_configured_repo_on_the_page_is_named_and_the_rest_is_shown(
    tmp_path, server, run_cli, monkeypatch
):
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    a_day(server)
    repo = project(tmp_path, server)
    config = repo / "statusbot.yml"
    config.write_text(config.read_text().replace("acme/web]", "acme/web, acme/gone]"))

    result = publish(run_cli, repo)

    assert result.exit_code == 0, result.output
    page = page_of(repo)
    assert "Created pull request [acme/api#102]" in page
    assert "Merged pull request [acme/web#7]" in page
    assert "Deployed acme/api [b4b15d3]" in page
    assert (
        "**MEDIUM:** Source GitHub acme/gone is stale: not found, or the token cannot read it "
        "(search answered 422)"
    ) in page
    assert "GitHub facts unavailable" not in page


def test_doctor_checks_the_permissions_the_provider_needs_per_repository(
    tmp_path, server, run_cli, monkeypatch
):
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    a_day(server)
    repo = project(tmp_path, server, extra="  workflow_runs: true\n")
    deny(server, "/acme/web/commits/")  # checks and commit statuses of acme/web

    lines = run_cli(repo, "doctor").output.splitlines()

    assert (
        "ok   github permissions acme/api: can read pull requests, checks, commit statuses, "
        "deployments, workflow runs"
    ) in lines
    assert (
        "FAIL github permissions acme/web: the token cannot read checks, commit statuses (403 "
        "Resource not accessible); give the fine-grained token Checks: read, Commit statuses: "
        "read on acme/web"
    ) in lines


# ---- the core bucket empty on a cold run ---------------------------------------------------
def test_a_cold_run_with_the_core_bucket_empty_keeps_what_search_returned(tmp_path):
    with FakeGitHub(core_limit=0).running() as empty:
        a_day(empty)
        held = run(empty, tmp_path / "a")
        allowed = run(empty, tmp_path / "b", allow_private=True)

    assert held.pull_requests == []  # nobody could say whether acme/api is private
    assert held.stale is not None and "held back" in held.stale.reason
    found = {p.number: p for p in allowed.pull_requests}
    assert set(found) == {7, 50, 102}
    assert (found[102].title, found[102].state) == (
        "AAP Direct provider with job lifecycle management",
        "open",
    )
    assert found[7].state == "merged"
    assert allowed.stale is not None and allowed.stale.partial
    assert "rate-limited (403)" in allowed.stale.reason


# ---- 6: incomplete and capped searches -----------------------------------------------------
def test_an_incomplete_search_keeps_the_known_pull_requests_and_says_partial(
    tmp_path, server, run_cli, monkeypatch
):
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    a_day(server)
    repo = project(tmp_path, server)
    assert publish(run_cli, repo).exit_code == 0
    server.incomplete = 3  # every search of the cycle times out, one result short

    result = publish(run_cli, repo)

    assert result.exit_code == 0, result.output
    page = page_of(repo)
    assert "Merged pull request [acme/web#7]" in page
    assert "Created pull request [acme/api#102]" in page
    assert re.search(
        rf"{AS_OF} \(partial: GitHub&#39;s search for dev1&#39;s pull requests timed out and "
        "gave incomplete results;",
        page,
    )


def test_an_incomplete_search_on_a_cold_run_is_partial(server, tmp_path):
    a_day(server)
    server.incomplete = 1

    facts = run(server, tmp_path)

    assert facts.stale == StaleSource(
        "GitHub",
        None,
        "GitHub's search for dev1's pull requests timed out and gave incomplete results",
        partial=True,
    )


def many_waiting(server: FakeGitHub, repos: tuple[str, ...], count: int) -> None:
    """Add old open pull requests of dev1 waiting for review, spread over hours."""
    for i in range(count):
        opened = at(9, day=1) - timedelta(hours=i)
        server.add_pull(repos[i % len(repos)], 1000 + i, author="dev1", created=opened,
                        updated=opened)  # fmt: skip


def test_a_search_above_the_cap_is_split_by_repository(tmp_path):
    with FakeGitHub(search_limit=1000).running() as big:
        many_waiting(big, ("acme/api", "acme/web"), 1102)
        facts = run(big, tmp_path)
        log = list(big.log)

    assert len(facts.pull_requests) == 1102
    assert facts.stale is None
    assert all(status == 200 for _path, status in log)  # never asked past the 1,000th result
    alone = [p for p, _s in log if "acme%2Fapi" in p and "acme%2Fweb" not in p and "search" in p]
    assert alone  # asked again for acme/api alone


def test_a_search_above_the_cap_in_one_repository_is_split_by_date(tmp_path):
    with FakeGitHub(search_limit=1000).running() as big:
        many_waiting(big, ("acme/api",), 1102)
        facts = run(big, tmp_path, repos=("acme/api",))
        log = list(big.log)

    assert len(facts.pull_requests) == 1102
    assert facts.stale is None
    assert all(status == 200 for _path, status in log)
    assert any("created%3A20" in path and ".." in path for path, _ in log)


def test_a_search_that_cannot_be_split_under_the_cap_says_how_many_are_missing(
    tmp_path, monkeypatch
):
    from statusbot.providers import github_search

    monkeypatch.setattr(github_search, "MAX_HALVINGS", 0)
    with FakeGitHub(search_limit=1000).running() as big:
        many_waiting(big, ("acme/api",), 1102)
        facts = run(big, tmp_path, repos=("acme/api",))

    assert len(facts.pull_requests) == 1000
    assert facts.stale is not None and facts.stale.partial
    assert facts.stale.reason == (
        "the search for dev1's pull requests waiting for review matched 1,102 results, "
        "GitHub gives at most 1,000"
    )


# ---- 8: "as of" on a past day's page -------------------------------------------------------
def test_facts_as_of_gives_the_date_when_fetched_on_another_day():
    def line(fetched: datetime) -> str:
        facts = Facts(
            day=DAY,
            timezone="Europe/Prague",
            people=(),
            commits=(),
            tests=(),
            coverage=(),
            coverage_changes=(),
            deployments=(),
            notes=(),
            stale=(StaleSource("GitHub", fetched, "GitHub answered 502"),),
        )
        return stale_sources(facts)[0].text

    assert line(datetime(2026, 2, 8, 6, 5, tzinfo=UTC)) == (
        "GitHub facts as of 07:05 (GitHub answered 502)"
    )
    assert line(datetime(2026, 2, 9, 6, 5, tzinfo=UTC)) == (
        "GitHub facts as of 2026-02-09 07:05 (GitHub answered 502)"
    )


# ---- the cost comes back out as figures ----------------------------------------------------
def test_the_request_counts_and_rate_limit_left_come_back_as_stats(server, tmp_path):
    a_day(server)
    cold = run(server, tmp_path)
    cold_sent, cold_used = sum(server.hits.values()), sum(server.used.values())
    warm_again = run(server, tmp_path, now=AFTERNOON + timedelta(minutes=15))

    assert (cold.stats["requests"], cold.stats["rate_limited_requests"]) == (cold_sent, cold_used)
    assert warm_again.stats["requests"] == sum(server.hits.values()) < cold_sent
    assert warm_again.stats["rate_limited_requests"] == sum(server.used.values()) == 3
    assert (warm_again.stats["remaining"], warm_again.stats["limit"]) == (5000, 5000)
    assert (warm_again.stats["search_remaining"], warm_again.stats["search_limit"]) == (27, 30)


def test_untrusted_checks_leave_no_token_in_git(tmp_path, server, run_cli, monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    a_day(server)
    redirect_to_login(server, "/", times=5)
    repo = project(tmp_path, server)
    assert publish(run_cli, repo).exit_code == 0
    assert TOKEN not in git(repo, "log", "--all", "-p")


# ---- the shapes of a bad day, one by one ---------------------------------------------------
def test_no_permission_to_read_deployments_keeps_the_published_ones_and_the_rest_fresh(
    tmp_path, server, run_cli, monkeypatch
):
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    a_day(server)
    repo = project(tmp_path, server)
    assert publish(run_cli, repo).exit_code == 0
    before = page_of(repo)
    deployed = [x for x in before.splitlines() if x.startswith(("- Deployed", "- Deployment"))]
    server.touch("acme/api", 102, at(16), title="AAP Direct provider, renamed")
    deny(server, "/deployments")  # a fine-grained token without Deployments: read

    result = publish(run_cli, repo)

    assert result.exit_code == 0, result.output
    page = page_of(repo)
    assert len(deployed) == 2 and all(line in page for line in deployed)
    assert "for AAP Direct provider, renamed (24 commits" in page  # pull requests read afresh
    assert "**HIGH:** CI failing on pull request [acme/api#102]" in page
    assert re.search(
        rf"\*\*MEDIUM:\*\* {AS_OF} \(acme/api, acme/web: no permission to read deployments "
        r"\(Resource not accessible by personal access token\)\)",
        page,
    )


def test_a_ghe_web_host_without_api_v3_publishes_the_local_facts_and_names_the_cause(
    tmp_path, server, run_cli, monkeypatch
):
    """A GitHub Enterprise web host answers the API's paths with its HTML pages, 200 or 404."""
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    a_day(server)
    headers = {"Content-Type": "text/html; charset=utf-8"}
    for path in ("/repos/", "/rate_limit"):
        server.fail(path, 404, times=1000, headers=headers, body=SIGN_IN_PAGE)
    html_page(server, "/search/", times=1000)
    repo = project(tmp_path, server)

    result = publish(run_cli, repo)
    doctor = run_cli(repo, "doctor").output.splitlines()

    assert result.exit_code == 0, result.output
    page = page_of(repo)
    assert "Added the parser" in page
    risks = page.split("## Risks & Challenges\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert len(risks) == 1  # not "acme/api is stale: not found (404)": no repository was asked
    assert risks[0].startswith(
        "- **MEDIUM:** GitHub facts unavailable: GitHub answered 200 with text/html, not JSON "
        "(a sign-in page, or an API URL without /api/v3?); acme/api deployments, acme/web "
        "deployments: GitHub answered 404 with text/html, not JSON"
    )
    assert "<html" not in stored_state(repo)
    assert (
        f"FAIL github access: {server.base_url}: GitHub answered 404 with text/html, not JSON "
        "(an API URL without /api/v3?); check github.api_url"
    ) in doctor


def test_a_past_days_page_says_on_which_day_its_github_facts_were_fetched(
    tmp_path, server, run_cli, monkeypatch
):
    from freezegun import freeze_time

    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    a_day(server)
    repo = project(tmp_path, server)

    def cycle(moment: str, failing: bool) -> str:
        server.failures.clear()
        if failing:
            redirect_to_login(server, "/", times=1000)
        with freeze_time(moment):
            assert publish(run_cli, repo).exit_code == 0  # the page of 2026-02-08
        stale = [x for x in page_of(repo).splitlines() if "GitHub facts" in x]
        return "\n".join(stale)

    assert cycle("2026-02-08T15:00:00Z", failing=False) == ""
    assert cycle("2026-02-08T15:15:00Z", failing=True) == (
        "- **MEDIUM:** GitHub facts as of 15:00 (GitHub redirected to /login (302) instead of "
        "answering)"
    )
    assert cycle("2026-02-09T07:05:00Z", failing=False) == ""  # fetched the next day
    assert cycle("2026-02-09T07:20:00Z", failing=True) == (
        "- **MEDIUM:** GitHub facts as of 2026-02-09 07:05 (GitHub redirected to /login (302) "
        "instead of answering)"
    )
