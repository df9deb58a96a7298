"""An optional external command that rewrites the sections; every claim it makes is checked."""

# The command reads the shipped prompt with the day's digest (summarizer.input: prompt, the
# default; see digest.py) or {"facts": ..., "sections": ...} as JSON (json) on stdin, and prints
# markdown with "## Accomplishments", "## Risks & Challenges" and "## Key Effort". It runs once
# per distinct input (sha256 of the facts, the input and the command, kept per day in the local
# store with its answer or its failure, and each section's verdict), in its own session, without
# the GitHub token variables, killed at summarizer.timeout. The answer is judged section by
# section against the full facts (answer.py, checks.py); a failing section is replaced by the
# built-in one.

from __future__ import annotations

import hashlib
import json
import logging
import os
import signal
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

from statusbot.compose import Sections
from statusbot.model import Facts
from statusbot.store import Store
from statusbot.summarizer.answer import HEADINGS, NAMES, judge, split
from statusbot.summarizer.checks import Unverified, known
from statusbot.summarizer.digest import built_in_lines, command_input, payload

if TYPE_CHECKING:
    from statusbot.config import Config

log = logging.getLogger(__name__)

SUMMARIES = "summaries.json"
SECRET_ENV = ("GITHUB_TOKEN", "STATUSBOT_GITHUB_TOKEN")
MAX_OUTPUT = 200_000
TITLES = dict(zip(NAMES, ("accomplishments", "risks & challenges", "key effort"), strict=True))


def from_config(
    config: Config, facts: Facts, sections: Sections, store: Store, save: bool = True
) -> Sections:
    """Return the sections the configured summarizer gives (or the built-in ones)."""
    settings = config.summarizer
    assert settings.command
    return summarize(
        facts,
        sections,
        settings.command,
        settings.timeout,
        store,
        save=save,
        mode=settings.input,
        templates_dir=config.templates_dir,
    )


def summarize(
    facts: Facts,
    sections: Sections,
    command: tuple[str, ...],
    timeout: float,
    store: Store,
    save: bool = True,
    mode: str = "prompt",
    templates_dir: Path | None = None,
    fresh: bool = False,
) -> Sections:
    """Return the command's verified sections, section by section; `save=False` for dry runs."""
    return attempt(facts, sections, command, timeout, store, save, mode, templates_dir, fresh)[0]


def attempt(
    facts: Facts,
    sections: Sections,
    command: tuple[str, ...],
    timeout: float,
    store: Store,
    save: bool = True,
    mode: str = "prompt",
    templates_dir: Path | None = None,
    fresh: bool = False,
) -> tuple[Sections, dict[str, Any]]:
    """Return the sections to publish and the day's entry: the answer or failure, the verdicts."""
    data = command_input(mode, facts, sections, templates_dir)
    whole = json.dumps(payload(facts, sections), sort_keys=True, ensure_ascii=False)
    key = hashlib.sha256(json.dumps([whole, data, list(command)]).encode("utf-8")).hexdigest()
    day = facts.day.isoformat()
    cache = store.load_json(SUMMARIES)
    entry = cache.get(day)
    if fresh or not isinstance(entry, dict) or entry.get("key") != key or "verdicts" not in entry:
        try:
            entry = {"key": key, "text": run(command, data, timeout)}
        except Unverified as exc:
            entry = {"key": key, "error": str(exc)}
        result, entry["verdicts"] = _judged(entry, facts, sections)
        cache[day] = entry
        if save:
            store.save_json(SUMMARIES, cache)
        reasons = {n: v["reason"] for n, v in entry["verdicts"].items() if not v["used"]}
        if len(reasons) == len(NAMES) and len(set(reasons.values())) == 1:
            log.warning("summarizer not used: %s", reasons[NAMES[0]])
        else:
            for name, reason in reasons.items():
                log.warning("summarizer not used for %s: %s", TITLES[name], reason)
        return result, entry
    return _judged(entry, facts, sections, entry["verdicts"])[0], entry


def _judged(
    entry: dict[str, Any],
    facts: Facts,
    sections: Sections,
    verdicts: dict[str, dict[str, Any]] | None = None,
) -> tuple[Sections, dict[str, dict[str, Any]]]:
    """Return the sections an answer (or a failure) gives, and each section's verdict.

    Stored `verdicts` of the same input are trusted: the cached cycle runs no check again.
    """
    try:
        if "text" not in entry:
            raise Unverified(str(entry.get("error", "no answer")))
        parts = split(str(entry["text"]))
    except Unverified as exc:
        return sections, {name: {"used": False, "reason": str(exc)} for name in NAMES}
    if verdicts is not None:
        return judge(parts, None, sections, verdicts)
    return judge(parts, known(facts.to_dict(), built_in_lines(sections)), sections)


def run(command: tuple[str, ...], data: str, timeout: float) -> str:
    """Run the command with data on stdin; return its stdout, or raise Unverified."""
    env = {k: v for k, v in os.environ.items() if k not in SECRET_ENV}
    try:
        proc = subprocess.Popen(
            list(command),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
    except OSError as exc:
        raise Unverified(f"cannot run {command[0]}: {exc.strerror or exc}") from None
    try:
        out, _ = proc.communicate(data.encode("utf-8"), timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(proc)
        raise Unverified(f"{command[0]} took longer than {timeout:g}s") from None
    if proc.returncode != 0:
        raise Unverified(f"{command[0]} exited with code {proc.returncode}")
    if len(out) > MAX_OUTPUT:
        raise Unverified(f"{command[0]} wrote more than {MAX_OUTPUT} bytes")
    try:
        text = out.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Unverified(f"output is not UTF-8 (byte {exc.start})") from None
    if not text.strip():
        raise Unverified(f"{command[0]} wrote nothing")
    return text


def _kill(proc: subprocess.Popen[bytes]) -> None:
    """Kill the command and whatever it started, then reap it."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        proc.kill()
    proc.communicate()


def verdict_lines(store: Store) -> list[str]:
    """Return `statusbot status` lines: the last summarized day's verdict per section."""
    cache = store.load_json(SUMMARIES)
    days = sorted(d for d, e in cache.items() if isinstance(e, dict) and "verdicts" in e)
    if not days:
        return []
    out = [f"summarizer ({days[-1]}):"]
    verdicts = cache[days[-1]]["verdicts"]
    for name, verdict in sorted(verdicts.items(), key=lambda kv: _order(kv[0])):
        if verdict.get("used"):
            out.append(f"  {TITLES.get(name, name)}: summarizer's text")
        else:
            out.append(f"  {TITLES.get(name, name)}: built-in ({verdict.get('reason', '')})")
    return out


def _order(name: str) -> int:
    return NAMES.index(name) if name in NAMES else len(NAMES)


__all__ = ["HEADINGS", "Unverified", "attempt", "from_config", "run", "summarize", "verdict_lines"]
