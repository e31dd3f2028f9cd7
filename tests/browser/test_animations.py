"""The animations on the built site, in the real Chromium: they load and move, the pause
button swaps the still in, and a reader who prefers reduced motion sees the still image."""

from __future__ import annotations

import pytest

#: The pages with an animation macro, and the figures animated on each. (A linked
#: figure's animation macro shows its linked view, which steps instead:
#: tests/browser/test_linked.py.)
PAGES = {
    "/padding-stride-dilation/": ("stride-dilation",),
    "/transposed/": ("transposed-upsample",),
    "/pooling/": ("pooling",),
}

SHOWN = """(figure) => {
  const img = [...figure.querySelectorAll('img.dg-animated')]
    .find((i) => i.offsetParent !== null);
  return img ? {src: img.currentSrc, done: img.complete, width: img.naturalWidth,
                alt: img.alt} : null;
}"""


def open_page(chromium, site_origin, path, *, reduced: bool):
    context = chromium.new_context(reduced_motion="reduce" if reduced else "no-preference")
    page = context.new_page()
    page.goto(site_origin + path, wait_until="load")
    return context, page


@pytest.mark.parametrize("path", PAGES)
def test_animation_loads_and_its_pause_button_shows_the_still(chromium, site_origin, path):
    context, page = open_page(chromium, site_origin, path, reduced=False)
    try:
        for figure_id in PAGES[path]:
            figure = page.locator(f"#animation-{figure_id}")
            figure.scroll_into_view_if_needed()
            page.wait_for_function(
                "(f) => [...f.querySelectorAll('img.dg-animated')].some("
                "(i) => i.offsetParent !== null && i.complete && i.naturalWidth > 0)",
                arg=figure.element_handle(),
            )
            shown = figure.evaluate(SHOWN)
            assert shown["src"].split("#")[0].endswith(".apng"), shown
            assert shown["alt"].startswith("An animation in "), shown["alt"]
            assert figure.get_by_role("button", name="Pause animation").is_visible()
            button = figure.locator("button.dg-pause")
            button.focus()
            page.keyboard.press("Enter")  # operable from the keyboard
            assert button.get_attribute("aria-pressed") == "true"
            assert button.inner_text() == "Play animation"
            page.wait_for_function(
                "(f) => [...f.querySelectorAll('img.dg-animated')].some("
                "(i) => i.offsetParent !== null && i.currentSrc.split('#')[0].endsWith('.png')"
                " && i.complete && i.naturalWidth > 0)",
                arg=figure.element_handle(),
            )
            page.keyboard.press("Enter")
            assert figure.evaluate(SHOWN)["src"].split("#")[0].endswith(".apng")
            assert figure.locator("a[href$='-steps.pdf']").count() == 2
    finally:
        context.close()


@pytest.mark.parametrize("path", PAGES)
def test_reduced_motion_sees_the_still_figure_and_the_step_pdf(chromium, site_origin, path):
    context, page = open_page(chromium, site_origin, path, reduced=True)
    try:
        for figure_id in PAGES[path]:
            figure = page.locator(f"#animation-{figure_id}")
            figure.scroll_into_view_if_needed()
            page.wait_for_function(
                "(f) => [...f.querySelectorAll('img.dg-animated')].some("
                "(i) => i.offsetParent !== null && i.complete && i.naturalWidth > 0)",
                arg=figure.element_handle(),
            )
            shown = figure.evaluate(SHOWN)
            assert shown["src"].split("#")[0].endswith(f"{figure_id}-light.png"), shown
            assert figure.locator("a[href$='-steps.pdf']").first.is_visible()
            assert not figure.locator("button.dg-pause").is_visible()
    finally:
        context.close()
