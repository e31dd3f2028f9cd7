"""The CLI: what it writes, and how it refuses bad input without losing anything."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diagram_gen import cli, registry


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file's bytes and modification time, to prove nothing was touched."""
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()}


@pytest.fixture(scope="module")
def earlier(tmp_path_factory) -> Path:
    """A folder holding a complete earlier render of conv-matrix."""
    folder = tmp_path_factory.mktemp("earlier")
    assert cli.main(["render", "conv-matrix", "--out", str(folder)]) == 0
    return folder


def test_list_shows_every_figure_and_its_parameters(capsys):
    # Proves `list` names each registered figure with its default parameters.
    status, out, _ = run(capsys, "list")
    assert status == 0
    for spec in registry.FIGURES.values():
        assert spec.id in out and spec.title in out
    assert "kernel=2" in out and "n_in=9" in out


def test_render_writes_every_format_and_theme(capsys, tmp_path):
    # Proves one render writes 3 formats x 2 themes plus the metadata, and names them.
    status, out, err = run(capsys, "render", "fc-matrix", "--out", str(tmp_path))
    assert status == 0 and err == ""
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(
        [f"fc-matrix-{t}.{f}" for t in ("light", "dark") for f in ("svg", "pdf", "png")]
        + ["fc-matrix.json"]
    )
    assert sorted(out.split()) == sorted(str(tmp_path / name) for name in names)


def test_render_with_overrides_and_a_subset(capsys, tmp_path):
    # Proves --set reaches the layer math and --format/--theme pick the files.
    status, _, _ = run(
        capsys,
        "render",
        "conv-matrix",
        "--set",
        "kernel=3",
        "--set",
        "padding=same",
        "--format",
        "svg",
        "--theme",
        "dark",
        "--out",
        str(tmp_path),
    )
    assert status == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "conv-matrix-kernel3-paddingsame-dark.svg",
        "conv-matrix-kernel3-paddingsame.json",
    ]
    meta = json.loads((tmp_path / "conv-matrix-kernel3-paddingsame.json").read_text())
    assert meta["command"] == (
        "diagram-gen render conv-matrix --set kernel=3 --set padding=same --format svg --theme dark"
    )
    assert "A 9 by 9 weight matrix" in meta["alt"]


BAD_INPUTS = [
    (["render", "no-such-figure"], "unknown figure 'no-such-figure'"),
    (["render", "conv-matrix", "--set", "colour=red"], "no parameter 'colour'"),
    (["render", "conv-matrix", "--set", "stride=0"], "stride"),
    (["render", "conv-matrix", "--set", "kernel=5"], "kernel"),
    (["render", "conv-matrix", "--set", "padding=-1"], "padding"),
    (["render", "conv-matrix", "--set", "padding=middle"], "padding"),
    (["render", "conv-matrix", "--set", "dilation=1.5"], "dilation"),
    (["render", "conv-matrix", "--set", "in_channels=0"], "in_channels"),
    (["render", "conv-matrix", "--set", "height=100", "--set", "width=100"], "from 1 to 64"),
    (["render", "conv-matrix", "--set", "seed=banana"], "seed must be an integer"),
    (["render", "conv-matrix", "--set", "seed=1.5"], "seed must be an integer"),
    (["render", "fc-matrix", "--out", ""], "--out must name a folder"),
    (["render", "fc-matrix", "--format", "png", "--width", "100", "--dpi", "1200"], "pixels"),
    (["render", "conv-matrix", "--set", "stride"], "KEY=VALUE"),
    (["render", "fc-matrix", "--set", "n_in=-3"], "n_in"),
    (["render", "fc-matrix", "--format", "gif"], "format"),
    (["render", "fc-matrix", "--theme", "sepia"], "theme"),
    (["render", "fc-matrix", "--width", "0"], "width"),
    (["render", "fc-matrix", "--width", "wide"], "width"),
    (["render", "fc-matrix", "--dpi", "10"], "dpi"),
    (["paint"], "paint"),
    ([], "COMMAND"),
]


@pytest.mark.parametrize(
    ("argv", "needle"), BAD_INPUTS, ids=lambda v: " ".join(v) if isinstance(v, list) else None
)
def test_bad_input_is_one_sentence_exit_2_and_writes_nothing(
    capsys, tmp_path, earlier, argv, needle
):
    # Proves the promise to the reader: status 2, one line on stderr naming the problem,
    # no traceback, nothing written into an empty folder, and an earlier render untouched.
    before = snapshot(earlier)
    for out in (tmp_path, earlier):
        extra = ["--out", str(out)] if argv[:1] == ["render"] else []
        status, stdout, err = run(capsys, *argv, *extra)
        assert status == 2
        assert stdout == ""
        lines = err.strip().splitlines()
        assert len(lines) == 1, err
        assert lines[0].startswith("diagram-gen: error: ") and lines[0].endswith(".")
        assert needle in lines[0]
        assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []
    assert snapshot(earlier) == before


bad_numbers = st.one_of(
    st.integers(max_value=0),
    st.floats(allow_nan=False, allow_infinity=False).filter(lambda v: v != int(v)),
    st.sampled_from(["nan", "inf", "two", "", "1e400", "True", "0x2"]),
)


@settings(max_examples=60)
@given(
    key=st.sampled_from(["stride", "dilation", "kernel", "height", "width", "in_channels"]),
    value=bad_numbers,
)
def test_any_bad_size_is_refused_cleanly(tmp_path_factory, key, value):
    # Proves, over many bad values, that the CLI never crashes with another exception and
    # never writes a file: it always answers with status 2 and a sentence.
    out = tmp_path_factory.mktemp("bad")
    status = cli.main(["render", "conv-matrix", "--set", f"{key}={value}", "--out", str(out)])
    assert status == 2
    assert list(out.iterdir()) == []


def test_unwritable_output_folder_is_a_clean_error(capsys, tmp_path):
    # Proves a file where the output folder should be gives one sentence, not a traceback.
    blocker = tmp_path / "taken"
    blocker.write_text("not a folder")
    status, _, err = run(capsys, "render", "fc-matrix", "--out", str(blocker / "sub"))
    assert status == 2 and len(err.strip().splitlines()) == 1 and "cannot write" in err


def test_help_gives_an_example_for_each_command(capsys):
    # Proves --help shows a runnable example for every subcommand.
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for command in ("list", "render", "all"):
        assert f"diagram-gen {command}" in out
    for command in ("render", "all", "list", "build"):
        with pytest.raises(SystemExit):
            cli.main([command, "--help"])
        assert f"diagram-gen {command}" in capsys.readouterr().out


def test_entry_points_run_as_commands(tmp_path):
    # Proves both ways of starting it work as real processes: `python -m diagram_gen` and
    # the installed `diagram-gen` script, with a bad id ending in status 2 and no traceback.
    module = subprocess.run(
        [sys.executable, "-m", "diagram_gen", "list"], capture_output=True, text=True, check=True
    )
    assert "conv-matrix" in module.stdout
    script = Path(sys.executable).with_name("diagram-gen")
    assert script.exists(), "the diagram-gen script is installed with the package"
    bad = subprocess.run(
        [str(script), "render", "nope", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        env=dict(os.environ),
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert bad.stderr.count("\n") == 1


def test_missing_graphviz_says_what_to_install(tmp_path):
    # Proves a Graphviz figure without `dot` on the PATH ends in one sentence that names
    # Graphviz and how to install it (exit status 3), and writes nothing.
    bin_dir = tmp_path / "bin"  # a PATH without dot
    bin_dir.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "diagram_gen", "render", "conv-dense-graph",
         "--out", str(tmp_path / "out")],
        capture_output=True, text=True, env=dict(os.environ, PATH=str(bin_dir)),
    )  # fmt: skip
    assert result.returncode == 3
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "Graphviz" in result.stderr and "apt-get install graphviz" in result.stderr
    assert not (tmp_path / "out").exists()


def test_an_unwritable_folder_is_named_not_the_temporary_file(capsys, tmp_path, monkeypatch):
    # Proves the error for a folder that refuses new files (read-only) names that folder,
    # not the hidden temporary file the atomic writer tried to create in it.
    import tempfile

    def refuse(*args, dir=None, **kwargs):
        raise PermissionError(13, "Permission denied", f"{dir}/.fc-matrix-light.svg.x.tmp")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    status, _, err = run(capsys, "render", "fc-matrix", "--format", "svg", "--out", str(tmp_path))
    assert status == 2
    assert err.strip() == f"diagram-gen: error: cannot write into {tmp_path}: Permission denied."


def test_ctrl_c_stops_the_build_with_one_line(tmp_path):
    # Proves an interrupted `diagram-gen build` (make's Ctrl-C reaches the whole process
    # group) prints one line, not a traceback per worker, and exits 130.
    import signal
    import time

    process = subprocess.Popen(
        [sys.executable, "-m", "diagram_gen", "build", "--jobs", "2", "--out", str(tmp_path),
         "--site-data", str(tmp_path), *registry.FIGURES],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while process.poll() is None and not list(tmp_path.glob("*.json")):
        assert time.monotonic() < deadline, "the build rendered nothing in 60 s"
        time.sleep(0.1)
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert err.strip().splitlines() == ["diagram-gen: interrupted."]


@pytest.mark.parametrize(("value", "expected"), [("true", True), ("1", True), ("false", False),
                                                  ("0", False), ("", False)])  # fmt: skip
def test_ci_false_is_not_ci(monkeypatch, value, expected):
    # Proves CI=false (or 0, or empty) does not switch the tests to CI behaviour.
    from ci import is_ci

    monkeypatch.setenv("CI", value)
    assert is_ci() is expected


# --- file names of variants, and the saved command -------------------------------------


def names_in(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def test_changed_parameters_are_in_the_file_names(capsys, tmp_path):
    # Proves two variants rendered into one folder keep their own files: the parameters
    # that differ from the defaults are in the names (in the figure's parameter order,
    # whatever order --set named them), the defaults keep the plain names the site uses.
    assert run(capsys, "render", "conv-sliding", "--out", str(tmp_path))[0] == 0
    assert run(capsys, "render", "conv-sliding", "--set", "width=4", "--set", "stride=2",
               "--out", str(tmp_path))[0] == 0  # fmt: skip
    plain = {f"conv-sliding-{t}.{f}" for t in ("light", "dark") for f in ("svg", "pdf", "png")}
    variant = {name.replace("conv-sliding-", "conv-sliding-width4-stride2-") for name in plain}
    assert names_in(tmp_path) == plain | variant | {"conv-sliding.json",
                                                   "conv-sliding-width4-stride2.json"}  # fmt: skip
    # Each file holds its own variant, not the last one written.
    plain_meta = json.loads((tmp_path / "conv-sliding.json").read_text())
    variant_meta = json.loads((tmp_path / "conv-sliding-width4-stride2.json").read_text())
    assert plain_meta["parameters"]["stride"] == 1 and variant_meta["parameters"]["stride"] == 2
    assert (tmp_path / "conv-sliding-light.svg").read_bytes() != (
        tmp_path / "conv-sliding-width4-stride2-light.svg"
    ).read_bytes()
    # Setting a parameter to its default is the default figure, under the default name.
    again = tmp_path / "again"
    assert run(capsys, "render", "conv-sliding", "--set", "stride=1", "--format", "svg",
               "--theme", "light", "--out", str(again))[0] == 0  # fmt: skip
    assert "conv-sliding-light.svg" in names_in(again)


def test_animation_file_names_carry_the_changed_parameters(capsys, tmp_path):
    # Proves `animate` names its files like `render`: a stride of 2 is in every name.
    argv = ["animate", "conv-sliding", "--set", "stride=2", "--format", "gif", "--theme", "light"]
    status, _, err = run(capsys, *argv, "--out", str(tmp_path))
    assert status == 0, err
    assert names_in(tmp_path) == {
        "conv-sliding-stride2-light.gif",
        "conv-sliding-stride2-animation.json",
    }


def test_file_stem_of_text_values_is_safe_and_distinct():
    # Proves a text parameter (a file path) becomes a safe file name part, and two paths
    # that read alike once cleaned still get different names.
    first = registry.file_stem("cost-measured", {"path": "data/a b.json"})
    second = registry.file_stem("cost-measured", {"path": "data/a_b.json"})
    assert first != second
    for stem in (first, second):
        assert stem.startswith("cost-measured-path") and "/" not in stem and " " not in stem


SAVED_COMMAND_CASES = [
    # argv without --out: the defaults, every render option, Graphviz, a float, an animation
    ["render", "fc-matrix"],
    ["render", "conv-matrix", "--set", "kernel=3", "--set", "padding=same", "--format",
     "pdf,png", "--theme", "dark", "--transparent", "--width", "4.5", "--dpi", "120"],
    ["render", "conv-dense-graph", "--format", "svg,png", "--theme", "light", "--width", "5"],
    ["render", "tied-training", "--set", "learning_rate=0.125", "--format", "svg",
     "--theme", "dark"],
    ["animate", "conv-sliding", "--set", "stride=2", "--format", "gif,pdf", "--theme",
     "dark", "--fps", "2.5", "--transparent"],
]  # fmt: skip


@pytest.mark.parametrize("argv", SAVED_COMMAND_CASES, ids=lambda argv: " ".join(argv[:2]))
def test_the_saved_command_writes_the_same_files_again(capsys, tmp_path, argv):
    # Proves the command saved in the JSON is complete: run as saved, into another
    # folder, it writes the same file names with the same bytes (the JSON included), so
    # theme, format, width, dpi and background were all recorded, not only --set.
    first, second = tmp_path / "first", tmp_path / "second"
    status, _, err = run(capsys, *argv, "--out", str(first))
    assert status == 0, err
    (meta_name,) = [p.name for p in first.glob("*.json")]
    command = json.loads((first / meta_name).read_text())["command"]
    words = shlex.split(command)
    assert words[:2] == ["diagram-gen", argv[0]]
    status, _, err = run(capsys, *words[1:], "--out", str(second))
    assert status == 0, err
    assert names_in(second) == names_in(first)
    for name in names_in(first):
        assert (second / name).read_bytes() == (first / name).read_bytes(), name
    # And the command holds no option that was not given.
    for flag in ("--theme", "--format", "--width", "--dpi", "--transparent", "--fps"):
        assert (flag in words) == (flag in argv), flag


def test_transparent_files_are_named_apart_from_opaque_ones(capsys, tmp_path):
    # Proves --transparent files do not overwrite the opaque ones in the same folder.
    for extra in ([], ["--transparent"]):
        assert run(capsys, "render", "fc-matrix", "--format", "png", "--theme", "dark",
                   *extra, "--out", str(tmp_path))[0] == 0  # fmt: skip
    assert {"fc-matrix-dark.png", "fc-matrix-dark-transparent.png"} <= names_in(tmp_path)
