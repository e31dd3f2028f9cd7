"""Animations: one frame per step, the same bytes every build, small, refused cleanly."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from pypdf import PdfReader

from diagram_gen import animate, cli, examples, layers, registry

SLOW = settings(
    max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


def frames(data: bytes) -> int:
    return Image.open(io.BytesIO(data)).n_frames


@SLOW
@given(
    height=st.integers(2, 4),
    width=st.integers(2, 4),
    kernel=st.integers(1, 3),
    stride=st.integers(1, 2),
    seed=st.integers(0, 20),
)
def test_one_frame_and_one_page_per_step_for_random_layers(height, width, kernel, stride, seed):
    params = {"height": height, "width": width, "kernel": kernel, "stride": stride, "seed": seed}
    try:
        files = animate.render_animation("conv-matrix", params, themes=("light",))
    except ValueError:
        return  # a kernel larger than the image: refused, as the CLI refuses it
    example = examples.conv_example(**params)
    placements = layers.conv_matrix_index(
        example.kernel.shape, example.image.shape, stride=stride
    ).shape[0]
    # No opening or closing frame: exactly one frame and one page per step.
    names = animate.file_names(registry.file_stem("conv-matrix", params), "light")
    assert frames(files[names["gif"]]) == placements
    assert frames(files[names["apng"]]) == placements
    assert len(PdfReader(io.BytesIO(files[names["pdf"]])).pages) == placements


def test_graphviz_figure_pages_are_joined_and_rebuild_byte_identical():
    first = animate.render_animation("conv-dense-graph", themes=("dark",))
    second = animate.render_animation("conv-dense-graph", themes=("dark",))
    assert first == second
    assert len(PdfReader(io.BytesIO(first["conv-dense-graph-dark-steps.pdf"])).pages) == 4
    assert frames(first["conv-dense-graph-dark.gif"]) == 4


def test_default_animations_rebuild_byte_identical_and_stay_under_4_mb():
    total = 0
    for figure_id in animate.animated_ids():
        files = animate.render_animation(figure_id)
        again = animate.render_animation(figure_id, themes=("light",))
        # The same bytes when rebuilt (the JSON differs: its command says --theme light).
        again = {name: data for name, data in again.items() if not name.endswith(".json")}
        assert again.items() <= files.items(), figure_id
        total += sum(len(data) for data in files.values())
        spec = registry.get(figure_id)
        steps = spec.steps(spec.data())
        for theme in ("light", "dark"):
            names = animate.file_names(figure_id, theme)
            assert frames(files[names["gif"]]) == len(steps)
            image = Image.open(io.BytesIO(files[names["gif"]]))
            assert image.mode == "P" and len(image.getpalette()) // 3 <= 256
            pdf = PdfReader(io.BytesIO(files[names["pdf"]]))
            assert len(pdf.pages) == len(steps)
            assert "/CreationDate" not in pdf.metadata and "/ModDate" not in pdf.metadata
            assert steps[0].text.split(":")[0] in pdf.pages[0].extract_text()
    assert total < 4 * 1024 * 1024, total


def test_transparent_gif_makes_the_background_transparent():
    files = animate.render_animation(
        "pooling", themes=("light",), formats=("gif",), transparent=True
    )
    image = Image.open(io.BytesIO(files["pooling-light-transparent.gif"]))
    assert "transparency" in image.info
    assert image.getpixel((1, 1)) == image.info["transparency"]


@pytest.mark.parametrize(
    "argv",
    [
        ["animate", "fc-matrix"],
        ["animate", "conv-sliding", "--format", "mp4"],
        ["animate", "conv-sliding", "--fps", "0"],
        ["animate", "conv-sliding", "--slide", "5:4"],
        ["animate", "conv-linked", "--slide", "16:9"],
        ["animate", "conv-linked", "--part", "legend"],
        ["animate", "conv-sliding", "--set", "kernel=9"],
        ["animate", "nope"],
    ],
)
def test_bad_animation_input_exits_2_in_one_sentence_and_writes_nothing(argv, tmp_path, capsys):
    out = tmp_path / "out"
    assert cli.main([*argv, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.strip().endswith(".") and "Traceback" not in err
    assert not out.exists()


def test_figure_without_steps_is_refused_in_one_sentence():
    with pytest.raises(ValueError, match=r"^fc-matrix has no steps to animate; .*\.$"):
        animate.render_animation("fc-matrix")


def test_cli_writes_the_three_files_and_the_step_texts(tmp_path, capsys):
    assert cli.main(["animate", "pooling", "--theme", "dark", "--out", str(tmp_path)]) == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [
        "pooling-animation.json",
        "pooling-dark-steps.pdf",
        "pooling-dark.apng",
        "pooling-dark.gif",
    ]
    meta = json.loads((tmp_path / "pooling-animation.json").read_text(encoding="utf-8"))
    spec = registry.get("pooling")
    assert meta["steps"] == [step.text for step in spec.steps(spec.data())]
    assert all(text in meta["alt"] for text in meta["steps"])
