"""The generic scoreboard (pages ``nba``, ``nhl``, ``soccer``) and the sports pages' game helpers.

Every game of the day is reachable: the page takes as many frames in the cycle as its games
need (:func:`parts`), live games first, then upcoming, then final, then postponed/suspended/
cancelled, the profile's favourite teams first within each (:func:`ordered`). A game reads like
on the MLB and NFL pages: the away team above ``@`` the home team, abbreviations in team colours
(dark ones lifted for LEDs, keeping their hue), scores, and a status column: the period and
clock (the minute in soccer) while playing, the local start time before (12-hour: ``7:05 PM``,
``7:05P`` on 64×32 and in strips), the upstream's final text after, and postponed/suspended/
delayed/cancelled spelled out in amber, never as a final. Three games a frame at 128×64, two at
64×32; a bar along the bottom edge shows which frame of how many. The MLB and NFL pages reuse
the ordering, the colours, the status, the game cards and the "other games" strip here, so a
game reads the same on every page. A favourite's live game lets a ``takeover`` cycle entry
claim the cycle (:func:`takeover`).
"""

from __future__ import annotations

import math
from typing import cast

from dashcli.core.values import BaseballSituation, Game, PeriodSituation, ScoreboardValues, Team
from dashcli.renderers import colors
from dashcli.renderers.canvas import MARKER_BOX_WIDTH, Canvas, draw_time
from dashcli.renderers.fonts import Font
from dashcli.renderers.registry import page_spec
from dashcli.renderers.text import Box, draw_text

# Team colours are lifted further than colors.readable's default: abbreviations are the only
# way to tell the teams apart, and navy at 110 is still faint on a lit panel.
TEAM_MINIMUM = 160
# Not-played states, shown in amber so they never read as a result.
ABANDONED = {
    "postponed": ("Postponed", "PPD"),
    "suspended": ("Suspended", "SUSP"),
    "delayed": ("Delayed", "DLY"),
    "cancelled": ("Cancelled", "CANC"),
}
ABANDONED_COLOR = colors.AMBER
LIVE_COLOR = colors.GREEN
FINAL_COLOR = colors.SECONDARY
PRE_COLOR = colors.SKY
LEAGUE_NAMES = {"eng.1": "PREMIER LEAGUE", "usa.1": "MLS", "esp.1": "LA LIGA",
                "ger.1": "BUNDESLIGA", "ita.1": "SERIE A", "fra.1": "LIGUE 1"}

FAVORITE_BAR_X = 0
# 64×32 list: two lines per game
COMPACT_TOP = 1
COMPACT_LINE = 7
COMPACT_GAME_PITCH = 16
COMPACT_SCORE_RIGHT = 34
COMPACT_STATUS_RIGHT = 63
# 64×32 featured game (MLB, NFL) when nothing is being played: a word and a detail line
COMPACT_RECORD_RIGHT = 57
COMPACT_STATE_Y = 19
COMPACT_DETAIL_Y = 27
# The "other games" strip (MLB and NFL pages): items on lines of the small font
STRIP_GAP = 7
STRIP_SPACE = 3
STRIP_LINE = 6
# 128×64 game cards: three games a frame, away row above "@ home" row, status on the right
CARDS = 3
CARD_PITCH = 21
CARD_TOP = 1
CARD_ROW = 9
CARD_AT_X = 2
CARD_TEAM_X = 9
CARD_SCORE_RIGHT = 52
CARD_STATUS_LEFT = 56
CARD_RULE = 19  # the rule under a card, from its top
COMPACT_CARDS = 2
# The frame indicator along the bottom edge
PARTS_BAR_Y_FROM_BOTTOM = 1
# Live first, then upcoming, then final, then games that will not finish today.
ORDER = {"in": 0, "delayed": 0, "pre": 1, "post": 2, "suspended": 3, "postponed": 3,
         "cancelled": 3}


def ordered(games: list[Game]) -> list[Game]:
    """Live games first, then upcoming, then final, then postponed/suspended/cancelled; the
    profile's favourite teams first within each group, then by start time."""
    return sorted(games, key=lambda game: (ORDER.get(str(game["state"]), 4),
                                           not game["favorite"], str(game["start"])))


def takeover(canvas: Canvas) -> bool:
    """True while a favourite team's game is live (a ``takeover`` cycle entry claims the
    cycle)."""
    games = _values(canvas)["games"]
    return any(game["favorite"] and game["state"] == "in" for game in games)


def team_color(team: Team) -> colors.Color:
    """The team's colour lifted so it reads on LEDs with its hue kept; a black or grey primary
    gives way to a coloured alternate (white when the data has neither)."""
    color = colors.parse_color(team["color"], colors.WHITE)
    alternate = colors.parse_color(team.get("alt_color"), colors.WHITE)
    if colors.greyish(color) and not colors.greyish(alternate):
        color = alternate
    return colors.lifted(color, TEAM_MINIMUM)


def score_text(team: Team) -> str:
    """The score as text, ``"-"`` when absent (before the game, postponed)."""
    score = team["score"]
    return "-" if score is None else str(int(score))


def scores_known(game: Game) -> bool:
    """True when both scores are there to draw."""
    return game["away"]["score"] is not None and game["home"]["score"] is not None


def final_text(game: Game) -> str:
    """``"Final"``, or the upstream's final text when it says more (``"Final/10"``, ``"FT"``)."""
    detail = str(game["detail"]).strip()
    return detail if detail.lower().startswith("final") or detail in ("FT", "AET") else "Final"


def reason(detail: str, word: str) -> str:
    """The upstream's detail without the state word it repeats: ``"Delayed: Rain"`` → ``"Rain"``."""
    text = detail.strip()
    if text.lower().startswith(word.lower()):
        text = text[len(word):].lstrip(" :-")
    return text


def period_label(sport: str, period: int) -> str:
    """A period the way each sport says it: Q3, P2, OT, 2OT, H2."""
    if sport in ("basketball", "football"):
        return f"Q{period}" if period <= 4 else ("OT" if period == 5 else f"{period - 4}OT")
    if sport == "hockey":
        return f"P{period}" if period <= 3 else ("OT" if period == 4 else f"{period - 3}OT")
    if sport == "soccer":
        return f"H{period}" if period <= 2 else "ET"
    return f"P{period}"


def live_text(game: Game, sport: str) -> str:
    """The playing status: ``"Q4 5:12"``, ``"P2 12:04"``, ``"58'"``, ``"HALF"``, ``"T7"`` (top
    of the 7th); the upstream's text when there is no situation."""
    detail = str(game["detail"])
    if sport == "baseball":
        inning = cast(BaseballSituation | None, game.get("situation"))
        if inning is None:
            return detail
        return f"{str(inning['half'])[:1].upper()}{int(inning['inning'])}"
    if "half" in detail.lower() or detail == "HT":
        return "HALF"
    situation = cast(PeriodSituation | None, game.get("situation"))
    if situation is None:
        return detail
    clock = situation["clock"]
    if sport == "soccer":
        return str(clock) if clock else period_label(sport, int(situation["period"]))
    label = period_label(sport, int(situation["period"]))
    return f"{label} {clock}" if clock else label


def status(canvas: Canvas, game: Game, sport: str, *, short: bool) -> tuple[str, colors.Color]:
    """The status column of a game and its colour (``short`` for strips and 64×32)."""
    state = game["state"]
    if state in ABANDONED:
        long_name, short_name = ABANDONED[state]
        return (short_name if short else long_name), ABANDONED_COLOR
    if state == "pre":
        return canvas.hhmm(str(game["start"]), style="short" if short else "full"), PRE_COLOR
    if state == "post":
        text = final_text(game)
        if short:
            text = text.replace("Final", "F")
        return text, FINAL_COLOR
    if state == "in":
        if short and game.get("situation") is None:
            return "LIVE", LIVE_COLOR  # the upstream's "In Progress" would fill a strip line
        return live_text(game, sport), LIVE_COLOR
    raise ValueError(f"unknown game state {state!r}")


def draw_team(canvas: Canvas, font: Font, team: Team, xy: tuple[int, int]) -> Box:
    """The abbreviation in its team colour."""
    return draw_text(canvas.image, font, str(team["abbreviation"]), xy, team_color(team))


def draw_team_row(canvas: Canvas, game: Game, team: Team, font: Font, xy: tuple[int, int],
                  right: int, score_color: colors.Color) -> None:
    """A featured game's team row: the abbreviation in team colour at ``xy``, the score in the
    same font ending at ``right``, or the record in small grey when there is no score (on
    64×32 further right, where no situation is drawn then)."""
    x, y = xy
    if scores_known(game) and x + font.width(str(team["abbreviation"])) + 3 \
            + font.width(score_text(team)) > right:
        # A 4-letter abbreviation beside a 3-digit score: the abbreviation a size smaller.
        smaller = canvas.fonts.body if font is canvas.fonts.large else canvas.fonts.small
        room = right - font.width(score_text(team)) - 3 - x
        draw_text(canvas.image, smaller, str(team["abbreviation"]),
                  (x, y + font.baseline - smaller.baseline), team_color(team), max_width=room)
    else:
        draw_team(canvas, font, team, (x, y))
    if scores_known(game):
        draw_text(canvas.image, font, score_text(team), (right, y), score_color, align="right")
    elif team["record"]:
        small = canvas.fonts.small
        offset = font.baseline - small.baseline
        draw_text(canvas.image, small, str(team["record"]),
                  (COMPACT_RECORD_RIGHT if canvas.compact else right, y + offset), colors.DIM,
                  align="right")


def draw_team_rows(canvas: Canvas, game: Game, font: Font, x: int, rows: tuple[int, int],
                   right: int) -> None:
    """A featured game's away and home rows (:func:`draw_team_row`) at the tops in ``rows``,
    scores coloured by :func:`score_colors`."""
    away_color, home_color = score_colors(game)
    draw_team_row(canvas, game, game["away"], font, (x, rows[0]), right, away_color)
    draw_team_row(canvas, game, game["home"], font, (x, rows[1]), right, home_color)


def draw_start(canvas: Canvas, game: Game, label: str, xy: tuple[int, int],
               color: colors.Color) -> None:
    """A featured game before it starts: ``label`` small above the local start time, large
    digits with a small 12-hour meridiem after them (``7:05 PM`` large is too wide)."""
    x, y = xy
    draw_text(canvas.image, canvas.fonts.small, label, (x, y - 2), colors.SECONDARY)
    draw_time(canvas, canvas.local(str(game["start"])), (x, y + 6), canvas.fonts.large,
              canvas.fonts.body, color, gap=2)


def draw_last_play(canvas: Canvas, play: object, xy: tuple[int, int], color: colors.Color) -> None:
    """A live game's last play (if any) on one small line from ``xy``, shortened with ``…`` to
    keep the same margin on the right as on the left."""
    if play:
        draw_text(canvas.image, canvas.fonts.small, str(play), xy, color,
                  max_width=canvas.width - 2 * xy[0])


def draw_state_word(canvas: Canvas, word: str, xy: tuple[int, int], color: colors.Color) -> None:
    """A featured game's state word in the situation panel (body font, small when too long)."""
    width = canvas.width - xy[0] - 1
    font = canvas.fonts.body if canvas.fonts.body.width(word) <= width else canvas.fonts.small
    y = xy[1] + (0 if font is canvas.fonts.body else canvas.fonts.body.baseline
                 - canvas.fonts.small.baseline)
    draw_text(canvas.image, font, word.upper() if font is not canvas.fonts.body else word,
              (xy[0], y), color, max_width=width)


def draw_compact_state(canvas: Canvas, word: str, color: colors.Color, detail: str | None) -> None:
    """64×32, a featured game not being played: the word (start time, Final, Postponed)
    centred under the teams, a detail line below it."""
    fonts = canvas.fonts
    font = fonts.body if fonts.body.width(word) <= canvas.width - 2 else fonts.small
    centre = canvas.width // 2
    draw_text(canvas.image, font, word, (centre, COMPACT_STATE_Y), color, align="center",
              max_width=canvas.width - 2)
    if detail:
        draw_text(canvas.image, fonts.small, detail, (centre, COMPACT_DETAIL_Y), colors.SECONDARY,
                  align="center", max_width=canvas.width - 2)


def score_colors(game: Game) -> tuple[colors.Color, colors.Color]:
    """Scores: white, the loser's dimmed once the game is final."""
    if game["state"] != "post" or not scores_known(game):
        return colors.WHITE, colors.WHITE
    away, home = int(game["away"]["score"] or 0), int(game["home"]["score"] or 0)
    if away == home:
        return colors.WHITE, colors.WHITE
    return (colors.WHITE, colors.GREY) if away > home else (colors.GREY, colors.WHITE)


def draw_strip(canvas: Canvas, games: list[Game], sport: str, top: int, bottom: int,
               left: int = 1, *, draw: bool = True) -> int:
    """Other games as compact items (``TB 2 TOR 5 F``) flowing over the lines between ``top``
    and ``bottom``; returns how many fit (the others are left out). ``draw`` off only counts."""
    small = canvas.fonts.small
    right = canvas.width - 1
    x, y = left, top
    for count, game in enumerate(games):
        away_color, home_color = score_colors(game)
        text, color = status(canvas, game, sport, short=True)
        runs: list[tuple[str, colors.Color]] = [
            (str(game["away"]["abbreviation"]), team_color(game["away"])),
        ]
        if scores_known(game):
            runs.append((score_text(game["away"]), away_color))
        runs.append((str(game["home"]["abbreviation"]), team_color(game["home"])))
        if scores_known(game):
            runs.append((score_text(game["home"]), home_color))
        runs.append((text, color))
        width = sum(small.width(part) for part, _ in runs) + STRIP_SPACE * (len(runs) - 1)
        if x > left and x + width > right:
            x, y = left, y + STRIP_LINE
        if y + small.height > bottom or width > right - left:
            return count
        for part, part_color in runs:
            if draw:
                draw_text(canvas.image, small, part, (x, y), part_color)
            x += small.width(part) + STRIP_SPACE
        x += STRIP_GAP - STRIP_SPACE
    return len(games)


def per_frame(canvas: Canvas) -> int:
    """Games on one frame of cards at the canvas's size."""
    return COMPACT_CARDS if canvas.compact else CARDS


def card_frames(canvas: Canvas, count: int) -> int:
    """Frames of cards ``count`` games take."""
    return math.ceil(count / per_frame(canvas))


def draw_parts_bar(canvas: Canvas, part: int, count: int) -> None:
    """Which frame of how many, as segments along the bottom edge (nothing for one frame)."""
    if count <= 1:
        return
    y = canvas.height - PARTS_BAR_Y_FROM_BOTTOM
    width = canvas.width // count
    for index in range(count):
        color = colors.GREY if index == part else colors.FAINT
        x = index * width
        canvas.image.paste(color, (x + 1, y, x + width - 1, y + 1))


def _card_detail(canvas: Canvas, game: Game, sport: str) -> str | None:
    """The small line under a card's status: down and distance, outs, why not played."""
    state = game["state"]
    if state in ABANDONED:
        detail = reason(str(game["detail"]), ABANDONED[state][0])
        return detail.upper() or None
    situation = game.get("situation")
    if state != "in" or not isinstance(situation, dict):
        return None
    if sport == "football":
        down = situation.get("down_distance")
        return str(down) if down else None
    outs = situation.get("outs")
    if sport == "baseball" and isinstance(outs, int):
        return f"{outs} OUT"
    return None


def draw_card(canvas: Canvas, game: Game, sport: str, y: int) -> None:
    """One game on two rows from ``y``: ``BOS 3`` above ``@ NYY 5`` (records before the game),
    the status right of them (period and clock, start time, Final), a detail line below it."""
    body, small = canvas.fonts.body, canvas.fonts.small
    if game["favorite"]:
        canvas.image.paste(colors.AMBER, (FAVORITE_BAR_X, y, FAVORITE_BAR_X + 1, y + 2 * CARD_ROW
                                          - 1))
    offset = body.baseline - small.baseline
    draw_text(canvas.image, body, "@", (CARD_AT_X, y + CARD_ROW), colors.DIM)
    away_color, home_color = score_colors(game)
    for team, row, color in ((game["away"], y, away_color),
                             (game["home"], y + CARD_ROW, home_color)):
        box = draw_team(canvas, body, team, (CARD_TEAM_X, row))
        if scores_known(game):
            draw_text(canvas.image, body, score_text(team), (CARD_SCORE_RIGHT, row), color,
                      align="right")
        elif team["record"] and small.width(str(team["record"])) <= CARD_SCORE_RIGHT - box[2] - 3:
            # A record is shown whole or not at all ("12-1…" reads as a different record).
            draw_text(canvas.image, small, str(team["record"]), (CARD_SCORE_RIGHT, row + offset),
                      colors.DIM, align="right")
    text, color = status(canvas, game, sport, short=False)
    # The first card's status shares the top-right corner with the stale marker.
    right = canvas.width - 1 - (MARKER_BOX_WIDTH if y < 4 else 0)
    room = right - CARD_STATUS_LEFT
    font = body if body.width(text.upper()) <= room else small
    draw_text(canvas.image, font, text.upper(), (right, y + (0 if font is body else offset)),
              color, align="right", max_width=room)
    detail = _card_detail(canvas, game, sport)
    if detail:
        draw_text(canvas.image, small, detail, (canvas.width - 1, y + CARD_ROW + offset),
                  colors.SECONDARY, align="right", max_width=canvas.width - 1 - CARD_STATUS_LEFT)


def draw_cards(canvas: Canvas, games: list[Game], sport: str) -> None:
    """Up to :func:`per_frame` games as cards (128×64) or two-line rows (64×32)."""
    if canvas.compact:
        _draw_compact(canvas, games, sport)
        return
    for index, game in enumerate(games[:CARDS]):
        y = CARD_TOP + index * CARD_PITCH
        draw_card(canvas, game, sport, y)
        if index + 1 < min(len(games), CARDS):
            canvas.image.paste(colors.FAINT, (0, y + CARD_RULE, canvas.width, y + CARD_RULE + 1))


def _values(canvas: Canvas) -> ScoreboardValues:
    """The page's scoreboard: its registry entry names the type (nba, nhl, soccer, ...)."""
    return cast(ScoreboardValues, canvas.values(page_spec(canvas.page).types[0]))


def has_content(canvas: Canvas) -> bool:
    """False on a day without games (displays skip the page)."""
    return bool(_values(canvas)["games"])


def parts(canvas: Canvas) -> int:
    """Frames the day's games take in the cycle (at least one)."""
    return max(1, card_frames(canvas, len(_values(canvas)["games"])))


def draw_no_games(canvas: Canvas, title: str) -> None:
    """The no-game frame: the league and "No games today"."""
    body, small = canvas.fonts.body, canvas.fonts.small
    centre = canvas.width // 2
    if canvas.compact:
        draw_text(canvas.image, small, title, (centre, 6), colors.SECONDARY, align="center",
                  max_width=canvas.width - 2)
        draw_text(canvas.image, small, "NO GAMES TODAY", (centre, 16), colors.WHITE,
                  align="center")
        return
    draw_text(canvas.image, body, title, (centre, 18), colors.SECONDARY, align="center",
              max_width=canvas.width - 4)
    draw_text(canvas.image, body, "No games today", (centre, 32), colors.WHITE, align="center")


def league_title(values: ScoreboardValues) -> str:
    """The league as a title: ``NBA``, ``PREMIER LEAGUE``."""
    league = str(values["league"])
    return LEAGUE_NAMES.get(league, league.upper())


def score_right(font: Font, game: Game, x: int, right: int) -> int:
    """Where a game's scores end: at ``right``, or further right when an abbreviation from
    ``x`` would touch its score (4-letter abbreviations, 3-digit scores)."""
    if not scores_known(game):
        return right
    needed = max(x + font.width(str(team["abbreviation"])) + 3 + font.width(score_text(team))
                 for team in (game["away"], game["home"]))
    return max(right, needed)


def _draw_compact(canvas: Canvas, games: list[Game], sport: str) -> None:
    small = canvas.fonts.small
    for index, game in enumerate(games[:2]):
        y = COMPACT_TOP + index * COMPACT_GAME_PITCH
        away_color, home_color = score_colors(game)
        scores = score_right(small, game, 1, COMPACT_SCORE_RIGHT)
        for line, (team, color) in enumerate(((game["away"], away_color),
                                              (game["home"], home_color))):
            row = y + line * COMPACT_LINE
            draw_team(canvas, small, team, (1, row))
            if scores_known(game):
                draw_text(canvas.image, small, score_text(team), (scores, row), color,
                          align="right")
        # Start times are short ("7:05P"): a 12-hour "10:05 PM" does not fit beside the marker.
        text, color = status(canvas, game, sport, short=game["state"] == "pre")
        if small.width(text.upper()) > COMPACT_STATUS_RIGHT - scores - 3:
            text, color = status(canvas, game, sport, short=True)
        parts = text.upper().split(" ", 1) if game["state"] == "in" else [text.upper()]
        for line, part in enumerate(parts):
            right = COMPACT_STATUS_RIGHT - (MARKER_BOX_WIDTH if y + line * COMPACT_LINE < 4 else 0)
            draw_text(canvas.image, small, part, (right, y + line * COMPACT_LINE), color,
                      align="right", max_width=right - scores - 3)


def draw(canvas: Canvas) -> None:
    """Draw this frame's share of the day's games, live first (see :func:`ordered`)."""
    values = _values(canvas)
    games = ordered(values["games"])
    sport = str(values["sport"])
    if not games:
        draw_no_games(canvas, league_title(values))
        return
    count = card_frames(canvas, len(games))
    part = canvas.part % count
    start = part * per_frame(canvas)
    draw_cards(canvas, games[start:start + per_frame(canvas)], sport)
    draw_parts_bar(canvas, part, count)
