"""The optional summarizer: real subprocess scripts, its checks, its cache and its fallbacks."""

from __future__ import annotations

import logging
import sys
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from conftest import USER, branch_file, commit, configured_site, make_repo

from statusbot.compose import compose
from statusbot.config import build
from statusbot.errors import ConfigError
from statusbot.model import CoverageChange, Facts, Note, Person, PullRequest
from statusbot.store import Store
from statusbot.summarizer import Unverified, summarize

DAY = date(2026, 2, 10)
AT = datetime(2026, 2, 10, 9, 0, tzinfo=UTC)

GOOD = """\
## Accomplishments
- Merged #42 (https://github.com/acme/app/pull/42) and raised coverage by 13.1% to 87.0%
- Released v1.4.0 on *main* | fast
## Risks & Challenges
- **HIGH:** Flaky DNS on staging
- A slow review
## Key Effort
Shipping the AAP Direct provider
"""

SCRIPT = """\
import json, os, sys, time
from pathlib import Path
data = json.load(sys.stdin)
with open({counter!r}, "a") as f:
    f.write(repr(os.environ.get("GITHUB_TOKEN")) + " " + str(len(data["facts"]["notes"])) + "\\n")
{body}
"""


def script(tmp_path: Path, name: str, body: str) -> tuple[str, ...]:
    """Write a summarizer script that counts its calls; return its command."""
    path = tmp_path / f"{name}.py"
    path.write_text(SCRIPT.format(counter=str(tmp_path / f"{name}.calls"), body=body))
    return (sys.executable, str(path))


def printing(text: str) -> str:
    return f"sys.stdout.write({text!r})"


def calls(tmp_path: Path, name: str) -> list[str]:
    path = tmp_path / f"{name}.calls"
    return path.read_text().splitlines() if path.exists() else []


def day_facts(**kw: object) -> Facts:
    pr = PullRequest(
        repo="acme/app",
        number=42,
        title="AAP Direct provider",
        url="https://github.com/acme/app/pull/42",
        state="merged",
        draft=False,
        author="dev1",
    )
    base = {
        "day": DAY,
        "timezone": "UTC",
        "people": (Person("Dev One", ("dev1@example.com",), "dev1"),),
        "pull_requests": (pr,),
        "coverage_changes": (CoverageChange("coverage.xml", "aap_client", 73.9, 87.0),),
        "notes": (Note("Released v1.4.0", AT, DAY), Note("Flaky DNS", AT, DAY, risk="high")),
    }
    return Facts(**{**base, **kw})


def run(tmp_path: Path, command: tuple[str, ...], facts: Facts | None = None, timeout=20.0):
    facts = facts or day_facts()
    store = Store(tmp_path / "store")
    return facts, summarize(facts, compose(facts), command, timeout, store, mode="json")


def test_a_good_summary_is_used_escaped_and_runs_without_the_token(tmp_path, monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_secret")
    _, sections = run(tmp_path, script(tmp_path, "good", printing(GOOD)))
    assert sections.accomplishments == (
        "Merged &#35;42 (https://github.com/acme/app/pull/42) and raised coverage by "
        "13.1&#37; to 87.0&#37;",
        "Released v1.4.0 on &#42;main&#42; &#124; fast",
    )
    assert [(r.level, r.text) for r in sections.risks] == [
        ("high", "Flaky DNS on staging"),
        ("medium", "A slow review"),
    ]
    assert sections.key_effort == "Shipping the AAP Direct provider"
    assert calls(tmp_path, "good") == ["None 2"]


@pytest.mark.parametrize(
    ("name", "body", "reason"),
    [
        ("slow", "time.sleep(60)", "took longer than 1s"),
        ("fails", "sys.exit(3)", "exited with code 3"),
        ("silent", "pass", "wrote nothing"),
        ("garbage", printing("Lorem ipsum dolor sit amet"), "expected the headings"),
        ("binary", "sys.stdout.buffer.write(b'\\xff\\xfe## x')", "not UTF-8"),
        ("twice", printing(GOOD + "## Key Effort\nMore\n"), "expected the headings"),
        ("order", printing(GOOD.replace("## Accomplishments", "## Other")), "expected the head"),
    ],
)
def test_a_failing_summarizer_falls_back_to_the_built_in_text(tmp_path, caplog, name, body, reason):
    facts = day_facts()
    with caplog.at_level(logging.WARNING):
        _, sections = run(tmp_path, script(tmp_path, name, body), facts, timeout=1.0)
    assert sections == compose(facts)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and warnings[0].startswith("summarizer not used: ")
    assert reason in warnings[0]
    assert len(calls(tmp_path, name)) == 1


@pytest.mark.parametrize(
    ("name", "answer", "section", "reason"),
    [
        ("pr", GOOD.replace("#42 (", "#4242 ("), "accomplishments", "pull request #4242 is not"),
        ("percent", GOOD.replace("13.1%", "45.5%"), "accomplishments", "percentage 45.5% is not"),
        ("count", GOOD.replace("to 87.0%", "in 977 commits"), "accomplishments", "number 977"),
        ("url", GOOD.replace("pull/42", "pull/43"), "accomplishments", "URL https://github.com/"),
        ("version", GOOD.replace("v1.4.0", "v9.9.9"), "accomplishments", "version v9.9.9 is not"),
        ("sha", GOOD.replace("fast", "deadbeef1"), "accomplishments", "sha deadbeef1 is not"),
        ("liquid", GOOD.replace("fast", "{{ site.github }}"), "accomplishments", "Liquid"),
        ("html", GOOD.replace("fast", "<script>x</script>"), "accomplishments", "HTML is not"),
        ("rule", GOOD.replace("- A slow review", "---"), "risks", "--- line"),
        ("hides", GOOD.replace("**HIGH:** Flaky", "**LOW:** Flaky"), "risks",
         'the high risk "Flaky DNS" is not kept as high'),
        ("swaps", GOOD.replace("**HIGH:** Flaky", "**LOW:** Flaky").replace(
            "- A slow review", "- **HIGH:** A slow review"), "risks",
         'the high risk "Flaky DNS" is not kept as high'),
        ("raises", GOOD.replace("- A slow review", "- **CRITICAL:** A slow review"), "risks",
         '"A slow review" is not a critical risk of the facts'),
        ("empty", GOOD.split("## Key Effort")[0] + "## Key Effort\n", "key_effort", "Key Effort"),
        ("link", GOOD.replace("Shipping", "[Shipping](https://evil.example/x)"), "key_effort",
         "link to https://evil.example/x is not a URL of the facts"),
    ],
)  # fmt: skip
def test_a_section_that_fails_its_checks_is_replaced_and_the_others_kept(
    tmp_path, caplog, name, answer, section, reason
):
    facts = day_facts()
    built_in = compose(facts)
    good = run(tmp_path / "good", script(tmp_path, "good", printing(GOOD)), facts)[1]
    with caplog.at_level(logging.WARNING):
        _, sections = run(tmp_path, script(tmp_path, name, printing(answer)), facts)
    for field in ("accomplishments", "risks", "key_effort"):
        expected = getattr(built_in if field == section else good, field)
        assert getattr(sections, field) == expected, field
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    title = {"accomplishments": "accomplishments", "risks": "risks & challenges"}
    assert len(warnings) == 1, warnings
    assert warnings[0].startswith(f"summarizer not used for {title.get(section, 'key effort')}: ")
    assert reason in warnings[0]


def test_the_command_runs_once_per_fact_set_and_failures_are_cached_too(tmp_path):
    good = script(tmp_path, "good", printing(GOOD))
    failing = script(tmp_path, "fails", "sys.exit(3)")
    facts = day_facts()
    first = run(tmp_path, good, facts)[1]
    assert run(tmp_path, good, facts)[1] == first  # from the cache: same verified text
    assert len(calls(tmp_path, "good")) == 1
    more = replace(facts, notes=(*facts.notes, Note("Paired on DNS", AT, DAY)))
    run(tmp_path, good, more)
    run(tmp_path, good, more)
    assert calls(tmp_path, "good") == ["None 2", "None 3"]
    run(tmp_path, failing, facts)
    run(tmp_path, failing, facts)
    assert len(calls(tmp_path, "fails")) == 1  # a broken command is not retried every cycle
    run(tmp_path, good, facts)  # another command's result replaced the day's cache entry
    assert len(calls(tmp_path, "good")) == 3


def test_a_missing_command_is_a_logged_fallback(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        facts, sections = run(tmp_path, (str(tmp_path / "no-such-tool"),))
    assert sections == compose(facts)
    assert "summarizer not used: cannot run" in caplog.text


def test_summarizer_config_takes_a_list_or_a_string_split_like_a_shell(tmp_path):
    listed = build({"summarizer": {"command": ["llm", "-m", "a b"]}}, base=tmp_path, path=None)
    split = build(
        {"summarizer": {"command": "llm -m 'a b'", "timeout": 5}}, base=tmp_path, path=None
    )
    assert listed.summarizer.command == split.summarizer.command == ("llm", "-m", "a b")
    assert (listed.summarizer.timeout, split.summarizer.timeout) == (60.0, 5.0)
    assert build({}, base=tmp_path, path=None).summarizer.command is None
    with pytest.raises(ConfigError, match=r"summarizer\.command: expected a command"):
        build({"summarizer": {"command": 3}}, base=tmp_path, path=None)
    with pytest.raises(ConfigError, match=r"summarizer\.command: cannot split"):
        build({"summarizer": {"command": "llm 'open"}}, base=tmp_path, path=None)


def test_publish_uses_the_verified_summary_and_calls_the_command_once(tmp_path, run_cli):
    from freezegun import freeze_time

    text = "## Accomplishments\n- Wrote the parser\n## Risks & Challenges\nNone identified.\n"
    text += "## Key Effort\nThe parser\n"
    command = script(tmp_path, "good", printing(text))
    tail = f"summarizer:\n  command: [{command[0]!r}, {command[1]!r}]\n  input: json\n"
    origin = configured_site(tmp_path, tail=tail)
    site = tmp_path / "site"
    commit(tmp_path / "app", "Add the parser", datetime(2026, 2, 10, 9, 0, tzinfo=UTC))
    with freeze_time(datetime(2026, 2, 10, 12, 0, tzinfo=UTC)):
        dry = run_cli(tmp_path, "--dry-run", "publish")
        assert dry.exit_code == 0 and len(calls(tmp_path, "good")) == 1
        assert not (site / ".git" / "statusbot" / "summaries.json").exists()  # dry: no file
        first = run_cli(tmp_path, "publish")
        second = run_cli(tmp_path, "publish")
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert len(calls(tmp_path, "good")) == 2  # the dry run's, then once for the real runs
    page = branch_file(origin, "gh-pages", "_posts/2026-02-10-daily-status.md")
    assert "## Accomplishments\n- Wrote the parser\n" in page
    assert "Added the parser" not in page
    assert page.rstrip().endswith("## Key Effort\nThe parser")


def test_publish_with_a_lying_summarizer_publishes_the_built_in_text(tmp_path, run_cli, caplog):
    from freezegun import freeze_time

    app = make_repo(tmp_path / "app")
    commit(app, "Add the parser", datetime(2026, 2, 10, 9, 0, tzinfo=UTC))
    text = "## Accomplishments\n- Merged #77, 99.5% faster\n## Risks & Challenges\n"
    text += "## Key Effort\nThe parser\n"
    command = script(tmp_path, "liar", printing(text))
    (tmp_path / "statusbot.yml").write_text(f"""\
timezone: UTC
people:
  - name: Dev One
    emails: [{USER[1]}]
sources:
  git: [app]
  junit: []
  coverage: []
publish:
  repo: app
  remote: null
summarizer:
  command: {" ".join(command)!r}
  input: json
""")
    with freeze_time(datetime(2026, 2, 10, 12, 0, tzinfo=UTC)), caplog.at_level(logging.WARNING):
        result = run_cli(tmp_path, "publish")
    assert result.exit_code == 0, result.output
    assert "not used for accomplishments: pull request #77 is not in" in caplog.text
    page = branch_file(app, "gh-pages", "_posts/2026-02-10-daily-status.md")
    assert "Added the parser" in page and "#77" not in page and "99.5" not in page


ECHO = """\
d = data["sections"]
out = ["## Accomplishments"] + ["- " + a for a in d["accomplishments"]]
out += ["## Risks & Challenges"] + ["- " + r for r in d["risks"]]
out += ["## Key Effort", d["key_effort"]]
sys.stdout.write("\\n".join(out) + "\\n")
"""


def test_the_built_in_text_echoed_back_passes_every_check(tmp_path, caplog):
    from statusbot.model import Metric

    metrics = (
        Metric("Provisioning time", 147.0, "s", "AAP Direct", "lower", before=649.0),
        Metric("Provisioning time", 649.0, "s", "Fulfillment", "lower"),
    )
    facts = day_facts(metrics=metrics)
    with caplog.at_level(logging.WARNING):
        _, sections = run(tmp_path, script(tmp_path, "echo", ECHO), facts)
    assert caplog.text == ""
    assert "4.4x faster provisioning" in " ".join(sections.accomplishments)
    assert len(calls(tmp_path, "echo")) == 1


def test_a_link_may_only_point_where_statusbot_links_not_to_a_url_in_a_message(tmp_path, caplog):
    note = Note("Read https://evil.example/steal before release", AT, DAY)
    facts = day_facts(notes=(*day_facts().notes, note))
    linked = GOOD.replace("Shipping", "[Shipping](https://evil.example/steal)")
    bare = GOOD.replace("Shipping", "Shipping (see https://evil.example/steal)")
    with caplog.at_level(logging.WARNING):
        _, sections = run(tmp_path / "a", script(tmp_path, "linked", printing(linked)), facts)
    assert sections.key_effort == compose(facts).key_effort
    assert "link to https://evil.example/steal is not a URL of the facts" in caplog.text
    _, sections = run(tmp_path / "b", script(tmp_path, "bare", printing(bare)), facts)
    assert (
        sections.key_effort == "Shipping (see https://evil.example/steal) the AAP Direct provider"
    )
    assert "](" not in sections.key_effort  # a bare URL in the facts stays text, never a link


def test_critical_and_high_risks_are_matched_by_what_they_name_not_counted():
    from statusbot.compose import Risk
    from statusbot.summarizer.answer import check_levels

    url = "https://github.com/acme/app/pull/"
    built_in = [
        Risk("high", f"CI failing on pull request [&#35;102]({url}102) for Add the parser: lint"),
        Risk("high", f"CI failing on pull request [&#35;103]({url}103) for Fix the lexer: test"),
        Risk("medium", f"Pull request [&#35;98]({url}98) for Docs has waited 3 days for review"),
        Risk("high", "2 failing tests in unit (report junit.xml at 2026-02-10 09:00)"),
    ]
    merged = [
        ("high", "CI is failing on #102 (lint) and #103 (test)"),
        ("high", "Two unit tests are failing"),
        ("low", "#98 is still waiting for review"),
    ]
    check_levels(merged, built_in)  # reworded and merged: kept
    swapped = [("high", "#98 has waited 3 days for review"), *merged[1:2], ("medium", "#102/#103")]
    with pytest.raises(Unverified, match=r'the high risk "CI failing on pull request #102 for'):
        check_levels(swapped, built_in)
    raised = [*merged, ("high", "#98 is still waiting for review")]
    with pytest.raises(Unverified, match=r'"#98 is still waiting for review" is not a high risk'):
        check_levels(raised, built_in)
