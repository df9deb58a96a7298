"""Metrics: recorded through the CLI and read from JSON files, their changes and key findings."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from conftest import branch_file, configured_site, lines, set_mtime
from freezegun import freeze_time

from statusbot.compose import compose
from statusbot.compose_metrics import key_finding, metric_items, number
from statusbot.model import Facts, Metric, Person
from statusbot.providers.metrics import default_better

DAY1 = datetime(2026, 2, 9, 12, 0, tzinfo=UTC)
DAY2 = datetime(2026, 2, 10, 12, 0, tzinfo=UTC)
PAGE2 = "_posts/2026-02-10-daily-status.md"


def accomplishments(page: str) -> list[str]:
    return page.split("## Accomplishments\n")[1].split("\n\n")[0].splitlines()


def risks(page: str) -> list[str]:
    return page.split("## Risks & Challenges\n")[1].split("\n\n")[0].splitlines()


def project(tmp_path, extra: str = ""):
    """Return the bare origin of a configured project (conftest.configured_site)."""
    return configured_site(tmp_path, sources=extra)


def test_recorded_metrics_show_the_change_since_an_earlier_day_and_a_key_finding(tmp_path, run_cli):
    origin = project(tmp_path)
    with freeze_time(DAY1):
        ok = run_cli(
            tmp_path, "record", "metric", "Provisioning time", "649", "--unit", "s",
            "--label", "AAP Direct",
        )  # fmt: skip
        assert ok.exit_code == 0, ok.output
        assert "recorded metric Provisioning time (AAP Direct) for 2026-02-09" in ok.output
        assert run_cli(tmp_path, "publish").exit_code == 0
    with freeze_time(DAY2):
        for label, value in (("AAP Direct", "150"), ("AAP Direct", "147"), ("Fulfillment", "649")):
            args = ["record", "metric", "Provisioning time", value, "--unit", "s", "--label", label]
            assert run_cli(tmp_path, *args).exit_code == 0
        assert (
            run_cli(tmp_path, "record", "metric", "Image size", "512", "--unit", "MB").exit_code
            == 0
        )
        facts = json.loads(run_cli(tmp_path, "collect").output)
        result = run_cli(tmp_path, "publish")
    assert result.exit_code == 0, result.output
    assert [m["value"] for m in facts["metrics"]] == [150.0, 147.0, 649.0, 512.0]
    assert (
        facts["metrics"][1]["before"] == 649.0 and facts["metrics"][1]["before_day"] == "2026-02-09"
    )
    page = branch_file(origin, "gh-pages", PAGE2)
    assert accomplishments(page)[-4:] == [
        "- Provisioning time (AAP Direct) 649s → 147s (−77.3%)",  # the day's last value counts
        "- Provisioning time (Fulfillment): 649s",
        "- Image size: 512MB",
        "- **Key finding:** AAP Direct provides 4.4x faster provisioning (147s vs 649s)",
    ]


def test_record_metric_refuses_a_value_that_is_no_number_and_an_empty_name(tmp_path, run_cli):
    project(tmp_path)
    bad = run_cli(tmp_path, "record", "metric", "Build time", "fast")
    assert bad.exit_code == 2 and "fast" in bad.output
    for value in ("nan", "-inf", "inf", "1e999"):  # one rule for every non-finite value
        refused = run_cli(tmp_path, "record", "metric", "Build time", value)
        assert refused.exit_code == 2, (value, refused.output)
        assert refused.output.splitlines()[-1] == (
            f"Error: Invalid value for 'VALUE': {float(value)} is not a finite number"
        )
    negative = run_cli(tmp_path, "record", "metric", "Build time delta", "-5", "--unit", "s")
    assert negative.exit_code == 0, negative.output
    empty = run_cli(tmp_path, "record", "metric", " ", "3")
    assert empty.exit_code == 1 and "metric name is empty" in empty.output


def test_metric_files_are_read_and_a_bad_file_is_one_named_risk(tmp_path, run_cli):
    origin = project(tmp_path, extra='  metrics: ["metrics/*.json"]\n')
    folder = tmp_path / "metrics"
    folder.mkdir()
    good = folder / "bench.json"
    old = folder / "old.json"
    bad = folder / "broken.json"
    shape = folder / "shape.json"
    good.write_text(json.dumps({"metrics": [{"name": "Throughput", "value": 120, "unit": "rps"}]}))
    set_mtime(good, DAY1)
    with freeze_time(DAY1):
        assert run_cli(tmp_path, "publish").exit_code == 0  # the file's value is the baseline
    good.write_text(
        json.dumps(
            {
                "metrics": [
                    {"name": "Throughput", "value": 150, "unit": "rps"},
                    {"name": "Latency", "value": 20, "unit": "ms", "label": "cache"},
                    {"name": "Latency", "value": 80, "unit": "ms", "label": "no cache"},
                ]
            }
        )
    )
    old.write_text(json.dumps({"metrics": [{"name": "Ancient", "value": 1}]}))
    bad.write_text('{"metrics": [')
    shape.write_text(json.dumps({"metrics": [{"name": "Odd", "value": "12"}]}))
    for path in (good, bad, shape):
        set_mtime(path, DAY2)
    set_mtime(old, DAY1)
    with freeze_time(DAY2):
        result = run_cli(tmp_path, "publish")
    assert result.exit_code == 0, result.output
    page = branch_file(origin, "gh-pages", PAGE2)
    assert accomplishments(page) == [
        "- Throughput 120rps → 150rps (+25.0%)",
        "- Latency (cache): 20ms",
        "- Latency (no cache): 80ms",
        "- **Key finding:** cache provides 4.0x faster latency (20ms vs 80ms)",
    ]
    stale = [line for line in risks(page) if "metrics file" in line]
    assert len(stale) == 2
    assert "metrics/broken.json is stale: not valid JSON (line 1, column 14)" in stale[0]
    assert "metrics/shape.json is stale: value must be a number, not str" in stale[1]


def test_key_finding_rules_for_higher_is_better_and_edge_cases():
    def m(label: str, value: float, unit: str = "rps", better: str = "higher") -> Metric:
        return Metric("Throughput", value, unit, label, better)

    assert key_finding([m("v2", 300), m("v1", 100)]) == (
        "**Key finding:** v2 provides 3.0x higher throughput (300rps vs 100rps)"
    )
    assert key_finding([m("a", 5, "GB", "lower"), m("b", 10, "GB", "lower")]) == (
        "**Key finding:** a provides 2.0x lower throughput (5GB vs 10GB)"
    )
    assert key_finding([m("a", 0), m("b", 10)]) is None
    assert key_finding([m("a", 10), m("b", 10)]) is None
    assert key_finding([m("a", 10)]) is None
    assert (default_better("s"), default_better("ms"), default_better("%")) == (
        "lower",
        "lower",
        "higher",
    )
    assert (number(147.0), number(1.25), number(-3.0)) == ("147", "1.25", "-3")


def test_hostile_metric_names_are_escaped_and_lines_go_under_accomplishments():
    metric = Metric("{{ site.x }} <b>", 3.0, "|", "[x](javascript:y)", "higher")
    facts = Facts(day=date(2026, 2, 10), timezone="UTC", people=(Person("Dev"),), metrics=(metric,))
    assert tuple(metric_items(facts)) == lines(compose(facts).accomplishments)
    (line,) = metric_items(facts)
    for raw in ("{{", "<b>", "|", "[x]", "(javascript"):
        assert raw not in line
