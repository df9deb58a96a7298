"""People's names make distinct page addresses and valid front matter, in any script."""

from __future__ import annotations

from pathlib import Path

import pytest

from statusbot import config
from statusbot.errors import ConfigError
from statusbot.model import Person


def test_names_in_any_script_get_distinct_addresses():
    names = ["张伟", "李娜", "José Núñez", "Dev 🚀"]
    slugs = [Person(name=n).slug for n in names]
    assert len(set(slugs)) == 4
    assert slugs[2] == "jose-nunez" and slugs[3] == "dev"
    assert slugs[0].startswith("person-") and slugs[0] != slugs[1]


def test_two_people_with_the_same_address_are_a_config_error(tmp_path: Path):
    path = tmp_path / "statusbot.yml"
    path.write_text("people:\n  - name: Ana Maria\n  - name: Ana-Maria\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        config.load(path, tmp_path)
    assert err.value.message == (
        f"{path}: people[1].name: 'Ana-Maria' gets the same page address as people[0] "
        "('ana-maria'); make the names differ in letters or digits"
    )


def test_person_pages_keep_astral_characters_raw_in_front_matter():
    from datetime import date

    import yaml

    from statusbot.compose import compose
    from statusbot.model import Facts
    from statusbot.risk_rules import RiskSettings
    from statusbot.team import team_files

    people = (Person(name="Dev 🚀"), Person(name="Bea"))
    facts = Facts(day=date(2026, 2, 8), timezone="UTC", people=people)
    files = team_files(facts, compose(facts), RiskSettings(), None)
    page = files[f"people/{people[0].slug}/2026-02-08.md"]
    front = page.split("---\n")[1]
    assert "\\ud83d" not in front  # Ruby's YAML refuses surrogate escapes
    assert yaml.safe_load(front)["title"] == "Daily Status - Dev 🚀 - 2026-02-08"
