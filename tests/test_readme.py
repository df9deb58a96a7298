"""The README and the CLI agree: every command, flag and config key is documented."""

from __future__ import annotations

import re
from pathlib import Path

import click

from statusbot.cli import cli
from statusbot.config import documented_keys

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def commands(group: click.Group, prefix: str = "") -> dict[str, click.Command]:
    out: dict[str, click.Command] = {}
    for name, command in group.commands.items():
        path = f"{prefix}{name}"
        if isinstance(command, click.Group):
            out.update(commands(command, path + " "))
        else:
            out[path] = command
    return out


def flags(command: click.Command) -> list[str]:
    names = []
    for param in command.params:
        if isinstance(param, click.Option):
            names += param.opts + param.secondary_opts
    return names


def test_every_command_and_flag_is_in_the_readme():
    missing = []
    for path, command in commands(cli).items():
        if f"statusbot {path}" not in README:
            missing.append(f"command: statusbot {path}")
        for flag in flags(command):
            documented = re.search(rf"`[^`]*{re.escape(flag)}\b", README)
            if flag not in ("-h", "--help") and not documented:
                missing.append(f"flag: statusbot {path} {flag}")
    for flag in flags(cli):
        if not re.search(rf"`{re.escape(flag)}\b", README):
            missing.append(f"global flag: {flag}")
    assert missing == []


def test_readme_documents_no_command_or_flag_the_cli_lacks():
    known = set(commands(cli))
    for documented in re.findall(r"`statusbot ([a-z]+(?: [a-z]+)?)", README):
        words = documented.split()
        assert documented in known or words[0] in known or words[0] in cli.commands, documented
    all_flags = {f for c in commands(cli).values() for f in flags(c)} | set(flags(cli))
    all_flags |= {"-h", "--help"}
    table_flags = re.findall(r"^\| `(--?[a-z-]+)", README, flags=re.M)
    assert set(table_flags) <= all_flags


def test_every_config_key_is_in_the_readme():
    section = README.split("Keys by path:")[1].split("\n\n")[0]
    listed = re.findall(r"`([a-z_\[\].]+)`", section)
    assert sorted(listed) == sorted(documented_keys())


def quick_start_commands() -> list[str]:
    quick = README.split("## Quick start")[1].split("\n## ")[0]
    return re.findall(r"```sh\n(.+?)\n```", quick)


def test_quick_start_has_the_two_setup_commands_and_ci_runs_the_test_one():
    install, tests = quick_start_commands()
    assert "statusbot publish" in install and "pip install" in install
    assert "pytest" in tests
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert tests in ci.splitlines()
