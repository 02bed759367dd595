"""met.no Sunrise 3.0 (no key): the ``moon`` source, sun and moon times and the moon's phase.

Four requests run together: ``GET {base}/weatherapi/sunrise/3.0/sun`` and ``.../moon`` for today
and tomorrow (local dates in the profile's timezone), each with ``date=YYYY-MM-DD`` and that
date's UTC ``offset`` (``+HH:MM``). ``values`` (:class:`dashcli.core.values.MoonValues`):

- ``phase``: the angle from today's ``properties.moonphase`` (0 new, 90 first quarter, 180 full,
  270 last quarter; a number, or ``{"value": n}`` in early 3.0 answers), the illuminated fraction
  ``(1 - cos(angle)) / 2`` and the phase's name.
- ``today``/``tomorrow``: sunrise, sunset, moonrise, moonset in the profile's timezone; ``None``
  when the body does not rise or set that day (polar day and night: met.no sends ``time: null``).

met.no refuses requests without an identifying User-Agent; :func:`dashcli.sources.http.make_client`
sets
one. The data is per day, so it is valid until the next local midnight. ``raw`` is a JSON object
holding the four bodies: ``{"sun": {date: body, ...}, "moon": {date: body, ...}}``.
"""

from __future__ import annotations

import asyncio
import json
import math
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

import httpx

from dashcli.sources.base import FetchContext, Fetched
from dashcli.sources.clock import next_midnight
from dashcli.sources.errors import DataError
from dashcli.sources.http import get
from dashcli.sources.validate import Node, parse_json

PROVIDER = "met.no"
BASE_URL = "https://api.met.no"
BODIES = ("sun", "moon")
# The moon moves about 12.2° a day (360° in 29.53 days): a principal phase (new, quarters, full)
# is named within half a day's motion of its exact angle, so it is shown for about one day.
PRINCIPAL_HALF_WIDTH = 360 / 29.530588 / 2
PRINCIPAL = ((0.0, "New Moon"), (90.0, "First Quarter"), (180.0, "Full Moon"),
             (270.0, "Last Quarter"), (360.0, "New Moon"))
BETWEEN = ("Waxing Crescent", "Waxing Gibbous", "Waning Gibbous", "Waning Crescent")


def utc_offset(day: date, tz: tzinfo) -> str:
    """The ``+HH:MM`` offset of ``tz`` at noon of ``day`` (the offset met.no should answer in)."""
    offset = datetime.combine(day, time(12), tzinfo=tz).utcoffset() or timedelta(0)
    minutes = round(offset.total_seconds() / 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{rest:02d}"


async def fetch(ctx: FetchContext) -> Fetched:
    """Fetch sun and moon for today and tomorrow concurrently and build MoonValues."""
    today = ctx.local_now.date()
    days = (today, today + timedelta(days=1))
    base = ctx.base_url(BASE_URL)
    requests = [(body, day) for day in days for body in BODIES]
    answers = await asyncio.gather(
        *(_get(ctx, f"{base}/weatherapi/sunrise/3.0/{body}", day) for body, day in requests),
        return_exceptions=True,
    )
    documents: dict[tuple[str, date], Node] = {}
    raw: dict[str, dict[str, Any]] = {body: {} for body in BODIES}
    for (body, day), answer in zip(requests, answers, strict=True):
        if isinstance(answer, BaseException):
            raise answer
        node = parse_json(answer.content, f"{PROVIDER}.{body}[{day.isoformat()}]")
        documents[body, day] = node
        raw[body][day.isoformat()] = node.value
    values = parse_moon(documents, today, ctx.tz)
    return Fetched(values, next_midnight(ctx.now, ctx.tz), PROVIDER, json.dumps(raw).encode())


async def _get(ctx: FetchContext, url: str, day: date) -> httpx.Response:
    params: dict[str, str | int | float] = {
        "lat": round(ctx.profile.location.latitude, 4),
        "lon": round(ctx.profile.location.longitude, 4),
        "date": day.isoformat(),
        "offset": utc_offset(day, ctx.tz),
    }
    return await get(ctx.client, PROVIDER, url, params=params, retry=ctx.retry)


def parse_moon(documents: dict[tuple[str, date], Node], today: date, tz: tzinfo) -> dict[str, Any]:
    """MoonValues from the sun and moon documents of ``today`` and the next day."""
    tomorrow = today + timedelta(days=1)
    return {
        "phase": parse_phase(documents["moon", today]),
        "today": parse_day(documents["sun", today], documents["moon", today], today, tz),
        "tomorrow": parse_day(documents["sun", tomorrow], documents["moon", tomorrow], tomorrow,
                              tz),
    }


def parse_phase(moon: Node) -> dict[str, Any]:
    """The phase of a moon document: angle (0..360), illuminated fraction and name."""
    node = moon["properties"]["moonphase"]
    if isinstance(node.value, dict):
        node = node["value"]
    angle = node.number() % 360.0
    return {
        "angle": round(angle, 2),
        "illumination": round((1 - math.cos(math.radians(angle))) / 2, 3),
        "name": phase_name(angle),
    }


def phase_name(angle: float) -> str:
    """The name of the phase at ``angle`` degrees (0 new, 90 first quarter, 180 full...)."""
    angle %= 360.0
    for exact, name in PRINCIPAL:
        if abs(angle - exact) <= PRINCIPAL_HALF_WIDTH:
            return name
    return BETWEEN[int(angle // 90)]


def parse_day(sun: Node, moon: Node, day: date, tz: tzinfo) -> dict[str, Any]:
    """Rise and set times of one day; ``None`` where the answer has no time (polar day/night)."""
    sun_properties = sun["properties"]
    moon_properties = moon["properties"]
    return {
        "date": day.isoformat(),
        "sunrise": _event_time(sun_properties, "sunrise", tz),
        "sunset": _event_time(sun_properties, "sunset", tz),
        "moonrise": _event_time(moon_properties, "moonrise", tz),
        "moonset": _event_time(moon_properties, "moonset", tz),
    }


def _event_time(properties: Node, key: str, tz: tzinfo) -> str | None:
    event = properties.get(key)
    if event is None:
        return None
    node = event.get("time")
    if node is None:
        return None
    try:
        moment = node.time(tz).astimezone(tz)
    except OverflowError:  # a year-1 or year-9999 time cannot move to another offset
        raise DataError(node.path, "time out of range") from None
    return moment.isoformat(timespec="minutes")

