"""The parse cache of config files: the same text is parsed once, an edit is read again."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from statusbot.config import load
from statusbot.config.load import KEPT_PARSES

CONFIG = "timezone: UTC\nsite_title: First\npublish: {branch: pages}\n"


def cached(home: Path) -> list[Path]:
    """Return the parsed configs kept under the cache folder."""
    return sorted((home / "statusbot" / "config").glob("*.json"))


def test_a_config_is_parsed_once_and_an_edit_is_read_again(tmp_path):
    home = Path(os.environ["XDG_CACHE_HOME"])
    path = tmp_path / "statusbot.yml"
    path.write_text(CONFIG)
    first = load(path, tmp_path)
    assert first.site_title == "First" and first.publish.branch == "pages"
    [kept] = cached(home)
    assert json.loads(kept.read_text())["data"]["site_title"] == "First"
    assert load(path, tmp_path) == first  # from the cache: the same Config
    path.write_text(CONFIG.replace("First", "Other"))  # same size, maybe the same mtime
    assert load(path, tmp_path).site_title == "Other"
    assert len(cached(home)) == 2


def test_only_the_newest_parsed_configs_are_kept(tmp_path):
    home = Path(os.environ["XDG_CACHE_HOME"])
    path = tmp_path / "statusbot.yml"
    for n in range(KEPT_PARSES + 5):  # an edited config leaves the old text's entry behind
        path.write_text(CONFIG.replace("First", f"Title {n}"))
        assert load(path, tmp_path).site_title == f"Title {n}"
        for entry in cached(home):  # a second apart: the file system's clock is coarse
            if json.loads(entry.read_text())["data"]["site_title"] == f"Title {n}":
                os.utime(entry, (1_700_000_000 + n, 1_700_000_000 + n))
    kept = cached(home)
    assert len(kept) == KEPT_PARSES
    titles = {json.loads(p.read_text())["data"]["site_title"] for p in kept}
    assert f"Title {KEPT_PARSES + 4}" in titles and "Title 0" not in titles


def test_a_cached_config_is_still_validated_and_a_damaged_entry_parsed_again(tmp_path):
    home = Path(os.environ["XDG_CACHE_HOME"])
    path = tmp_path / "statusbot.yml"
    path.write_text(CONFIG)
    load(path, tmp_path)
    [kept] = cached(home)
    kept.write_text("{not json")
    assert load(path, tmp_path).site_title == "First"
    assert json.loads(kept.read_text())["data"]["timezone"] == "UTC"  # written again
    kept.write_text(json.dumps({"data": {"timezone": "Mars/Olympus"}}))
    try:
        load(path, tmp_path)
    except Exception as exc:  # the kept data goes through the same checks as parsed data
        assert "Mars/Olympus" in str(exc)
    else:
        raise AssertionError("kept data was not validated")


def test_a_second_load_in_a_fresh_process_imports_no_yaml(tmp_path):
    path = tmp_path / "statusbot.yml"
    path.write_text(CONFIG)
    probe = (
        "import sys; from pathlib import Path; from statusbot.config import load\n"
        f"load(Path({str(path)!r}), Path({str(tmp_path)!r}))\n"
        "print('yaml' in sys.modules)\n"
    )
    runs = [
        subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
        for _ in range(2)
    ]
    assert [r.stdout.strip() for r in runs] == ["True", "False"]


def test_the_site_title_is_quoted_as_pyyaml_quotes_it_with_or_without_pyyaml():
    import yaml

    from statusbot.render import yaml_quoted

    titles = ["Daily Status", 'Team "A"\\B', "a: b # c", "x" * 300, "Ünïcode ✓", "tab\there"]
    for title in titles:
        assert yaml_quoted(title) == yaml.safe_dump(title, default_style='"', width=10_000).strip()
        assert yaml.safe_load(yaml_quoted(title)) == title
