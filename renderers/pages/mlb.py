"""The MLB page: the featured game large, other games in a strip below, then every other game.

Reads ``mlb`` (:class:`dashcli.core.values.ScoreboardValues`); games are ordered live first,
then upcoming, then final, favourites first within each
(:func:`dashcli.renderers.pages.scoreboard.ordered`), and the first is featured. The games the
strip has no room for follow on further frames of the page, as cards (three a frame), so every
game of the day is shown within one pass of the cycle. Live: team abbreviations in team
colours, scores, the inning with a ▲/▼ arrow (``MID``/``END`` between halves), the bases
diamond, balls/strikes/outs as dots and the last play wrapped to two lines. Before the game:
records and the local first-pitch time; after: ``Final`` (``Final/10``) with the loser's score
dimmed; postponed, suspended, delayed and cancelled games in amber words, never as a final. A
day without games draws "No games today" and has no content (displays skip it).
"""

from __future__ import annotations

from typing import cast

from dashcli.core.values import BaseballSituation, Game, ScoreboardValues
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
    reason,
    scores_known,
)
from dashcli.renderers.sprites import Sprite, bases, enlarged, from_table
from dashcli.renderers.text import draw_text, wrap

TITLE = "MLB"
# 128×64: two team rows on the left, the situation on the right, then last play and the strip
TEAM_X = 2
SCORE_RIGHT = 63
AWAY_Y = 1
HOME_Y = 19
PANEL_X = 70
ARROW_XY = (PANEL_X, 3)
ARROW_DOWN_Y = 11
INNING_X = PANEL_X + 10
INNING_Y = 2
BASES_XY = (97, 1)
BASES_SCALE = 2
COUNT_Y = 25
STATE_Y = 8
STATE_DETAIL_Y = 19
STATE_EXTRA_Y = 27
PLAY_TOP = 38
PLAY_LINE = 6
PLAY_LINES = 2
STRIP_BOTTOM = 62  # the bottom row is the frame indicator's
STRIP_GAP_ABOVE = 3
# 64×32
COMPACT_SCORE_RIGHT = 34
COMPACT_AWAY_Y = 1
COMPACT_HOME_Y = 10
COMPACT_ARROW_XY = (37, 3)
COMPACT_INNING_X = 46
COMPACT_BASES_XY = (51, 6)
COMPACT_COUNT_Y = 20
COMPACT_PLAY_Y = 26
# Count dots: lit colours and how many each count shows
DOT = 3
DOT_PITCH = 4
COUNTS = (("B", "balls", 3, colors.GREEN), ("S", "strikes", 2, colors.RED),
          ("O", "outs", 2, colors.RED))
UNLIT_DOT = colors.FAINT
ARROW_UP = """
...Y...
..YYY..
.YYYYY.
YYYYYYY
"""
ARROW_DOWN = """
YYYYYYY
.YYYYY.
..YYY..
...Y...
"""


def _arrow(half: str) -> Sprite:
    return from_table(ARROW_UP if half == "top" else ARROW_DOWN)


def _situation(game: Game) -> BaseballSituation | None:
    return cast(BaseballSituation | None, game.get("situation"))


def _draw_count(canvas: Canvas, situation: BaseballSituation, xy: tuple[int, int]) -> None:
    """``B ●●○ S ●○ O ●○``: lit dots up to the count, unlit after."""
    small = canvas.fonts.small
    x, y = xy
    for label, key, dots, color in COUNTS:
        box = draw_text(canvas.image, small, label, (x, y), colors.SECONDARY)
        x = box[2] + 2
        value = situation[key]  # type: ignore[literal-required]
        lit = 0 if value is None else int(value)
        for index in range(dots):
            canvas.image.paste(color if index < lit else UNLIT_DOT,
                              (x, y + 1, x + DOT, y + 1 + DOT))
            x += DOT_PITCH
        x += 4


def _inning_word(situation: BaseballSituation) -> str | None:
    """``MID``/``END`` between halves, None during one (the arrow says which)."""
    half = situation["half"]
    if half in ("top", "bottom"):
        return None
    if half in ("middle", "end"):
        return "MID" if half == "middle" else "END"
    raise ValueError(f"unknown half {half!r}")


def _inning_text(situation: BaseballSituation) -> str:
    word = _inning_word(situation)
    half = str(situation["half"]).upper()
    return f"{word or half} {int(situation['inning'])}"


def _draw_inning(canvas: Canvas, situation: BaseballSituation) -> None:
    inning = str(int(situation["inning"]))
    word = _inning_word(situation)
    if word is None:
        y = ARROW_XY[1] if situation["half"] == "top" else ARROW_DOWN_Y
        _arrow(str(situation["half"])).draw(canvas.image, (ARROW_XY[0], y))
        draw_text(canvas.image, canvas.fonts.large, inning, (INNING_X, INNING_Y), colors.WHITE)
        return
    box = draw_text(canvas.image, canvas.fonts.small, word, (PANEL_X, INNING_Y + 5),
                    colors.SECONDARY)
    draw_text(canvas.image, canvas.fonts.large, inning, (box[2] + 2, INNING_Y), colors.WHITE)


def _base_flags(situation: BaseballSituation) -> tuple[bool, bool, bool]:
    occupied = situation["bases"]
    return bool(occupied["first"]), bool(occupied["second"]), bool(occupied["third"])


def _state_lines(canvas: Canvas, game: Game) -> tuple[str, colors.Color, list[str]]:
    """What the situation panel says when no inning is under way: a word, its colour, details."""
    state = game["state"]
    situation = _situation(game)
    if state == "pre":
        return canvas.hhmm(str(game["start"])), colors.SKY, ["FIRST PITCH"]
    if state == "post":
        return final_text(game), colors.WHITE, []
    if state == "in":
        # Under way without a linescore (warm-up, or the upstream dropped it): its own words.
        return str(game["detail"]), colors.GREEN, []
    word = ABANDONED[state][0]
    details = []
    detail = reason(str(game["detail"]), word)
    if detail:
        details.append(detail.upper())
    if situation is not None and scores_known(game):
        details.append(_inning_text(situation))
    else:
        details.append(f"START {canvas.hhmm(str(game['start']))}")
    return word, ABANDONED_COLOR, details


def _draw_featured(canvas: Canvas, game: Game) -> None:
    fonts = canvas.fonts
    draw_team_rows(canvas, game, fonts.large, TEAM_X, (AWAY_Y, HOME_Y), SCORE_RIGHT)
    situation = _situation(game)
    if game["state"] == "in" and situation is not None:
        _draw_inning(canvas, situation)
        sprite = enlarged(bases(*_base_flags(situation)), BASES_SCALE)
        sprite.draw(canvas.image, BASES_XY)
        _draw_count(canvas, situation, (PANEL_X, COUNT_Y))
        return
    word, color, details = _state_lines(canvas, game)
    panel_width = canvas.width - PANEL_X - 1
    if game["state"] == "pre":
        draw_start(canvas, game, details[0], (PANEL_X, STATE_Y), color)
        return
    draw_state_word(canvas, word, (PANEL_X, STATE_Y), color)
    for index, line in enumerate(details[:2]):
        draw_text(canvas.image, fonts.small, line,
                  (PANEL_X, STATE_DETAIL_Y + index * (STATE_EXTRA_Y - STATE_DETAIL_Y)),
                  colors.SECONDARY, max_width=panel_width)


def _draw_compact(canvas: Canvas, game: Game) -> None:
    fonts = canvas.fonts
    draw_team_rows(canvas, game, fonts.body, 1, (COMPACT_AWAY_Y, COMPACT_HOME_Y),
                   COMPACT_SCORE_RIGHT)
    situation = _situation(game)
    if game["state"] == "in" and situation is not None:
        word = _inning_word(situation)
        inning = str(int(situation["inning"]))
        if word is None:
            _arrow(str(situation["half"])).draw(canvas.image, COMPACT_ARROW_XY)
            draw_text(canvas.image, fonts.body, inning, (COMPACT_INNING_X, 1), colors.WHITE)
        else:
            draw_text(canvas.image, fonts.small, word, (COMPACT_ARROW_XY[0], 3), colors.SECONDARY)
            draw_text(canvas.image, fonts.small, inning, (COMPACT_ARROW_XY[0], 10), colors.WHITE)
        bases(*_base_flags(situation)).draw(canvas.image, COMPACT_BASES_XY)
        _draw_count(canvas, situation, (1, COMPACT_COUNT_Y))
        draw_last_play(canvas, situation["last_play"], (1, COMPACT_PLAY_Y), colors.SECONDARY)
        return
    word, color, details = _state_lines(canvas, game)
    draw_compact_state(canvas, word, color, details[-1] if details else None)


def _games(canvas: Canvas) -> list[Game]:
    return ordered(cast(ScoreboardValues, canvas.values("mlb"))["games"])


def has_content(canvas: Canvas) -> bool:
    """False on a day without games (displays skip the page)."""
    return bool(_games(canvas))


def takeover(canvas: Canvas) -> bool:
    """True while a favourite team's game is live."""
    return any(game["favorite"] and game["state"] == "in" for game in _games(canvas))


def _play_lines(canvas: Canvas, game: Game) -> tuple[str, ...]:
    """The featured game's last play, wrapped (while it is being played)."""
    situation = _situation(game)
    play = situation["last_play"] if situation is not None else None
    if not play or game["state"] not in ("in", "suspended", "delayed"):
        return ()
    return wrap(canvas.fonts.small, str(play), canvas.width - 4, PLAY_LINES)


def _strip_top(canvas: Canvas, game: Game) -> int:
    lines = _play_lines(canvas, game)
    return PLAY_TOP + (len(lines) * PLAY_LINE + STRIP_GAP_ABOVE if lines else 0)


def _split(canvas: Canvas, games: list[Game]) -> tuple[list[Game], list[Game]]:
    """The other games in the featured frame's strip, and those on the frames of cards."""
    others = games[1:]
    if canvas.compact:
        return [], others
    fit = draw_strip(canvas, others, "baseball", _strip_top(canvas, games[0]) + 1, STRIP_BOTTOM,
                     left=2, draw=False)
    return others[:fit], others[fit:]


def parts(canvas: Canvas) -> int:
    """The featured frame, then frames of cards for the games its strip has no room for."""
    games = _games(canvas)
    if not games:
        return 1
    return 1 + card_frames(canvas, len(_split(canvas, games)[1]))


def draw(canvas: Canvas) -> None:
    """Frame 0: the featured game, its last play and the other games in a strip; then the
    remaining games as cards."""
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
        draw_cards(canvas, cards[start:start + per_frame(canvas)], "baseball")
        return
    game = games[0]
    if canvas.compact:
        _draw_compact(canvas, game)
        return
    _draw_featured(canvas, game)
    small = canvas.fonts.small
    y = PLAY_TOP
    for line in _play_lines(canvas, game):
        draw_text(canvas.image, small, line, (2, y), colors.GREY)
        y += PLAY_LINE
    if strip:
        y = _strip_top(canvas, game)
        canvas.image.paste(colors.FAINT, (0, y - 2, canvas.width, y - 1))
        draw_strip(canvas, strip, "baseball", y + 1, STRIP_BOTTOM, left=2)
