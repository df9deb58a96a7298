"""Find the GitHub token: an environment variable, else the systemd credential.

The timer's unit passes the token file with LoadCredential=github-token:PATH, so a run under
systemd finds it in $CREDENTIALS_DIRECTORY/github-token; it is never an argument or in a file
statusbot writes.
"""

from __future__ import annotations

import os
from pathlib import Path

TOKEN_ENV = ("STATUSBOT_GITHUB_TOKEN", "GITHUB_TOKEN", "GH_TOKEN")
CREDENTIAL = "github-token"


def find_token() -> tuple[str, str] | None:
    """Return (token, where it came from), or None when there is none."""
    for name in TOKEN_ENV:
        value = os.environ.get(name, "").strip()
        if value:
            return value, f"${name}"
    creds = os.environ.get("CREDENTIALS_DIRECTORY")
    if creds:
        path = Path(creds) / CREDENTIAL
        try:
            value = path.read_text(encoding="utf-8").strip()
        except OSError:
            value = ""
        if value:
            return value, f"the systemd credential {CREDENTIAL}"
    return None
