"""Linked views: which drawn element is which output, input and kernel weight.

A figure that can take part in the page's linked views defines ``links(data) -> Links``:
for each drawn element, by the gid the drawing gave it, the placement (step) that writes
it, the input it reads and the kernel weight it uses, all computed from the layer math
(:func:`diagram_gen.layers.conv_matrix_index`), never from the drawing. The site build
writes them beside the figure (``linked`` in ``ID.json``), and the page hook turns the
figure's SVG into an inline ``<svg>`` whose elements carry the contract's attributes
(:func:`inline_svg`); ``docs/assets/linked.js`` lights them.

The contract (also on the legend page): a linked figure is an inline ``<svg>`` inside an
element with class ``dg-linked`` and ``data-dg-group`` naming its example. An element
that belongs to one output carries only ``data-dg-step`` (the 1-based placement that
writes it), one input only ``data-dg-input``, one kernel weight only ``data-dg-weight``;
a product (a matrix entry, an edge, a covered cell of a placement) carries all three.
The outputs, inputs and weights themselves are focusable and named (``output y₁₂ = 8``).
Two figures of the same example on one page form one group: the group's name is a hash
of the example's arrays and parameters, so it cannot join two different examples.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from diagram_gen.examples import format_number
from diagram_gen.steps import Step, dg_attributes


@dataclass(frozen=True)
class Link:
    """What one drawn element is: 0-based flat indices, as in a :class:`Step`.

    ``step`` is the output's flat index (its placement is ``step + 1``); ``label``, for an
    output, an input or a weight itself (not for a product), is its accessible name, and
    makes the element a keyboard stop.
    """

    step: int | None = None
    weight: int | None = None
    input: int | None = None
    label: str | None = None

    def attributes(self) -> dict[str, str]:
        """The element's ``data-dg-*`` attributes (1-based)."""
        step = None if self.step is None else self.step + 1
        return dg_attributes(step=step, weight=self.weight, input=self.input)


@dataclass(frozen=True)
class Links:
    """A figure's linked elements (gid -> :class:`Link`), its group and its step texts."""

    group: str
    elements: Mapping[str, Link]
    steps: Sequence[str] = field(default_factory=tuple)

    def as_json(self) -> dict[str, object]:
        """What the build writes into ``ID.json`` (1-based attributes, by gid)."""
        elements = {}
        for gid, link in sorted(self.elements.items()):
            entry: dict[str, str] = dict(link.attributes())
            if link.label:
                entry["label"] = link.label
            elements[gid] = entry
        return {"group": self.group, "elements": elements, "steps": list(self.steps)}


def group_name(kind: str, *arrays: np.ndarray, **settings: object) -> str:
    """The name of an example's group: ``kind`` and a hash of its numbers and settings."""
    digest = hashlib.sha256(kind.encode())
    for array in arrays:
        array = np.ascontiguousarray(array, dtype=float)
        digest.update(repr(array.shape).encode() + array.tobytes())
    digest.update(repr(sorted(settings.items())).encode())
    return f"{kind}-{digest.hexdigest()[:10]}"


def conv_group(example) -> str:
    """The group of a :class:`~diagram_gen.examples.ConvLayer`: its input, kernel, bias
    and output. Figures that draw the same layer join, whatever form they hold it in."""
    output = example.output()
    return group_name(
        "conv",
        example.image,
        example.kernel,
        example.bias,
        output,
        shapes=(example.image.shape, example.kernel.shape, output.shape),
    )


def dense_index(shape: tuple[int, int]) -> np.ndarray:
    """A fully connected layer's matrix as :func:`~diagram_gen.layers.conv_matrix_index`
    would write it: every entry its own weight, numbered row by row as in ``W.ravel()``."""
    return np.arange(shape[0] * shape[1]).reshape(shape)


def dense_group(layer) -> str:
    """The group of a fully connected layer: its weights, input and bias."""
    return group_name("dense", layer.weights, layer.x, layer.bias)


def named(kind: str, name: str, value: float | None = None) -> str:
    """An element's accessible name: ``output y₁₂ = 8`` (``output y₁₂`` without a value)."""
    return f"{kind} {name}" + ("" if value is None else f" = {format_number(value)}")


def step_texts(steps: Iterable[Step]) -> tuple[str, ...]:
    """The written steps, as the step controls show them."""
    return tuple(step.text for step in steps)


def tag(
    elements: dict[str, Link], gids: Iterable[str], link: Link, *, focus: str | None = None
) -> None:
    """Give every gid of ``gids`` the link; ``focus``, one of them, also gets its label
    (the one keyboard stop of the thing it draws); the others go without."""
    plain = Link(link.step, link.weight, link.input)
    for gid in gids:
        elements[gid] = link if gid == focus else plain


#: An element of the computation that is no output, input, weight or product (an
#: untrainable zero): it fades when something is pointed at (``data-dg-rest``).
REST = Link()

_FIELD = {"output": "step", "input": "input", "weight": "weight"}


def tag_each(
    elements: dict[str, Link],
    kind: str,
    names: Sequence[str],
    values: Sequence[float] | None,
    gids: Callable[[int], Sequence[str]],
    *,
    focus: bool = True,
) -> None:
    """Tag every output, input or weight (``kind``) by its flat index: ``gids(index)``
    are the elements that draw it, the first of them its named keyboard stop (none
    without ``focus``: another view of the figure holds the stops)."""
    for flat, name in enumerate(names):
        drawn = list(gids(flat))
        value = None if values is None else float(values[flat])
        link = Link(**{_FIELD[kind]: flat}, label=named(kind, name, value))
        tag(elements, drawn, link, focus=drawn[0] if drawn and focus else None)


def product_elements(index: np.ndarray, cell: str, *, transpose: bool = False) -> dict[str, Link]:
    """The entries of a convolution's matrix: entry ``(i, j)`` of
    :func:`~diagram_gen.layers.conv_matrix_index` is output ``i`` reading input ``j``
    through weight ``index[i, j]``. ``cell`` names the drawn entry's gids, formatted with
    the row and column as drawn (``"m-{row}-{col}"``: its text, and with ``-box`` its
    square); ``transpose`` draws the matrix transposed (Cᵀ), row ``j``, column ``i``.
    Untrainable zeros are no product: they fade with the rest (:data:`REST`)."""
    elements: dict[str, Link] = {}
    for (i, j), k in np.ndenumerate(index):
        row, col = (j, i) if transpose else (i, j)
        gid = cell.format(row=row, col=col)
        link = Link(step=int(i), weight=int(k), input=int(j)) if k >= 0 else REST
        tag(elements, (gid, f"{gid}-box"), link)
    return elements


def network_elements(
    index: np.ndarray,
    x: Sequence[float],
    y: Sequence[float],
    x_names: Sequence[str],
    y_names: Sequence[str],
    *,
    inputs: Callable[[int], Sequence[str]],
    outputs: Callable[[int], Sequence[str]],
    edge: Callable[[int, int], Sequence[str]],
    weights: bool = True,
    focus: bool = True,
) -> dict[str, Link]:
    """A network drawn from a convolution's matrix: ``edge(i, j)`` are the gids of the
    edge from input ``j`` to output ``i`` (and its label), ``inputs(j)`` and
    ``outputs(i)`` those of the nodes. An edge that holds a zero fades with the rest.
    Without ``weights`` the edges are not the kernel's (a locally connected layer's own
    weights): they link their output and input only."""
    elements: dict[str, Link] = {}
    for (i, j), k in np.ndenumerate(index):
        link = REST
        if k >= 0:
            link = Link(step=int(i), weight=int(k) if weights else None, input=int(j))
        tag(elements, edge(int(i), int(j)), link)
    tag_each(elements, "input", x_names, x, inputs, focus=focus)
    tag_each(elements, "output", y_names, y, outputs, focus=focus)
    return elements


# --- the page: an SVG file made into an inline, linked view ------------------------------

_PROLOGUE = re.compile(r"\A.*?(?=<svg\b)", re.S)
_ID = re.compile(r'\bid="([^"]*)"')
_REFERENCE = re.compile(r'(href="#|url\(#)([^")]+)')
_SVG_OPEN = re.compile(r"<svg\b([^>]*)>")
#: matplotlib's stylesheet (``*{stroke-linejoin: round}``): inline, it would style the
#: whole page; docs/assets/site.css gives the views the same rule.
_STYLE = re.compile(r"<style\b.*?</style>", re.S)


def inline_svg(
    svg: str, elements: Mapping[str, Mapping[str, str]], *, prefix: str, label: str
) -> str:
    """The figure's SVG as an inline view: every id prefixed (so light and dark copies,
    or two figures, can share a page), every linked element given its attributes.

    Parameters
    ----------
    svg : str
        The figure's SVG file, as written by the exporter.
    elements : mapping
        gid -> attributes, from :meth:`Links.as_json` (``label`` makes the element a
        named keyboard stop).
    prefix : str
        Prepended to every id (and every reference to one).
    label : str
        The figure's accessible name (its alt text).
    """
    # A gid ending in ``*`` names every element whose gid starts with the rest.
    prefixes = sorted((g for g in elements if g.endswith("*")), key=len, reverse=True)
    body = _STYLE.sub("", _PROLOGUE.sub("", svg, count=1))

    def identify(match: re.Match[str]) -> str:
        gid = html.unescape(match.group(1))  # Graphviz writes "-" as "&#45;"
        attributes = {"id": f"{prefix}{gid}"}
        link = elements.get(gid)
        if link is None:
            link = next((elements[p] for p in prefixes if gid.startswith(p[:-1])), None)
        if link is not None and not any(k.startswith("data-dg-") for k in link):
            attributes["data-dg-rest"] = ""
        elif link is not None:
            attributes.update({k: v for k, v in link.items() if k.startswith("data-dg-")})
            if link.get("label"):
                attributes.update(tabindex="0", role="button", **{"aria-label": link["label"]})
        return " ".join(f'{k}="{html.escape(v, quote=True)}"' for k, v in attributes.items())

    body = _ID.sub(identify, body)
    body = _REFERENCE.sub(lambda m: f"{m.group(1)}{prefix}{m.group(2)}", body)
    opening = f'<svg class="dg-view" role="group" aria-label="{html.escape(label, quote=True)}"'
    return _SVG_OPEN.sub(lambda m: f"{opening}{m.group(1)}>", body, count=1)
