"""Every parameter of every figure: checked in one sentence, and never ignored.

The registry checks each value a reader sets (``--set KEY=VALUE``) against the parameter's
kind and range before anything is computed; relations between parameters are checked by
the layer math. These tests try wrong kinds, values past each end of the range and random
values inside it, for every figure, and require either a result or one sentence.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diagram_gen import registry
from diagram_gen.params import COMMON, Param

#: The parameters that say how large the input is.
SIZES = {"n_in", "height", "width", "size", "canvas", "n", "size_1d", "size_2d", "size_3d"}
SENTENCE = re.compile(r"^[^\n]+\.$")
PARAMETERS = [
    (spec.id, name) for spec in registry.FIGURES.values() for name in spec.defaults
]  # fmt: skip


def one_sentence(error: ValueError) -> str:
    text = str(error)
    assert SENTENCE.match(text), f"not one sentence: {text!r}"
    assert text.count(". ") == 0 or "e.g." in text, f"more than one sentence: {text!r}"
    return text


@pytest.mark.parametrize(("figure_id", "name"), PARAMETERS)
def test_every_parameter_has_a_kind_and_range(figure_id, name):
    # Proves no parameter reaches the layer math unchecked: each has a declared kind, and
    # its default is allowed by it.
    spec = registry.get(figure_id)
    assert name in spec.parameters, f"{figure_id}'s {name} has no Param"
    param = spec.parameters[name]
    assert param.check(name, spec.defaults[name]) == spec.defaults[name]


def wrong_values(param: Param) -> list[object]:
    """Values of the wrong kind and just past each end of the range."""
    if param.kind is str:
        return [3] if not param.words else ["nonsense", 3]
    values: list[object] = ["banana", True, float("nan")]
    if param.kind is int:
        values.append(1.5)
    if param.low is not None:
        values.append(param.low - 1)
    if param.high is not None:
        values.append(param.high + 1)
    return values


@pytest.mark.parametrize(("figure_id", "name"), PARAMETERS)
def test_wrong_values_are_refused_in_one_sentence_naming_the_parameter(figure_id, name):
    # Proves `--set seed=banana`, `seed=1.5` and out-of-range values are refused before
    # any computation, in one sentence that names the figure and the parameter.
    spec = registry.get(figure_id)
    for value in wrong_values(spec.parameters[name]):
        with pytest.raises(ValueError) as error:
            spec.data({name: value})
        text = one_sentence(error.value)
        assert figure_id in text and name in text, text


def alternatives(param: Param, default: object) -> list[object]:
    if param.kind is str or not isinstance(default, int | float):
        return []
    steps = [1, -1, 2, -2, 3, default] if param.kind is int else [0.5, 2.0]
    out = []
    for step in steps:
        value = default + step if param.kind is int else default * step
        if (param.low is None or value >= param.low) and (
            param.high is None or value <= param.high
        ):
            out.append(value)
    return out


@pytest.mark.parametrize(("figure_id", "name"), PARAMETERS)
def test_no_parameter_is_ignored(figure_id, name):
    # Proves a parameter a figure offers changes what it computes: some other allowed
    # value gives different arrays (a seed the figure ignores would not be offered).
    spec = registry.get(figure_id)
    param, default = spec.parameters[name], spec.defaults[name]
    candidates = alternatives(param, default)
    if not candidates:
        pytest.skip(f"{name} is a {param.describe()} with no numeric neighbour to try")
    # A value the layer math refuses at the default sizes may fit a larger layer, so the
    # second try doubles the other sizes (within their ranges).
    larger = {
        other: min(value * 2, spec.parameters[other].high)
        for other, value in spec.defaults.items()
        if other != name and other in SIZES
    }
    computed = []
    for others in ({}, larger):
        base = _computed(spec, others)
        for value in candidates:
            result = _computed(spec, {**others, name: value})
            if result is None or base is None:
                continue
            if result != base:
                return
            computed.append(value)
    pytest.fail(f"{figure_id}'s {name} changes nothing (computed for {computed})")


def _computed(spec, overrides) -> str | None:
    try:
        return repr(spec.data(overrides))
    except ValueError as error:
        one_sentence(error)
        return None


def in_range(param: Param) -> st.SearchStrategy:
    if param.kind is int:
        values = st.integers(int(param.low), int(min(param.high, param.low + 20)))
        return values | st.sampled_from(param.words) if param.words else values
    if param.kind is float:
        return st.floats(param.low, param.high)
    return st.sampled_from(param.words or ("",))


@pytest.mark.parametrize("figure_id", list(registry.FIGURES))
@settings(max_examples=12, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_values_in_range_compute_or_are_refused_in_one_sentence(figure_id, data):
    # Proves random allowed values never end in a traceback: the figure computes its
    # arrays, caption and alt text, or the layer math refuses the combination in one
    # sentence. (Small values: the ranges' upper ends are covered by the refusal tests.)
    spec = registry.get(figure_id)
    overrides = {
        name: data.draw(in_range(param), label=name)
        for name, param in spec.parameters.items()
        if param.kind is not str or param.words
    }
    try:
        arrays = spec.data(overrides)
    except ValueError as error:
        one_sentence(error)
        return
    assert spec.caption(arrays) and spec.alt(arrays)


def test_common_ranges_are_what_the_figures_share():
    # Proves every common parameter is used by some figure (no dead entries).
    used = {name for spec in registry.FIGURES.values() for name in spec.parameters}
    assert set(COMMON) <= used


STEPPED = [spec.id for spec in registry.FIGURES.values() if spec.steps is not None]


def near_default(param: Param, default: object) -> st.SearchStrategy:
    """The default or a neighbour inside the range: layers the figure can draw."""
    if param.kind is not int or not isinstance(default, int):
        return st.just(default)
    values = [v for v in (default - 1, default, default + 1) if param.low <= v <= param.high]
    return st.sampled_from(values)


@pytest.mark.parametrize("figure_id", STEPPED)
@settings(max_examples=4, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_figure_with_steps_animates_with_any_valid_parameters(figure_id, data):
    # Proves `diagram-gen animate` works for every figure with steps and random allowed
    # values: one GIF frame per step of the computation, or a one-sentence refusal.
    import io

    from PIL import Image

    from diagram_gen import animate

    spec = registry.get(figure_id)
    overrides = {
        name: data.draw(near_default(param, spec.defaults[name]), label=name)
        for name, param in spec.parameters.items()
    }
    try:
        steps = spec.steps(spec.data(overrides))
        files = animate.render_animation(figure_id, overrides, themes=("light",), formats=("gif",))
    except ValueError as error:
        one_sentence(error)
        return
    name = animate.file_names(registry.file_stem(figure_id, overrides), "light")["gif"]
    assert Image.open(io.BytesIO(files[name])).n_frames == len(steps)
