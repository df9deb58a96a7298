"""Render the day and the site's sources to {path: text}; writes nothing."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

from statusbot.compose import NO_ACTIVITY, NO_RISKS, Sections
from statusbot.config import Config
from statusbot.errors import TemplateError
from statusbot.model import Facts

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Return a built-in data folder or file: the wheel's copy, else the source tree's."""
    installed = _PACKAGE / "_data" / name
    return installed if installed.exists() else _PACKAGE.parent / name


def page_path(day: object) -> str:
    """Return the path of a day's page inside the site."""
    return f"_posts/{day}-daily-status.md"


def environment(user_dir: Path | None) -> Any:
    """Return the Jinja2 environment: the user's templates first, then the built-in ones."""
    return _environment(user_dir)


@cache
def _environment(user_dir: Path | None) -> object:
    import jinja2

    class NamedTemplate(jinja2.Template):
        """A template whose errors name its file and line in one line."""

        def render(self, *args: Any, **kwargs: Any) -> str:
            """Render, turning a template error into a TemplateError naming the file."""
            try:
                return super().render(*args, **kwargs)
            except jinja2.TemplateError as exc:
                raise template_error(
                    exc, self.filename, _template_line(exc, self.filename)
                ) from None

    class NamedEnvironment(jinja2.Environment):
        """An environment whose load errors name the template file."""

        template_class = NamedTemplate

        def get_template(self, name: Any, *args: Any, **kwargs: Any) -> Any:
            """Load a template, turning a syntax error into a TemplateError naming the file."""
            try:
                return super().get_template(name, *args, **kwargs)
            except jinja2.TemplateNotFound as exc:
                where = [str(user_dir)] if user_dir else []
                where.append("the built-in templates")
                raise TemplateError(
                    f"template {exc.name} not found in {' or '.join(where)}"
                ) from None
            except jinja2.TemplateError as exc:
                raise template_error(exc, None) from None

    loaders: list[jinja2.BaseLoader] = []
    if user_dir is not None:
        loaders.append(jinja2.FileSystemLoader(str(user_dir)))
    loaders.append(jinja2.FileSystemLoader(str(data_dir("templates"))))
    return NamedEnvironment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=False,  # markdown out; every untrusted value is escaped by markup.text
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        # Compiled templates kept by their source's checksum (Jinja2's per-user temp folder):
        # compiling the five a run uses cost more than the rest of its rendering.
        bytecode_cache=jinja2.FileSystemBytecodeCache(),
    )


def template_error(exc: Exception, filename: str | None, line: int | None = None) -> TemplateError:
    """Return one line naming the template file (and line) of a Jinja2 error."""
    name = getattr(exc, "filename", None) or filename or "a template"
    line = getattr(exc, "lineno", None) or line
    where = f"{name}, line {line}" if line else name
    return TemplateError(f"{where}: {getattr(exc, 'message', None) or exc}")


def _template_line(exc: BaseException, filename: str | None) -> int | None:
    """Return the template line a render error came from (Jinja2 maps frames to templates)."""
    found = None
    tb = exc.__traceback__
    while tb is not None:
        if filename and tb.tb_frame.f_code.co_filename == filename:
            found = tb.tb_lineno
        tb = tb.tb_next
    return found


def render_day(facts: Facts, sections: Sections, templates_dir: Path | None = None) -> str:
    """Return the day's page: Jekyll front matter and the three sections."""
    env = _environment(templates_dir)
    template = env.get_template("day.md.j2")  # type: ignore[attr-defined]
    return template.render(
        day=facts.day.isoformat(),
        title=f"Daily Status - {facts.day.isoformat()}",
        sections=sections,
        no_activity=NO_ACTIVITY,
        no_risks=NO_RISKS,
    )


def site_sources(config: Config) -> dict[str, str]:
    """Return the Jekyll site's own files: _config.yml and everything under site/."""
    files: dict[str, str] = {}
    root = data_dir("site")
    for path in sorted(root.rglob("*")):
        if path.is_file():
            files[path.relative_to(root).as_posix()] = path.read_text(encoding="utf-8")
    files["_config.yml"] = _site_config(config.site_title)
    return files


def _site_config(title: str) -> str:
    text = data_dir("_config.yml").read_text(encoding="utf-8")
    quoted = yaml_quoted(title)
    return re.sub(r"(?m)^title:.*$", lambda _: f"title: {quoted}", text, count=1)


def yaml_quoted(text: str) -> str:
    """Return text as a YAML double-quoted scalar, as PyYAML writes it.

    For printable ASCII, JSON's string is the very same bytes, and PyYAML (15 ms to import)
    is needed only for other text (it escapes non-ASCII its own way).
    """
    if all(" " <= c <= "~" for c in text):
        import json

        return json.dumps(text)
    import yaml

    return str(yaml.safe_dump(text, default_style='"', width=10_000)).strip()


def render_site(facts: Facts, sections: Sections, config: Config) -> dict[str, str]:
    """Return every file of the site that this run writes, by path."""
    files = site_sources(config)
    files[page_path(facts.day)] = render_day(facts, sections, config.templates_dir)
    return files
