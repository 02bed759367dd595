"""The NFL page: the featured game large, down and distance, the day's other games below.

Reads ``nfl`` (:class:`dashcli.core.values.ScoreboardValues`); games are ordered live first, then
upcoming, then final, favourites first within each, and the first is featured; the games the
strip has no room for follow on further frames of the page, as cards (three a frame). Live:
team abbreviations in team colours, scores, a football next to the team with the ball, the
quarter and game clock, the down and distance (on a red band in the red zone) and the last
play. Before: records and the local kickoff time; after: ``Final``
(``Final/OT``), loser dimmed; postponed/suspended/delayed/cancelled in amber words. A day
without games draws "No games today" and has no content.
"""

from __future__ import annotations

from typing import cast

from dashcli.core.values import FootballSituation, Game, ScoreboardValues
from dashcli.renderers import colors
from dashcli.renderers.canvas import Canvas
from dashcli.renderers.pages.scoreboard import (
    ABANDONED,
    ABANDONED_COLOR,
    card_frames,
    draw_cards,
    draw_compact_state,
    draw_last_play,
    draw_no_games,
    draw_parts_bar,
    draw_start,
    draw_state_word,
    draw_strip,
    draw_team_rows,
    final_text,
    ordered,
    per_frame,
    period_label,
    reason,
)
from dashcli.renderers.sprites import football
from dashcli.renderers.text import draw_text

TITLE = "NFL"
SPORT = "football"
# 128×64
TEAM_X = 2
SCORE_RIGHT = 63
AWAY_Y = 1
HOME_Y = 19
BALL_X = 66
BALL_OFFSET = 6  # the football's top, down from its team row's top
PANEL_X = 78
STATE_X = 70  # the panel when no football is drawn beside the scores
PERIOD_Y = 2
CLOCK_Y = 12
STATE_Y = 8
STATE_DETAIL_Y = 19
DOWN_Y = 37
BAND_PAD = 1
PLAY_Y = 46
STRIP_TOP = 53
STRIP_BOTTOM = 62  # the bottom row is the frame indicator's
# 64×32
COMPACT_SCORE_RIGHT = 34
COMPACT_AWAY_Y = 1
COMPACT_HOME_Y = 10
COMPACT_BALL_X = 36
COMPACT_PANEL_RIGHT = 63
COMPACT_PERIOD_Y = 1
COMPACT_CLOCK_Y = 10
COMPACT_DOWN_Y = 20
COMPACT_PLAY_Y = 26
RED_ZONE_BAND = (110, 0, 0)
HALF = "HALF"


def _situation(game: Game) -> FootballSituation | None:
    return cast(FootballSituation | None, game.get("situation"))


def _period(game: Game, situation: FootballSituation) -> str:
    """``Q3``, ``OT``, or ``HALF`` at half-time."""
    if "half" in str(game["detail"]).lower():
        return HALF
    return period_label(SPORT, int(situation["period"]))


def _draw_ball(canvas: Canvas, game: Game, situation: FootballSituation, x: int,
               rows: tuple[int, int], offset: int) -> None:
    possession = situation["possession"]
    for team, y in zip((game["away"], game["home"]), rows, strict=True):
        if possession is not None and team["abbreviation"] == possession:
            football().draw(canvas.image, (x, y + offset))


def _draw_down(canvas: Canvas, situation: FootballSituation, y: int, font_name: str) -> None:
    """Down and distance, on a red band in the red zone."""
    text = situation["down_distance"]
    if not text:
        return
    font = canvas.fonts.body if font_name == "body" else canvas.fonts.small
    if font_name != "body":
        # 64×32 has 15 small characters: "2nd & Goal NE 3" keeps the yard line.
        text = text.replace(" at ", " ")
    color = colors.WHITE
    if situation["red_zone"]:
        canvas.image.paste(RED_ZONE_BAND, (0, y - BAND_PAD, canvas.width, y + font.height + BAND_PAD
                                          - (1 if font_name == "body" else 0)))
        color = colors.YELLOW
    draw_text(canvas.image, font, str(text), (canvas.width // 2, y), color, align="center",
              max_width=canvas.width - 2)


def _state_lines(canvas: Canvas, game: Game) -> tuple[str, colors.Color, str | None]:
    """What the panel says when no quarter is under way: a word, its colour, a detail."""
    state = game["state"]
    if state == "pre":
        return canvas.hhmm(str(game["start"])), colors.SKY, "KICKOFF"
    if state == "post":
        return final_text(game), colors.WHITE, None
    if state not in ABANDONED:
        return str(game["detail"]), colors.GREEN, None
    word = ABANDONED[state][0]
    detail = reason(str(game["detail"]), word)
    if not detail:
        detail = f"START {canvas.hhmm(str(game['start']))}"
    return word, ABANDONED_COLOR, detail.upper()


def _draw_featured(canvas: Canvas, game: Game) -> None:
    fonts = canvas.fonts
    draw_team_rows(canvas, game, fonts.large, TEAM_X, (AWAY_Y, HOME_Y), SCORE_RIGHT)
    situation = _situation(game)
    if game["state"] == "in" and situation is not None:
        _draw_ball(canvas, game, situation, BALL_X, (AWAY_Y, HOME_Y), BALL_OFFSET)
        period = _period(game, situation)
        draw_text(canvas.image, fonts.body, period, (PANEL_X, PERIOD_Y), colors.GREEN)
        clock = situation["clock"]
        if clock and period != HALF:
            draw_text(canvas.image, fonts.large, str(clock), (PANEL_X, CLOCK_Y), colors.WHITE)
        _draw_down(canvas, situation, DOWN_Y, "body")
        draw_last_play(canvas, situation["last_play"], (2, PLAY_Y), colors.GREY)
        return
    word, color, detail = _state_lines(canvas, game)
    panel_width = canvas.width - STATE_X - 1
    if game["state"] == "pre":
        draw_start(canvas, game, str(detail), (STATE_X, STATE_Y), color)
        return
    draw_state_word(canvas, word, (STATE_X, STATE_Y), color)
    if detail:
        draw_text(canvas.image, fonts.small, detail, (STATE_X, STATE_DETAIL_Y), colors.SECONDARY,
                  max_width=panel_width)


def _draw_compact(canvas: Canvas, game: Game) -> None:
    fonts = canvas.fonts
    draw_team_rows(canvas, game, fonts.body, 1, (COMPACT_AWAY_Y, COMPACT_HOME_Y),
                   COMPACT_SCORE_RIGHT)
    situation = _situation(game)
    if game["state"] == "in" and situation is not None:
        _draw_ball(canvas, game, situation, COMPACT_BALL_X, (COMPACT_AWAY_Y, COMPACT_HOME_Y), 2)
        period = _period(game, situation)
        draw_text(canvas.image, fonts.small, period,
                  (COMPACT_PANEL_RIGHT - 5, COMPACT_PERIOD_Y + 1), colors.GREEN, align="right")
        clock = situation["clock"]
        if clock and period != HALF:
            draw_text(canvas.image, fonts.small, str(clock),
                      (COMPACT_PANEL_RIGHT, COMPACT_CLOCK_Y + 1), colors.WHITE, align="right")
        _draw_down(canvas, situation, COMPACT_DOWN_Y, "small")
        draw_last_play(canvas, situation["last_play"], (1, COMPACT_PLAY_Y), colors.SECONDARY)
        return
    word, color, detail = _state_lines(canvas, game)
    draw_compact_state(canvas, word, color, detail)


def _games(canvas: Canvas) -> list[Game]:
    return ordered(cast(ScoreboardValues, canvas.values("nfl"))["games"])


def has_content(canvas: Canvas) -> bool:
    """False on a day without games (displays skip the page)."""
    return bool(_games(canvas))


def takeover(canvas: Canvas) -> bool:
    """True while a favourite team's game is live."""
    return any(game["favorite"] and game["state"] == "in" for game in _games(canvas))


def _strip_top(game: Game) -> int:
    live = game["state"] == "in" and _situation(game) is not None
    return STRIP_TOP if live else DOWN_Y + 2


def _split(canvas: Canvas, games: list[Game]) -> tuple[list[Game], list[Game]]:
    """The other games in the featured frame's strip, and those on the frames of cards."""
    others = games[1:]
    if canvas.compact:
        return [], others
    fit = draw_strip(canvas, others, SPORT, _strip_top(games[0]), STRIP_BOTTOM, left=2,
                     draw=False)
    return others[:fit], others[fit:]


def parts(canvas: Canvas) -> int:
    """The featured frame, then frames of cards for the games its strip has no room for."""
    games = _games(canvas)
    if not games:
        return 1
    return 1 + card_frames(canvas, len(_split(canvas, games)[1]))


def draw(canvas: Canvas) -> None:
    """Frame 0: the featured game and the other games in a strip; then the remaining games
    as cards."""
    games = _games(canvas)
    if not games:
        draw_no_games(canvas, TITLE)
        return
    strip, cards = _split(canvas, games)
    count = 1 + card_frames(canvas, len(cards))
    part = canvas.part % count
    draw_parts_bar(canvas, part, count)
    if part:
        start = (part - 1) * per_frame(canvas)
        draw_cards(canvas, cards[start:start + per_frame(canvas)], SPORT)
        return
    game = games[0]
    if canvas.compact:
        _draw_compact(canvas, game)
        return
    _draw_featured(canvas, game)
    if strip:
        top = _strip_top(game)
        canvas.image.paste(colors.FAINT, (0, top - 2, canvas.width, top - 1))
        draw_strip(canvas, strip, SPORT, top, STRIP_BOTTOM, left=2)
