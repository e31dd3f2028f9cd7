"""``cost-measured`` plots the committed benchmark file, and only that file.

Every expected value is read here from the JSON file with the standard library, not
through the figure module's reader, and the memory-limit side is worked out by a plain
search, so a mistake in the reader or in the drawing shows up as a difference.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import numpy as np
import pytest
from matplotlib.lines import Line2D
from matplotlib.text import Text

from diagram_gen import cli, registry
from diagram_gen.style import DARK, LIGHT

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "benchmarks" / "data" / "cost-benchmark.json"
METHODS = ("dense", "im2col", "direct")


def committed() -> dict:
    return json.loads(COMMITTED.read_text(encoding="utf-8"))


def measured(record: dict, method: str) -> tuple[list[int], list[float]]:
    points = [p for p in record["results"][method] if p["seconds"] is not None]
    return [p["side"] for p in points], [p["seconds"] for p in points]


def first_side_that_does_not_fit(memory: int, c_in: int, c_out: int) -> int:
    """The smallest side whose dense float64 matrix exceeds ``memory``, by search."""
    side = 1
    while (c_out * side * side) * (c_in * side * side) * 8 <= memory:
        side += 1
    return side


def draw(theme=LIGHT, **overrides):
    spec = registry.get("cost-measured")
    data = spec.data(overrides)
    return spec, data, spec.draw(data, theme)


def lines(fig) -> dict[str, Line2D]:
    return {line.get_gid(): line for line in fig.findobj(Line2D) if line.get_gid()}


def texts(fig) -> dict[str, str]:
    return {t.get_gid(): t.get_text() for t in fig.findobj(Text) if t.get_gid()}


def one_sentence(message: str) -> bool:
    return (
        message.endswith(".")
        and "\n" not in message
        and re.search(r"[.!?]\s+[A-Z]", message) is None
    )


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=lambda t: t.name)
def test_curves_are_the_committed_numbers(theme):
    # Proves each curve's points are exactly the file's measured (side, seconds) pairs and
    # that skipped points (null seconds) are not drawn; each curve is named at its end
    # with its last time, and the three differ in line style and marker, not only colour.
    record = committed()
    _, _, fig = draw(theme)
    drawn = lines(fig)
    styles = set()
    for method in METHODS:
        sides, seconds = measured(record, method)
        line = drawn[f"time-{method}"]
        np.testing.assert_array_equal(line.get_xdata(), sides)
        np.testing.assert_array_equal(line.get_ydata(), seconds)
        styles.add((line.get_linestyle(), line.get_marker()))
        label = texts(fig)[f"label-{method}"]
        assert label.endswith(_time(seconds[-1]))
    assert len(styles) == 3
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"


def _time(seconds: float) -> str:
    """The test's own formatting: three significant digits in s, ms or µs."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale or unit == "µs":
            return f"{seconds / scale:.3g} {unit}"
    raise AssertionError


def test_memory_line_sits_at_the_computed_side():
    # Proves the dotted line is at the first side whose dense matrix exceeds the machine's
    # memory (found here by search), that the file agrees, and that the label says the
    # side and the memory in GiB.
    record = committed()
    memory = record["machine"]["memory_bytes"]
    side = first_side_that_does_not_fit(memory, 1, 1)
    assert record["dense_memory"]["first_side_that_does_not_fit"] == side
    assert record["dense_memory"]["largest_side_that_fits"] == side - 1
    _, data, fig = draw()
    line = lines(fig)["memory-limit"]
    assert list(line.get_xdata()) == [side, side]
    assert line.get_linestyle() == ":"
    label = texts(fig)["memory-limit-label"]
    assert f"n = {side:,}" in label and f"{memory / 2**30:.1f} GiB" in label
    assert f"{side**4 * 8 / 2**30:.1f} GiB" in label
    low, high = fig.axes[0].get_xlim()
    assert low < side < high


def test_alt_text_and_caption_name_the_machine_date_and_numbers():
    # Proves the words carry what the picture shows: the CPU, the date, and each method's
    # time at the largest side all three were measured at, and the memory-limit side.
    record = committed()
    spec, data, _ = draw()
    alt, caption = spec.alt(data), spec.caption(data)
    common = max(set.intersection(*(set(measured(record, m)[0]) for m in METHODS)))
    for words in (alt, caption):
        assert record["machine"]["cpu"] in words
        assert record["measured"][:10] in words
        assert f"n = {common}" in words
        for method in METHODS:
            sides, seconds = measured(record, method)
            assert _time(seconds[sides.index(common)]) in words
        side = record["dense_memory"]["first_side_that_does_not_fit"]
        assert f"n = {side}" in words
    skipped = next(p for p in record["results"]["dense"] if p["seconds"] is None)
    assert skipped["reason"] in alt


def test_a_readers_own_file_is_plotted(tmp_path):
    # Proves --set path= plots another measurement: its numbers, its machine, its date,
    # and a memory line moved to the side its memory gives (1 TiB: 609, by search).
    record = copy.deepcopy(committed())
    record["machine"]["cpu"] = "Test CPU 9000"
    record["machine"]["memory_bytes"] = 2**40
    record["measured"] = "2031-02-03T04:05:06+00:00"
    side = first_side_that_does_not_fit(2**40, 1, 1)
    record["dense_memory"].update(largest_side_that_fits=side - 1,
                                  first_side_that_does_not_fit=side)  # fmt: skip
    record["results"]["im2col"] = [{"side": 8, "seconds": 1e-4}, {"side": 16, "seconds": 3e-4}]
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(record))
    spec, data, fig = draw(path=str(path))
    assert side == 609  # 608⁴·8 ≤ 2⁴⁰ < 609⁴·8
    assert list(lines(fig)["memory-limit"].get_xdata()) == [side, side]
    np.testing.assert_array_equal(lines(fig)["time-im2col"].get_ydata(), [1e-4, 3e-4])
    alt = spec.alt(data)
    assert "Test CPU 9000" in alt and "2031-02-03" in alt and "1,024 GiB" in alt


def _broken(record: dict, change) -> dict:
    record = copy.deepcopy(record)
    change(record)
    return record


BROKEN = {
    "no cpu": (lambda r: r["machine"].pop("cpu"), "has no 'machine.cpu' field"),
    "negative time": (
        lambda r: r["results"]["direct"][0].update(seconds=-1.0),
        "'results.direct[0].seconds' = -1.0, which should be a positive number",
    ),
    "skip without reason": (
        lambda r: r["results"]["im2col"][0].update(seconds=None, reason=None),
        "'results.im2col[0].reason' = None",
    ),
    "no measured time": (
        lambda r: [p.update(seconds=None, reason="x") for p in r["results"]["dense"]],
        "has no measured time for the dense method",
    ),
    "wrong limit side": (
        lambda r: r["dense_memory"].update(largest_side_that_fits=100),
        "says the dense matrix fits up to side 100",
    ),
    "sides out of order": (
        lambda r: r["results"]["direct"].reverse(),
        "not larger than the side before it",
    ),
    "date without zone": (
        lambda r: r.update(measured="2026-01-01T00:00:00"),
        "should be an ISO date with a zone",
    ),
    "not an object": (lambda r: r.clear(), "has no 'measured' field"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_malformed_file_is_refused_in_one_sentence(case, tmp_path):
    # Proves each kind of damage stops the figure with one sentence naming the file and
    # the field, before anything is drawn.
    change, expected = BROKEN[case]
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(_broken(committed(), change)))
    with pytest.raises(ValueError) as error:
        registry.get("cost-measured").data({"path": str(path)})
    message = str(error.value)
    assert expected in message and str(path) in message and one_sentence(message), message


@pytest.mark.parametrize(
    ("content", "expected"),
    [(None, "does not exist; `make bench` writes it."),
     ("{not json", "is not valid JSON (Expecting property name enclosed in double quotes"),
     ("[1, 2]", "has no 'measured' field")],
)  # fmt: skip
def test_a_missing_or_unparsable_file_is_refused_in_one_sentence(content, expected, tmp_path):
    path = tmp_path / "cost.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(ValueError) as error:
        registry.get("cost-measured").data({"path": str(path)})
    assert expected in str(error.value) and one_sentence(str(error.value)), str(error.value)


def test_the_cli_refuses_a_missing_file_with_one_line_and_writes_nothing(capsys, tmp_path):
    out = tmp_path / "out"
    status = cli.main(["render", "cost-measured", "--set", f"path={tmp_path / 'none.json'}",
                       "--out", str(out)])  # fmt: skip
    _, err = capsys.readouterr()
    assert status == 2 and err.count("\n") == 1 and "does not exist" in err
    assert not out.exists() or not any(out.iterdir())


def test_the_default_path_is_the_committed_file_wherever_we_run(monkeypatch, tmp_path):
    # Proves the committed file is found from the package, not the working directory, and
    # that the parameter shown to readers is the repository-relative path.
    monkeypatch.chdir(tmp_path)
    spec, data, _ = draw()
    assert spec.defaults == {"path": "benchmarks/data/cost-benchmark.json"}
    assert data.measurement.machine.cpu == committed()["machine"]["cpu"]
