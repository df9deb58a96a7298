"""The configuration: each key declared once (schema), read and validated in one pass (load)."""

from statusbot.config.load import build, documented_keys, find_config, load, system_timezone
from statusbot.config.schema import (
    CONFIG_NAME,
    DEFAULT_GITHUB_API,
    Config,
    GitHubSettings,
    PublishSettings,
    RiskSettings,
    SourcesSettings,
    SummarizerSettings,
)

__all__ = [
    "CONFIG_NAME",
    "DEFAULT_GITHUB_API",
    "Config",
    "GitHubSettings",
    "PublishSettings",
    "RiskSettings",
    "SourcesSettings",
    "SummarizerSettings",
    "build",
    "documented_keys",
    "find_config",
    "load",
    "system_timezone",
]
