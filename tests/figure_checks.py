"""Checks shared by the figure tests: what a reader would stumble on in a drawn figure."""

from __future__ import annotations

import re

import pytest
from matplotlib.text import Text

from diagram_gen import registry


def assert_text_legible_unclipped_and_apart(fig) -> None:
    """No visible text under 9 pt, none outside the canvas (1 px of slack), and no two
    texts overlapping by more than 1 px in both directions."""
    renderer = fig.canvas.get_renderer()
    width, height = fig.bbox.width, fig.bbox.height
    extents = []
    for text in fig.findobj(Text):
        if not text.get_text() or not text.get_visible():
            continue
        assert text.get_fontsize() >= 9, text.get_text()
        box = text.get_window_extent(renderer)
        assert box.x0 >= -1 and box.y0 >= -1 and box.x1 <= width + 1 and box.y1 <= height + 1
        extents.append((text.get_text(), box))
    for n, (first, a) in enumerate(extents):
        for second, b in extents[n + 1 :]:
            overlap_w = min(a.x1, b.x1) - max(a.x0, b.x0)
            overlap_h = min(a.y1, b.y1) - max(a.y0, b.y0)
            assert overlap_w <= 1 or overlap_h <= 1, (first, second)


def assert_refused_in_one_sentence(figure_id: str, overrides: dict, words) -> None:
    """Computing ``figure_id`` with ``overrides`` raises ValueError in one sentence that
    contains each of ``words`` (the parameter, the rule and the value given)."""
    with pytest.raises(ValueError) as error:
        registry.get(figure_id).data(overrides)
    message = str(error.value)
    assert message.count(". ") == 0 and message.endswith(".")
    for word in words:
        assert word in message, message


def token_rows(fig, prefix: str) -> list[str]:
    """The rows of a written sum or equation with gids ``{prefix}-{row}-{col}-{token}``,
    each row's tokens joined in column order, without spaces."""
    pattern = re.compile(re.escape(prefix) + r"-(\d+)-(\d+)-(\d+)$")
    found = []
    for gid, text in {t.get_gid(): t for t in fig.findobj(Text) if t.get_gid()}.items():
        match = pattern.match(gid)
        if match:
            found.append((tuple(int(g) for g in match.groups()), text.get_text()))
    rows: dict[int, list] = {}
    for (row, _col, _tok), text in sorted(found):
        rows.setdefault(row, []).append(text)
    return ["".join(rows[r]).replace(" ", "") for r in sorted(rows)]
