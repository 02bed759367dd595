"""``render()``: one page of the state as an RGB image, pure and deterministic; the frame cache.

Rendering reads no clock and does no I/O: ``now`` is given (aware) and localised to the
profile's timezone, fonts are loaded beforehand. Missing required data draws "no data yet",
values a page cannot read draw "unreadable data" (never an exception), and data past ``valid``
gets the stale marker. When the ``status`` values say why data is missing (its source waits for
its first fetch or fails), the page draws that reason instead (:mod:`dashcli.renderers.health`).
:class:`FrameCache` keeps the frames of unchanged inputs so displays do not re-render them.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Hashable, Mapping
from datetime import datetime, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PIL import Image

from dashcli.core.envelope import Update
from dashcli.core.errors import UsageError
from dashcli.core.values import CLOCK_FORMATS, ClockFormat
from dashcli.renderers import colors, marquee
from dashcli.renderers.canvas import Canvas, draw_no_data, draw_stale_marker, draw_unreadable
from dashcli.renderers.fonts import FontSet, builtin_fonts
from dashcli.renderers.health import draw_unavailable, failing, health_key, unavailable
from dashcli.renderers.layout import TextRun, recorder, recording
from dashcli.renderers.registry import PageSpec, page_spec

# What a page raises on values of the wrong shape (missing keys, wrong types, bad times).
DATA_ERRORS = (KeyError, IndexError, TypeError, ValueError, AttributeError)
# The Image.info key of when a frame with a moving marquee stops being current.
CHANGES_AT = "dashcli.changes_at"


@cache
def zone(name: str) -> tzinfo:
    """The IANA timezone ``name``; an unknown name is a UsageError."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"unknown timezone {name!r}") from None


def _canvas(spec: PageSpec, state: Mapping[str, Update], now: datetime, layout: tuple[int, int],
           timezone: str, fonts: FontSet | None, clock: ClockFormat, part: int = 0) -> Canvas:
    if now.tzinfo is None:
        raise ValueError("render: now must be timezone-aware")
    if clock not in CLOCK_FORMATS:
        raise UsageError(f"unknown clock format {clock!r} (known: {', '.join(CLOCK_FORMATS)})")
    tz = zone(timezone)
    image = Image.new("RGB", layout)
    return Canvas(spec.name, image, now.astimezone(tz), tz, fonts or builtin_fonts(), state, clock,
                  part)


def _problem(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"missing {exc.args[0]!r}" if exc.args else "missing key"
    return f"{type(exc).__name__}: {exc}"


def render(
    page: str,
    state: Mapping[str, Update],
    now: datetime,
    *,
    size: tuple[int, int] = (128, 64),
    timezone: str = "UTC",
    fonts: FontSet | None = None,
    clock: ClockFormat = "24h",
    part: int = 0,
) -> Image.Image:
    """Draw ``page`` from ``state`` at ``now``: an RGB image of exactly ``size``.

    Pages draw a 128×64 or 64×32 layout (the largest that fits); any other size gets that layout
    centred on black. Times of day are written in ``clock`` (``"12h"`` or ``"24h"``, see
    ``Profile.clock_format``). ``part`` is which of the page's frames to draw (see
    :func:`page_parts`; beyond the last, the page wraps around). An unknown page or clock
    format is a UsageError.
    """
    spec = page_spec(page)
    layout = spec.layout_for(size)
    canvas = _canvas(spec, state, now, layout, timezone, fonts, clock, part)
    with marquee.running(now.timestamp()) as motion:
        _draw(spec, canvas, state, now)
    image = canvas.image
    if layout != size:
        image = Image.new("RGB", size)
        image.paste(canvas.image, ((size[0] - layout[0]) // 2, (size[1] - layout[1]) // 2))
    if motion.next_change != math.inf:
        image.info[CHANGES_AT] = now.timestamp() + motion.next_change
    return image


def _draw(spec: PageSpec, canvas: Canvas, state: Mapping[str, Update], now: datetime) -> None:
    """The page, or the frame saying why it cannot be drawn, and the marker of its data."""
    missing = [kind for kind in spec.types if kind not in state]
    problems = unavailable(state, spec.types, now)
    if problems:
        draw_unavailable(canvas, spec.title, problems)
    elif missing:
        draw_no_data(canvas, spec.title, missing)
    else:
        runs = recorder()
        drawn = len(runs) if runs is not None else 0
        try:
            spec.draw(canvas)
        except DATA_ERRORS as exc:
            if runs is not None:
                del runs[drawn:]  # the abandoned frame's text is not on the image
            canvas.image = Image.new("RGB", canvas.image.size)
            draw_unreadable(canvas, spec.title, _problem(exc))
        if failing(state, spec.uses):
            draw_stale_marker(canvas.image, colors.ERROR)
        elif any(state[kind].is_stale(now) for kind in spec.uses if kind in state):
            draw_stale_marker(canvas.image)


def changes_at(image: Image.Image) -> float | None:
    """When (Unix seconds) a rendered frame stops being current because a marquee on it
    moves; None when nothing on it moves (it changes only with the data or the minute)."""
    value = image.info.get(CHANGES_AT)
    return float(value) if value is not None else None


def render_traced(
    page: str,
    state: Mapping[str, Update],
    now: datetime,
    *,
    size: tuple[int, int] = (128, 64),
    timezone: str = "UTC",
    fonts: FontSet | None = None,
    clock: ClockFormat = "24h",
    part: int = 0,
) -> tuple[Image.Image, list[TextRun]]:
    """:func:`render`, plus where each text run was drawn (in the page's layout coordinates),
    for :func:`dashcli.renderers.layout.layout_problems`."""
    with recording() as runs:
        image = render(page, state, now, size=size, timezone=timezone, fonts=fonts, clock=clock,
                       part=part)
    return image, runs


def has_content(
    page: str, state: Mapping[str, Update], now: datetime, *, timezone: str = "UTC",
    unavailable_shown: bool = True,
) -> bool:
    """False when the page has nothing to show (no data yet, or e.g. no games today), so
    displays can skip it; data the page cannot read counts as content (its frame says so), and
    so does a source the ``status`` values say is waiting or failing (its frame says why),
    unless ``unavailable_shown`` is off."""
    spec = page_spec(page)
    if unavailable(state, spec.types, now):
        return unavailable_shown
    if any(kind not in state for kind in spec.types):
        return False
    content = spec.content
    if content is None:
        return True
    canvas = _canvas(spec, state, now, spec.sizes[0], timezone, None, "24h")
    try:
        return content(canvas)
    except DATA_ERRORS:
        return True


def page_parts(
    page: str, state: Mapping[str, Update], now: datetime, *,
    size: tuple[int, int] = (128, 64), timezone: str = "UTC",
) -> int:
    """How many frames ``page`` takes in the cycle at ``size`` (1 for most pages; a scoreboard
    pages through all of the day's games). Each is shown for its share of the page's time."""
    spec = page_spec(page)
    function = spec.parts
    if function is None or any(kind not in state for kind in spec.types) \
            or unavailable(state, spec.types, now):
        return 1
    canvas = _canvas(spec, state, now, spec.layout_for(size), timezone, None, "24h")
    try:
        return max(1, int(function(canvas)))
    except DATA_ERRORS:
        return 1


def takes_over(page: str, state: Mapping[str, Update], now: datetime, *,
               timezone: str = "UTC") -> bool:
    """True when ``page`` claims the cycle now (a favourite team's game is live), for cycle
    entries with ``takeover: true``."""
    spec = page_spec(page)
    function = spec.takeover
    if function is None or any(kind not in state for kind in spec.types):
        return False
    canvas = _canvas(spec, state, now, spec.sizes[0], timezone, None, "24h")
    try:
        return bool(function(canvas))
    except DATA_ERRORS:
        return False


def cache_key(
    page: str,
    state: Mapping[str, Update],
    now: datetime,
    size: tuple[int, int],
    timezone: str,
    fonts: FontSet | None,
    clock: ClockFormat = "24h",
    part: int = 0,
) -> tuple[Hashable, ...]:
    """What a frame depends on: the page, each used entry's seq (or identity) and staleness,
    the health of its sources, the displayed minute (or the page's shorter refresh period), the
    size, the timezone, the fonts and the clock format."""
    spec = page_spec(page)
    kinds = sorted(state) if spec.all_types else [k for k in spec.uses if k in state]
    entries = tuple(
        (kind, update.seq if update.seq is not None else id(update), update.is_stale(now))
        for kind in kinds
        for update in (state[kind],)
    )
    refresh = spec.refresh
    period = (refresh(page, state) if refresh is not None else None) or 60
    minute = int(now.timestamp() // period)
    health = () if spec.all_types else health_key(state, spec.uses)
    return (page, part, entries, health, minute, size, timezone,
            id(fonts) if fonts is not None else None, clock)


def _current(image: Image.Image, drawn_at: float, moment: float) -> bool:
    """True when the frame drawn at ``drawn_at`` is still the one to show at ``moment``."""
    changes = changes_at(image)
    return changes is None or drawn_at <= moment < changes


class FrameCache:
    """Frames by :func:`cache_key`, least recently used evicted: displays call :meth:`render`
    every tick and only changed inputs (new data, a new minute) are drawn again, or a frame
    whose marquee has moved on (:func:`changes_at`). The returned images are shared: treat them
    as read-only."""

    def __init__(self, maxsize: int = 64) -> None:
        self.maxsize = maxsize
        self.hits = 0
        self.misses = 0
        # Servers render in worker threads: the lock guards the dictionary, not the drawing.
        self._lock = threading.Lock()
        # The key holds ids; the entry keeps the updates and fonts alive so ids are not reused.
        self._frames: OrderedDict[tuple[Hashable, ...],
                                  tuple[Image.Image, object, float]] = OrderedDict()

    def render(
        self,
        page: str,
        state: Mapping[str, Update],
        now: datetime,
        *,
        size: tuple[int, int] = (128, 64),
        timezone: str = "UTC",
        fonts: FontSet | None = None,
        clock: ClockFormat = "24h",
        part: int = 0,
    ) -> Image.Image:
        """The frame :func:`render` would draw, from the cache when its inputs are unchanged."""
        key = cache_key(page, state, now, size, timezone, fonts, clock, part)
        moment = now.timestamp()
        with self._lock:
            found = self._frames.get(key)
            if found is not None and _current(found[0], found[2], moment):
                self.hits += 1
                self._frames.move_to_end(key)
                return found[0]
            self.misses += 1
        image = render(page, state, now, size=size, timezone=timezone, fonts=fonts, clock=clock,
                       part=part)
        with self._lock:
            self._frames[key] = (image, (dict(state), fonts), moment)
            while len(self._frames) > self.maxsize:
                self._frames.popitem(last=False)
        return image

    def clear(self) -> None:
        """Forget every frame."""
        with self._lock:
            self._frames.clear()
