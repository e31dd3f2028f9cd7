"""Setup of the real-browser test: the built site, a local server, one headless Chromium.

Chromium is Debian's (/usr/bin/chromium); Playwright never downloads a browser of its own.
Outside CI a missing Chromium skips these tests (after trying to install it when running
as root with apt-get); with CI set it fails them, so a CI run never passes by skipping.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from ci import is_ci

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "site"
SCREENSHOTS = ROOT / "build" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium calls home at start, and this machine's closed network
    # refuses the connections.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Belt and braces for the "nothing leaves the machine" check: Chromium resolves no
    # host name at all, so even a request that escaped the route could not get out.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]


def missing_tool(reason: str) -> None:
    """Skip, or fail under CI: a CI run must not go green by skipping the browser test."""
    if is_ci():
        pytest.fail(f"{reason} (CI is set, so this fails instead of skipping)", pytrace=False)
    pytest.skip(reason)


# --- the built site --------------------------------------------------------------------


def make_site() -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", "site"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


@functools.cache
def ensure_site() -> str | None:
    """Bring site/ up to date with ``make site`` (which knows what it depends on and does
    nothing when it is current); return an error or None.

    Cached: it runs once per session however many tests ask for it.
    """
    index = SITE / "index.html"
    result = make_site()
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip()[-3000:]
        return f"`make site` failed (exit status {result.returncode}):\n{output}"
    if not index.is_file():
        return "`make site` succeeded but wrote no site/index.html"
    return None


@dataclass(frozen=True)
class SitePage:
    path: str  # the URL path, "/" or "/guide/"
    slug: str  # for test ids and screenshot names: "index", "guide"


def site_pages() -> list[SitePage]:
    """Every page of the built site: each index.html under site/ (404.html is not one)."""
    pages = []
    for index in sorted(SITE.rglob("index.html")):
        parts = index.parent.relative_to(SITE).parts
        path = "/" + "".join(f"{part}/" for part in parts)
        pages.append(SitePage(path=path, slug="-".join(parts) or "index"))
    return pages


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize `site_page` over the pages of the built site, one test id per page.

    The pages must be known at collection, so the site is built here when it is missing
    or stale. A failed build must not become a collection error, which would stop the
    whole run (the unit tests too): it becomes one parameter, "site-build-failed", whose
    tests fail with make's output.
    """
    if "site_page" not in metafunc.fixturenames:
        return
    error = ensure_site()
    pages = [] if error else site_pages()
    if not error and not pages:
        error = f"no index.html found under {SITE}"
    if error:
        params = [pytest.param(error, id="site-build-failed")]
    else:
        params = [pytest.param(page, id=page.slug) for page in pages]
    metafunc.parametrize("site_page", params, indirect=True)


@pytest.fixture
def site_page(request: pytest.FixtureRequest) -> SitePage:
    if isinstance(request.param, str):
        pytest.fail(request.param, pytrace=False)
    return request.param


# --- local HTTP servers ----------------------------------------------------------------


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A browser that closes a connection early is not an error of the site.
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve `directory` on 127.0.0.1 at a free port; yield the origin, http://127.0.0.1:N."""
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="session")
def site_origin() -> Iterator[str]:
    """The built site, served for the whole session."""
    error = ensure_site()
    if error:
        pytest.fail(error, pytrace=False)
    with serve(SITE) as origin:
        yield origin


@pytest.fixture
def serve_folder() -> Iterator:
    """Serve a folder of the test's own (a second server), stopped after the test."""
    with contextlib.ExitStack() as stack:
        yield lambda directory: stack.enter_context(serve(directory))


# --- the browser -----------------------------------------------------------------------


def find_chromium() -> str | None:
    if os.environ.get("CHROMIUM"):  # another Chromium-based browser, e.g. on a hosted runner
        return os.environ["CHROMIUM"]
    if CHROMIUM.exists():
        return str(CHROMIUM)
    return shutil.which("chromium")  # e.g. /usr/local/bin when the package puts it there


def chromium_or_reason() -> tuple[str | None, str]:
    """Debian's Chromium, installed first when missing if we are root with apt-get;
    else None and why."""
    if find_chromium() is None and os.geteuid() == 0 and shutil.which("apt-get"):
        result = subprocess.run(
            [str(ROOT / "scripts" / "ensure-tool.sh"), "chromium", "chromium", "Chromium"],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            return None, result.stderr.strip() or "Chromium could not be installed"
    path = find_chromium()
    if path is None:
        return None, (
            f"Chromium is missing ({CHROMIUM}): install Debian's chromium package "
            "(sudo apt-get install chromium) to run the browser tests"
        )
    return path, ""


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    path, reason = chromium_or_reason()
    if path is None:
        missing_tool(reason)
    return path


@pytest.fixture(scope="session")
def chromium(chromium_executable: str):
    """One headless Chromium for the session; each page visit gets a fresh context."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        missing_tool(f"Playwright is not installed ({error}): run `make` to create .venv")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=chromium_executable, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
    finally:
        playwright.stop()


# --- the summary -----------------------------------------------------------------------


@dataclass
class Summary:
    """What the browser saw on the real site (not on the negative-test pages)."""

    pages: set[str] = field(default_factory=set)
    visits: int = 0
    images_loaded: int = 0
    requests: int = 0
    foreign_requests: int = 0

    def add(self, path: str, images_loaded: int, requests: int, foreign: int) -> None:
        self.pages.add(path)
        self.visits += 1
        self.images_loaded += images_loaded
        self.requests += requests
        self.foreign_requests += foreign

    def as_dict(self) -> dict:
        return {
            "pages": len(self.pages),
            "visits": self.visits,
            "images_loaded": self.images_loaded,
            "requests": self.requests,
            "foreign_requests": self.foreign_requests,
            "screenshots": str(SCREENSHOTS.relative_to(ROOT)),
        }


SUMMARY = pytest.StashKey[Summary]()


@pytest.fixture(scope="session")
def browser_summary(request: pytest.FixtureRequest) -> Summary:
    """The session's summary of the real site's visits, printed at the end."""
    return request.config.stash.setdefault(SUMMARY, Summary())


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def pytest_sessionfinish(session, exitstatus) -> None:
    """Leave what the browser saw in build/screenshots/summary-<process>.json; the
    project's conftest adds the files up at the end (tests/conftest.py), since under
    pytest-xdist the tests run in worker processes."""
    summary = session.config.stash.get(SUMMARY, None)
    if summary is None or not summary.visits:
        return
    worker = getattr(session.config, "workerinput", {}).get("workerid", "main")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    seen = {**dataclasses.asdict(summary), "pages": sorted(summary.pages)}
    (SCREENSHOTS / f"summary-{worker}.json").write_text(json.dumps(seen) + "\n")
