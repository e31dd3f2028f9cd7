"""The explorer page in a real Chromium: a chosen combination loads, shows the output size
the layer math gives, asks no other host for anything, logs no error and passes axe; with
the linked views, pointing at an output lights what conv_matrix_index says it reads."""

from __future__ import annotations

import numpy as np
import pytest

from diagram_gen import explorer, layers

from .test_browser import is_local, record_console

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 900}
#: Choices to open by their link: a strided, a "same", a transposed with output_padding,
#: and two the layers refuse.
CHOICES = (
    "conv-n5-k3-s2-p1-d1",
    "conv-n6-k2-s1-psame-d2",
    "transposed-n3-k3-s2-p1-d1-op1",
    "conv-n3-k4-s1-p0-d1",
    "transposed-n2-k2-s1-psame-d1-op0",
)
ATTRIBUTES = """root => [...root.querySelectorAll(
    "[data-dg-step], [data-dg-input], [data-dg-weight]")]
  .map(el => ({step: el.dataset.dgStep || null, input: el.dataset.dgInput || null,
               weight: el.dataset.dgWeight || null, on: el.classList.contains('dg-on'),
               off: el.classList.contains('dg-off')}))"""


def combination(slug: str) -> explorer.Combination:
    (found,) = [c for c in explorer.combinations() if c.slug == slug]
    return found


def expected_size(c: explorer.Combination) -> int | str:
    """The output side from the layers' size functions, or the sentence the CLI prints
    for the 2D layer's refusal."""
    x, w = np.zeros((1, c.n, c.n)), np.ones((1, 1, c.kernel, c.kernel))
    kwargs = {"stride": c.stride, "padding": c.padding, "dilation": c.dilation}
    try:
        if c.mode == "transposed":
            layers.conv_transpose(x, w, output_padding=c.output_padding, **kwargs)
            return layers.conv_transpose_output_size(
                c.n, c.kernel, c.stride, c.padding, c.dilation, c.output_padding
            )
        side = layers.conv(x, w, **kwargs).shape[1]
    except ValueError as error:
        return layers.one_sentence(error)
    if c.padding == "same":  # the size functions take numbers: "same" keeps the size
        return side
    return layers.conv_output_size(c.n, c.kernel, c.stride, c.padding, c.dilation)


class Page:
    """One browser context on the explorer, recording requests and console errors."""

    def __init__(self, chromium, origin: str, *, viewport=LAPTOP, touch=False, theme="light"):
        self.origin = origin
        self.requests: list[str] = []
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.context = chromium.new_context(
            viewport=viewport, has_touch=touch, is_mobile=touch, color_scheme=theme,
            reduced_motion="reduce", service_workers="block",
        )  # fmt: skip
        self.context.set_default_timeout(15_000)

        def only_local(route):
            if is_local(route.request.url, origin):
                route.continue_()
            else:
                self.blocked.append(route.request.url)
                route.abort("blockedbyclient")

        self.context.route("**/*", only_local)
        self.page = self.context.new_page()
        self.page.on("request", lambda request: self.requests.append(request.url))
        seen = type("Seen", (), {"console_errors": self.errors})()
        self.page.on("console", lambda message: record_console(seen, message))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def open(self, slug: str) -> None:
        self.page.goto(f"{self.origin}/explorer/#{slug}", wait_until="load")
        self.wait_for(slug)

    def wait_for(self, slug: str) -> None:
        self.page.wait_for_selector(f'.dgx-output .dgx-result[data-dgx-combination="{slug}"]')

    def close(self) -> None:
        self.context.close()

    def check_clean(self) -> None:
        assert not self.blocked, self.blocked
        assert all(is_local(url, self.origin) for url in self.requests), self.requests
        assert not self.errors, self.errors


@pytest.fixture
def explorer_page(chromium, site_origin):
    pages = []

    def make(**options) -> Page:
        page = Page(chromium, site_origin, **options)
        pages.append(page)
        return page

    yield make
    for page in pages:
        page.close()


def test_a_linked_choice_loads_with_its_output_size(explorer_page) -> None:
    page = explorer_page()
    for slug in CHOICES:
        page.open(slug)
        c = combination(slug)
        expected = expected_size(c)
        result = page.page.locator(".dgx-output .dgx-result")
        if isinstance(expected, str):
            assert result.get_attribute("data-dgx-valid") == "false"
            assert page.page.inner_text(".dgx-invalid") == expected
            assert expected in page.page.inner_text(".dgx-status")
            continue
        size = page.page.locator(".dgx-size")
        assert size.get_attribute("data-output-size") == str(expected), slug
        assert size.inner_text() == f"{expected} × {expected}", slug
        assert page.page.inner_text(".dgx-status") == f"Output {expected} × {expected}."
        # The pickers show the choice, and only the fragment of this choice was fetched.
        assert page.page.locator('select[name="n"]').input_value() == str(c.n)
        fetched = [url for url in page.requests if "/generated/explorer/" in url]
        assert fetched[-1].endswith(f"/generated/explorer/{slug}.html"), fetched
    page.check_clean()


def test_the_pickers_choose_and_the_hash_follows(explorer_page) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = explorer_page(theme="dark")
    page.open("conv-n5-k3-s1-p1-d1")
    page.page.select_option('select[name="s"]', "3")
    page.wait_for("conv-n5-k3-s3-p1-d1")
    assert page.page.evaluate("location.hash") == "#conv-n5-k3-s3-p1-d1"
    assert page.page.locator(".dgx-size").get_attribute("data-output-size") == str(
        layers.conv_output_size(5, 3, 3, 1, 1)
    )
    # The second tab by keyboard: arrow right on the selected tab.
    page.page.focus('[role="tab"][aria-selected="true"]')
    page.page.keyboard.press("ArrowRight")
    page.page.wait_for_selector('.dgx-result[data-dgx-combination^="transposed-"]')
    assert page.page.get_attribute("#dgx-tab-transposed", "aria-selected") == "true"
    page.page.select_option('select[name="op"]', "1")
    slug = page.page.evaluate("location.hash").removeprefix("#")
    page.wait_for(slug)
    assert page.page.locator('select[name="op"]').is_visible()
    violations = Axe().run(page.page).response["violations"]
    assert not violations, [(v["id"], v["nodes"][0]["target"]) for v in violations]
    page.check_clean()


def lit(page: Page, root: str) -> list[dict]:
    return page.page.eval_on_selector(root, ATTRIBUTES)


def layer_index(c: explorer.Combination) -> np.ndarray:
    """The layer's matrix structure, one row per output, from conv_matrix_index: a
    transposed convolution's is C-transpose, C being the matrix of the convolution from
    the transposed output's size (exact for output_padding below the stride)."""
    kernel = (1, 1, c.kernel, c.kernel)
    kwargs = {"stride": c.stride, "padding": c.padding, "dilation": c.dilation}
    if c.mode == "conv":
        return layers.conv_matrix_index(kernel, (1, c.n, c.n), **kwargs)
    assert c.output_padding < c.stride
    size = layers.conv_transpose_output_size(
        c.n, c.kernel, c.stride, c.padding, c.dilation, c.output_padding
    )
    return layers.conv_matrix_index(kernel, (1, size, size), **kwargs).T


def expected_lit(index: np.ndarray, pointed: dict, items: list[dict]) -> list[bool]:
    """Which elements pointing at ``pointed`` lights, from the layer's ``index``: for an
    output, it everywhere, its products, the inputs its row reads and the weights it
    uses; for a weight, every copy of it; for an input, its products and every output
    that reads it."""
    keys = [k for k in ("step", "weight", "input") if pointed[k] is not None]
    if len(keys) == 3:  # a product: it in every view, every copy of its weight, and its
        # output, input and weight themselves
        s, w, j = (int(pointed[k]) - 1 for k in ("step", "weight", "input"))
        triple = (str(s + 1), str(j + 1), str(w + 1))
        return [
            (item["step"], item["input"]) == triple[:2] or item["weight"] == triple[2]
            if all(item[k] is not None for k in ("step", "input", "weight"))
            else item["step"] == triple[0] or item["input"] == triple[1]
            or item["weight"] == triple[2]
            for item in items
        ]  # fmt: skip
    key = keys[0]
    value = int(pointed[key]) - 1
    wanted = []
    for item in items:
        product = sum(item[k] is not None for k in ("step", "input", "weight")) > 1
        step, inp, weight = (None if item[k] is None else int(item[k]) - 1
                             for k in ("step", "input", "weight"))  # fmt: skip
        if key == "step":
            row = index[value]
            reads = set(np.flatnonzero(row >= 0).tolist())
            uses = {int(row[q]) for q in reads}
            on = step == value if product else (step == value or inp in reads or weight in uses)
        elif key == "weight":
            on = weight == value
        else:
            readers = set(np.flatnonzero(index[:, value] >= 0).tolist())
            on = inp == value if product else (inp == value or step in readers)
        wanted.append(on)
    return wanted


#: (choice, view, what to point at): an output, a weight, an input, a matrix entry.
POINTS = [
    ("conv-n5-k3-s2-p1-d1", "window", '[data-dg-step="5"][tabindex]'),
    ("conv-n5-k3-s2-p1-d1", "window", '[data-dg-weight="2"][tabindex]'),
    ("conv-n5-k3-s2-p1-d1", "matrix", '[data-dg-weight="2"][data-dg-step="5"]'),
    ("conv-n5-k3-s2-p1-d1", "network", '[data-dg-input="7"][tabindex]'),
    ("conv-n4-k2-s1-psame-d2", "matrix", '[data-dg-step="16"][tabindex]'),
    ("transposed-n3-k3-s2-p1-d1-op1", "matrix-t", '[data-dg-step="9"][tabindex]'),
    ("transposed-n3-k3-s2-p1-d1-op1", "window", '[data-dg-input="5"][tabindex]'),
    ("transposed-n3-k3-s2-p1-d1-op1", "matrix", '[data-dg-input="2"][tabindex]'),
]
READ = """el => ({step: el.dataset.dgStep || null, input: el.dataset.dgInput || null,
               weight: el.dataset.dgWeight || null})"""


@pytest.mark.parametrize("how", ["mouse", "keyboard", "touch"])
def test_pointing_lights_what_the_layer_math_links(explorer_page, how: str) -> None:
    touch = how == "touch"
    page = explorer_page(viewport=PHONE if touch else LAPTOP, touch=touch)
    shown = None
    for slug, view, what in POINTS:  # in order of choice: each is opened once
        if slug != shown:
            page.open(slug)
            shown = slug
        if not page.page.evaluate("!!(window.dgLinked && window.dgLinked.attach)"):
            pytest.skip("docs/assets/linked.js (the lead's linked views) is not on this branch")
        target = page.page.locator(f'[data-dgx-view="{view}"] {what}')
        pointed = target.evaluate(READ)
        if how == "keyboard" and all(pointed.values()):
            continue  # a matrix entry is not a tab stop (its output, input and weight are)
        if how == "mouse":
            target.hover()
        elif how == "keyboard":
            target.focus()
        else:
            target.tap()
        items = lit(page, ".dgx-output")
        wanted = expected_lit(layer_index(combination(slug)), pointed, items)
        assert [item["on"] for item in items] == wanted, (slug, view, what)
        assert [item["off"] for item in items] == [not w for w in wanted], (slug, view, what)
        assert sum(wanted) > 1
        # Let go, so the next point starts from nothing lit: a tap pins (tap again),
        # Escape clears what the keyboard chose, the mouse leaves.
        if how == "touch":
            target.tap()
        elif how == "keyboard":
            page.page.keyboard.press("Escape")
        else:
            page.page.mouse.move(0, 0)
        assert not any(item["on"] for item in lit(page, ".dgx-output")), (slug, view, what)
    page.check_clean()


def test_step_controls_walk_every_placement(explorer_page) -> None:
    page = explorer_page()
    slug = "conv-n4-k3-s1-p1-d1"
    page.open(slug)
    texts = page.page.eval_on_selector(
        ".dgx-output script.dg-steps", "s => JSON.parse(s.textContent)"
    )
    index = layer_index(combination(slug))
    assert len(texts) == index.shape[0]
    for step in range(1, index.shape[0] + 1):
        page.page.click(".dg-step-controls button[aria-label='Next step']")
        assert page.page.inner_text(".dg-step-controls .dg-step-text") == texts[step - 1]
        on = page.page.eval_on_selector_all(
            '.dgx-output [data-dgx-view="matrix"] .dg-on[data-dg-step]:not([data-dg-input])',
            "els => els.map(e => e.dataset.dgStep)",
        )
        assert on == [str(step)]
    page.check_clean()


LEGIBILITY = """() => {
  const texts = [...document.querySelectorAll(".dgx-output svg.dgx-svg text")];
  const svgs = [...document.querySelectorAll(".dgx-output svg.dgx-svg")];
  return {
    smallest: Math.min(...texts.map(t => parseFloat(getComputedStyle(t).fontSize))),
    scaled: svgs.filter(s => Math.abs(s.getBoundingClientRect().width
                                      - Number(s.getAttribute("width"))) > 0.5).length,
    frames: [...document.querySelectorAll(".dgx-output .dgx-frame")].map(f => ({
      scrolls: f.scrollWidth > f.clientWidth + 1,
      hint: !!(f.previousElementSibling && f.previousElementSibling.matches(".dgx-hint")
               && f.previousElementSibling.checkVisibility()),
    })),
  };
}"""


@pytest.mark.parametrize("viewport", ["laptop", "phone"])
def test_views_keep_legible_text_and_scroll_in_their_frame(explorer_page, viewport) -> None:
    """Text is 11 CSS px or more, no view is shrunk, and a view wider than the column
    scrolls in its own frame with a visible hint (the largest drawing, on a phone too)."""
    phone = viewport == "phone"
    page = explorer_page(viewport=PHONE if phone else LAPTOP, touch=phone)
    page.open("conv-n7-k4-s1-p2-d1")
    seen = page.page.evaluate(LEGIBILITY)
    assert seen["smallest"] >= 11
    assert seen["scaled"] == 0
    assert any(frame["scrolls"] for frame in seen["frames"])
    for frame in seen["frames"]:
        assert frame["hint"] == frame["scrolls"], seen["frames"]
    page.check_clean()
