"""Find, read and validate the config file in one pass, walking the declarations."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from statusbot.config.options import check_timezone, coerce, default_value, option_of, type_name
from statusbot.config.schema import CONFIG_NAME, Config, PersonSettings
from statusbot.errors import ConfigError
from statusbot.model import Person


def find_config(explicit: str | None, cwd: Path) -> Path | None:
    """Return the config file to use, or None for the embedded default."""
    if explicit:
        path = Path(explicit).expanduser()
        path = path if path.is_absolute() else cwd / path
        if path.is_dir():
            raise ConfigError(f"{explicit}: is a folder; give the config file in it")
        if not path.is_file():
            raise ConfigError(f"{explicit}: no such config file")
        return path
    local = cwd / CONFIG_NAME
    if local.is_file():
        return local
    xdg = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    user = xdg / "statusbot" / "config.yml"
    return user if user.is_file() else None


def load(path: Path | None, cwd: Path) -> Config:
    """Read and validate the config file (or the embedded default) in one pass."""
    if path is None:
        return build({}, base=cwd, path=None)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    data = _parsed(path, text)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of keys at the top level")
    return build(data, base=path.parent, path=path)


def _parsed(path: Path, text: str) -> Any:
    """Return the YAML's data, from the parse cache when this exact text was parsed before.

    Importing PyYAML and parsing cost more than the rest of loading the config (about 15 ms of
    every run), and the file rarely changes: its data is kept as JSON under the user's cache
    folder, named by the digest of the text (not its stat: a same-size rewrite within one
    mtime tick would look unchanged). Every run still validates the data.
    """
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    kept = _cache_dir() / f"{digest}.json"
    try:
        return json.loads(kept.read_bytes())["data"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"{path}: not valid YAML{where}: {problem}") from None
    _keep(kept, data)
    return data


def _cache_dir() -> Path:
    """Return the folder of parsed config files: $XDG_CACHE_HOME/statusbot/config."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "statusbot" / "config"


def _keep(kept: Path, data: Any) -> None:
    """Save parsed data as JSON when it survives the trip unchanged (no dates, say); else not."""
    try:
        encoded = json.dumps({"data": data})
        if json.loads(encoded)["data"] != data:
            return
        import tempfile

        kept.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=kept.parent, prefix=".parse-")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(encoded)
        os.replace(tmp, kept)
        _prune(kept.parent)
    except (OSError, TypeError, ValueError):
        return  # no cache folder to be had: parse again next time


KEPT_PARSES = 16  # parsed config texts kept: a few configs, each edited now and then


def _prune(folder: Path) -> None:
    """Remove all but the KEPT_PARSES newest parsed configs (an edit leaves the old text's)."""
    entries = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in entries[KEPT_PARSES:]:
        old.unlink(missing_ok=True)


def build(data: dict[str, Any], *, base: Path, path: Path | None) -> Config:
    """Validate raw config data and return a Config, or raise one ConfigError listing all."""
    problems: list[str] = []
    values = _section(Config, data, "", base, problems)
    values["people"] = _people(values["people"] or [], base, problems)
    if problems:  # unknown keys first, then each key's problem in declaration order
        problems.sort(key=lambda p: not p.endswith(": unknown key"))
        label = str(path) if path else "config"
        raise ConfigError("\n".join(f"{label}: {p}" for p in problems))
    values["timezone"] = values["timezone"] or system_timezone()
    return Config(**values, path=path, base=base)


def _section(
    cls: type, data: dict[str, Any], prefix: str, base: Path, problems: list[str]
) -> dict[str, Any]:
    """Check one section's data against its declarations; return its field values."""
    fields = {f.name: f for f in dataclasses.fields(cls) if f.metadata}
    problems += [f"{prefix}{key}: unknown key" for key in data if key not in fields]
    values: dict[str, Any] = {}
    for name, field in fields.items():
        key = f"{prefix}{name}"
        if "section" in field.metadata:
            sub = data.get(name)
            if sub is None:
                sub = {}
            if not isinstance(sub, dict):
                problems.append(f"{key}: expected a mapping, got {type_name(sub)}")
                sub = {}
            values[name] = field.metadata["section"](
                **_section(field.metadata["section"], sub, f"{key}.", base, problems)
            )
            continue
        values[name] = _value(option_of(field), name in data, data.get(name), key, base, problems)
    return values


def _value(option: Any, present: bool, raw: Any, key: str, base: Path, problems: list[str]) -> Any:
    """Return one key's value (its default when absent or wrong), noting a problem."""
    if not present:
        value = default_value(option, base)
    elif raw is None and option.kind.endswith("?"):  # an explicit null switches it off
        return None
    else:
        value, problem = coerce(raw, option, base)
        if problem is None and option.check is not None:
            problem = option.check(value if not isinstance(value, Path) else raw)
        if problem:
            problems.append(f"{key}: {problem}")
            value = default_value(option, base)
    if option.convert is not None and value is not None and not isinstance(value, Path | tuple):
        value = option.convert(value)
    return value


def _people(raw: list[Any], base: Path, problems: list[str]) -> tuple[Person, ...]:
    """Return the people entries as Persons; two with one page address are a problem."""
    people: list[Person] = []
    declared = {f.name: option_of(f) for f in dataclasses.fields(PersonSettings)}
    for i, entry in enumerate(raw):
        where = f"people[{i}]"
        if not isinstance(entry, dict):
            problems.append(f"{where}: expected a mapping with name, github, emails")
            continue
        problems += [f"{where}.{key}: unknown key" for key in entry if key not in declared]
        fields: dict[str, Any] = {}
        for key, option in declared.items():
            if key not in entry or (entry[key] is None and option.kind.endswith("?")):
                if key == "name":
                    problems.append(f"{where}.name: required")
                fields[key] = default_value(option, base)
                continue
            fields[key] = _value(option, True, entry[key], f"{where}.{key}", base, problems)
        if not fields["name"]:
            continue
        person = Person(
            name=fields["name"],
            github=fields["github"],
            emails=tuple(e.lower() for e in fields["emails"] or ()),
        )
        twin = next((j for j, p in enumerate(people) if p.slug == person.slug), None)
        if twin is not None:
            problems.append(
                f"{where}.name: {person.name!r} gets the same page address as "
                f"people[{twin}] ({person.slug!r}); make the names differ in letters or digits"
            )
        people.append(person)
    return tuple(people)


def system_timezone() -> str:
    """Return the system's IANA zone name (TZ, /etc/localtime, /etc/timezone), else UTC."""
    tz = os.environ.get("TZ", "").lstrip(":")
    if tz and check_timezone(tz) is None:
        return tz
    localtime = Path("/etc/localtime")
    if localtime.is_symlink():
        target = str(localtime.resolve())
        marker = "zoneinfo/"
        if marker in target:
            name = target.split(marker, 1)[1]
            if check_timezone(name) is None:
                return name
    etc = Path("/etc/timezone")
    if etc.is_file():
        name = etc.read_text(encoding="utf-8").strip()
        if name and check_timezone(name) is None:
            return name
    return "UTC"


def documented_keys() -> list[str]:
    """Return every config key path, for the README check."""
    return [*_keys(Config, ""), *(f"people[].{k}" for k in _keys(PersonSettings, ""))]


def _keys(cls: type, prefix: str) -> list[str]:
    keys = []
    for field in dataclasses.fields(cls):
        if "section" in field.metadata:
            keys.append(f"{prefix}{field.name}")
            keys += _keys(field.metadata["section"], f"{prefix}{field.name}.")
        elif "option" in field.metadata:
            keys.append(f"{prefix}{field.name}")
    return keys
