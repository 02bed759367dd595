"""ESPN's site scoreboard (no key): the ``nfl``, ``nba``, ``nhl`` and ``soccer`` sources, and
the ``mlb`` source's second provider.

Request: ``GET {base}/apis/site/v2/sports/{sport}/{league}/scoreboard?dates=YYYYMMDD`` for the
scoreboard day (see :mod:`dashcli.sources.scoreboard`). The source picks the sport and default
league:
nfl → football/nfl, nba → basketball/nba, nhl → hockey/nhl, mlb → baseball/mlb, soccer →
soccer/usa.1; the setting ``league`` (an ESPN slug such as ``eng.1``) replaces the league.

``values`` (:class:`dashcli.core.values.ScoreboardValues`): every event of the response,
favourites
first, then by start time. Per game, from the event and its first competition:

- ``id``, ``start`` (event ``date`` in the profile's timezone).
- ``state`` from ``status.type``: its ``name`` (STATUS_POSTPONED, STATUS_SUSPENDED,
  STATUS_RAIN_DELAY, STATUS_DELAYED, STATUS_CANCELED, STATUS_ABANDONED) gives the special states,
  else ``state`` pre/in/post (another value is a DataError).
- ``detail``: ``status.type.shortDetail`` ("Top 9th", "0:48 - 4th", "58'", "Final/10"); for a
  scheduled game ``description`` ("Scheduled", as ESPN's short text is a date in US Eastern
  time) and for a delayed one ``detail`` ("Rain Delay, Top 3rd").
- teams (``homeAway``): abbreviation, ``displayName``, ``color``/``alternateColor`` as
  ``#rrggbb`` (MLB clubs: their brand colours from :mod:`dashcli.sources.teams`, as ESPN's
  are often near-black), the ``total`` record's summary, and the score once the game started
  (ESPN sends "0" before the start and for postponed games; those become None).
- ``situation`` for a game in play (``in`` or a delay after the start), built from ``status``
  and, when present, the competition's ``situation`` block (any part of it may be missing):
  baseball — inning (``period``), half from the status text (Top/Bot/Mid/End), balls, strikes,
  outs, ``onFirst``/``onSecond``/``onThird``, ``lastPlay.text``; football — quarter, clock,
  possession (the team id resolved to its abbreviation), ``downDistanceText``, ``isRedZone``,
  last play; hockey, basketball and soccer — period and ``displayClock`` (soccer: "58'").

``valid`` (:func:`dashcli.sources.scoreboard.valid_until`): now + 30 s (MLB) or 60 s (other
leagues) while
a game is live or delayed (or a scheduled start has passed); otherwise the next start, at most 15
minutes ahead; when nothing is left to play, the next 06:00 local.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, tzinfo
from typing import Any, Literal, cast

from dashcli.core.envelope import isoformat
from dashcli.core.errors import ProfileError
from dashcli.core.values import (
    BaseballSituation,
    FootballSituation,
    Game,
    GameState,
    PeriodSituation,
    ScoreboardValues,
    Team,
)
from dashcli.profiles.schema import ScoreboardSettings
from dashcli.sources import scoreboard
from dashcli.sources.base import FetchContext, Fetched
from dashcli.sources.errors import DataError, SourceError
from dashcli.sources.http import get
from dashcli.sources.teams import MLB_ALIASES, mlb_team
from dashcli.sources.validate import Node, parse_json

PROVIDER = "espn"
BASE_URL = "https://site.api.espn.com"
# data type -> (ESPN sport, default league)
LEAGUES: dict[str, tuple[str, str]] = {
    "mlb": ("baseball", "mlb"),
    "nfl": ("football", "nfl"),
    "nba": ("basketball", "nba"),
    "nhl": ("hockey", "nhl"),
    "soccer": ("soccer", "usa.1"),
}
_SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_ESPN_STATES: dict[str, GameState] = {"pre": "pre", "in": "in", "post": "post"}
_HALF_WORDS: dict[str, Literal["top", "middle", "bottom", "end"]] = {
    "top": "top", "bot": "bottom", "bottom": "bottom", "mid": "middle", "middle": "middle",
    "end": "end"}
Situation = BaseballSituation | FootballSituation | PeriodSituation


async def fetch_scoreboard(ctx: FetchContext) -> Fetched:
    """Fetch the scoreboard day of the league ``ctx.type`` names and turn it into ``values``."""
    try:
        sport, default_league = LEAGUES[ctx.type]
    except KeyError:
        raise SourceError(f"{PROVIDER}: no ESPN scoreboard for {ctx.type!r}") from None
    league = getattr(ctx.settings, "league", None) or default_league
    if not _SLUG.match(league):
        raise ProfileError(
            f"sources.{ctx.type}.league: {league!r} is not an ESPN league slug (e.g. eng.1, usa.1)"
        )
    local_now = ctx.local_now
    day = scoreboard.scoreboard_date(local_now)
    url = f"{ctx.base_url(BASE_URL)}/apis/site/v2/sports/{sport}/{league}/scoreboard"
    params: dict[str, str | int | float] = {"dates": day.strftime("%Y%m%d")}
    response = await get(ctx.client, PROVIDER, url, params=params, retry=ctx.retry)
    teams = ctx.settings.teams if isinstance(ctx.settings, ScoreboardSettings) else []
    values = parse_scoreboard(parse_json(response.content, PROVIDER), sport=sport,
                              league=league, tz=ctx.tz, day=day, teams=teams)
    valid = scoreboard.valid_until(values["games"], local_now, scoreboard.live_interval(ctx.type))
    return Fetched(cast(dict[str, Any], values), valid, PROVIDER, response.content)


def parse_scoreboard(
    root: Node, *, sport: str, league: str, tz: tzinfo, day: date, teams: Sequence[str] = ()
) -> ScoreboardValues:
    """A scoreboard response as scoreboard values (the rules are in the module docstring)."""
    aliases = MLB_ALIASES if sport == "baseball" else {}
    wanted = scoreboard.favourites(teams, aliases)
    games = [_game(event, sport, tz, wanted, aliases) for event in root["events"]]
    if league == "mlb":
        for game in games:
            _brand_colours(game)
    return {"league": league, "sport": sport, "date": day.isoformat(),
            "games": scoreboard.order_games(games)}


def _game(
    event: Node, sport: str, tz: tzinfo, wanted: frozenset[str], aliases: Mapping[str, str]
) -> Game:
    competition = event["competitions"][0]
    status = competition.get("status") or event["status"]
    kind = status["type"]
    state, started = _state(kind)
    sides = _sides(competition)
    keep = scoreboard.keeps_score(state, started)
    away = _team(sides["away"], keep)
    home = _team(sides["home"], keep)
    situation: Situation | None = None
    if started and state in scoreboard.LIVE_STATES:
        situation = _situation(sport, status, competition.get("situation"), sides)
    favorite = scoreboard.is_favorite((away["abbreviation"], home["abbreviation"]), wanted,
                                      aliases)
    return {
        "id": scoreboard.identifier(event["id"]),
        "start": isoformat(scoreboard.start_time(event["date"], tz)),
        "state": state,
        "detail": _detail(kind, state),
        "away": away,
        "home": home,
        "favorite": favorite,
        "situation": situation,
    }


def _state(kind: Node) -> tuple[GameState, bool]:
    """The game's state and whether play has begun (which decides scores and situation)."""
    espn_state = kind["state"].string()
    if espn_state not in _ESPN_STATES:
        raise DataError(f"{kind.path}.state", f"unknown game state {espn_state!r}")
    special = scoreboard.special_state(kind.opt_str("name") or "")
    started = espn_state != "pre" and special not in ("postponed", "cancelled")
    return special or _ESPN_STATES[espn_state], started


def _detail(kind: Node, state: GameState) -> str:
    if state == "pre":
        order = ("description", "shortDetail", "detail")
    elif state == "delayed":
        order = ("detail", "shortDetail", "description")
    else:
        order = ("shortDetail", "detail", "description")
    for key in order:
        text = kind.opt_str(key)
        if text:
            return text
    return state


def _sides(competition: Node) -> dict[str, Node]:
    sides: dict[str, Node] = {}
    for competitor in competition["competitors"]:
        sides[competitor["homeAway"].string()] = competitor
    if "home" not in sides or "away" not in sides:
        raise DataError(f"{competition.path}.competitors", "expected a home and an away team")
    return sides


def _brand_colours(game: Game) -> None:
    """MLB clubs get their published brand colours: ESPN's are often near-black (Baltimore's
    ``#201b1b``), which no LED panel can show as the club's colour."""
    for side in ("away", "home"):
        team = game[side]
        club = mlb_team(team["abbreviation"])
        if club is not None:
            team["color"], team["alt_color"] = club.color, club.alt_color


def _team(competitor: Node, keep_score: bool) -> Team:
    team = competitor["team"]
    abbreviation = team["abbreviation"].string()
    return {
        "abbreviation": abbreviation,
        "name": team.opt_str("displayName") or team.opt_str("name") or abbreviation,
        "color": scoreboard.hex_color(team.opt_str("color")),
        "alt_color": scoreboard.hex_color(team.opt_str("alternateColor")),
        "record": _record(competitor.get("records")),
        "score": competitor.opt_int("score") if keep_score else None,
    }


def _record(records: Node | None) -> str | None:
    """The overall record's summary ("82-63", soccer "9-11-11"), else the first one listed."""
    if records is None:
        return None
    items = records.items()
    for record in items:
        if record.opt_str("type") == "total":
            return record.opt_str("summary")
    return items[0].opt_str("summary") if items else None


def _situation(
    sport: str, status: Node, block: Node | None, sides: dict[str, Node]
) -> Situation | None:
    period = status.opt_int("period")
    if period is None:
        return None
    last = block.get("lastPlay") if block is not None else None
    last_play = last.opt_str("text") if last is not None else None
    if sport == "baseball":
        return _baseball(period, status["type"], block, last_play)
    clock = status.opt_str("displayClock")
    if sport == "football":
        return {
            "period": period,
            "clock": clock,
            "possession": _possession(block, sides),
            "down_distance": block.opt_str("downDistanceText") if block is not None else None,
            "red_zone": _flag(block, "isRedZone"),
            "last_play": last_play,
        }
    return {"period": period, "clock": clock, "last_play": last_play}


def _baseball(
    inning: int, kind: Node, block: Node | None, last_play: str | None
) -> BaseballSituation | None:
    text = " ".join(filter(None, (kind.opt_str("detail"), kind.opt_str("shortDetail"))))
    half = next((_HALF_WORDS[word] for word in re.findall(r"[a-z]+", text.lower())
                 if word in _HALF_WORDS), None)
    if half is None:
        return None
    return {
        "inning": inning,
        "half": half,
        "balls": block.opt_int("balls") if block is not None else None,
        "strikes": block.opt_int("strikes") if block is not None else None,
        "outs": block.opt_int("outs") if block is not None else None,
        "bases": {"first": _flag(block, "onFirst"), "second": _flag(block, "onSecond"),
                  "third": _flag(block, "onThird")},
        "last_play": last_play,
    }


def _flag(block: Node | None, key: str) -> bool:
    node = block.get(key) if block is not None else None
    return node.boolean() if node is not None else False


def _possession(block: Node | None, sides: dict[str, Node]) -> str | None:
    """The team with the ball: ESPN gives its id, the board shows its abbreviation."""
    holder = block.get("possession") if block is not None else None
    if holder is None:
        return None
    team_id = scoreboard.identifier(holder)
    for competitor in sides.values():
        team = competitor["team"]
        if team.has("id") and scoreboard.identifier(team["id"]) == team_id:
            return team["abbreviation"].string()
    return None
