"""``dash render``: draw pages headless to PNG files, or the profile's page cycle to a GIF.

The frames are exactly what the panel shows (``dashcli.renderers.render``, times of day in the
profile's
12- or 24-hour format, ``Profile.clock_format``). Data comes from ``--data`` (the envelope
``dash fetch --json`` prints, a JSON list of envelopes, or a ``/state`` object), from ``--demo``
(sample values shipped with the package) or else from the profile's store.
"""

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from dashcli.commands.options import ProfileOption, SetOption, StoreOption
from dashcli.core.errors import DashError, UsageError

if TYPE_CHECKING:
    from datetime import datetime

    from PIL import Image

    from dashcli.core.envelope import Update
    from dashcli.profiles.schema import Profile


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
    from dashcli.renderers import PAGES, page_spec

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
    width, height = (size or loaded.display.size).split("x")
    frame_size = (int(width), int(height))
    moment = _now(at, loaded.location.timezone, demo)
    state = _state(loaded, data, demo, store)
    from dashcli.displays.build import profile_fonts

    fonts = profile_fonts(loaded)

    def draw(name: str) -> "Image.Image":
        from dashcli.renderers import render as render_page

        return render_page(name, state, moment, size=frame_size,
                           timezone=loaded.location.timezone, fonts=fonts,
                           clock=loaded.clock_format)

    from dashcli.renderers.output import gif_bytes, png_bytes

    if page is not None:
        if data is not None:
            _check_types(page, state)
        _write(out or f"{page}.png", png_bytes(draw(page), scale, style))
        return
    for entry in loaded.display.cycle:
        page_spec(entry.name)
    if all_pages:
        directory = out_dir or Path(".")
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DashError(f"cannot create {directory}: {exc.strerror or exc}") from None
        for name in PAGES:
            _write(str(directory / f"{name}.png"), png_bytes(draw(name), scale, style))
        return
    frames = [(draw(entry.name), entry.seconds) for entry in loaded.display.cycle]
    _write(out or "cycle.gif", gif_bytes(frames, scale, style))


def _now(at: str | None, timezone: str, demo: bool) -> "datetime":
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from dashcli.core.envelope import utcnow

    if at is not None:
        try:
            moment = datetime.fromisoformat(at)
        except ValueError:
            raise UsageError(f"--at: not an ISO 8601 time: {at!r}") from None
        # A time without an offset is read in the profile's timezone, as the panel shows it.
        return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(timezone))
    if demo:
        from dashcli.renderers.demo import DEMO_NOW
        from dashcli.renderers.demo.place import demo_moment

        # The demo's wall-clock time at the profile's place (see profile_demo).
        return demo_moment(timezone, DEMO_NOW)
    return utcnow()


def _state(
    profile: "Profile", data: str | None, demo: bool, store: str | None
) -> "dict[str, Update]":
    if demo:
        from dashcli.displays.build import profile_demo

        return profile_demo(profile)[0]
    if data is not None:
        from dashcli.datafile import read_state

        return read_state(data)
    import asyncio

    from dashcli.core.envelope import Update  # the annotation below is evaluated at run time
    from dashcli.store import open_store

    async def snapshot() -> dict[str, Update]:
        backend = open_store(store or profile.store)
        await backend.open()
        try:
            return await backend.snapshot()
        finally:
            await backend.close()

    return asyncio.run(snapshot())


def _check_types(page: str, state: "dict[str, Update]") -> None:
    """A page given data without the types it draws is a usage error, not a "no data" frame."""
    from dashcli.renderers import page_spec

    spec = page_spec(page)
    missing = [kind for kind in spec.types if kind not in state]
    if missing:
        held = ", ".join(sorted(state)) or "nothing"
        raise UsageError(f"page {page!r} draws {', '.join(spec.types)} data; --data holds {held}")


def _write(path: str, content: bytes) -> None:
    if path == "-":
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()
        return
    try:
        Path(path).write_bytes(content)
    except OSError as exc:
        raise DashError(f"cannot write {path}: {exc.strerror or exc}") from None
    typer.echo(f"wrote {path}", err=True)
