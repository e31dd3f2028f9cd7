"""The home page's first screen, in a real browser, at a laptop's and a phone's size: the
way in is visible before any scrolling, and the light/dark toggle works on its first
click, whatever the system's setting."""

from __future__ import annotations

import pytest

VIEWPORTS = {"laptop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
SYSTEM = ("light", "dark")
# mkdocs-material's schemes for the system's light and dark settings.
SCHEMES = {"light": "default", "dark": "slate"}
SCHEME = "document.body.getAttribute('data-md-color-scheme')"
# The start link's box, and whether it is what a reader would hit at its centre (not
# covered by the header or anything else).
START_LINK = """() => {
  const link = document.getElementById("start-here");
  if (!link) return null;
  const box = link.getBoundingClientRect();
  const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  return {top: box.top, bottom: box.bottom, left: box.left, right: box.right,
          href: link.getAttribute("href"), onTop: hit === link || link.contains(hit)};
}"""


@pytest.fixture
def open_page(chromium, site_origin, screenshots):
    """Open a page of the built site in a fresh context at a viewport and system theme."""
    contexts = []

    def open_(path: str, viewport: str, system: str):
        context = chromium.new_context(
            viewport=VIEWPORTS[viewport], color_scheme=system, reduced_motion="reduce",
            service_workers="block",
        )  # fmt: skip
        contexts.append(context)
        page = context.new_page()
        page.goto(site_origin + path, wait_until="load")
        return page

    yield open_
    for context in contexts:
        context.close()


@pytest.mark.parametrize("system", SYSTEM)
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_start_link_is_on_the_first_screen(open_page, screenshots, viewport, system):
    # Proves a newcomer sees where to start without scrolling: the "Start here" link is
    # wholly inside the first viewport, not hidden under the header, and leads to a page.
    page = open_page("/", viewport, system)
    page.screenshot(path=screenshots / f"home-first-screen-{viewport}-{system}.png")
    link = page.evaluate(START_LINK)
    assert link is not None, "the home page has no #start-here link"
    size = VIEWPORTS[viewport]
    assert 0 <= link["top"] and link["bottom"] <= size["height"], (viewport, link)
    assert 0 <= link["left"] and link["right"] <= size["width"], (viewport, link)
    assert link["onTop"], f"something covers the start link at {viewport} size"
    assert link["href"] and not link["href"].startswith(("http:", "https:"))


@pytest.mark.parametrize("system", SYSTEM)
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_first_click_of_the_toggle_changes_the_scheme(open_page, viewport, system):
    # Proves the toggle does something visible on its first click: the page starts in the
    # system's scheme, the first click switches to the other one (its background colour
    # changes too), and the second click switches back.
    page = open_page("/", viewport, system)
    start = page.evaluate(SCHEME)
    assert start == SCHEMES[system]
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    toggle = page.locator("form[data-md-component=palette] label:visible")
    assert toggle.count() == 1, "exactly one palette toggle is shown"
    toggle.click()
    after = page.evaluate(SCHEME)
    assert after != start and after in SCHEMES.values()
    page.wait_for_function(
        f"getComputedStyle(document.body).backgroundColor !== {background!r}", timeout=5_000
    )
    page.locator("form[data-md-component=palette] label:visible").click()
    assert page.evaluate(SCHEME) == start


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_gallery_first_screens(open_page, screenshots, viewport):
    # Proves the gallery's first screen reaches how to install diagram-gen, and keeps
    # screenshots of its first screens at both sizes for a person to look at.
    page = open_page("/gallery/", viewport, "light")
    height = VIEWPORTS[viewport]["height"]
    install = page.locator("#install").bounding_box()
    assert install is not None and install["y"] + install["height"] <= height, install
    for n in range(3):
        page.evaluate(f"window.scrollTo(0, {n * height})")
        page.screenshot(path=screenshots / f"gallery-screen-{n + 1}-{viewport}.png")
