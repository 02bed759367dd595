"""Night mode and page conditions: the profile's brightness schedule and each page's ``when``.

:func:`brightness_schedule` turns ``display.brightness`` into a function of the time: the level
of the last step whose time has come today (before today's first step, yesterday's last one
still holds); ``sunrise``/``sunset`` are computed for the profile's location and day (astral),
with an optional offset. Level 0 is off: the panel shows black. Frames are never dimmed here:
the panel applies the level as its brightness, the TUI and the web preview show a dimmed copy.
:func:`page_condition` is a cycle entry's ``when`` (time window, fresh data, a favourite team
playing) as a test the cycle applies with the other "has something to show" checks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from PIL import Image, ImageEnhance

from dashcli.core.envelope import Update
from dashcli.profiles.schema import CycleEntry, Location, Profile

FULL = 100
_RELATIVE = re.compile(r"^(sunrise|sunset)(?:([+-])(\d+)([mh]))?$")
# Polar day or night has no sunrise or sunset: these stand in for them.
POLAR_SUNRISE = time(6, 0)
POLAR_SUNSET = time(18, 0)


@lru_cache(maxsize=32)
def sun_times(latitude: float, longitude: float, timezone: str, day: date) -> tuple[datetime,
                                                                                   datetime]:
    """Local sunrise and sunset at a place on ``day`` (06:00/18:00 in polar day or night)."""
    from astral import Observer
    from astral.sun import sunrise, sunset

    tz = ZoneInfo(timezone)
    observer = Observer(latitude=latitude, longitude=longitude)
    try:
        return (sunrise(observer, day, tzinfo=tz), sunset(observer, day, tzinfo=tz))
    except ValueError:
        return (datetime.combine(day, POLAR_SUNRISE, tz), datetime.combine(day, POLAR_SUNSET, tz))


def moment(text: str, day: date, location: Location) -> datetime:
    """A schedule time (``HH:MM``, ``sunset``, ``sunrise-30m``) on ``day`` at ``location``."""
    tz = ZoneInfo(location.timezone)
    found = _RELATIVE.match(text)
    if found is None:
        hours, minutes = text.split(":")
        return datetime.combine(day, time(int(hours), int(minutes)), tz)
    rise, set_ = sun_times(location.latitude, location.longitude, location.timezone, day)
    base = rise if found.group(1) == "sunrise" else set_
    if found.group(2) is None:
        return base
    amount = int(found.group(3)) * (60 if found.group(4) == "h" else 1)
    return base + timedelta(minutes=amount if found.group(2) == "+" else -amount)


def brightness_schedule(profile: Profile) -> Callable[[datetime], int] | None:
    """The panel's level (0-100, 0 off) at an aware time; None without a schedule (the panel
    keeps ``panel.brightness``, the previews show frames as drawn)."""
    steps = profile.display.brightness
    if not steps:
        return None
    location = profile.location
    tz = ZoneInfo(location.timezone)

    def level(now: datetime) -> int:
        today = now.astimezone(tz).date()
        # Today's steps and yesterday's (whose last one holds until today's first).
        timeline = sorted(
            (moment(step.at, day, location), step.level)
            for day in (today - timedelta(days=1), today)
            for step in steps
        )
        current = timeline[0][1]
        for at, value in timeline:
            if at <= now:
                current = value
        return current

    return level


def dimmed(image: Image.Image, level: int | None) -> Image.Image:
    """A copy of ``image`` as a panel at ``level`` looks (for the TUI and the web preview);
    ``image`` itself at full or unscheduled (None) brightness."""
    if level is None or level >= FULL:
        return image
    if level <= 0:
        return Image.new("RGB", image.size)
    # LEDs are not linear, but a proportional dim reads right on a screen.
    return ImageEnhance.Brightness(image.convert("RGB")).enhance(level / FULL)


def page_condition(entry: CycleEntry, profile: Profile
                   ) -> Callable[[Mapping[str, Update], datetime], bool] | None:
    """The test of ``entry.when`` (None without one): all its conditions hold at ``now``."""
    when = entry.when
    if when is None:
        return None
    from dashcli.renderers import page_spec

    spec = page_spec(entry.name)
    tz = ZoneInfo(profile.location.timezone)

    def holds(state: Mapping[str, Update], now: datetime) -> bool:
        if when.between is not None:
            start, end = (time.fromisoformat(text) for text in when.between)
            clock = now.astimezone(tz).time()
            inside = start <= clock < end if start <= end else (clock >= start or clock < end)
            if not inside:
                return False
        kinds = [kind for kind in spec.uses if kind in state]
        if when.fresh and (not kinds or any(state[kind].is_stale(now) for kind in kinds)):
            return False
        return not when.playing or any(
            isinstance(game, dict) and game.get("favorite") is True
            for kind in kinds
            for game in _games(state[kind].values))

    return holds


def _games(values: object) -> list[object]:
    games = values.get("games") if isinstance(values, dict) else None
    return games if isinstance(games, list) else []
