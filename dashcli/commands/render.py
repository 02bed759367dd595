"""``dash render``: draw pages headless to PNG files, or the profile's page cycle to a GIF.

The command checks its options and loads the profile; :mod:`dashcli.displays.files` draws and
writes.
"""

from pathlib import Path
from typing import Annotated, Literal

import typer

from dashcli.commands.options import ProfileOption, SetOption, StoreOption
from dashcli.core.errors import UsageError


def register(app: typer.Typer) -> None:
    app.command("render")(render)


def render(
    page: Annotated[
        str | None,
        typer.Argument(metavar="PAGE", help="Page: clock, weather, hourly, forecast, moon, ..."),
    ] = None,
    data: Annotated[
        str | None,
        typer.Option("--data", metavar="FILE|-",
                     help="Envelope JSON (dash fetch --json), a list of them or a /state object; "
                          "- reads stdin. Default: the store's state."),
    ] = None,
    demo: Annotated[
        bool, typer.Option("--demo", help="Draw the sample values shipped with dashcli.")
    ] = False,
    out: Annotated[
        str | None,
        typer.Option("--out", "-o", metavar="PATH",
                     help="Output file (default PAGE.png; cycle.gif with --cycle); - is stdout."),
    ] = None,
    all_pages: Annotated[
        bool, typer.Option("--all", help="Draw every page dashcli has into --out-dir.")
    ] = False,
    out_dir: Annotated[
        Path | None, typer.Option("--out-dir", metavar="DIR", help="Directory for --all.")
    ] = None,
    cycle: Annotated[
        bool, typer.Option("--cycle", help="The profile's cycle as an animated GIF.")
    ] = False,
    scale: Annotated[
        int, typer.Option("--scale", metavar="N", min=1, max=32,
                          help="Enlarge each pixel N times (1 to 32).")
    ] = 1,
    style: Annotated[
        Literal["flat", "led"], typer.Option("--style", help="flat pixels or round LEDs.")
    ] = "flat",
    at: Annotated[
        str | None,
        typer.Option("--at", metavar="ISO-TIME",
                     help="Draw as of this time (default: now; with --demo the demo's moment)."),
    ] = None,
    size: Annotated[
        Literal["128x64", "64x32"] | None,
        typer.Option("--size", help="Frame size (default: the profile's display.size)."),
    ] = None,
    profile: ProfileOption = None,
    overrides: SetOption = None,
    store: StoreOption = None,
) -> None:
    """Draw PAGE to a PNG file, every page (--all) or the cycle as a GIF (--cycle).

    Examples:

        dash render weather --demo --out weather.png --scale 8

        dash fetch mlb --json | dash render mlb --data - --out mlb.png

        dash render --all --demo --out-dir gallery --scale 4 --style led

        dash render --cycle --out cycle.gif --scale 4
    """
    from dashcli.profiles import load_profile
    from dashcli.renderers import page_spec

    modes = sum((page is not None, all_pages, cycle))
    if modes != 1:
        raise UsageError("give a PAGE, --all or --cycle (exactly one)")
    if data is not None and demo:
        raise UsageError("--data and --demo cannot be combined")
    if out_dir is not None and not all_pages:
        raise UsageError("--out-dir goes with --all (use --out for one page)")
    if out is not None and all_pages:
        raise UsageError("--all writes one file per page: use --out-dir DIR, not --out")
    if page is not None:
        page_spec(page)
    loaded = load_profile(profile, overrides)
    from dashcli.displays.files import Request, render_files

    render_files(loaded, Request(page, all_pages, data, demo, store, out, out_dir, scale, style,
                                 size, at))
