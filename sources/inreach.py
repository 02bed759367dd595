"""Garmin inReach MapShare (``track``): the latest position a tracker reported, from its KML feed.

One request, ``GET {base}/Feed/Share/{user}`` (``base`` is ``https://share.garmin.com``; the feed
answers the latest point without a date range), with HTTP basic auth when the optional secret
``inreach_password`` is set (a MapShare page's password; the user name is empty). The KML's point
Placemark carries ``ExtendedData`` items read by name (not by position, as the old ``garmin.py``
did): ``Time UTC``, ``Name``, ``Latitude``, ``Longitude``, ``Elevation`` (``3.00 m from MSL``),
``Velocity`` (``11.0 km/h``), ``Course`` (``112.50 ° True``) and ``Valid GPS Fix``.

``values`` (:class:`dashcli.core.values.TrackValues`): the report's ``time`` in the profile's
timezone, ``name``, ``latitude``/``longitude`` (degrees), ``elevation`` (metres), ``speed_knots``
(km/h ÷ 1.852), ``course`` (degrees) with ``course_text`` (16-point compass) and ``fix``. The
KML is parsed through defusedxml (no entity expansion, no external entities). Valid for 10
minutes (inReach tracks every 10 minutes by default).
"""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from dashcli.profiles.schema import TrackSettings
from dashcli.sources.base import FetchContext, Fetched
from dashcli.sources.errors import DataError
from dashcli.sources.http import get
from dashcli.sources.legacy import COMPASS

PROVIDER = "inreach"
FEED_URL = "https://share.garmin.com"
PASSWORD_NAME = "inreach_password"  # noqa: S105 - the secret key, not its value
KML = "{http://www.opengis.net/kml/2.2}"
VALID_FOR = timedelta(minutes=10)
KMH_PER_KNOT = 1.852
NUMBER = re.compile(r"^\s*(-?\d+(?:\.\d+)?)")


async def fetch(ctx: FetchContext) -> Fetched:
    """Fetch the feed and turn its latest point into TrackValues."""
    settings = ctx.settings
    assert isinstance(settings, TrackSettings)
    password = ctx.optional_secret(PASSWORD_NAME)
    url = f"{ctx.base_url(FEED_URL)}/Feed/Share/{settings.user}"
    headers = {}
    if password:
        # Basic auth with an empty user name: what MapShare asks of a protected feed.
        token = base64.b64encode(f":{password}".encode()).decode()
        headers["Authorization"] = f"Basic {token}"
    response = await get(ctx.client, PROVIDER, url, headers=headers, retry=ctx.retry)
    values = parse_feed(response.content, ctx.tz)
    return Fetched(values, ctx.now + VALID_FOR, PROVIDER, response.content)


def _number(text: str | None, where: str) -> float | None:
    """The leading number of ``11.0 km/h`` or ``112.50 ° True``; None for an empty value."""
    if text is None or not text.strip():
        return None
    match = NUMBER.match(text)
    if match is None:
        raise DataError(where, f"not a number: {text[:30]!r}")
    return float(match.group(1))


def parse_feed(body: bytes, tz: tzinfo) -> dict[str, Any]:
    """The latest point Placemark of an inReach KML feed as TrackValues."""
    try:
        root = fromstring(body)
    except (ParseError, DefusedXmlException) as exc:
        raise DataError("inreach", f"response is not valid KML ({exc})") from None
    points = [mark for mark in root.iter(f"{KML}Placemark")
              if mark.find(f"{KML}ExtendedData") is not None]
    if not points:
        raise DataError("inreach", "the feed holds no position (nothing tracked yet)")
    data = {
        item.get("name", ""): (item.findtext(f"{KML}value") or "").strip()
        for item in points[-1].iter(f"{KML}Data")
    }

    def need(name: str) -> str:
        value = data.get(name)
        if not value:
            raise DataError(f"inreach.ExtendedData.{name}", "required field is missing")
        return value

    try:
        moment = datetime.strptime(need("Time UTC"), "%m/%d/%Y %I:%M:%S %p").replace(tzinfo=UTC)
    except ValueError:
        raise DataError("inreach.ExtendedData.Time UTC",
                        f"not a time like '6/14/2026 3:10:30 PM': {data['Time UTC'][:30]!r}"
                        ) from None
    latitude = _number(need("Latitude"), "inreach.ExtendedData.Latitude") or 0.0
    longitude = _number(need("Longitude"), "inreach.ExtendedData.Longitude") or 0.0
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise DataError("inreach.ExtendedData", f"no such position {latitude}, {longitude}")
    speed = _number(data.get("Velocity"), "inreach.ExtendedData.Velocity")
    course = _number(data.get("Course"), "inreach.ExtendedData.Course")
    return {
        "time": moment.astimezone(tz).isoformat(timespec="seconds"),
        "name": data.get("Name") or data.get("Map Display Name") or None,
        "latitude": latitude,
        "longitude": longitude,
        "elevation": _number(data.get("Elevation"), "inreach.ExtendedData.Elevation"),
        "speed_knots": round(speed / KMH_PER_KNOT, 2) if speed is not None else None,
        "course": course,
        "course_text": COMPASS[round(course / 22.5) % 16] if course is not None else None,
        "fix": data.get("Valid GPS Fix", "").lower() == "true",
    }
