"""What every scoreboard provider shares: the day it asks for, game states, ordering and staleness.

The MLB Stats API adapter (:mod:`dashcli.sources.mlb_statsapi`) and the ESPN adapter
(:mod:`dashcli.sources.espn`)
both produce :class:`dashcli.core.values.ScoreboardValues`; this module holds the rules they
must apply
alike, so a page behaves the same whichever provider fed it:

- The scoreboard day runs from 06:00 to 06:00 local time (:func:`scoreboard_date`): a game that
  starts at 22:10 and ends after midnight stays on the board until morning, and the next day's
  games are asked for from 06:00.
- States (:data:`dashcli.core.values.GameState`): ``pre``, ``in``, ``post``, and the four that
  are not a
  normal course of play, told apart from the upstream's status words (:func:`special_state`):
  ``postponed`` (not played today, not a final), ``suspended`` (stopped, to be resumed another
  time), ``delayed`` (start or play held up, e.g. by rain) and ``cancelled`` (will not be played;
  an abandoned soccer match counts here). Scores are shown only for games that have started and
  are not postponed or cancelled (:func:`keeps_score`).
- Order (:func:`order_games`): games where a profile team plays first, then by start time.
- ``valid`` (:func:`valid_until`): while any game is live (``in`` or ``delayed``) or a scheduled
  game's start time has passed, ``now`` + 30 s for MLB and 60 s for other leagues; otherwise
  until the next start, at most 15 minutes ahead; when nothing is left to play, the next 06:00
  local (the next scoreboard day).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta, tzinfo

from dashcli.core.values import Game, GameState
from dashcli.sources.validate import Node

DAY_STARTS = time(6)
LIVE_STATES: frozenset[GameState] = frozenset({"in", "delayed"})
UPCOMING_AT_MOST = timedelta(minutes=15)
LIVE_VALID_FOR = {"mlb": timedelta(seconds=30)}
DEFAULT_LIVE_VALID_FOR = timedelta(seconds=60)

# Status words (Stats API detailedState, ESPN status names) -> the states that are not plain play.
_SPECIAL_WORDS: tuple[tuple[str, GameState], ...] = (
    ("postpone", "postponed"),
    ("suspend", "suspended"),
    ("cancel", "cancelled"),
    ("abandon", "cancelled"),
    ("delay", "delayed"),
)
_HEX = re.compile(r"^#?([0-9a-fA-F]{6})$")


def scoreboard_date(local_now: datetime) -> date:
    """The day whose games to ask for: the local date, or yesterday's before 06:00."""
    if local_now.time() < DAY_STARTS:
        return local_now.date() - timedelta(days=1)
    return local_now.date()


def next_morning(local_now: datetime) -> datetime:
    """The next 06:00 local after ``local_now``, when the next scoreboard day begins."""
    day = scoreboard_date(local_now) + timedelta(days=1)
    return datetime.combine(day, DAY_STARTS, tzinfo=local_now.tzinfo)


def live_interval(kind: str) -> timedelta:
    """How long a board with a live game stays valid: MLB changes pitch by pitch."""
    return LIVE_VALID_FOR.get(kind, DEFAULT_LIVE_VALID_FOR)


def special_state(text: str) -> GameState | None:
    """``postponed``/``suspended``/``cancelled``/``delayed`` when a status text says so."""
    lowered = text.lower()
    for word, state in _SPECIAL_WORDS:
        if word in lowered:
            return state
    return None


def keeps_score(state: GameState, started: bool) -> bool:
    """Whether a game's scores mean anything: not before it starts, not when it was called off."""
    return started and state not in ("pre", "postponed", "cancelled")


def hex_color(text: str | None) -> str | None:
    """``"0069ac"`` or ``"#0069AC"`` as ``"#0069ac"``; anything else is no colour."""
    if text is None:
        return None
    match = _HEX.match(text.strip())
    return f"#{match.group(1).lower()}" if match else None


def identifier(node: Node) -> str:
    """An id the upstream sends as a string or a number, as a string."""
    if isinstance(node.value, str):
        return node.value
    return str(node.integer())


def record_text(wins: int | None, losses: int | None, ties: int | None = None) -> str | None:
    """``"80-70"``, or ``"10-3-1"`` when there are ties; None when wins or losses are unknown."""
    if wins is None or losses is None:
        return None
    return f"{wins}-{losses}-{ties}" if ties else f"{wins}-{losses}"


def favourites(teams: Iterable[str], aliases: Mapping[str, str]) -> frozenset[str]:
    """The profile's team abbreviations, spelled the way the provider's aliases resolve them."""
    return frozenset(aliases.get(team.upper(), team.upper()) for team in teams)


def is_favorite(
    abbreviations: Iterable[str], wanted: frozenset[str], aliases: Mapping[str, str]
) -> bool:
    """Whether one of the playing teams is a profile favourite."""
    return any(aliases.get(abbr.upper(), abbr.upper()) in wanted for abbr in abbreviations)


def start_time(node: Node, tz: tzinfo) -> datetime:
    """A game's start (the upstream must give its UTC offset) in the profile's timezone."""
    return node.time().astimezone(tz)


def order_games(games: list[Game]) -> list[Game]:
    """Favourites first, then by start time; games that tie keep the upstream's order."""
    return sorted(games, key=lambda game: (not game["favorite"],
                                           datetime.fromisoformat(game["start"])))


def valid_until(games: list[Game], local_now: datetime, live_for: timedelta) -> datetime:
    """When a board goes stale (the rule is in this module's docstring)."""
    if any(game["state"] in LIVE_STATES for game in games):
        return local_now + live_for
    starts = [datetime.fromisoformat(game["start"]) for game in games if game["state"] == "pre"]
    if starts:
        soonest = min(starts)
        if soonest <= local_now:
            return local_now + live_for
        return min(soonest, local_now + UPCOMING_AT_MOST)
    return next_morning(local_now)
