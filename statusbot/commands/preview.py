"""`statusbot preview`: build the site as it would be published and serve it on localhost."""

from __future__ import annotations

import logging
import shutil
import subprocess
import tarfile
import tempfile
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from statusbot.config import Config
from statusbot.errors import StatusbotError
from statusbot.gitpages.git import Git
from statusbot.run.render import site_for_day
from statusbot.run.window import resolve_day
from statusbot.run.workspace import open_workspace, store_for
from statusbot.store import write_atomic

if TYPE_CHECKING:
    from statusbot.cli import Context

log = logging.getLogger(__name__)

HOST = "127.0.0.1"  # never on other interfaces: the preview may hold what is not yet public
JEKYLL_TIMEOUT = 600
INSTALL_HINT = "apt-get install jekyll ruby-jekyll-feed jekyll-theme-minima"


def preview(obj: Context, config: Config, port: int) -> None:
    """Render the day over the Pages branch's tree, build it with jekyll, serve it until Ctrl-C."""
    day = resolve_day(obj.now, config.timezone, obj.day)
    store = store_for(config)
    _facts, _sections, files = site_for_day(
        open_workspace(config, obj.now, store), day, dry_run=True
    )
    if obj.dry_run:
        obj.say(f"dry run for {day}: would build {len(files)} changed files over the Pages tree")
        return
    with tempfile.TemporaryDirectory(prefix="statusbot-preview-") as tmp:
        source = write_source(config, files, Path(tmp) / "source")
        jekyll = shutil.which("jekyll")
        if jekyll is None:
            log.warning("jekyll is not installed (%s): serving the unbuilt sources", INSTALL_HINT)
            root = source
        else:
            root = build(jekyll, source, Path(tmp) / "_site")
        serve(obj, root, port, day)


def write_source(config: Config, files: dict[str, str], target: Path) -> Path:
    """Write the Pages branch's tree with this run's files over it; return the Jekyll source."""
    target.mkdir(parents=True)
    git = Git(config.publish.repo)
    done = git.run("archive", "--format=tar", f"refs/heads/{config.publish.branch}", check=False)
    if done.returncode == 0:  # no branch yet: the preview shows this run's files alone
        with tarfile.open(fileobj=BytesIO(done.stdout)) as tar:
            if hasattr(tarfile, "data_filter"):  # Python 3.11.4 and later
                tar.extractall(target, filter="data")
            else:  # git archive of our own branch: no links out, no absolute paths
                tar.extractall(target)
    source = target / config.publish.path if config.publish.path else target
    for path, text in files.items():
        write_atomic(source / path, text)
    return source


def build(jekyll: str, source: Path, site: Path) -> Path:
    """Build the site with jekyll; raise a one-line error naming jekyll's complaint."""
    done = subprocess.run(
        [jekyll, "build", "--source", str(source), "--destination", str(site)],
        capture_output=True, text=True, check=False, timeout=JEKYLL_TIMEOUT,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip
    if done.returncode != 0:
        lines = [ln.strip() for ln in (done.stderr + done.stdout).splitlines() if ln.strip()]
        raise StatusbotError(f"jekyll build failed: {lines[-1] if lines else 'no message'}")
    return site


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, fmt: str, *args: object) -> None:
        log.debug("preview: %s", fmt % args)


def serve(obj: Context, root: Path, port: int, day: object) -> None:
    """Serve `root` on 127.0.0.1 until interrupted."""
    try:
        httpd = ThreadingHTTPServer((HOST, port), partial(_Quiet, directory=str(root)))
    except OSError as exc:
        raise StatusbotError(f"cannot serve the preview on {HOST}:{port}: {exc.strerror}") from None
    with httpd:
        url = f"http://{HOST}:{httpd.server_address[1]}/"
        # Printed even with --quiet: the address is the command's whole output.
        print(f"preview of {day}: {url} (Ctrl-C to stop)", flush=True)
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            obj.say("preview stopped")
