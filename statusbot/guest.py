"""statusbot's pages inside a site that is not its own: everything under its folder.

With `publish.path` at `/` or `/docs` statusbot writes a whole Jekyll site there (its
`_config.yml`, layout and styles). In any other folder it is a guest in whatever site the
branch holds: it writes no `_config.yml`, layout or styles, its pages use the site's own
`default` layout, and each page carries what it needs in its front matter. Day pages become
plain pages with a permalink under the folder (a site's `_posts` would put them in its blog),
every link and permalink gains the folder, and a page's `title` is kept as `statusbot_title`,
so a theme that lists every titled page in its header (minima) does not list hundreds of days.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

WHOLE_SITE = ("", "docs")  # the folders GitHub Pages builds a site from
SITE_FILES = ("_config.yml", "_layouts/", "assets/main.scss")  # statusbot's own site only
_LINK = re.compile(r'\{\{ "(/[^"]*)" \| relative_url \}\}')
_POST = re.compile(r"^_posts/(\d{4}-\d\d-\d\d)-daily-status\.md$")
_FRONT = re.compile(r"\A---\n(.*?\n)---\n", re.S)


def is_guest(folder: str) -> bool:
    """Return whether statusbot's pages in `folder` live inside a site that isn't its own."""
    return folder.strip("/") not in WHOLE_SITE


def day_page(folder: str, day: object) -> str:
    """Return the path of a day's page inside statusbot's folder."""
    return f"days/{day}.md" if is_guest(folder) else f"_posts/{day}-daily-status.md"


def place(files: Mapping[str, str], folder: str, site_title: str) -> dict[str, str]:
    """Return the site's files as they go into `folder` (unchanged for a whole site)."""
    if not is_guest(folder):
        return dict(files)
    from statusbot.markup import text

    base = "/" + folder.strip("/")
    title = text(site_title, 200)
    placed: dict[str, str] = {}
    for path, body in files.items():
        if path.startswith(SITE_FILES):
            continue
        post = _POST.match(path)
        extra = ""
        if post:
            path, extra = f"days/{post.group(1)}.md", f"permalink: /days/{post.group(1)}/\n"
        if path.endswith(".md"):
            body = _front(body, base, extra)
            body = _LINK.sub(lambda m: '{{ "' + base + m.group(1) + '" | relative_url }}', body)
            body = body.replace("{{ site.title | escape }}", title)
        placed[path] = body
    return placed


def _front(body: str, base: str, extra: str) -> str:
    """Return `body` whose front matter gains `extra`, its permalink under `base`, no title."""
    match = _FRONT.match(body)
    if not match:
        return body
    front = match.group(1) + extra
    front = re.sub(r"(?m)^permalink: (/\S*)$", lambda m: f"permalink: {base}{m.group(1)}", front)
    front = re.sub(r"(?m)^title: ", "statusbot_title: ", front)
    return f"---\n{front}---\n" + body[match.end() :]
