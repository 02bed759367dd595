"""The events page: the next occasion large, then the following ones with the days until each.

Reads ``events`` (:class:`dashcli.core.values.EventsValues`), soonest first. The next occasion
shows
its name in its kind's colour (birthdays pink, anniversaries red, holidays green), what it is
(``65th birthday``) and when (``today!``, ``tomorrow``, ``in 6 days``) with its date; the rest
follow as name and days. No occasions draws "No upcoming events" and has no content.
"""

from __future__ import annotations

from datetime import date
from typing import cast

from dashcli.core.values import EventsValues, Occasion
from dashcli.renderers import colors
from dashcli.renderers.canvas import MARKER_BOX_WIDTH, Canvas
from dashcli.renderers.text import draw_text

KIND_COLORS = {
    "birthday": colors.PINK,
    "anniversary": colors.RED,
    "holiday": colors.GREEN,
}
OTHER_COLOR = colors.CYAN
TODAY_COLOR = colors.YELLOW
SOON_COLOR = colors.AMBER
# 128×64
NAME_XY = (2, 1)
WHAT_Y = 19
WHEN_Y = 29
LIST_TOP = 43
LIST_PITCH = 7
DAYS_RIGHT = 127
# 64×32
COMPACT_NAME_Y = 1
COMPACT_WHAT_Y = 10
COMPACT_WHEN_Y = 16
COMPACT_NEXT_Y = 26


def _color(occasion: Occasion) -> colors.Color:
    return KIND_COLORS.get(str(occasion["kind"]), OTHER_COLOR)


def _what(occasion: Occasion) -> str:
    """``65th birthday``, ``Holiday``."""
    kind = str(occasion["kind"])
    if occasion["ordinal"]:
        return f"{occasion['ordinal']} {kind}"
    return kind.capitalize()


def _when(occasion: Occasion) -> tuple[str, colors.Color]:
    days = int(occasion["days_until"])
    if days < 0:
        raise ValueError(f"days_until {days} is in the past")
    if days == 0:
        return "today!", TODAY_COLOR
    if days == 1:
        return "tomorrow", SOON_COLOR
    return f"in {days} days", SOON_COLOR


def _days(occasion: Occasion, short: bool = False) -> str:
    """``34 DAYS`` (``34D`` when short), ``TODAY``."""
    days = int(occasion["days_until"])
    if days == 0:
        return "TODAY"
    if short:
        return f"{days}D"
    return f"{days} DAY" if days == 1 else f"{days} DAYS"


def _sorted(values: EventsValues) -> list[Occasion]:
    return sorted(values["upcoming"], key=lambda occasion: int(occasion["days_until"]))


def has_content(canvas: Canvas) -> bool:
    """False when there is no occasion to count down to."""
    return bool(cast(EventsValues, canvas.values("events"))["upcoming"])


def _draw_empty(canvas: Canvas) -> None:
    centre = canvas.width // 2
    if canvas.compact:
        draw_text(canvas.image, canvas.fonts.body, "No events", (centre, 8), colors.WHITE,
                  align="center")
        draw_text(canvas.image, canvas.fonts.small, "COMING UP", (centre, 19), colors.DIM,
                  align="center")
        return
    draw_text(canvas.image, canvas.fonts.body, "No upcoming events", (centre, 28), colors.WHITE,
              align="center")


def draw(canvas: Canvas) -> None:
    """Draw the next occasion large and the following ones as a list."""
    upcoming = _sorted(cast(EventsValues, canvas.values("events")))
    if not upcoming:
        _draw_empty(canvas)
        return
    first, rest = upcoming[0], upcoming[1:]
    fonts = canvas.fonts
    name = str(first["name"])
    when, when_color = _when(first)
    day = date.fromisoformat(str(first["date"]))
    if canvas.compact:
        width = canvas.width - MARKER_BOX_WIDTH - 2
        font = fonts.body if fonts.body.width(name) <= width else fonts.small
        draw_text(canvas.image, font, name, (1, COMPACT_NAME_Y), _color(first), max_width=width)
        what = _what(first).upper()
        if fonts.small.width(what) > canvas.width - 2:
            # "12TH ANNIVERSARY" is 16 characters, the line holds 15.
            what = what.replace("ANNIVERSARY", "ANNIV.")
        draw_text(canvas.image, fonts.small, what, (1, COMPACT_WHAT_Y), colors.WHITE,
                  max_width=canvas.width - 2)
        draw_text(canvas.image, fonts.body, when, (1, COMPACT_WHEN_Y), when_color,
                  max_width=canvas.width - 2)
        if rest:
            box = draw_text(canvas.image, fonts.small, _days(rest[0], short=True),
                            (canvas.width - 1, COMPACT_NEXT_Y), colors.SECONDARY, align="right")
            draw_text(canvas.image, fonts.small, str(rest[0]["name"]).upper(),
                      (1, COMPACT_NEXT_Y), _color(rest[0]), max_width=box[0] - 4)
        return
    width = canvas.width - NAME_XY[0] - MARKER_BOX_WIDTH - 1
    font = fonts.large if fonts.large.width(name) <= width else fonts.body
    y = NAME_XY[1] if font is fonts.large else NAME_XY[1] + 5
    draw_text(canvas.image, font, name, (NAME_XY[0], y), _color(first), max_width=width)
    draw_text(canvas.image, fonts.body, _what(first), (NAME_XY[0], WHAT_Y), colors.WHITE,
              max_width=canvas.width - 4)
    date_text = day.strftime("%a %d %b").upper()
    date_box = draw_text(canvas.image, fonts.small, date_text, (canvas.width - 2, WHEN_Y + 2),
                         colors.SECONDARY, align="right")
    draw_text(canvas.image, fonts.body, when, (NAME_XY[0], WHEN_Y), when_color,
              max_width=date_box[0] - NAME_XY[0] - 4)
    canvas.image.paste(colors.FAINT, (0, LIST_TOP - 4, canvas.width, LIST_TOP - 3))
    for index, occasion in enumerate(rest):
        y = LIST_TOP + index * LIST_PITCH
        if y + fonts.small.height > canvas.height:
            break
        box = draw_text(canvas.image, fonts.small, _days(occasion), (DAYS_RIGHT, y),
                        colors.SECONDARY, align="right")
        label = str(occasion["name"]).upper()
        if occasion["ordinal"]:
            label = f"{label} {str(occasion['ordinal']).upper()}"
        draw_text(canvas.image, fonts.small, label, (2, y), _color(occasion),
                  max_width=box[0] - 6)
