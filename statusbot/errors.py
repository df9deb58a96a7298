"""Errors that reach the user as one clean line (exit code 1)."""

from __future__ import annotations

import click


class StatusbotError(click.ClickException):
    """Base of every error statusbot reports to the user."""


class DateError(StatusbotError):
    """A --date outside the days statusbot can report on: a usage error, exit 2."""

    exit_code = 2


class ConfigError(StatusbotError):
    """The configuration file is missing, unreadable or invalid."""


class ReportError(StatusbotError):
    """A test or coverage report cannot be read: names the file and the reason."""


class PublishError(StatusbotError):
    """Writing or pushing the Pages branch failed."""


class TemplateError(StatusbotError):
    """A template (built-in or the user's) could not be loaded or rendered."""
