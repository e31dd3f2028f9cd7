"""Linked views on the built site, in the real Chromium: pointing at an output, a weight or
an input (hover, keyboard, tap) lights what belongs to it in every view of its group,
checked against conv_matrix_index of the example (not against the drawing code); the
step controls step through the placements, with the animation's step texts."""

from __future__ import annotations

import numpy as np
import pytest

from diagram_gen import examples, layers, registry
from diagram_gen.steps import layer_steps

#: The pages with linked views, and the linked figures on each.
PAGES = {
    "/": ("conv-linked",),
    "/fully-connected/": ("fc-matrix", "fc-graph"),
    "/viewpoints/": (
        "conv-sliding", "conv-equations", "conv-network", "conv-matrix", "conv-dense-graph",
    ),
    "/sparse-and-shared/": ("sparse-connectivity-1d", "weight-sharing-1d"),
    "/channels/": ("multichannel-matrix",),
    "/transposed/": ("transposed-matrix",),
}  # fmt: skip

#: Every linked element of the page's visible views: its figure, attributes and state.
ELEMENTS = """() => [...document.querySelectorAll('.dg-linked')].flatMap(root =>
  [...root.querySelectorAll('[data-dg-step], [data-dg-weight], [data-dg-input]')]
    .filter(el => el.closest('svg').checkVisibility())
    .map(el => ({figure: root.closest('figure').dataset.dgFigure,
                 group: root.dataset.dgGroup,
                 step: el.dataset.dgStep, weight: el.dataset.dgWeight,
                 input: el.dataset.dgInput, focus: el.getAttribute('tabindex') === '0',
                 id: el.id, on: el.classList.contains('dg-on'),
                 off: el.classList.contains('dg-off')})))"""


def index_of(figure_id: str) -> np.ndarray:
    """conv_matrix_index of the figure's example; for a fully connected layer, every
    entry its own weight, numbered as in W.ravel()."""
    example = registry.get(figure_id).example()
    if isinstance(example, examples.Dense):
        n_out, n_in = example.weights.shape
        return np.arange(n_out * n_in).reshape(n_out, n_in)
    return layers.conv_matrix_index(
        example.kernel.shape, example.image.shape, **example.layer_kwargs
    )


def kind(e: dict) -> str:
    present = [k for k in ("step", "weight", "input") if e[k] is not None]
    return "product" if len(present) > 1 else present[0]


def num(value: str | None) -> int | None:
    return None if value is None else int(value) - 1


def check_lit(elements: list[dict], pointed: dict, index: np.ndarray) -> int:
    """What must be lit when ``pointed`` is pointed at, from the layer's ``index``;
    returns how many elements are lit."""
    group = [e for e in elements if e["group"] == pointed["group"]]
    lit = [e for e in group if e["on"]]
    assert lit, "nothing lit"
    assert all(e["off"] for e in group if not e["on"]), "an unlit element is not dimmed"
    what = kind(pointed)
    s, w, j = num(pointed["step"]), num(pointed["weight"]), num(pointed["input"])
    for e in group:
        es, ew, ej = num(e["step"]), num(e["weight"]), num(e["input"])
        k = kind(e)
        if what == "step":
            reads = {int(c) for c in np.flatnonzero(index[s] >= 0)}
            weights = {int(index[s, c]) for c in reads}
            expected = {
                "product": es == s,
                "step": es == s,
                "input": ej in reads,
                "weight": ew in weights,
            }[k]
        elif what == "weight":
            expected = ew == w
        elif what == "input":
            readers = {int(r) for r in np.flatnonzero(index[:, j] >= 0)}
            expected = {
                "product": ej == j,
                "step": es in readers,
                "input": ej == j,
                "weight": False,
            }[k]
        else:  # a product: that entry in every view, every copy of its weight, and its
            # output, input and weight themselves
            expected = {
                "product": (es, ej) == (s, j) or (w is not None and ew == w),
                "step": es == s,
                "input": ej is not None and ej == j,
                "weight": ew is not None and ew == w,
            }[k]
        assert e["on"] == expected, f"{what} {pointed} {e}"
    return len(lit)


def open_page(chromium, site_origin, path, **context_options):
    options = {"reduced_motion": "reduce", **context_options}
    context = chromium.new_context(**options)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(site_origin + path, wait_until="load")
    return context, page, errors


def stops(page, figure_id: str, attribute: str):
    """The keyboard stops of one kind (step, input, weight) in the figure's shown view."""
    figure = f"[data-dg-figure='{figure_id}'] svg:visible"
    return page.locator(f"{figure} [tabindex='0'][data-dg-{attribute}]")


def pointed_at(element) -> dict:
    """The group and the data-dg attributes of a located element."""
    group = element.evaluate("e => e.closest('.dg-linked').dataset.dgGroup")
    keys = ("step", "weight", "input")
    return {"group": group, **{k: element.get_attribute(f"data-dg-{k}") for k in keys}}


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_hover_lights_the_same_thing_in_every_view(chromium, site_origin, path, theme):
    context, page, errors = open_page(chromium, site_origin, path, color_scheme=theme)
    try:
        for figure_id in PAGES[path]:
            index = index_of(figure_id)
            for attribute in ("step", "input", "weight"):
                targets = stops(page, figure_id, attribute)
                if not targets.count():
                    continue
                for n in sorted({0, targets.count() - 1}):
                    target = targets.nth(n)
                    target.scroll_into_view_if_needed()
                    target.hover(force=True)
                    check_lit(page.evaluate(ELEMENTS), pointed_at(target), index)
            # A product (an entry, an edge, a covered cell, a term) in every view too.
            products = page.locator(
                f"[data-dg-figure='{figure_id}'] svg:visible [data-dg-step][data-dg-input]"
            )
            for n in sorted({0, products.count() - 1}):
                target = products.nth(n)
                # On the element itself: where lines cross, the mouse could meet another.
                target.dispatch_event("pointerover", {"pointerType": "mouse", "bubbles": True})
                check_lit(page.evaluate(ELEMENTS), pointed_at(target), index)
            page.mouse.move(0, 0)
            page.locator(f"[data-dg-figure='{figure_id}'] .dg-linked").dispatch_event(
                "pointerleave"
            )
            assert not any(e["on"] or e["off"] for e in page.evaluate(ELEMENTS)), "not cleared"
        assert not errors, errors
    finally:
        context.close()


def test_an_output_lights_its_row_its_window_and_its_edges_in_every_view(chromium, site_origin):
    # The running example on /viewpoints/: pointing at y₁₂ in the matrix lights, in the
    # other views, exactly the products of its row of conv_matrix_index.
    context, page, _ = open_page(chromium, site_origin, "/viewpoints/")
    try:
        index = index_of("conv-matrix")
        stops(page, "conv-matrix", "step").nth(1).hover(force=True)
        elements = page.evaluate(ELEMENTS)
        for figure_id in ("conv-sliding", "conv-network", "conv-dense-graph"):
            lit = {
                (num(e["input"]), num(e["weight"]))
                for e in elements
                if e["figure"] == figure_id and e["on"] and kind(e) == "product"
            }
            row = {(int(c), int(index[1, c])) for c in np.flatnonzero(index[1] >= 0)}
            assert lit == row, figure_id
    finally:
        context.close()


def test_keyboard_focus_lights_and_enter_pins(chromium, site_origin):
    context, page, errors = open_page(chromium, site_origin, "/viewpoints/")
    try:
        index = index_of("conv-matrix")
        first = stops(page, "conv-matrix", "input").first
        first.focus()
        page.keyboard.press("Tab")  # the next stop, reached by the keyboard
        focused = page.evaluate(
            "() => ({group: document.activeElement.closest('.dg-linked').dataset.dgGroup,"
            " step: document.activeElement.dataset.dgStep ?? null,"
            " weight: document.activeElement.dataset.dgWeight ?? null,"
            " input: document.activeElement.dataset.dgInput ?? null,"
            " name: document.activeElement.getAttribute('aria-label')})"
        )
        assert focused["name"], focused
        name = focused.pop("name")
        check_lit(page.evaluate(ELEMENTS), focused, index)
        page.keyboard.press("Enter")  # pinned: stays lit when the focus leaves
        page.evaluate("() => document.activeElement.blur()")
        check_lit(page.evaluate(ELEMENTS), focused, index)
        assert name.startswith(("input x", "output y"))
        page.keyboard.press("Escape")  # lets go
        assert not any(e["on"] or e["off"] for e in page.evaluate(ELEMENTS))
        first.focus()
        page.keyboard.press("Enter")
        page.locator("h1").first.click()  # so does a click outside the views
        assert not any(e["on"] or e["off"] for e in page.evaluate(ELEMENTS))
        assert not errors, errors
    finally:
        context.close()


def test_a_tap_on_a_phone_pins_what_was_tapped(chromium, site_origin):
    context, page, errors = open_page(
        chromium, site_origin, "/viewpoints/",
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
    )  # fmt: skip
    try:
        index = index_of("conv-matrix")
        weight = stops(page, "conv-sliding", "weight").nth(2)
        weight.scroll_into_view_if_needed()
        weight.tap(force=True)
        pointed = pointed_at(weight)
        count = check_lit(page.evaluate(ELEMENTS), pointed, index)
        # Every copy of the weight: its entries of C among them.
        w = int(pointed["weight"]) - 1
        lit_matrix = [
            e for e in page.evaluate(ELEMENTS)
            if e["figure"] == "conv-matrix" and e["on"] and kind(e) == "product"
        ]  # fmt: skip
        assert len({e["id"].split("-m-")[-1].removesuffix("-box") for e in lit_matrix}) == int(
            (index == w).sum()
        )
        assert count > 0
        weight.tap(force=True)  # a second tap lets go
        assert not any(e["on"] for e in page.evaluate(ELEMENTS))
        assert not errors, errors
    finally:
        context.close()


ACTIVE = """() => ({group: document.activeElement.closest('.dg-linked')?.dataset.dgGroup,
  figure: document.activeElement.closest('figure')?.dataset.dgFigure,
  step: document.activeElement.dataset.dgStep ?? null,
  weight: document.activeElement.dataset.dgWeight ?? null,
  input: document.activeElement.dataset.dgInput ?? null})"""


@pytest.mark.parametrize("path", PAGES)
def test_the_keyboard_reaches_every_view_and_lights_it(chromium, site_origin, path):
    context, page, errors = open_page(chromium, site_origin, path)
    try:
        for figure_id in PAGES[path]:
            first = stops(page, figure_id, "step")
            if not first.count():  # conv-equations: reached through the step controls
                continue
            first.first.focus()
            page.keyboard.press("Tab")
            focused = page.evaluate(ACTIVE)
            assert focused["figure"], f"Tab left the views of {figure_id}"
            check_lit(page.evaluate(ELEMENTS), focused, index_of(focused.pop("figure")))
        assert not errors, errors
    finally:
        context.close()


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_a_tap_on_a_phone_pins_on_every_page(chromium, site_origin, path, theme):
    context, page, errors = open_page(
        chromium, site_origin, path, color_scheme=theme,
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
    )  # fmt: skip
    try:
        for figure_id in PAGES[path]:
            targets = stops(page, figure_id, "input")
            if not targets.count():
                continue
            target = targets.nth(targets.count() // 2)
            target.scroll_into_view_if_needed()
            target.tap(force=True)
            check_lit(page.evaluate(ELEMENTS), pointed_at(target), index_of(figure_id))
            target.tap(force=True)  # a second tap lets go
            assert not any(e["on"] for e in page.evaluate(ELEMENTS)), figure_id
        assert not errors, errors
    finally:
        context.close()


@pytest.mark.parametrize("path, figure_id", [("/viewpoints/", "conv-matrix"), ("/", "conv-linked")])
def test_step_controls_step_through_every_placement(chromium, site_origin, path, figure_id):
    context, page, errors = open_page(chromium, site_origin, path)
    try:
        spec = registry.get(figure_id)
        texts = [s.text for s in layer_steps(spec.example())]
        index = index_of(figure_id)
        figure = page.locator(f"[data-dg-figure='{figure_id}']")
        controls = figure.locator(".dg-step-controls")
        controls.scroll_into_view_if_needed()
        next_button = controls.get_by_role("button", name="Next step")
        group = figure.locator(".dg-linked").get_attribute("data-dg-group")
        for k, text in enumerate(texts):
            next_button.click()
            assert controls.locator(".dg-step-text").inner_text() == text
            check_lit(page.evaluate(ELEMENTS), {"group": group, "step": str(k + 1),
                                                "weight": None, "input": None}, index)  # fmt: skip
        next_button.click()  # round again
        assert controls.locator(".dg-step-text").inner_text() == texts[0]
        next_button.focus()
        page.keyboard.press("ArrowLeft")
        assert controls.locator(".dg-step-text").inner_text() == texts[-1]
        live = page.locator(".dg-step-text[aria-live='polite']")
        assert live.count() >= 1
        assert not errors, errors
    finally:
        context.close()


def test_a_former_animation_plays_and_pauses_unless_motion_is_reduced(chromium, site_origin):
    context, page, _ = open_page(chromium, site_origin, "/", reduced_motion="no-preference")
    try:
        text = page.locator("[data-dg-figure=conv-linked] .dg-step-text")
        first = text.inner_text()
        page.wait_for_function(
            "(t) => document.querySelector("
            "'[data-dg-figure=conv-linked] .dg-step-text').textContent !== t",
            arg=first,
            timeout=5000,
        )
        play = page.locator("[data-dg-figure=conv-linked] .dg-step-controls button[aria-pressed]")
        assert play.get_attribute("aria-pressed") == "true"
        play.click()
        assert play.get_attribute("aria-pressed") == "false"
        paused = text.inner_text()
        page.wait_for_timeout(2000)
        assert text.inner_text() == paused
    finally:
        context.close()
    context, page, _ = open_page(chromium, site_origin, "/")  # reduced motion
    try:
        play = page.locator("[data-dg-figure=conv-linked] .dg-step-controls button[aria-pressed]")
        assert play.get_attribute("aria-pressed") == "false"
    finally:
        context.close()
