"""The states the layout harness draws: every real recording of ../shared/fixtures parsed by its
source, and the project's own extreme cases (3-digit and negative temperatures, 100 % everywhere,
40-character names, 15 games, no games). Each case is a name, a state and the moment to draw it
at; :func:`pages_for` says which pages can draw a state."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from dashcli.core.envelope import EnvelopeError, Update
from dashcli.renderers import PAGES
from dashcli.renderers.demo import DEMO_NOW, DEMO_TIMEZONE, demo_update
from dashcli.sources import espn, metno, mlb_statsapi, open_meteo, openweathermap
from dashcli.sources.calendar import calendar_values
from dashcli.sources.events import load_file, upcoming
from dashcli.sources.github import github_values
from dashcli.sources.legacy import Settings
from dashcli.sources.validate import parse_json
from dashcli.store.legacy import LegacyDecoder, decode_json
from tests.conftest import FIXTURES, SHARED_FIXTURES

Values = dict[str, Any]
LONG = "Extraordinarily Long Name Of Forty Chars"  # 40 characters
assert len(LONG) == 40


@dataclass(frozen=True)
class Case:
    """One state to draw on every page that can, at ``now`` in ``timezone``."""

    name: str
    state: dict[str, Update]
    now: datetime
    timezone: str = DEMO_TIMEZONE


def entry(kind: str, values: Values, now: datetime, seq: int = 1) -> Update:
    """A fresh update of ``kind`` carrying ``values``, valid for a day after ``now``."""
    return Update(kind, now, now + timedelta(days=1), values, "test", seq)


def pages_for(state: dict[str, Update]) -> list[str]:
    """The pages whose required types are all in ``state`` (clock and status always)."""
    return [name for name, spec in PAGES.items() if all(kind in state for kind in spec.types)]


def _shared(folder: str, pattern: str = "*.json") -> list[Path]:
    return sorted((SHARED_FIXTURES / folder).glob(pattern))


def _json(path: Path) -> Any:
    return parse_json(path.read_bytes(), path.name)


def _weather_recordings() -> Iterator[tuple[str, Values, str]]:
    """(name, weather values, timezone) of every forecast recording."""
    for path in _shared("open-meteo-forecast"):
        imperial = "nyc" in path.name
        values = open_meteo.parse_weather(_json(path), imperial)
        yield path.name, values, json.loads(path.read_bytes()).get("timezone") or "UTC"
    for path in _shared("owm-onecall"):
        # recorded without units=: kelvin, 3-digit temperatures as real data sends them
        yield path.name, openweathermap.parse_weather(_json(path), ZoneInfo("Europe/London"),
                                                      False), "Europe/London"


def _air_recordings(now: datetime) -> Iterator[tuple[str, Values]]:
    for path in _shared("open-meteo-air-quality"):
        yield path.name, open_meteo.parse_air(_json(path), now)
    for path in _shared("owm-air-pollution"):
        yield path.name, openweathermap.parse_air(_json(path), now, ZoneInfo("Europe/London"))


def weather_cases() -> Iterator[Case]:
    for name, values, timezone in _weather_recordings():
        now = datetime.fromisoformat(values["current"]["time"])
        if now.tzinfo is None:
            now = now.replace(tzinfo=ZoneInfo(timezone))
        yield Case(name, {"weather": entry("weather", values, now)}, now, timezone)
        for air_name, air in _air_recordings(now):
            state = {"weather": entry("weather", values, now), "air": entry("air", air, now, 2)}
            yield Case(f"{name}+{air_name}", state, now, timezone)


def moon_cases() -> Iterator[Case]:
    moons = _shared("metno-sunrise", "*moon*.json")
    for sun_path in _shared("metno-sunrise"):
        if sun_path in moons:
            continue
        for moon_path in moons:
            today = date(2026, 9, 27)
            sun, moon = _json(sun_path), _json(moon_path)
            documents = {("sun", today): sun, ("moon", today): moon,
                         ("sun", today + timedelta(days=1)): sun,
                         ("moon", today + timedelta(days=1)): moon}
            values = metno.parse_moon(documents, today, ZoneInfo(DEMO_TIMEZONE))
            yield Case(f"{sun_path.name}+{moon_path.name}",
                       {"moon": entry("moon", values, DEMO_NOW)}, DEMO_NOW)


SCOREBOARDS = [("mlb", "espn-mlb-scoreboard", "baseball", "mlb"),
               ("mlb", "mlb-schedule", "baseball", "mlb"),
               ("nfl", "espn-nfl-scoreboard", "football", "nfl"),
               ("nba", "espn-nba-scoreboard", "basketball", "nba"),
               ("nhl", "espn-nhl-scoreboard", "hockey", "nhl"),
               ("soccer", "espn-soccer-scoreboard", "soccer", "usa.1")]


def scoreboard_cases() -> Iterator[Case]:
    tz, day = ZoneInfo(DEMO_TIMEZONE), date(2026, 9, 27)
    for kind, folder, sport, league in SCOREBOARDS:
        for path in _shared(folder):
            if folder == "mlb-schedule":
                values = mlb_statsapi.parse_schedule(_json(path), tz, day)
            else:
                values = espn.parse_scoreboard(_json(path), sport=sport, league=league, tz=tz,
                                               day=day)
            yield Case(path.name, {kind: entry(kind, dict(values), DEMO_NOW)}, DEMO_NOW)


CALENDAR_MOMENTS = ["2019-03-06T12:00", "2020-06-10T09:00", "2024-12-24T18:00",
                    "2026-01-07T12:00"]


def calendar_cases() -> Iterator[Case]:
    tz = ZoneInfo(DEMO_TIMEZONE)
    for path in _shared("ics-calendars", "*.ics"):
        for moment in CALENDAR_MOMENTS:
            now = datetime.fromisoformat(moment).replace(tzinfo=tz)
            values, _ = calendar_values(path.read_bytes(), path.name, now, tz, 7)
            yield Case(f"{path.name}@{moment}", {"calendar": entry("calendar", values, now)},
                       now)


def github_cases() -> Iterator[Case]:
    recordings = _shared("github-api")
    for commits in (path for path in recordings if "-commits-" in path.name):
        for runs in (path for path in recordings if "runs-" in path.name):
            values = github_values(_json(commits), _json(runs), "owner/repository", "main",
                                   ZoneInfo(DEMO_TIMEZONE))
            yield Case(f"{commits.name}+{runs.name}",
                       {"github": entry("github", values, DEMO_NOW)}, DEMO_NOW)


def events_cases() -> Iterator[Case]:
    _, entries = load_file(FIXTURES / "events" / "family.yaml")
    for offset in range(0, 365, 30):
        now = DEMO_NOW + timedelta(days=offset)
        values = {"upcoming": upcoming(entries, now.date(), 5)}
        yield Case(f"family.yaml+{offset}d", {"events": entry("events", values, now)}, now)


LEGACY = {"gen-b": [("update-messages.jsonl", False)],
          "gen-c": [("update-messages.jsonl", False), ("raw-messages.jsonl", True)]}


def legacy_cases() -> Iterator[Case]:
    """The legacy corpus's published messages through the legacy ingest's decoder, the latest
    of each type drawn together (messages it refuses are left out: test_legacy covers them)."""
    for generation, files in LEGACY.items():
        decoder = LegacyDecoder(Settings("imperial", {"mlb": frozenset({"BOS"})}))
        state: dict[str, Update] = {}
        for name, raw in files:
            path = SHARED_FIXTURES / "legacy" / generation / name
            for seq, line in enumerate(path.read_text().splitlines(), start=len(state) + 1):
                try:
                    update = decoder.update(decode_json(json.loads(line)["message"]), raw=raw)
                except EnvelopeError:
                    continue
                if update is not None:
                    state[update.type] = update.with_seq(seq)
        if state:
            now = max(update.updated for update in state.values())
            yield Case(f"legacy-{generation}", state, now)


def recorded_cases() -> list[Case]:
    """Every real recording (and the events fixture), parsed by its source."""
    cases = [*weather_cases(), *moon_cases(), *scoreboard_cases(), *calendar_cases(),
             *github_cases(), *events_cases(), *legacy_cases()]
    status = demo_update("status")
    return [*cases, *(Case(f"{case.name}+status", {**case.state, "status": status}, case.now,
                           case.timezone) for case in cases[:1])]


def _demo(kind: str) -> Values:
    return copy.deepcopy(demo_update(kind).values)


def _extreme_weather(temperatures: list[float]) -> Values:
    values = _demo("weather")
    current = values["current"]
    current.update(temperature=temperatures[0], feels_like=temperatures[-1], humidity=100,
                   wind_speed=100, wind_gusts=199, description=LONG)
    for index, hour in enumerate(values["hourly"]):
        hour["temperature"] = temperatures[index % len(temperatures)]
        hour["precipitation_probability"] = 100
    for index, day in enumerate(values["daily"]):
        day["high"] = temperatures[index % len(temperatures)]
        day["low"] = temperatures[(index + 1) % len(temperatures)]
        day["precipitation_probability"] = 100
    return values


def _extreme_games(kind: str, count: int) -> Values:
    values = _demo(kind)
    games = values["games"]
    result = []
    for index in range(count):
        game = copy.deepcopy(games[index % len(games)])
        game["id"] = f"{game['id']}-{index}"
        for side in ("away", "home"):
            game[side]["name"] = LONG
            game[side]["abbreviation"] = "WWWW"
            if game[side]["score"] is not None:
                game[side]["score"] = 188
            game[side]["record"] = "188-188-188"
        game["detail"] = LONG
        situation = game.get("situation")
        if situation:
            if "last_play" in situation:
                situation["last_play"] = LONG + " " + LONG
            if situation.get("down_distance") is not None:
                situation["down_distance"] = "4th & 10 at WWWW 45"
        result.append(game)
    values["games"] = result
    return values


def extreme_cases() -> list[Case]:
    """The project's own extremes, on the demo values."""
    now = DEMO_NOW
    cases = []
    for name, temperatures in (("3-digit", [104.0, 106.0, 108.0, 110.0]),
                               ("negative", [-15.0, -17.0, -28.0, -40.0]),
                               ("mixed", [120.0, -40.0, 104.0, -28.0])):
        weather = entry("weather", _extreme_weather(temperatures), now)
        air = _demo("air")
        air.update(aqi=500, category="Hazardous")
        cases.append(Case(f"weather-{name}", {"weather": weather,
                                              "air": entry("air", air, now, 2)}, now))
    for kind in ("mlb", "nfl", "nba", "nhl", "soccer"):
        for count in (15, 1, 0):
            cases.append(Case(f"{kind}-{count}-games",
                              {kind: entry(kind, _extreme_games(kind, count), now)}, now))
    calendar = _demo("calendar")
    for key in ("today", "week"):
        for event in calendar[key]:
            event["title"] = LONG
            event["location"] = LONG
    for key in ("current", "next"):
        if calendar[key]:
            calendar[key].update(title=LONG, location=LONG)
    cases.append(Case("calendar-long", {"calendar": entry("calendar", calendar, now)}, now))
    events = _demo("events")
    for occasion in events["upcoming"]:
        occasion.update(name=LONG, days_until=100, years=100, ordinal="100th")
    cases.append(Case("events-long", {"events": entry("events", events, now)}, now))
    github = _demo("github")
    github["repository"] = f"{LONG}/{LONG}"
    github["branch"] = LONG
    if github["commit"]:
        github["commit"].update(message=LONG + " " + LONG, author=LONG)
    if github["run"]:
        github["run"].update(name=LONG, branch=LONG)
    cases.append(Case("github-long", {"github": entry("github", github, now)}, now))
    moon = _demo("moon")
    moon["phase"]["name"] = LONG
    cases.append(Case("moon-long", {"moon": entry("moon", moon, now)}, now))
    return cases
