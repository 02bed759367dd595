"""Helpers for the scoreboard source tests (ESPN, MLB Stats API): games by id, and what every
game of :class:`dashcli.core.values.ScoreboardValues` must look like whatever the upstream
sent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

GAME_STATES = ("pre", "in", "post", "postponed", "suspended", "delayed", "cancelled")


def by_id(values: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The games of a scoreboard by their id."""
    return {game["id"]: game for game in values["games"]}


def assert_states_and_starts(values: dict[str, Any]) -> None:
    """Every game has a known state and an ISO 8601 start."""
    for game in values["games"]:
        assert game["state"] in GAME_STATES
        datetime.fromisoformat(game["start"])


def assert_teams_readable(values: dict[str, Any]) -> None:
    """Every team has a text abbreviation and a whole-number score or none."""
    for game in values["games"]:
        for side in ("away", "home"):
            assert isinstance(game[side]["abbreviation"], str)
            assert game[side]["score"] is None or isinstance(game[side]["score"], int)
