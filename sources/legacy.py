"""Translation of the replaced system's ``values`` into dashcli's value shapes (``values.py``).

The old microservices publish one shape per type (``Weather``'s ``current/hourly/forecast`` with
OWM condition ids and owfont codes, ``AQI``'s ``"(r,g,b)"`` colour, ``Moon``'s label strings,
``Calendar``'s ``[summary, start, end]`` lists, MLB's flat game list, NFL's week object, Track's
KML strings). :func:`translate` turns one of them into the values our pages draw, reading it
through :class:`~dashcli.sources.validate.Node`, so a value it cannot read is a
:class:`~dashcli.sources.errors.DataError` naming the type and the field, never a KeyError.
Legacy times without a zone (hourly ``HH:mm``, Track's ``Time``) are placed in the zone of the
message's own ``updated``. The old Weather service asks OWM for imperial units, but a body made
with OWM's default units (Kelvin, m/s) passes through it unconverted: temperatures no Earth
weather reaches in °F are read as Kelvin.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING, Any

from dashcli.sources.conditions import from_owm
from dashcli.sources.errors import DataError
from dashcli.sources.validate import Node

if TYPE_CHECKING:
    from dashcli.sources.events import Anniversary

# Legacy type name -> our data type.
LEGACY_TYPES = {
    "Weather": "weather",
    "AQI": "air",
    "Moon": "moon",
    "MLB": "mlb",
    "NFL": "nfl",
    "Calendar": "calendar",
    "Events": "events",
    "GitHub": "github",
    "Track": "track",
}
COMPASS = ("N", "NNE", "NE", "ENE", "E", "ESE", "SE", "SSE",
           "S", "SSW", "SW", "WSW", "W", "WNW", "NW", "NNW")
# Above this a "°F" reading is Kelvin (OWM's default units passed through the old service).
KELVIN_FLOOR = 170.0
MPS_TO_MPH = 2.236936
# Zone abbreviations the old services write (arrow's ``ZZZ``) -> UTC offset in hours.
ZONE_ABBREVIATIONS = {
    "UTC": 0, "GMT": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6,
    "PST": -8, "PDT": -7, "AKST": -9, "AKDT": -8, "HST": -10, "BST": 1, "CET": 1, "CEST": 2,
}
POLLUTANTS = {
    "nitrogen dioxide": ("no2", "NO2"), "ozone": ("o3", "O3"), "sulphur dioxide": ("so2", "SO2"),
    "sulfur dioxide": ("so2", "SO2"), "carbon monoxide": ("co", "CO"),
    "fine particulate matter": ("pm2_5", "PM2.5"), "pm2.5": ("pm2_5", "PM2.5"),
    "coarse particulate matter": ("pm10", "PM10"), "pm10": ("pm10", "PM10"),
}
HALVES = {"Top": "top", "Bot": "bottom", "Mid": "middle", "End": "end"}
QUARTERS = {"1st Qtr": 1, "2nd Qtr": 2, "3rd Qtr": 3, "4th Qtr": 4, "Halftime": 2, "OT": 5}
NO_EVENTS = "No events"
ABBREVIATED_TIME = re.compile(
    r"^(\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}(?::\d{2})? [AP]M) ([A-Z]{2,5})$")
LEGACY_TIME_FORMATS = ("%m/%d/%Y %I:%M:%S %p %z", "%m/%d/%Y %I:%M %p %z")
COLOR_TRIPLE = re.compile(r"^\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*\)$")


def our_type(name: str) -> str:
    """Our data type for a legacy type name (an unknown name is lower-cased)."""
    return LEGACY_TYPES.get(name, name.lower())


def parse_legacy_time(text: str, tz: tzinfo | None = None) -> datetime:
    """``10/25/2024 12:00 PM -0400``, with seconds or without, or with a zone abbreviation
    (``01/25/2021 1:00 PM EST``; an unknown abbreviation takes ``tz``): ValueError otherwise."""
    text = text.strip()
    for pattern in LEGACY_TIME_FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    match = ABBREVIATED_TIME.match(text)
    if match is None:
        raise ValueError(f"not a legacy time: {text[:40]!r}")
    moment, abbreviation = match.groups()
    naive = datetime.strptime(moment, "%m/%d/%Y %I:%M:%S %p" if moment.count(":") == 2
                              else "%m/%d/%Y %I:%M %p")
    hours = ZONE_ABBREVIATIONS.get(abbreviation)
    if hours is not None:
        return naive.replace(tzinfo=timezone(timedelta(hours=hours)))
    if tz is None:
        raise ValueError(f"unknown time zone abbreviation {abbreviation!r}")
    return naive.replace(tzinfo=tz)


def _minutes(moment: datetime) -> str:
    return moment.isoformat(timespec="minutes")


def _time(node: Node, tz: tzinfo | None) -> datetime:
    try:
        return parse_legacy_time(node.string(), tz)
    except ValueError as exc:
        raise DataError(node.path, str(exc)) from None


def _text(node: Node | None) -> str | None:
    if node is None:
        return None
    text = node.string().strip()
    return text or None


@dataclass(frozen=True)
class Settings:
    """What the profile says about the translated values: units, favourite teams by league."""

    units: str = "imperial"
    favorites: Mapping[str, frozenset[str]] = field(default_factory=dict)


def translate(name: str, values: Any, updated: datetime, settings: Settings | None = None
              ) -> dict[str, Any]:
    """Our values for the legacy ``values`` of type ``name``, published at ``updated``.

    Weather is converted to ``settings.units``; games of favourite teams are marked and listed
    first. A type this module does not know is a DataError; so is any field it cannot read.
    """
    translator = TRANSLATORS.get(name)
    if translator is None:
        raise DataError(f"legacy {name}", "no translation for this type")
    return translator(Node(values, f"legacy {name}.values"), updated, settings or Settings())


def _ordered(games: list[dict[str, Any]], wanted: frozenset[str]) -> list[dict[str, Any]]:
    """Favourites first, then live games, then by start (the legacy lists are in upstream order)."""
    for game in games:
        game["favorite"] = bool({game["away"]["abbreviation"], game["home"]["abbreviation"]}
                                & wanted)
    return sorted(games, key=lambda game: (not game["favorite"], game["state"] != "in",
                                           datetime.fromisoformat(game["start"])))


# Weather -------------------------------------------------------------------------------------


def _direction(node: Node | None) -> float | None:
    if node is None:
        return None
    if isinstance(node.value, str):
        text = node.value.strip().upper()
        if text not in COMPASS:
            raise DataError(node.path, f"not a compass point: {text[:8]!r}")
        return COMPASS.index(text) * 22.5
    return node.number()


def _weather(node: Node, updated: datetime, settings: Settings) -> dict[str, Any]:
    current = node["current"]
    kelvin = current["temp"].number() > KELVIN_FLOOR
    metric = settings.units == "metric"

    def temp(value: Node) -> float:
        number = value.number()
        if kelvin:
            celsius = number - 273.15
        elif metric:
            celsius = (number - 32) / 1.8
        else:
            return round(number, 1)
        return round(celsius if metric else celsius * 1.8 + 32, 1)

    def speed(value: Node | None) -> float | None:
        if value is None:
            return None
        mph = value.number() * (MPS_TO_MPH if kelvin else 1.0)
        return round(mph * 1.609344 if metric else mph, 1)

    def condition(entry: Node) -> tuple[int, Any, bool]:
        code = entry["wid"].integer()
        return code, from_owm(code), entry.opt_str("dn") != "n"

    code, group, is_day = condition(current)
    description = current.opt_str("desc") or ""
    tz = updated.tzinfo
    hourly = []
    day = updated.date()
    previous = -1
    for entry in node["hourly"].items()[:24]:
        hour_text = entry["hour"].string()
        try:
            hour, minute = (int(part) for part in hour_text.split(":"))
            if hour < previous:
                day += timedelta(days=1)
            previous = hour
            moment = datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)
        except ValueError:
            raise DataError(entry["hour"].path, f"not HH:mm: {hour_text[:10]!r}") from None
        _, hour_group, hour_day = condition(entry)
        hourly.append({"time": _minutes(moment), "temperature": temp(entry["temp"]),
                       "condition": hour_group, "is_day": hour_day,
                       "precipitation_probability": None})
    daily = []
    for index, entry in enumerate(node["forecast"].items()[:7]):
        when = updated.date() + timedelta(days=index)
        _, day_group, _ = condition(entry)
        daily.append({"date": when.isoformat(), "weekday": when.strftime("%a"),
                      "condition": day_group, "high": temp(entry["high"]),
                      "low": temp(entry["low"]), "precipitation_probability": None,
                      "sunrise": None, "sunset": None})
    humidity = current.get("humid")
    return {
        "units": {"temperature": "°C" if metric else "°F", "wind": "km/h" if metric else "mph"},
        "current": {
            "time": _minutes(updated),
            "temperature": temp(current["temp"]),
            "feels_like": temp(current["fl"]) if current.has("fl") else None,
            "humidity": humidity.number() if humidity is not None else None,
            "wind_speed": speed(current.get("windSpeed")),
            "wind_direction": _direction(current.get("windDir")),
            "wind_gusts": speed(current.get("windGust")) or None,
            "code": code,
            "condition": group,
            "is_day": is_day,
            "description": description[:1].upper() + description[1:],
        },
        "hourly": hourly,
        "daily": daily,
        "sunrise": None,
        "sunset": None,
    }


# AQI -----------------------------------------------------------------------------------------


def _air(node: Node, updated: datetime, settings: Settings) -> dict[str, Any]:
    color_node = node["color"]
    match = COLOR_TRIPLE.match(color_node.string())
    if match is None:
        raise DataError(color_node.path, "expected a colour like '(0,228,0)'")
    red, green, blue = (min(int(part), 255) for part in match.groups())
    pollutant_text = node["main_pollutant"].string()
    key, short = POLLUTANTS.get(pollutant_text.strip().lower(),
                                (pollutant_text.strip().lower(), pollutant_text.strip()))
    when = _time(node["date_time"], updated.tzinfo) if node.has("date_time") else updated
    return {
        "time": _minutes(when),
        "aqi": node["aqi_score"].integer(),
        "category": node["aqi_adjective"].string(),
        "color": f"#{red:02x}{green:02x}{blue:02x}",
        "pollutant": key,
        "pollutant_name": short,
        "concentrations": {},
    }


# Moon ----------------------------------------------------------------------------------------


def _moon(node: Node, updated: datetime, settings: Settings) -> dict[str, Any]:
    from dashcli.sources.metno import phase_name

    angle = round(node["phase"].number() * 3.6 % 360.0, 2)
    illumination = node.get("illumstr")
    if illumination is not None:
        try:
            fraction = float(illumination.string().strip().rstrip("%")) / 100
        except ValueError:
            raise DataError(illumination.path, "expected a percentage like '58.6%'") from None
    else:
        import math

        fraction = (1 - math.cos(math.radians(angle))) / 2
    today = updated.date()
    days: dict[date, dict[str, Any]] = {
        when: {"date": when.isoformat(), "sunrise": None, "sunset": None, "moonrise": None,
               "moonset": None}
        for when in (today, today + timedelta(days=1))
    }
    for key in ("sunevent", "moonevent"):
        event = node.get(key)
        if event is None:
            continue
        label, _, clock = event.string().partition(":")
        kind = label.strip().lower()
        if kind not in ("sunrise", "sunset", "moonrise", "moonset"):
            raise DataError(event.path, f"unknown event {label.strip()[:12]!r}")
        try:
            moment = datetime.strptime(clock.strip(), "%I:%M %p")
        except ValueError:
            raise DataError(event.path, f"not a time like '05:35 PM': {clock.strip()[:12]!r}"
                            ) from None
        at = updated.replace(hour=moment.hour, minute=moment.minute, second=0, microsecond=0)
        # The old service names the *next* event: one earlier than now is tomorrow's.
        if at < updated.replace(second=0, microsecond=0):
            at += timedelta(days=1)
        days[at.date()][kind] = _minutes(at)
    return {
        "phase": {"angle": angle, "illumination": round(fraction, 3), "name": phase_name(angle)},
        "today": days[today],
        "tomorrow": days[today + timedelta(days=1)],
    }


# Calendar ------------------------------------------------------------------------------------


def _calendar(node: Node, updated: datetime, settings: Settings) -> dict[str, Any]:
    entries = node.items()
    if [entry.value for entry in entries] == [NO_EVENTS]:
        entries = []
    events: list[tuple[datetime, datetime, dict[str, Any]]] = []
    for entry in entries:
        parts = entry.items()
        if len(parts) != 3:
            raise DataError(entry.path, "expected [summary, start, end]")
        start, end = parts[1].time(updated.tzinfo), parts[2].time(updated.tzinfo)
        events.append((start, end, {"title": parts[0].string(), "start": _minutes(start),
                                    "end": _minutes(end), "all_day": False, "location": None}))
    events.sort(key=lambda event: event[0])
    today = updated.date()
    week_end = today + timedelta(days=7)
    days = [start.astimezone(updated.tzinfo).date() for start, _, _ in events]
    return {
        "today": [event for (_, _, event), day in zip(events, days, strict=True) if day == today],
        "week": [event for (_, _, event), day in zip(events, days, strict=True)
                 if today <= day < week_end],
        "current": next((event for start, end, event in events if start <= updated < end), None),
        "next": next((event for start, _, event in events if start > updated), None),
    }


# Events --------------------------------------------------------------------------------------


def anniversary_from_legacy(entry: Node) -> Anniversary:
    """An :class:`~dashcli.sources.events.Anniversary` from an old ``events.json`` entry
    ``{event, name, month, day, year}`` (``event`` is the kind: Birthday, Anniversary, ...)."""
    from dashcli.sources.events import Anniversary

    kind = (entry.opt_str("event") or "other").strip().lower()
    if kind not in ("birthday", "anniversary", "holiday"):
        kind = "other"
    month, day = entry["month"].integer(), entry["day"].integer()
    year = entry.opt_int("year")
    try:
        date(year or 2000, month, day)  # 2000 is a leap year: 29 February is a valid entry
    except ValueError:
        raise DataError(entry.path, f"impossible date {month}/{day}") from None
    return Anniversary(entry["name"].string(), kind, month, day, year)


def _events(node: Node, updated: datetime, settings: Settings) -> dict[str, Any]:
    from dashcli.sources.events import upcoming

    entries = [anniversary_from_legacy(entry) for entry in node.items()]
    return {"upcoming": upcoming(entries, updated.date(), len(entries))}


# GitHub --------------------------------------------------------------------------------------


def _github(node: Node, updated: datetime, settings: Settings) -> dict[str, Any]:
    when = node.get("date")
    moment = updated
    if when is not None:
        text = when.string().strip()
        match = re.match(r"^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} [AP]M) ([A-Z]{2,5})$", text)
        if match is None:
            raise DataError(when.path, f"not a time like '2023-08-28 02:27:45 PM EDT': "
                                       f"{text[:40]!r}")
        naive = datetime.strptime(match.group(1), "%Y-%m-%d %I:%M:%S %p")
        hours = ZONE_ABBREVIATIONS.get(match.group(2))
        moment = naive.replace(tzinfo=timezone(timedelta(hours=hours)) if hours is not None
                               else updated.tzinfo)
    message = (node.opt_str("commit_message") or "").strip().splitlines()
    latest = node["latest_commit"].string()[:7]
    good = (node.opt_str("last_successful_commit") or "0000000")[:7]
    run = None
    if good != "0000000":
        # The old service keeps only the last green commit: shown as a successful run.
        run = {"name": f"last green {good}", "status": "completed", "conclusion": "success",
               "branch": None, "updated": _minutes(moment)}
    return {
        "repository": "GitHub",
        "branch": None,
        "commit": {"sha": latest, "message": message[0] if message else "", "author": "",
                   "date": _minutes(moment)},
        "run": run,
    }


# MLB -----------------------------------------------------------------------------------------


def _team(game: Node, side: str, abbreviation_key: str, color_key: str, record_key: str,
          score_key: str, names: Callable[[str], tuple[str, str | None]]) -> dict[str, Any]:
    abbreviation = game[abbreviation_key].string()
    name, known_color = names(abbreviation)
    color = (game.opt_str(color_key) or "").lstrip("#").lower()
    # The old MLB service writes 000000 for every club (it reads a field ESPN does not send).
    shown = f"#{color}" if re.fullmatch(r"[0-9a-f]{6}", color) and color != "000000" else None
    score = game.get(score_key)
    return {
        "abbreviation": abbreviation,
        "name": name,
        "color": shown or known_color,
        "alt_color": None,
        "record": _text(game.get(record_key)),
        "score": score.integer() if score is not None and score.value != "" else None,
    }


def _mlb_names(abbreviation: str) -> tuple[str, str | None]:
    from dashcli.sources.teams import MLB_ALIASES, MLB_TEAMS

    wanted = MLB_ALIASES.get(abbreviation, abbreviation)
    for team in MLB_TEAMS.values():
        if team.abbreviation == wanted:
            return team.name, team.color
    return abbreviation, None


def _ordinal(number: int) -> str:
    from dashcli.sources.events import ordinal

    return ordinal(number)


def _mlb(node: Node, updated: datetime, settings: Settings) -> dict[str, Any]:
    games = []
    for game in node.items():
        state = game["status"].string()
        if state not in ("pre", "in", "post"):
            raise DataError(game["status"].path, f"unknown status {state[:12]!r}")
        start = _time(game["startTime"], updated.tzinfo)
        entry: dict[str, Any] = {
            "id": game.opt_str("id") or str(game["id"].integer()),
            "start": _minutes(start),
            "state": state,
            "detail": "Final" if state == "post" else start.strftime("%-I:%M %p"),
            "away": _team(game, "away", "awayAbbreviation", "awayColor", "awayRecord",
                          "awayScore", _mlb_names),
            "home": _team(game, "home", "homeAbbreviation", "homeColor", "homeRecord",
                          "homeScore", _mlb_names),
            "favorite": False,
            "situation": None,
        }
        if state == "in":
            inning = game["inning"].integer()
            half_text = game["inningState"].string()
            half = HALVES.get(half_text[:3])
            if half is None:
                raise DataError(game["inningState"].path, f"unknown half {half_text[:8]!r}")
            entry["detail"] = f"{half_text[:3]} {_ordinal(inning)}"
            entry["situation"] = {
                "inning": inning,
                "half": half,
                "balls": game.opt_int("balls"),
                "strikes": game.opt_int("strikes"),
                "outs": game.opt_int("outs"),
                "bases": {base: bool(game.get(key) and game[key].boolean())
                          for base, key in (("first", "onFirst"), ("second", "onSecond"),
                                            ("third", "onThird"))},
                "last_play": _text(game.get("lastPlay")),
            }
        games.append(entry)
    return {"league": "mlb", "sport": "baseball", "date": updated.date().isoformat(),
            "games": _ordered(games, settings.favorites.get("mlb", frozenset()))}


# NFL -----------------------------------------------------------------------------------------


def _red_zone(position: str | None, possession: str | None) -> bool:
    """Inside the defence's 20: ``position`` is ``"NO 10"`` (the side of the field, the line)."""
    if not position or not possession:
        return False
    side, _, line = position.rpartition(" ")
    return side != possession and line.isdigit() and int(line) <= 20


def _nfl(node: Node, updated: datetime, settings: Settings) -> dict[str, Any]:
    games = []
    for event in node["events"].items():
        state = event["state"].string()
        if state not in ("pre", "in", "post"):
            raise DataError(event["state"].path, f"unknown state {state[:12]!r}")
        start = event["fulldate"].time()
        home = _team(event, "home", "homeabrv", "homecolor", "homerecord", "homescore",
                     lambda abbreviation: (abbreviation, None))
        away = _team(event, "away", "awayabrv", "awaycolor", "awayrecord", "awayscore",
                     lambda abbreviation: (abbreviation, None))
        if state == "pre":
            home["score"] = away["score"] = None
        local = start.astimezone(updated.tzinfo)
        entry: dict[str, Any] = {
            "id": f"{away['abbreviation']}@{home['abbreviation']}-{start:%Y%m%dT%H%M}",
            "start": _minutes(local),
            "state": state,
            "detail": "Final" if state == "post" else local.strftime("%a %-I:%M %p"),
            "away": away,
            "home": home,
            "favorite": False,
            "situation": None,
        }
        if state == "in":
            period_text = event.opt_str("period") or ""
            clock = event.opt_str("clock")
            possession = _text(event.get("possession"))
            position = _text(event.get("position"))
            down = _text(event.get("downandyardage"))
            entry["detail"] = period_text if period_text == "Halftime" else (
                f"{clock} - {period_text}" if clock else period_text)
            entry["situation"] = {
                "period": QUARTERS.get(period_text, 0),
                "clock": clock,
                "possession": possession,
                "down_distance": f"{down} at {position}" if down and position else down,
                "red_zone": _red_zone(position, possession),
                "last_play": _text(event.get("lastplay")),
            }
        games.append(entry)
    return {
        "league": "nfl", "sport": "football", "date": updated.date().isoformat(),
        "games": _ordered(games, settings.favorites.get("nfl", frozenset())),
        "week": {"season_type": node.opt_str("seasontype"), "name": node.opt_str("weekname"),
                 "dates": node.opt_str("weekdates")},
    }


# Track ---------------------------------------------------------------------------------------


def compass_degrees(text: str) -> float | None:
    """Degrees of a 16-point compass name (``ESE`` → 112.5), None for anything else."""
    text = text.strip().upper()
    return COMPASS.index(text) * 22.5 if text in COMPASS else None


def _track(node: Node, updated: datetime, settings: Settings) -> dict[str, Any]:
    def number(key: str) -> float:
        item = node[key]
        if isinstance(item.value, str):
            try:
                return float(item.value)
            except ValueError:
                raise DataError(item.path, f"not a number: {item.value[:20]!r}") from None
        return item.number()

    when = node.get("Time")
    moment = updated
    if when is not None:
        try:
            moment = datetime.strptime(when.string().strip(), "%m/%d/%Y %I:%M:%S %p").replace(
                tzinfo=updated.tzinfo)
        except ValueError:
            raise DataError(when.path, "not a time like '6/14/2026 11:10:30 AM'") from None
    course = node.get("Course")
    course_text = course.string().strip() if course is not None else None
    fix = node.get("Valid GPS Fix")
    return {
        "time": moment.isoformat(timespec="seconds"),
        "name": node.opt_str("Name"),
        "latitude": number("Latitude"),
        "longitude": number("Longitude"),
        "elevation": None,
        "speed_knots": round(number("Velocity"), 2) if node.has("Velocity") else None,
        "course": compass_degrees(course_text) if course_text else None,
        "course_text": course_text,
        "fix": fix is not None and str(fix.value).strip().lower() == "true",
    }


TRANSLATORS: dict[str, Callable[[Node, datetime, Settings], dict[str, Any]]] = {
    "Weather": _weather,
    "AQI": _air,
    "Moon": _moon,
    "Calendar": _calendar,
    "Events": _events,
    "GitHub": _github,
    "MLB": _mlb,
    "NFL": _nfl,
    "Track": _track,
}
