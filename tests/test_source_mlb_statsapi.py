"""MLB Stats API schedule against a real local server: every game state, staleness, bad data."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashcli.sources.errors import DataError, UpstreamError
from dashcli.sources.mlb_statsapi import parse_schedule
from dashcli.sources.validate import Node
from tests.conftest import fetch_values, fixture_path, serve_and_fetch, shared_fixture
from tests.json_mutations import json_values, keyed_json, mutated
from tests.replay import Reply
from tests.scoreboards import assert_states_and_starts, assert_teams_readable, by_id

PATH = "/api/v1/schedule"
ALL_STATES = "mlb-statsapi/schedule-2026-07-04-all-states.json"
EMPTY = "mlb-statsapi/schedule-2026-12-25-empty.json"
EASTERN = ZoneInfo("America/New_York")
# 16:00 EDT on the fixture's day: one game live, one delayed, others over or to come.
GAME_DAY = datetime(2026, 7, 4, 20, 0, tzinfo=UTC)


def document() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(fixture_path(ALL_STATES).read_text())
    return loaded


def only(doc: dict[str, Any], *game_ids: int) -> dict[str, Any]:
    """The document with only the given games (to script a day for a staleness rule)."""
    for day in doc["dates"]:
        day["games"] = [game for game in day["games"] if game["gamePk"] in game_ids]
    return doc


def game_of(doc: dict[str, Any], game_id: int) -> dict[str, Any]:
    return next(g for d in doc["dates"] for g in d["games"] if g["gamePk"] == game_id)


async def fetch(upstream: Any, body: Any, now: datetime = GAME_DAY, **settings: Any) -> Any:
    return await serve_and_fetch(upstream, "mlb", PATH, body, now, **settings)


async def test_every_state_is_told_apart(upstream):
    result = await fetch(upstream, fixture_path(ALL_STATES).read_bytes(), teams=["bos"])
    update = result.update
    values = update.values
    assert (update.type, update.source) == ("mlb", "statsapi")
    assert (values["league"], values["sport"], values["date"]) == ("mlb", "baseball", "2026-07-04")
    games = by_id(values)
    assert {key: game["state"] for key, game in games.items()} == {
        "777001": "post", "777002": "in", "777003": "delayed", "777004": "postponed",
        "777005": "suspended", "777006": "cancelled", "777007": "pre", "777008": "pre",
    }
    assert {key: game["detail"] for key, game in games.items()} == {
        "777001": "Final/10", "777002": "Top 5th", "777003": "Delayed: Rain",
        "777004": "Postponed: Rain", "777005": "Suspended: Rain",
        "777006": "Cancelled: Inclement Weather", "777007": "Scheduled", "777008": "Pre-Game",
    }
    assert result.raw == fixture_path(ALL_STATES).read_bytes()


async def test_final_game_scores_teams_and_colours(upstream):
    values = (await fetch(upstream, document(), teams=["BOS"])).update.values
    final = by_id(values)["777001"]
    assert final["start"] == "2026-07-04T13:05:00-04:00"
    assert final["favorite"] is True
    assert final["situation"] is None
    assert final["home"] == {"abbreviation": "BOS", "name": "Boston Red Sox", "color": "#bd3039",
                             "alt_color": "#0c2340", "record": "47-40", "score": 5}
    assert (final["away"]["abbreviation"], final["away"]["score"]) == ("NYY", 4)


async def test_live_game_situation(upstream):
    values = (await fetch(upstream, document())).update.values
    live = by_id(values)["777002"]
    assert (live["away"]["score"], live["home"]["score"]) == (3, 2)
    assert live["situation"] == {
        "inning": 5, "half": "top", "balls": 2, "strikes": 1, "outs": 1,
        "bases": {"first": True, "second": False, "third": True}, "last_play": None,
    }


async def test_delayed_game_keeps_score_and_situation(upstream):
    delayed = by_id((await fetch(upstream, document())).update.values)["777003"]
    assert (delayed["away"]["score"], delayed["home"]["score"]) == (0, 1)
    assert delayed["situation"]["inning"] == 6
    assert delayed["situation"]["half"] == "bottom"
    assert delayed["situation"]["bases"] == {"first": False, "second": True, "third": False}


async def test_postponed_cancelled_and_scheduled_games_have_no_score(upstream):
    games = by_id((await fetch(upstream, document())).update.values)
    for key in ("777004", "777006", "777007", "777008"):
        assert games[key]["away"]["score"] is None, key
        assert games[key]["home"]["score"] is None, key
        assert games[key]["situation"] is None, key
    suspended = games["777005"]
    assert (suspended["away"]["score"], suspended["home"]["score"]) == (2, 2)
    assert suspended["situation"] is None


async def test_favourites_first_then_by_start(upstream):
    values = (await fetch(upstream, document(), teams=["sea", "NYM"])).update.values
    assert [game["id"] for game in values["games"]] == [
        "777005", "777004", "777001", "777003", "777002", "777006", "777007", "777008"]
    assert [game["favorite"] for game in values["games"]][:3] == [True, True, False]


async def test_espn_spelling_of_a_favourite_matches(upstream):
    values = (await fetch(upstream, document(), teams=["ARI"])).update.values
    assert values["games"][0]["id"] == "777008"
    assert values["games"][0]["away"]["abbreviation"] == "AZ"


async def test_request_url_and_parameters(upstream):
    upstream.route(PATH, Reply(fixture_path(ALL_STATES)),
                   query={"sportId": "1", "date": "2026-07-04", "hydrate": "team,linescore"})
    await fetch_values("mlb", upstream.url, now=GAME_DAY)
    request = upstream.hits(PATH)[0]
    assert request.headers["User-Agent"].startswith("dashcli/")


async def test_before_six_in_the_morning_the_board_is_still_yesterdays(upstream):
    upstream.route(PATH, Reply(fixture_path(ALL_STATES)), query={"date": "2026-07-04"})
    at_half_past_five = datetime(2026, 7, 5, 5, 30, tzinfo=EASTERN)
    result = await fetch_values("mlb", upstream.url, now=at_half_past_five)
    assert result.update.values["date"] == "2026-07-04"


async def test_valid_while_a_game_is_live(upstream):
    result = await fetch(upstream, document())
    assert result.update.valid == GAME_DAY + timedelta(seconds=30)


async def test_delayed_alone_counts_as_live(upstream):
    result = await fetch(upstream, only(document(), 777003, 777001))
    assert result.update.valid == GAME_DAY + timedelta(seconds=30)


async def test_valid_until_the_next_start_at_most_fifteen_minutes(upstream):
    doc = only(document(), 777001, 777007, 777008)
    result = await fetch(upstream, doc)
    assert result.update.valid == GAME_DAY + timedelta(minutes=15)
    five_before = datetime(2026, 7, 5, 0, 10, tzinfo=UTC)
    result = await fetch(upstream, doc, now=five_before)
    assert result.update.valid == datetime(2026, 7, 5, 0, 15, tzinfo=UTC)


async def test_a_scheduled_game_past_its_start_is_polled_like_a_live_one(upstream):
    late = datetime(2026, 7, 5, 0, 20, tzinfo=UTC)
    result = await fetch(upstream, only(document(), 777007), now=late)
    assert result.update.valid == late + timedelta(seconds=30)


async def test_nothing_left_today_is_valid_until_next_morning(upstream):
    result = await fetch(upstream, only(document(), 777001, 777004, 777005, 777006))
    assert result.update.valid == datetime(2026, 7, 5, 6, 0, tzinfo=EASTERN)


async def test_empty_day(upstream):
    christmas = datetime(2026, 12, 25, 15, 0, tzinfo=UTC)
    result = await fetch(upstream, fixture_path(EMPTY).read_bytes(), now=christmas)
    assert result.update.values == {"league": "mlb", "sport": "baseball", "date": "2026-12-25",
                                    "games": []}
    assert result.update.valid == datetime(2026, 12, 26, 6, 0, tzinfo=EASTERN)


async def test_empty_night_is_valid_until_six_the_same_morning(upstream):
    night = datetime(2026, 12, 26, 3, 0, tzinfo=EASTERN)
    result = await fetch(upstream, fixture_path(EMPTY).read_bytes(), now=night)
    assert result.update.values["date"] == "2026-12-25"
    assert result.update.valid == datetime(2026, 12, 26, 6, 0, tzinfo=EASTERN)


async def test_missing_linescore_and_hydration_and_records(upstream):
    doc = document()
    live = game_of(doc, 777002)
    del live["linescore"]
    for side in ("away", "home"):
        team = live["teams"][side]["team"]
        live["teams"][side]["team"] = {key: team[key] for key in ("id", "name", "link")}
        del live["teams"][side]["leagueRecord"]
    postponed = game_of(doc, 777004)
    postponed["teams"]["home"]["team"] = {"id": 999, "name": "Jacksonville Jumbo Shrimp",
                                          "link": "/api/v1/teams/999"}
    del postponed["linescore"]
    games = by_id((await fetch(upstream, doc)).update.values)
    game = games["777002"]
    assert (game["state"], game["detail"], game["situation"]) == ("in", "In Progress", None)
    assert game["away"] == {"abbreviation": "TB", "name": "Tampa Bay Rays", "color": "#092c5c",
                            "alt_color": "#8fbce6", "record": None, "score": 3}
    unknown = games["777004"]["home"]
    assert (unknown["abbreviation"], unknown["color"]) == ("JAC", None)


async def test_half_from_is_top_inning_when_inning_state_is_missing(upstream):
    doc = document()
    del game_of(doc, 777002)["linescore"]["inningState"]
    situation = by_id((await fetch(upstream, doc)).update.values)["777002"]["situation"]
    assert situation["half"] == "top"


async def test_middle_of_an_inning(upstream):
    doc = document()
    game_of(doc, 777002)["linescore"]["inningState"] = "Middle"
    game = by_id((await fetch(upstream, doc)).update.values)["777002"]
    assert (game["situation"]["half"], game["detail"]) == ("middle", "Mid 5th")


async def test_warmup_is_not_started(upstream):
    doc = document()
    game_of(doc, 777008)["status"].update(
        abstractGameState="Live", codedGameState="P", detailedState="Warmup", statusCode="PW")
    game = by_id((await fetch(upstream, doc)).update.values)["777008"]
    assert (game["state"], game["detail"], game["home"]["score"]) == ("pre", "Warmup", None)


async def test_retries_a_500_then_succeeds(upstream):
    upstream.route(PATH, Reply(b"busy", status=500), Reply(fixture_path(ALL_STATES)))
    result = await fetch_values("mlb", upstream.url, now=GAME_DAY)
    assert len(result.update.values["games"]) == 8
    assert len(upstream.hits(PATH)) == 2


async def test_read_timeout_is_one_clear_error(upstream):
    upstream.route(PATH, Reply(b"{}", delay=1.0))
    with pytest.raises(UpstreamError) as caught:
        await fetch_values("mlb", upstream.url, now=GAME_DAY, timeout=0.2)
    assert str(caught.value) == (
        f"mlb: statsapi unreachable (read timeout after 0.2 s): {upstream.url}{PATH}")


async def test_malformed_json(upstream):
    upstream.route(PATH, Reply(b'{"dates": [{"games": ['))
    with pytest.raises(DataError, match=r"^mlb: statsapi: response is not valid JSON"):
        await fetch_values("mlb", upstream.url, now=GAME_DAY)


@pytest.mark.parametrize(
    ("remove", "field"),
    [
        (lambda doc: doc.pop("dates"), "statsapi.dates"),
        (lambda doc: game_of(doc, 777002)["status"].pop("abstractGameState"),
         "statsapi.dates[0].games[3].status.abstractGameState"),
        (lambda doc: game_of(doc, 777001).pop("gamePk"), "statsapi.dates[0].games[0].gamePk"),
        (lambda doc: game_of(doc, 777001).pop("gameDate"), "statsapi.dates[0].games[0].gameDate"),
        (lambda doc: game_of(doc, 777001)["teams"].pop("home"),
         "statsapi.dates[0].games[0].teams.home"),
    ],
)
async def test_missing_required_field_is_named(upstream, remove, field):
    doc = document()
    remove(doc)
    with pytest.raises(DataError) as caught:
        await fetch(upstream, doc)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"mlb: {field}: required field is missing")


async def test_unknown_game_state_is_a_data_error(upstream):
    doc = document()
    game_of(doc, 777001)["status"]["abstractGameState"] = "Other"
    with pytest.raises(DataError, match=r"status\.abstractGameState: unknown game state 'Other'"):
        await fetch(upstream, doc)


async def test_wrong_type_is_named(upstream):
    doc = document()
    game_of(doc, 777002)["linescore"]["balls"] = "two"
    with pytest.raises(DataError, match=r"games\[3\]\.linescore\.balls: expected a number"):
        await fetch(upstream, doc)


RECORDINGS = {
    "mlb-schedule/diamond-iq-2026-04-24-hydrate-team-linescore-live-warmup-pregame.json":
        {"games": 14, "states": {"in": 9, "pre": 5}},
    "mlb-schedule/mlb-menu-too-2024-04-28-live-final-warmup-pregame-no-hydrate.json":
        {"games": 15, "states": {"in": 10, "post": 2, "pre": 3}},
    "mlb-schedule/mlbt-2026-03-18-spring-preview-scheduled-hydrate-linescore.json":
        {"games": 13, "states": {"pre": 13}},
    "mlb-schedule/teamtracker-aaa-sportId11-2026-05-30-final-preview.json":
        {"games": 15, "states": {"post": 1, "pre": 14}},
}


@pytest.mark.parametrize("recording", sorted(RECORDINGS))
async def test_real_recordings_parse(upstream, recording):
    path = shared_fixture(recording)
    upstream.route(PATH, Reply(path))
    result = await fetch_values("mlb", upstream.url, now=GAME_DAY, teams=["BOS"])
    games = result.update.values["games"]
    expected = RECORDINGS[recording]
    assert len(games) == expected["games"]
    states: dict[str, int] = {}
    for game in games:
        states[game["state"]] = states.get(game["state"], 0) + 1
        if game["state"] == "pre":
            assert game["away"]["score"] is None
            assert game["situation"] is None
    assert states == expected["states"]
    favourites = [game for game in games if game["favorite"]]
    assert games[: len(favourites)] == favourites


async def test_recording_with_live_situations():
    path = shared_fixture(
        "mlb-schedule/diamond-iq-2026-04-24-hydrate-team-linescore-live-warmup-pregame.json")
    values = parse_schedule(Node(json.loads(path.read_bytes()), "statsapi"), EASTERN,
                            date(2026, 4, 24), ["BOS"])
    bos = values["games"][0]
    assert (bos["id"], bos["away"]["abbreviation"], bos["home"]["abbreviation"]) == (
        "824854", "BOS", "BAL")
    assert (bos["away"]["score"], bos["home"]["score"], bos["detail"]) == (1, 5, "Bot 2nd")
    assert bos["situation"]["bases"] == {"first": True, "second": False, "third": False}
    middle = next(game for game in values["games"] if game["id"] == "822992")
    assert middle["situation"]["half"] == "middle"
    assert middle["detail"] == "Mid 3rd"
    warmup = next(game for game in values["games"] if game["id"] == "824204")
    assert (warmup["state"], warmup["detail"]) == ("pre", "Warmup")


async def test_recording_without_hydration_uses_the_team_table():
    path = shared_fixture(
        "mlb-schedule/mlb-menu-too-2024-04-28-live-final-warmup-pregame-no-hydrate.json")
    values = parse_schedule(Node(json.loads(path.read_bytes()), "statsapi"), EASTERN,
                            date(2024, 4, 28))
    final = next(game for game in values["games"] if game["id"] == "744947")
    assert (final["state"], final["detail"]) == ("post", "Final")
    assert (final["away"]["abbreviation"], final["away"]["score"]) == ("LAD", 1)
    assert (final["home"]["abbreviation"], final["home"]["score"]) == ("TOR", 3)
    assert final["home"]["color"] == "#134a8e"


KEYS = [
    "dates", "games", "gamePk", "gameDate", "status", "abstractGameState", "codedGameState",
    "detailedState", "teams", "away", "home", "team", "name", "id", "abbreviation", "score",
    "leagueRecord", "wins", "losses", "linescore", "currentInning", "inningState", "isTopInning",
    "offense", "first", "balls",
]
leaves = st.sampled_from(["Live", "Preview", "Final", "I", "D", "Top", "Middle",
                          "2026-07-04T19:07:00Z", "Boston Red Sox"]) | json_values


def parsed(document: Any) -> Any:
    """The schedule parsed for July 4th in Boston, or None on a DataError."""
    try:
        return parse_schedule(Node(document, "statsapi"), EASTERN, date(2026, 7, 4), ["BOS"])
    except DataError:
        return None


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(document=keyed_json(KEYS, leaves, max_leaves=40))
def test_any_json_gives_values_or_a_data_error(document):
    values = parsed(document)
    if values is not None:
        assert_states_and_starts(values)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(doc=mutated(json.loads(fixture_path(ALL_STATES).read_text())))
def test_a_damaged_schedule_gives_values_or_a_data_error(doc):
    values = parsed(doc)
    if values is not None:
        assert_teams_readable(values)
