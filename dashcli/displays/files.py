"""What ``dash render`` does: pages drawn headless to PNG files, or the profile's cycle to a GIF.

The frames are exactly what the panel shows (``dashcli.renderers.render``, times of day in the
profile's 12- or 24-hour format, ``Profile.clock_format``). Data comes from ``--data`` (the
envelope ``dash fetch --json`` prints, a JSON list of envelopes, or a ``/state`` object), from
``--demo`` (sample values shipped with the package) or else from the profile's store.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from dashcli.core.errors import DashError, UsageError
from dashcli.displays.build import profile_fonts
from dashcli.renderers import PAGES, page_spec
from dashcli.renderers import render as render_page
from dashcli.renderers.output import gif_bytes, png_bytes
from dashcli.renderers.registry import plugin_pages

if TYPE_CHECKING:
    from datetime import datetime

    from PIL import Image

    from dashcli.core.envelope import Update
    from dashcli.profiles.schema import Profile


@dataclass(frozen=True)
class Request:
    """One ``dash render``: ``page``, else every page (``all_pages``), else the cycle's GIF."""

    page: str | None
    all_pages: bool
    data: str | None
    demo: bool
    store: str | None
    out: str | None
    out_dir: Path | None
    scale: int
    style: Literal["flat", "led"]
    size: str | None
    at: str | None


def render_files(loaded: Profile, request: Request) -> None:
    """Draw what ``request`` asks for and write it (``-`` is stdout); errors are one line."""
    page, all_pages, data, demo = request.page, request.all_pages, request.data, request.demo
    store, out, out_dir, scale = request.store, request.out, request.out_dir, request.scale
    style, size, at = request.style, request.size, request.at
    width, height = (size or loaded.display.size).split("x")
    frame_size = (int(width), int(height))
    moment = _now(at, loaded.location.timezone, demo)
    state = _state(loaded, data, demo, store)
    fonts = profile_fonts(loaded)

    def draw(name: str) -> Image.Image:
        return render_page(name, state, moment, size=frame_size,
                           timezone=loaded.location.timezone, fonts=fonts,
                           clock=loaded.clock_format)

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
        for name in [*PAGES, *plugin_pages()]:
            _write(str(directory / f"{name}.png"), png_bytes(draw(name), scale, style))
        return
    frames = [(draw(entry.name), entry.seconds) for entry in loaded.display.cycle]
    _write(out or "cycle.gif", gif_bytes(frames, scale, style))


def _now(at: str | None, timezone: str, demo: bool) -> datetime:
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
    profile: Profile, data: str | None, demo: bool, store: str | None
) -> dict[str, Update]:
    if demo:
        from dashcli.displays.build import profile_demo

        return profile_demo(profile)[0]
    if data is not None:
        from dashcli.datafile import read_state

        return read_state(data)
    import asyncio

    from dashcli.store import open_store

    async def snapshot() -> dict[str, Update]:
        backend = open_store(store or profile.store)
        await backend.open()
        try:
            return await backend.snapshot()
        finally:
            await backend.close()

    return asyncio.run(snapshot())


def _check_types(page: str, state: dict[str, Update]) -> None:
    """A page given data without the types it draws is a usage error, not a "no data" frame."""
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
    print(f"wrote {path}", file=sys.stderr)
