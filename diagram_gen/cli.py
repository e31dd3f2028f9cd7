"""``diagram-gen``: render any figure with the reader's own parameters.

Bad input (an unknown figure, key or format, a value the layer math rejects) ends with
exit status 2 and one sentence on stderr; nothing is written then, and files from earlier
runs stay as they were, because every file of a figure is rendered in memory before the
first one is written. A missing Graphviz says how to install it (exit status 3); Ctrl-C
stops with one line (exit status 130).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from diagram_gen import export, registry
from diagram_gen.layers import one_sentence
from diagram_gen.style import THEMES

PROG = "diagram-gen"
EXIT_BAD_INPUT = 2
EXIT_FAILURE = 1
EXIT_MISSING_TOOL = 3  # a program to install, not a value to change
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report it

EXAMPLES = """\
examples:
  diagram-gen list
  diagram-gen render conv-matrix --out figures
  diagram-gen render conv-matrix --set height=5 --set width=5 --set kernel=3 --set padding=same
  diagram-gen render fc-matrix --format png --theme dark --transparent --width 6 --dpi 300
  diagram-gen render conv-matrix --slide 16:9 --format pdf
  diagram-gen all --out figures
  diagram-gen deck --theme dark --set kernel=3 --out slides
"""


class UsageError(Exception):
    """Bad input from the command line; its message is one sentence."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one sentence (no usage dump) and exit status 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(one_sentence(message))


def parse_value(text: str) -> Any:
    """A --set value as the layer math wants it: int, then float, else the string."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def parse_assignments(items: Sequence[str]) -> dict[str, Any]:
    """``["kernel=3", "padding=same"]`` -> ``{"kernel": 3, "padding": "same"}``."""
    values: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--set takes KEY=VALUE, got {item!r}.")
        values[key.strip()] = parse_value(value.strip())
    return values


def _themes(text: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(t.strip() for t in text.split(",") if t.strip()))
    if not names or any(name not in THEMES for name in names):
        raise UsageError(f"theme must be light, dark or light,dark, got {text!r}.")
    return names


def _folder(text: str) -> Path:
    if not text.strip():
        raise UsageError("--out must name a folder, got an empty string.")
    return Path(text)


def _options(args: argparse.Namespace) -> export.ExportOptions:
    try:
        formats = export.parse_formats(args.format)
    except ValueError as error:
        raise UsageError(str(error)) from None
    if args.width is not None and not 0.5 <= args.width <= 100:
        raise UsageError(f"width must be between 0.5 and 100 inches, got {args.width:g}.")
    if not 50 <= args.dpi <= 1200:
        raise UsageError(f"dpi must be between 50 and 1200, got {args.dpi}.")
    if args.slide is not None and args.width is not None:
        raise UsageError("--slide and --width both choose the size: give one of them.")
    return export.ExportOptions(
        formats, args.dpi, args.transparent, args.width, args.slide, args.part
    )


def _slide(text: str) -> str:
    from diagram_gen import targets

    try:
        return targets.slide(text).name
    except ValueError as error:
        raise UsageError(str(error)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Render figures of convolutional and fully connected layers, computed "
        "from real weights, as SVG, PDF and PNG in a light and a dark theme.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_Parser
    )

    commands.add_parser(
        "list",
        help="list the figure ids, their titles and parameters",
        epilog="example:\n  diagram-gen list",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )

    output = _Parser(add_help=False)
    output.add_argument(
        "--format",
        default=",".join(export.FORMATS),
        help="comma-separated formats (default: svg,pdf,png)",
    )
    output.add_argument(
        "--theme",
        default="light,dark",
        type=_themes,
        help="light, dark or light,dark (default: both)",
    )
    output.add_argument(
        "--out",
        type=_folder,
        default=Path("."),
        help="folder to write into (default: the current folder)",
    )
    output.add_argument(
        "--transparent", action="store_true", help="no background, for slides with their own"
    )
    output.add_argument(
        "--width",
        type=float,
        default=None,
        metavar="INCHES",
        help="scale the figure, text included, to this width",
    )
    output.add_argument(
        "--slide",
        type=_slide,
        default=None,
        metavar="16:9|4:3",
        help="lay the figure out for a slide: it fits, and no text is under 12 pt",
    )
    output.add_argument(
        "--part",
        default=None,
        metavar="NAME",
        help="one part of a figure that has parts (for a slide each)",
    )
    output.add_argument(
        "--dpi",
        type=int,
        default=export.DEFAULT_DPI,
        help=f"PNG resolution (default: {export.DEFAULT_DPI})",
    )

    render = commands.add_parser(
        "render",
        parents=[output],
        help="render one figure",
        epilog="example:\n  diagram-gen render conv-matrix --set kernel=3 --set padding=same"
        " --format svg --out figures",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    render.add_argument("figure", metavar="ID", help="a figure id (see: diagram-gen list)")
    render.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="change one parameter (repeatable)",
    )

    commands.add_parser(
        "all",
        parents=[output],
        help="render every figure with its default parameters",
        epilog="example:\n  diagram-gen all --out figures",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )

    _add_animate_parser(commands)
    _add_deck_parser(commands)

    build = commands.add_parser(
        "build",
        help="render many figures in one process, in parallel (what make runs)",
        epilog="example:\n  diagram-gen build --jobs 2 conv-matrix site-data",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    build.add_argument("tasks", nargs="*", metavar="TASK", help="figure ids, or site-data")
    build.add_argument("--queue", type=Path, help="also take the tasks listed in this file")
    build.add_argument("--out", type=Path, default=Path("docs/generated/figures"))
    build.add_argument("--site-data", type=Path, default=Path("docs/generated"))
    build.add_argument("--jobs", type=int, default=None, help="processes (default: make's -j)")

    data = commands.add_parser(
        "site-data",
        help="write the numbers, figure list and legend the site quotes",
        epilog="example:\n  diagram-gen site-data --out docs/generated",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    data.add_argument("--out", type=Path, default=Path("docs/generated"))
    return parser


def list_figures() -> str:
    lines = []
    for spec in registry.FIGURES.values():
        params = " ".join(f"{key}={value}" for key, value in spec.defaults.items())
        lines.append(f"{spec.id:<20} {spec.title}\n{'':<20} {params}")
    return "\n".join(lines)


def render_one(figure_id: str, overrides: dict[str, Any], args: argparse.Namespace) -> int:
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", export.LegibilityWarning)
        files = registry.render(figure_id, overrides, themes=args.theme, options=_options(args))
    for note in dict.fromkeys(
        str(w.message) for w in caught if w.category is export.LegibilityWarning
    ):
        print(f"{PROG}: warning: {note}", file=sys.stderr)
    written = export.write_all(args.out, files)
    for path in written:
        print(path)
    return 0


def _add_animate_parser(commands: Any) -> None:
    """``diagram-gen animate ID``: the figure's steps as GIF, APNG and a step PDF.

    Its own options, not the render options: other formats, and no --width or --dpi.
    """
    from diagram_gen import animate

    parser = commands.add_parser(
        "animate",
        help="animate one figure step by step (GIF, APNG, a PDF page per step)",
        epilog="example:\n  diagram-gen animate conv-sliding --format gif,pdf --theme dark"
        " --out slides",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("figure", metavar="ID", help="a figure with steps (see: diagram-gen list)")
    parser.add_argument(
        "--set", action="append", default=[], metavar="KEY=VALUE", help="change one parameter"
    )
    parser.add_argument(
        "--format",
        default=",".join(animate.FORMATS),
        help="comma-separated: gif, apng, pdf (default: all three)",
    )
    parser.add_argument(
        "--fps", type=float, default=animate.DEFAULT_FPS, help="steps per second (default: 1)"
    )
    parser.add_argument(
        "--theme", default="light,dark", type=_themes, help="light, dark or light,dark"
    )
    parser.add_argument("--out", type=Path, default=Path("."), help="folder to write into")
    parser.add_argument("--transparent", action="store_true", help="no background")
    parser.add_argument(
        "--slide", type=_slide, default=None, metavar="16:9|4:3", help="lay it out for a slide"
    )
    parser.add_argument("--part", default=None, metavar="NAME", help="one part of the figure")


def animate_one(args: argparse.Namespace) -> int:
    """Render one figure's animation in memory, then write every file (or none)."""
    from diagram_gen import animate

    try:
        formats = animate.parse_formats(args.format)
    except ValueError as error:
        raise UsageError(str(error)) from None
    files = animate.render_animation(
        args.figure,
        parse_assignments(args.set),
        themes=args.theme,
        formats=formats,
        fps=args.fps,
        transparent=args.transparent,
        slide=args.slide,
        part=args.part,
    )
    for path in export.write_all(args.out, files):
        print(path)
    return 0


def _add_deck_parser(commands: Any) -> None:
    """``diagram-gen deck``: the lecture as PowerPoint and PDF (:mod:`diagram_gen.deck`)."""
    parser = commands.add_parser(
        "deck",
        help="build the lecture as a slide deck (PowerPoint and PDF, 16:9)",
        epilog="example:\n  diagram-gen deck --theme light --set kernel=3 --out slides",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="change the running example in every slide's figure that has KEY (repeatable)",
    )
    parser.add_argument(
        "--theme", default="light,dark", type=_themes, help="light, dark or light,dark"
    )
    parser.add_argument(
        "--only",
        default=None,
        metavar="ID,ID",
        help="a shorter deck: the title slide and these figures' slides only",
    )
    parser.add_argument("--out", type=_folder, default=Path("."), help="folder to write into")
    parser.add_argument(
        "--cache",
        type=Path,
        default=None,
        metavar="FOLDER",
        help="keep each figure's slide here and draw it again only when its code changed",
    )


def deck_one(args: argparse.Namespace) -> int:
    """Build every requested theme's deck in memory, then write all the files (or none)."""
    from diagram_gen import deck

    overrides = parse_assignments(args.set)
    plan = deck.select(args.only.split(",")) if args.only is not None else deck.PLAN
    deck.check_overrides(overrides, plan)
    files: dict[str, bytes] = {}
    for theme in args.theme:
        files.update(deck.build(theme, overrides, plan=plan, warn=_deck_warning, cache=args.cache))
    for path in export.write_all(args.out, files):
        print(path)
    return 0


def _deck_warning(message: str) -> None:
    print(f"{PROG}: warning: {one_sentence(message)}", file=sys.stderr)


def build_tasks(args: argparse.Namespace) -> int:
    """Render queued and named tasks in one process; one line per failed task."""
    from diagram_gen import render

    tasks = list(args.tasks) + (render.read_queue(args.queue) if args.queue else [])
    jobs = args.jobs if args.jobs is not None else render.default_jobs()
    if jobs < 1:
        raise UsageError(f"--jobs must be 1 or more, got {jobs}.")
    plan = render.Plan(figures=args.out, site_data=args.site_data)
    failed = [o for o in render.build(tasks, plan, jobs=jobs) if o.error is not None]
    for outcome in failed:
        print(f"{PROG}: error: {outcome.task}: {one_sentence(outcome.error)}", file=sys.stderr)
    return EXIT_BAD_INPUT if failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status instead of raising."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command == "list":
            print(list_figures())
            return 0
        if args.command == "build":
            return build_tasks(args)
        if args.command == "site-data":
            from diagram_gen.site_files import write_site_files

            for path in write_site_files(args.out):
                print(path)
            return 0
        if args.command == "render":
            return render_one(args.figure, parse_assignments(args.set), args)
        if args.command == "animate":
            return animate_one(args)
        if args.command == "deck":
            return deck_one(args)
        for figure_id in registry.FIGURES:
            render_one(figure_id, {}, args)
        return 0
    except (UsageError, ValueError) as error:
        return _fail(str(error), EXIT_BAD_INPUT)
    except OSError as error:
        where = f" into {error.filename}" if error.filename else ""
        return _fail(f"cannot write{where}: {error.strerror or error}", EXIT_BAD_INPUT)
    except export.ToolMissing as error:
        return _fail(str(error), EXIT_MISSING_TOOL)
    except RuntimeError as error:  # Graphviz failed
        return _fail(str(error), EXIT_FAILURE)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted.", file=sys.stderr)
        return EXIT_INTERRUPTED


def _fail(message: str, status: int) -> int:
    print(f"{PROG}: error: {one_sentence(message)}", file=sys.stderr)
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
