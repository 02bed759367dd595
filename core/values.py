"""The shape of ``values`` for every data type: the contract between sources and renderers.

The store and server treat ``values`` as opaque JSON; these TypedDicts document what each source
produces and what each page may read. Times are ISO 8601 strings with an offset (in the profile's
timezone), dates are ``YYYY-MM-DD``, temperatures are in the profile's units (``units`` says
which), and an optional upstream field that is absent is ``None``, never a guess.
"""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict

# How pages write a time of day (the profile's display.clock resolves to one of these).
ClockFormat = Literal["12h", "24h"]
CLOCK_FORMATS: tuple[ClockFormat, ...] = ("12h", "24h")

# Condition groups, the vocabulary both weather providers map their codes onto (see conditions.py)
Condition = Literal[
    "clear",
    "mostly-clear",
    "partly-cloudy",
    "cloudy",
    "fog",
    "drizzle",
    "rain",
    "freezing-rain",
    "snow",
    "thunderstorm",
]


class Units(TypedDict):
    temperature: str  # "°F" | "°C"
    wind: str  # "mph" | "km/h"


class CurrentWeather(TypedDict):
    time: str
    temperature: float
    feels_like: float | None
    humidity: float | None  # percent
    wind_speed: float | None
    wind_direction: float | None  # degrees, meteorological (where the wind comes from)
    wind_gusts: float | None
    code: int  # the provider's own condition code (WMO for Open-Meteo, OWM id)
    condition: Condition
    is_day: bool
    description: str  # "Partly cloudy"


class HourlyWeather(TypedDict):
    time: str
    temperature: float
    condition: Condition
    is_day: bool
    precipitation_probability: float | None


class DailyWeather(TypedDict):
    date: str
    weekday: str  # "Mon"
    condition: Condition | None  # None when the upstream gave no daily condition code
    high: float
    low: float
    precipitation_probability: float | None
    sunrise: str | None
    sunset: str | None


class WeatherValues(TypedDict):
    """``weather``: current conditions, the next 24 hours, 7 days."""

    units: Units
    current: CurrentWeather
    hourly: list[HourlyWeather]  # up to 24 entries from the current hour on
    daily: list[DailyWeather]  # up to 7 entries from today on
    sunrise: str | None  # today's
    sunset: str | None


class AirValues(TypedDict):
    """``air``: the US EPA AQI computed from pollutant concentrations."""

    time: str
    aqi: int
    category: str  # "Good", "Moderate", ... "Hazardous"
    color: str  # the EPA category colour, "#rrggbb"
    pollutant: str  # the main pollutant's key: pm2_5, pm10, o3, no2, so2, co
    pollutant_name: str  # "PM2.5"
    concentrations: dict[str, float]  # µg/m³ as the upstream gives them


class SunMoonDay(TypedDict):
    date: str
    sunrise: str | None  # None in polar day/night
    sunset: str | None
    moonrise: str | None
    moonset: str | None


class MoonPhase(TypedDict):
    angle: float  # 0 new, 90 first quarter, 180 full, 270 last quarter
    illumination: float  # 0..1
    name: str  # "Waxing Crescent"


class MoonValues(TypedDict):
    """``moon``: sun and moon times for today and tomorrow, and the moon's phase."""

    phase: MoonPhase
    today: SunMoonDay
    tomorrow: SunMoonDay


GameState = Literal["pre", "in", "post", "postponed", "suspended", "delayed", "cancelled"]


class Team(TypedDict):
    abbreviation: str
    name: str
    color: str | None  # "#rrggbb"
    alt_color: str | None
    record: str | None  # "80-70", "10-3-1"
    score: int | None  # None before the game and for postponed games


class BaseballSituation(TypedDict):
    inning: int
    half: Literal["top", "middle", "bottom", "end"]
    balls: int | None
    strikes: int | None
    outs: int | None
    bases: dict[str, bool]  # {"first": .., "second": .., "third": ..}
    last_play: str | None


class FootballSituation(TypedDict):
    period: int
    clock: str | None
    possession: str | None  # team abbreviation
    down_distance: str | None  # "3rd & 7 at NE 45"
    red_zone: bool
    last_play: str | None


class PeriodSituation(TypedDict):
    """Hockey, basketball and soccer: the period (half) and the clock (soccer: "58'")."""

    period: int
    clock: str | None
    last_play: str | None


class Game(TypedDict):
    id: str
    start: str
    state: GameState
    detail: str  # the upstream's short status text: "Top 5th", "Final/10", "Postponed"
    away: Team
    home: Team
    favorite: bool  # one of the profile's teams plays
    situation: NotRequired[BaseballSituation | FootballSituation | PeriodSituation | None]


class FootballWeek(TypedDict):
    """The week a football board covers (the legacy NFL type lists a whole week's games)."""

    season_type: str | None  # "Regular Season"
    name: str | None  # "Week 4"
    dates: str | None  # "Sep 24-30"


class ScoreboardValues(TypedDict):
    """``mlb``, ``nfl``, ``nba``, ``nhl``, ``soccer``: every game of the day, favourites first."""

    league: str  # "mlb", "nfl", "eng.1", ...
    sport: str  # "baseball", "football", "hockey", "basketball", "soccer"
    date: str
    games: list[Game]
    week: NotRequired[FootballWeek]  # a week's board (the legacy NFL type): every game of it


class CalendarEvent(TypedDict):
    title: str
    start: str
    end: str
    all_day: bool
    location: str | None


class CalendarValues(TypedDict):
    """``calendar``: today's and this week's events (recurrences expanded)."""

    today: list[CalendarEvent]
    week: list[CalendarEvent]
    current: CalendarEvent | None
    next: CalendarEvent | None


class Occasion(TypedDict):
    name: str
    kind: str  # birthday | anniversary | holiday | other
    date: str  # the next occurrence
    days_until: int
    years: int | None  # how many years at that occurrence, when the first year is known
    ordinal: str | None  # "40th"


class EventsValues(TypedDict):
    """``events``: the next birthdays and anniversaries."""

    upcoming: list[Occasion]


class Commit(TypedDict):
    sha: str  # 7 characters
    message: str  # first line
    author: str
    date: str


class WorkflowRun(TypedDict):
    name: str
    status: str  # queued | in_progress | completed
    conclusion: str | None  # success | failure | cancelled | ... (None while running)
    branch: str | None
    updated: str


class GithubValues(TypedDict):
    """``github``: a repository's latest commit and latest workflow run."""

    repository: str
    branch: str | None
    commit: Commit | None
    run: WorkflowRun | None


class ClockValues(TypedDict):
    """``clock``: the local time at fetch; pages draw the time from ``now`` themselves."""

    timezone: str
    time: str
    date: str


class SourceStatus(TypedDict):
    type: str
    updated: str | None  # the last good fetch (None: never succeeded)
    valid: str | None  # until when that data is valid
    ok: bool  # False while fetches fail
    error: str | None  # why, in a few words ("upstream unreachable")
    since: NotRequired[str | None]  # failing since
    retry: NotRequired[str | None]  # the next attempt while failing


class StatusValues(TypedDict):
    """``status``: each enabled source's health, published by the scheduler (or the fetchers)
    at start and after every fetch (:mod:`dashcli.health`)."""

    sources: list[SourceStatus]


class Service(TypedDict):
    """A service of the replaced system (its ``<Type>-Server`` start-up record)."""

    name: str  # the legacy type name: "Weather", "AQI"
    type: str  # our data type it publishes: "weather", "air"
    started: str
    message: str | None  # "OWMServer started."


class ServicesValues(TypedDict):
    """``services``: which legacy services run and since when (``dash serve --legacy``)."""

    services: list[Service]


class TrackValues(TypedDict):
    """``track``: a GPS tracker's latest point (Garmin inReach MapShare feed, or the legacy
    Track type)."""

    time: str
    name: str | None
    latitude: float
    longitude: float
    elevation: float | None  # metres
    speed_knots: float | None
    course: float | None  # degrees, where it is heading
    course_text: str | None  # "ESE"
    fix: bool  # a valid GPS fix


class WifiValues(TypedDict):
    """``wifi``: a network to join and its QR code (``WIFI:`` payload)."""

    ssid: str
    security: str  # WPA | WEP | nopass
    hidden: bool
    modules: list[str]  # the QR symbol's rows, "1" dark, "0" light, no quiet zone
