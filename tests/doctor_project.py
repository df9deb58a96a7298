"""A project for `statusbot doctor`, its marks, and a timer that looks active."""

from __future__ import annotations

from pathlib import Path

from conftest import project_layout


def project(tmp_path: Path, github: str | None = None, api_url: str | None = None) -> Path:
    tail = f"github:\n  api_url: {api_url}\n  repos: [acme/api, acme/gone]\n" if api_url else ""
    return project_layout(tmp_path, login=github, tail=tail)


def marks(output: str) -> dict[str, str]:
    return {
        line[5:].split(":")[0]: line[:4].strip() for line in output.splitlines() if line[4] == " "
    }
