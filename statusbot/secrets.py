"""Find the GitHub token: environment, a token file, or systemd credentials; never config text."""

from __future__ import annotations

import logging
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from statusbot.errors import ConfigError

log = logging.getLogger(__name__)

ENV_NAMES = ("STATUSBOT_GITHUB_TOKEN", "GITHUB_TOKEN")
CREDENTIAL_NAME = "github-token"


@dataclass(frozen=True)
class Token:
    """A secret and where it came from; repr and str never show the secret."""

    value: str
    origin: str

    def __repr__(self) -> str:
        return f"Token(origin={self.origin!r})"

    __str__ = __repr__


def github_token(token_file: Path | None) -> Token | None:
    """Return the GitHub token from the first place that has one, or None."""
    for name in ENV_NAMES:
        value = os.environ.get(name, "").strip()
        if value:
            return Token(value, f"${name}")
    if token_file is not None:
        return _from_file(token_file, "github.token_file")
    credentials = os.environ.get("CREDENTIALS_DIRECTORY")
    if credentials:
        path = Path(credentials) / CREDENTIAL_NAME
        if path.is_file():
            return _from_file(path, "$CREDENTIALS_DIRECTORY")
    return None


def _from_file(path: Path, label: str) -> Token:
    """Read a token file: one line, the token; warn when others may read it."""
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise ConfigError(f"{path} ({label}): cannot read the token file: {reason}") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        log.warning("%s: the token file is readable by others; chmod 600 it", path)
    value = text.strip()
    if not value or len(value.split()) != 1:
        raise ConfigError(f"{path} ({label}): expected one line holding only the token")
    return Token(value, str(path))
