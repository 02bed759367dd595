"""MLB Stats API (official, no key): the ``mlb`` scoreboard's default provider.

Request: ``GET {base}/api/v1/schedule?sportId=1&date=YYYY-MM-DD&hydrate=team,linescore`` for the
scoreboard day (see :mod:`dashcli.sources.scoreboard`: the local date, yesterday's before 06:00).

``values`` (:class:`dashcli.core.values.ScoreboardValues`, league ``mlb``, sport ``baseball``):
every
game of every date in the response, favourites first, then by start time. Per game:

- ``id`` (gamePk), ``start`` (gameDate in the profile's timezone).
- ``state`` from ``status``: ``codedGameState`` D/C/T/U and the words of ``detailedState`` tell
  postponed, cancelled, suspended and delayed ("Delayed: Rain", "Delayed Start: Rain") apart;
  otherwise ``abstractGameState`` Preview → ``pre``, Live → ``in`` (but ``pre`` while the coded
  state is still P/S, e.g. "Warmup"), Final → ``post``. Another abstract state is a DataError.
- ``detail``: "Top 3rd" / "Bot 3rd" / "Mid 3rd" / "End 3rd" while live, "Final" or "Final/10"
  when the game did not end after its scheduled innings, else ``detailedState`` (with
  ``status.reason`` when the state does not already say it).
- teams: abbreviation, name and colours. The hydrated ``team`` block gives the abbreviation; when
  the hydration is missing, :data:`dashcli.sources.teams.MLB_TEAMS` (by team id) gives it and the
  colours
  (the Stats API has none), and an unknown club gets the first three letters of its name. Record
  from ``leagueRecord``; score only once the game started (None before, and when postponed or
  cancelled), so a hydrated 0-0 before the first pitch is not shown as a score.
- ``situation`` (:class:`dashcli.core.values.BaseballSituation`) for a live or delayed game that
  has
  started and has a ``linescore`` with ``currentInning``: inning, half (``inningState``, else
  ``isTopInning``), balls/strikes/outs, runners from ``linescore.offense.first/second/third``.
  The schedule carries no play-by-play, so ``last_play`` is None.

``valid`` (:func:`dashcli.sources.scoreboard.valid_until`): now + 30 s while a game is live or
delayed (or a
scheduled start has passed); otherwise the next start, at most 15 minutes ahead; when nothing is
left to play, the next 06:00 local.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, tzinfo
from typing import Any, Literal, cast

from dashcli.core.envelope import isoformat
from dashcli.core.values import BaseballSituation, Game, GameState, ScoreboardValues, Team
from dashcli.profiles.schema import ScoreboardSettings
from dashcli.sources import scoreboard
from dashcli.sources.base import FetchContext, Fetched
from dashcli.sources.errors import DataError
from dashcli.sources.events import ordinal
from dashcli.sources.http import get
from dashcli.sources.teams import MLB_ALIASES, MLB_TEAMS
from dashcli.sources.validate import Node, parse_json

PROVIDER = "statsapi"
BASE_URL = "https://statsapi.mlb.com"

# codedGameState letters that name a state outright (detailedState words cover the rest).
_CODED: dict[str, GameState] = {"D": "postponed", "C": "cancelled", "T": "suspended",
                                "U": "suspended"}
_NOT_STARTED_CODES = ("P", "S")  # pre-game and scheduled, even when abstractGameState says Live
_HALVES: dict[str, Literal["top", "middle", "bottom", "end"]] = {
    "top": "top", "middle": "middle", "bottom": "bottom", "end": "end"}
_HALF_LABELS = {"top": "Top", "middle": "Mid", "bottom": "Bot", "end": "End"}


async def fetch(ctx: FetchContext) -> Fetched:
    """Fetch the scoreboard day's MLB schedule and turn it into ``values`` with a dynamic valid."""
    local_now = ctx.local_now
    day = scoreboard.scoreboard_date(local_now)
    params: dict[str, str | int | float] = {
        "sportId": 1, "date": day.isoformat(), "hydrate": "team,linescore"}
    url = f"{ctx.base_url(BASE_URL)}/api/v1/schedule"
    response = await get(ctx.client, PROVIDER, url, params=params, retry=ctx.retry)
    teams = ctx.settings.teams if isinstance(ctx.settings, ScoreboardSettings) else []
    values = parse_schedule(parse_json(response.content, PROVIDER), ctx.tz, day, teams)
    valid = scoreboard.valid_until(values["games"], local_now, scoreboard.live_interval("mlb"))
    return Fetched(cast(dict[str, Any], values), valid, PROVIDER, response.content)


def parse_schedule(
    root: Node, tz: tzinfo, day: date, teams: Sequence[str] = ()
) -> ScoreboardValues:
    """A schedule response as scoreboard values (the rules are in the module docstring)."""
    wanted = scoreboard.favourites(teams, MLB_ALIASES)
    games = [
        _game(game, tz, wanted)
        for date_node in root["dates"]
        for game in date_node["games"]
    ]
    return {"league": "mlb", "sport": "baseball", "date": day.isoformat(),
            "games": scoreboard.order_games(games)}


def _game(node: Node, tz: tzinfo, wanted: frozenset[str]) -> Game:
    status = node["status"]
    state, started = _state(status)
    linescore = node.get("linescore")
    keep = scoreboard.keeps_score(state, started)
    sides = node["teams"]
    away = _team(sides["away"], keep)
    home = _team(sides["home"], keep)
    situation = None
    if started and state in scoreboard.LIVE_STATES and linescore is not None:
        situation = _situation(linescore)
    favorite = scoreboard.is_favorite((away["abbreviation"], home["abbreviation"]), wanted,
                                      MLB_ALIASES)
    return {
        "id": scoreboard.identifier(node["gamePk"]),
        "start": isoformat(scoreboard.start_time(node["gameDate"], tz)),
        "state": state,
        "detail": _detail(status, state, linescore, situation),
        "away": away,
        "home": home,
        "favorite": favorite,
        "situation": situation,
    }


def _state(status: Node) -> tuple[GameState, bool]:
    """The game's state and whether play has begun (which decides scores and situation)."""
    abstract = status["abstractGameState"].string()
    coded = status.opt_str("codedGameState") or ""
    detailed = status.opt_str("detailedState") or ""
    if abstract == "Preview":
        base: GameState = "pre"
    elif abstract == "Live":
        base = "pre" if coded in _NOT_STARTED_CODES else "in"
    elif abstract == "Final":
        base = "post"
    else:
        raise DataError(f"{status.path}.abstractGameState", f"unknown game state {abstract!r}")
    started = base != "pre"
    special = _CODED.get(coded) or scoreboard.special_state(detailed)
    if special in ("postponed", "cancelled"):
        started = False
    return special or base, started


def _detail(
    status: Node, state: GameState, linescore: Node | None, situation: BaseballSituation | None
) -> str:
    detailed = status.opt_str("detailedState") or status["abstractGameState"].string()
    if situation is not None and state == "in":
        label = _HALF_LABELS[situation["half"]]
        return f"{label} {ordinal(situation['inning'])}"
    if state == "post":
        played = linescore.opt_int("currentInning") if linescore is not None else None
        scheduled = linescore.opt_int("scheduledInnings") if linescore is not None else None
        if played is not None and scheduled is not None and played != scheduled:
            return f"Final/{played}"
        return "Final"
    reason = status.opt_str("reason")
    if reason and reason.lower() not in detailed.lower():
        return f"{detailed}: {reason}"
    return detailed


def _team(side: Node, keep_score: bool) -> Team:
    team = side["team"]
    team_id = team.opt_int("id")
    known = MLB_TEAMS.get(team_id) if team_id is not None else None
    name = team.opt_str("name") or (known.name if known else None)
    if name is None:
        raise DataError(f"{team.path}.name", "required field is missing")
    abbreviation = (team.opt_str("abbreviation") or (known.abbreviation if known else None)
                    or (name.split() or ["?"])[0][:3].upper())
    record = side.get("leagueRecord")
    return {
        "abbreviation": abbreviation,
        "name": name,
        "color": known.color if known else None,
        "alt_color": known.alt_color if known else None,
        "record": scoreboard.record_text(record.opt_int("wins"), record.opt_int("losses"),
                                         record.opt_int("ties")) if record else None,
        "score": side.opt_int("score") if keep_score else None,
    }


def _situation(linescore: Node) -> BaseballSituation | None:
    inning = linescore.opt_int("currentInning")
    half = _half(linescore)
    if inning is None or half is None:
        return None
    offense = linescore.get("offense")
    return {
        "inning": inning,
        "half": half,
        "balls": linescore.opt_int("balls"),
        "strikes": linescore.opt_int("strikes"),
        "outs": linescore.opt_int("outs"),
        "bases": {base: offense is not None and offense.has(base)
                  for base in ("first", "second", "third")},
        "last_play": None,
    }


def _half(linescore: Node) -> Literal["top", "middle", "bottom", "end"] | None:
    state = linescore.opt_str("inningState")
    if state is not None and state.lower() in _HALVES:
        return _HALVES[state.lower()]
    top = linescore.get("isTopInning")
    if top is None:
        return None
    return "top" if top.boolean() else "bottom"

