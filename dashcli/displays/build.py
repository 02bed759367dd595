"""What every display builds from a profile: its feed, clock, page cycle, renderer and loop.

``dash matrix``, ``dash tui`` and the server's own preview loop differ only in where frames go.
:func:`choose_feed` turns the command line (``--server``/``--token``, ``--demo``, ``--data``) into a
feed and a clock; :func:`build_loop` makes the :class:`DisplayLoop` with the profile's cycle (pages
with nothing to show skipped as the profile says), rendering through one :class:`FrameCache` at the
profile's size, timezone and fonts, so unchanged inputs return the same image and are not shown
again. The renderer marks stale data itself, so a display that lost its server keeps its last
frames and they turn stale when their data's ``valid`` passes.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from dashcli.core.envelope import Update, utcnow
from dashcli.core.errors import UsageError
from dashcli.core.redact import redact_url
from dashcli.displays.cycle import CyclePage, PageCycle
from dashcli.displays.feeds import ServerFeed, StaticFeed
from dashcli.displays.loop import MARQUEE_FRAME_RATE, DisplayLoop, Frame, RenderFunction
from dashcli.displays.model import DisplayModel
from dashcli.displays.night import brightness_schedule, page_condition

if TYPE_CHECKING:
    from PIL.Image import Image

    from dashcli.profiles.schema import Profile
    from dashcli.renderers import FrameCache
    from dashcli.renderers.fonts import FontSet

NowFunction = Callable[[], datetime]
# How long a display waits for its first state before drawing (a server's catch-up takes
# milliseconds; a server that is down should not keep the panel dark).
FIRST_DATA_GRACE = 2.0


class Feed(Protocol):
    """Anything that fills a model: ServerFeed, StoreFeed, StaticFeed."""

    async def run(self, model: DisplayModel) -> None: ...


@dataclass(frozen=True)
class Source:
    """Where a display's data comes from, as the command line chose it."""

    feed: Feed
    clock: NowFunction
    server: str | None = None
    token: str | None = None
    label: str = "standalone"


def demo_clock(start_at: datetime | None = None) -> NowFunction:
    """A clock that starts at the demo's moment and runs at real speed, so ``--demo`` shows the
    sample values fresh (live games, a current forecast) while clocks and the cycle still move."""
    from dashcli.renderers.demo import DEMO_NOW

    first = start_at or DEMO_NOW
    start = time.monotonic()
    return lambda: first + timedelta(seconds=time.monotonic() - start)


def profile_demo(profile: Profile) -> tuple[dict[str, Update], datetime]:
    """The demo values at the profile's place (its units, timezone, sun times and league:
    :mod:`dashcli.renderers.demo.place`), and the demo's moment there."""
    from dashcli.renderers.demo import DEMO_NOW, demo_state
    from dashcli.renderers.demo.place import Place, demo_moment, localized

    location = profile.location
    soccer = profile.sources.soccer
    place = Place(location.timezone, location.latitude, location.longitude,
                  profile.units == "metric", soccer.league if soccer is not None else None)
    if place.shipped():
        return demo_state(), DEMO_NOW
    return localized(demo_state(), place), demo_moment(place.timezone, DEMO_NOW)


def choose_feed(
    profile: Profile,
    *,
    server: str | None,
    token: str | None,
    demo: bool,
    data: str | None,
) -> Source:
    """The feed for ``--server URL`` / ``--demo`` / ``--data FILE`` (at most one; none: the
    profile's own server at ``server.host:server.port``)."""
    if sum((server is not None, demo, data is not None)) > 1:
        raise UsageError("give at most one of --server, --demo and --data")
    if demo:
        state, moment = profile_demo(profile)
        return Source(StaticFeed(state.values()), demo_clock(moment), label="demo")
    if data is not None:
        from dashcli.datafile import read_state

        return Source(StaticFeed(read_state(data).values()), utcnow, label=data)
    if server is None:
        server = profile.server.local_url
    elif not server.startswith(("http://", "https://")):
        raise UsageError(f"--server {redact_url(server)!r}: not an http:// or https:// URL")
    if token is None:
        from dashcli.secrets import server_token

        token = server_token(profile)
    return Source(ServerFeed(server, token=token), utcnow, server.rstrip("/"), token,
                  redact_url(server))


def profile_fonts(profile: Profile) -> FontSet | None:
    """The profile's ``display.fonts`` loaded (None: the built-in bitmap fonts)."""
    chosen = profile.display.fonts
    if not (chosen.small or chosen.body or chosen.large):
        return None
    from dashcli.renderers import load_fonts

    return load_fonts(chosen.small, chosen.body, chosen.large)


def cycle_pages(profile: Profile) -> list[CyclePage]:
    """The profile's cycle; an unknown page is a UsageError naming the known ones."""
    from dashcli.renderers import page_spec

    pages = [CyclePage(entry.name, entry.seconds, entry.takeover)
             for entry in profile.display.cycle]
    for entry in pages:
        page_spec(entry.page)
    return pages


def frame_renderer(profile: Profile, cache: FrameCache | None = None) -> RenderFunction:
    """A render function at the profile's size, timezone, fonts and 12/24-hour clock, through a
    frame cache: it returns the same image object while the inputs are unchanged."""
    from dashcli.renderers import FrameCache

    frames = cache or FrameCache()
    size = profile.display.width_height
    timezone = profile.location.timezone
    fonts = profile_fonts(profile)
    clock = profile.clock_format

    def draw(page: str, state: Mapping[str, Update], now: datetime, *, part: int = 0) -> Image:
        return frames.render(page, state, now, size=size, timezone=timezone, fonts=fonts,
                             clock=clock, part=part)

    return draw


def build_loop(
    profile: Profile,
    model: DisplayModel,
    show: Callable[[Frame], Awaitable[None] | None],
    *,
    clock: NowFunction = utcnow,
    cache: FrameCache | None = None,
    skip_empty: bool | None = None,
    frame_rate: float = MARQUEE_FRAME_RATE,
) -> DisplayLoop:
    """The display loop of ``profile``: its cycle (``skip_empty`` from the profile unless
    given), ``has_content``, the pages' frame counts and takeovers read from the model's state
    at the loop's clock, cached rendering."""
    from dashcli.renderers import has_content, page_parts, takes_over

    timezone = profile.location.timezone
    size = profile.display.width_height
    explained = not profile.display.skip_unavailable

    skip = profile.display.skip_empty if skip_empty is None else skip_empty
    conditions = {entry.name: test for entry in profile.display.cycle
                  if (test := page_condition(entry, profile)) is not None}

    def content(page: str) -> bool:
        now = clock()
        condition = conditions.get(page)
        if condition is not None and not condition(model.state, now):
            return False
        # A page's ``when`` applies even with skip_empty off; emptiness only with it on.
        return not skip or has_content(page, model.state, now, timezone=timezone,
                                       unavailable_shown=explained)

    def parts(page: str) -> int:
        return page_parts(page, model.state, clock(), size=size, timezone=timezone)

    def claims(page: str) -> bool:
        return takes_over(page, model.state, clock(), timezone=timezone)

    cycle = PageCycle(cycle_pages(profile), skip_empty=skip or bool(conditions),
                      has_content=content, parts=parts, takes_over=claims)
    return DisplayLoop(model, cycle, frame_renderer(profile, cache), show, clock=clock,
                       first_data_grace=FIRST_DATA_GRACE, frame_rate=frame_rate,
                       brightness=brightness_schedule(profile))
