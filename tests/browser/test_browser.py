"""The built site in a real browser (headless Chromium), every page in light and dark.

Each page is visited once per theme in a fresh browser context; the visit records what the
browser saw (images, requests, console, axe-core's accessibility scan) and saves a
full-page screenshot to build/screenshots/. The checks are plain functions over a visit,
so the negative tests at the end put small pages of their own through the same code and
show that each check can fail.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

THEMES = ("light", "dark")
# mkdocs-material's palette: body[data-md-color-scheme] for the system's light and dark.
SCHEMES = {"light": "default", "dark": "slate"}
VIEWPORT = {"width": 1280, "height": 900}
BLOCKED = "net::ERR_BLOCKED_BY_CLIENT"  # how a request aborted by our route fails

# Scroll down the page a step at a time so that every `loading=lazy` image comes near
# the viewport and starts loading, then back to the top.
SCROLL = """async () => {
  const pause = () => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
  const step = Math.max(200, window.innerHeight);
  for (let y = 0; y <= document.documentElement.scrollHeight; y += step) {
    window.scrollTo(0, y);
    await pause();
  }
  window.scrollTo(0, 0);
  await pause();
}"""
# Every shown image has finished, loaded or broken (images of the other theme never load).
IMAGES_SETTLED = """() => [...document.images]
  .filter(img => img.checkVisibility())
  .every(img => img.complete)"""
IMAGES = """() => [...document.images].map(img => ({
  src: img.getAttribute("src") || "",
  alt: img.getAttribute("alt"),
  visible: img.checkVisibility(),
  display: getComputedStyle(img).display,
  naturalWidth: img.naturalWidth,
}))"""


@dataclass
class Visit:
    """What the browser saw on one page in one theme."""

    url: str
    theme: str
    status: int | None = None  # the HTTP status of the page itself
    scheme: str | None = None  # body[data-md-color-scheme]
    images: list[dict] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)  # aborted by the route: another host
    failed: dict[str, str] = field(default_factory=dict)  # url -> failure text
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    violations: list[dict] = field(default_factory=list)  # axe-core's, every impact


def is_local(url: str, origin: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in {"data", "blob", "about"}:
        return True
    return f"{parts.scheme}://{parts.netloc}" == origin


def record_console(seen: Visit, message) -> None:
    if message.type == "error":
        where = message.location
        seen.console_errors.append(f"{message.text} ({where.get('url')}:{where.get('lineNumber')})")


def visit(browser, origin: str, path: str, theme: str, screenshot: Path | None = None) -> Visit:
    """Open origin+path in a fresh context with the system in `theme`, scroll through it,
    record everything the checks need, scan it with axe-core and take a screenshot."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    seen = Visit(url=origin + path, theme=theme)
    # color_scheme emulates the system's setting (prefers-color-scheme) for the context.
    context = browser.new_context(
        viewport=VIEWPORT, color_scheme=theme, reduced_motion="reduce", service_workers="block"
    )
    context.set_default_timeout(15_000)

    def only_local(route):
        # Anything for another host is aborted here, before Chromium opens a connection.
        if is_local(route.request.url, origin):
            route.continue_()
        else:
            seen.blocked.append(route.request.url)
            route.abort("blockedbyclient")

    try:
        context.route("**/*", only_local)
        page = context.new_page()
        page.on("request", lambda request: seen.requests.append(request.url))
        page.on("requestfailed", lambda r: seen.failed.setdefault(r.url, r.failure or ""))
        page.on("console", lambda message: record_console(seen, message))
        page.on("pageerror", lambda error: seen.page_errors.append(str(error)))
        response = page.goto(seen.url, wait_until="load")
        seen.status = response.status if response else None
        page.evaluate(SCROLL)
        try:
            page.wait_for_function(IMAGES_SETTLED, timeout=10_000)
        except PlaywrightTimeout:
            pass  # the image check reports the images that never finished
        seen.images = page.evaluate(IMAGES)
        seen.scheme = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
        seen.violations = Axe().run(page).response["violations"]
        if screenshot is not None:
            page.screenshot(path=screenshot, full_page=True)
    finally:
        context.close()
    return seen


# --- the checks: each returns the problems it found, an empty list when all is well --------


def image_problems(seen: Visit) -> list[str]:
    """Every shown image loaded and has alt text (the other theme's images are hidden)."""
    problems = []
    for image in seen.images:
        if not image["visible"]:
            continue
        if image["naturalWidth"] == 0:
            problems.append(f"did not load: {image['src']}")
        if not (image["alt"] or "").strip():
            problems.append(f"no alt text: {image['src']}")
    return problems


def theme_problems(seen: Visit) -> list[str]:
    """The palette follows the system and only the current theme's figures are shown."""
    problems = []
    if seen.scheme != SCHEMES[seen.theme]:
        problems.append(
            f"body[data-md-color-scheme] is {seen.scheme!r}, not {SCHEMES[seen.theme]!r}"
        )
    for image in seen.images:
        for theme in THEMES:
            if f"#only-{theme}" not in image["src"]:
                continue
            if theme == seen.theme and not image["visible"]:
                problems.append(f"hidden in {seen.theme} mode: {image['src']}")
            if theme != seen.theme and image["display"] != "none":
                problems.append(f"shown in {seen.theme} mode: {image['src']}")
    return problems


def console_problems(seen: Visit) -> list[str]:
    return [f"console error: {text}" for text in seen.console_errors] + [
        f"page error: {text}" for text in seen.page_errors
    ]


def foreign_requests(seen: Visit) -> list[str]:
    """Requests for any host but the local server: seen by the page or aborted by the
    route (data: URLs are local)."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(seen.url))
    seen_foreign = {url for url in seen.requests if not is_local(url, origin)}
    return sorted(seen_foreign | set(seen.blocked))


def accessibility_problems(seen: Visit) -> list[str]:
    """axe-core's violations of impact serious or critical, with where they are."""
    problems = []
    for violation in seen.violations:
        if violation["impact"] not in {"serious", "critical"}:
            continue
        targets = [", ".join(map(str, node["target"])) for node in violation["nodes"]]
        more = f" and {len(targets) - 3} more" if len(targets) > 3 else ""
        problems.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']}; "
            f"at {'; '.join(targets[:3])}{more}"
        )
    return problems


def expect_none(problems: list[str], seen: Visit) -> None:
    """Fail with the problems, one a line, and nothing else (no repr of the whole visit)."""
    if problems:
        lines = "\n  ".join(problems)
        pytest.fail(f"{seen.url} in {seen.theme} mode:\n  {lines}", pytrace=False)


# --- the real site -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def site_visit(chromium, site_origin, screenshots, browser_summary):
    """Visit a page of the site in a theme, once per session: the tests below share it."""
    cache: dict[tuple[str, str], Visit] = {}

    def get(path: str, theme: str) -> Visit:
        if (path, theme) not in cache:
            slug = path.strip("/").replace("/", "-") or "index"
            seen = visit(chromium, site_origin, path, theme, screenshots / f"{slug}-{theme}.png")
            browser_summary.add(
                path,
                images_loaded=sum(image["naturalWidth"] > 0 for image in seen.images),
                requests=len(seen.requests),
                foreign=len(foreign_requests(seen)),
            )
            cache[path, theme] = seen
        seen = cache[path, theme]
        if seen.status != 200:
            pytest.fail(
                f"{seen.url} answered HTTP {seen.status}: was site/ rebuilt during the run?",
                pytrace=False,
            )
        return seen

    return get


@pytest.mark.parametrize("theme", THEMES)
def test_images_load_with_alt_text(site_visit, site_page, theme):
    # Proves a reader sees no broken image and every image they see has a description.
    seen = site_visit(site_page.path, theme)
    expect_none(image_problems(seen), seen)


@pytest.mark.parametrize("theme", THEMES)
def test_figures_follow_the_theme(site_visit, site_page, theme):
    # Proves the palette follows the system setting and that each figure is shown in the
    # variant drawn for it: the dark SVG in dark mode, the light one in light mode.
    seen = site_visit(site_page.path, theme)
    expect_none(theme_problems(seen), seen)


@pytest.mark.parametrize("theme", THEMES)
def test_no_console_or_page_errors(site_visit, site_page, theme):
    # Proves the page's scripts run without an error and nothing fails to load.
    seen = site_visit(site_page.path, theme)
    expect_none(console_problems(seen), seen)


@pytest.mark.parametrize("theme", THEMES)
def test_nothing_is_requested_from_another_host(site_visit, site_page, theme):
    # Proves the page works offline and tells no third party about its reader: every
    # request the browser makes goes to the local server.
    seen = site_visit(site_page.path, theme)
    expect_none(foreign_requests(seen), seen)


@pytest.mark.parametrize("theme", THEMES)
def test_no_serious_accessibility_violation(site_visit, site_page, theme):
    # Proves axe-core finds nothing serious or critical (contrast, names, structure) in
    # either theme.
    seen = site_visit(site_page.path, theme)
    expect_none(accessibility_problems(seen), seen)


def test_every_image_loads_in_one_theme_or_the_other(site_visit, site_page):
    # Proves no image is broken even where it is hidden: each image on the page loaded in
    # the theme that shows it.
    visits = [site_visit(site_page.path, theme) for theme in THEMES]
    every = {image["src"] for seen in visits for image in seen.images}
    loaded = {image["src"] for seen in visits for image in seen.images if image["naturalWidth"]}
    assert every <= loaded, f"{site_page.path}: never loaded: {sorted(every - loaded)}"


def test_home_page_shows_light_and_dark_figures(site_visit):
    # Proves the theme check above has something to check: the home page has figures in a
    # light and a dark variant.
    seen = site_visit("/", "light")
    for theme in THEMES:
        assert any(f"#only-{theme}" in image["src"] for image in seen.images), theme


# --- the checks can fail -------------------------------------------------------------------

# A 1x1 PNG.
DOT = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def write_page(folder: Path, body: str) -> None:
    (folder / "dot.png").write_bytes(DOT)
    (folder / "index.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test</title>'
        f'<link rel="icon" href="data:,"></head><body><main>{body}</main></body></html>',
        encoding="utf-8",
    )


def test_foreign_request_is_caught_and_never_leaves(chromium, serve_folder, tmp_path):
    # Proves the network check can fail: an image from another host is reported, and the
    # route aborted it inside the browser (ERR_BLOCKED_BY_CLIENT, not a DNS or connection
    # error), so nothing left the machine. The failed load also trips the console check.
    write_page(tmp_path, '<img src="http://example.invalid/x.png" alt="x">')
    seen = visit(chromium, serve_folder(tmp_path), "/", "light")
    assert foreign_requests(seen) == ["http://example.invalid/x.png"]
    assert seen.blocked == ["http://example.invalid/x.png"]
    assert seen.failed["http://example.invalid/x.png"].startswith(BLOCKED)
    assert any(BLOCKED in problem for problem in console_problems(seen))


def test_image_check_flags_missing_alt_text_and_broken_images(chromium, serve_folder, tmp_path):
    # Proves the image check can fail: an image without alt text and an image that does
    # not load are both reported, and axe-core flags the missing alt text too.
    write_page(tmp_path, '<img src="dot.png"><img src="missing.png" alt="gone">')
    seen = visit(chromium, serve_folder(tmp_path), "/", "light")
    assert image_problems(seen) == ["no alt text: dot.png", "did not load: missing.png"]
    assert [p for p in accessibility_problems(seen) if p.startswith("image-alt (critical)")]
    assert not foreign_requests(seen)
