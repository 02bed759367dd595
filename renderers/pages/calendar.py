"""The calendar page: the event under way (highlighted), the next one, then the week's rest.

Reads ``calendar`` (:class:`dashcli.core.values.CalendarValues`). The current event gets a green
bar,
``NOW`` and when it ends; the next event its start (``18:30``, ``MON 09:15``; 12-hour
``6:30 PM``, ``MON 9:15 AM``); below, the remaining events of today and the week that have not
ended, as day, time (``6:30P`` in 12-hour form) and title. All-day
events say ``ALL DAY`` in cyan instead of a time. A week with nothing left draws "No events";
it has no content then (displays skip it).
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

from dashcli.core.values import CalendarEvent, CalendarValues
from dashcli.renderers import colors
from dashcli.renderers.canvas import MARKER_BOX_WIDTH, Canvas
from dashcli.renderers.format import TimeStyle
from dashcli.renderers.text import draw_text

# 128×64
HEADER_XY = (1, 1)
BLOCK_TOP = 8
BLOCK_X = 4
BAR_WIDTH = 2
LABEL_TO_TITLE = 7
BLOCK_PITCH = 18
LIST_GAP = 2
LIST_PITCH = 7
DAY_X = 1
TIME_X = 24
TITLE_X = 54
# 64×32
COMPACT_BLOCK_PITCH = 16
COMPACT_LABEL_TO_TITLE = 6
NOW_COLOR = colors.GREEN
NEXT_COLOR = colors.AMBER
ALL_DAY_COLOR = colors.CYAN
ALL_DAY = "ALL DAY"
DAYS_BY_WEEKDAY = 7  # events starting within this many days are named by their weekday


def _key(event: CalendarEvent) -> tuple[str, str]:
    return str(event["title"]), str(event["start"])


def _day(canvas: Canvas, start: datetime, end: datetime) -> str:
    """``TODAY`` for an event on today (or spanning it), the weekday within the coming week,
    else the date (``OCT 14``): a weekday alone would name the wrong week."""
    today = canvas.now.date()
    if start.date() == today or start <= canvas.now < end:
        return "TODAY"
    if 0 < (start.date() - today).days < DAYS_BY_WEEKDAY:
        return start.strftime("%a").upper()
    return f"{start.strftime('%b').upper()} {start.day}"


def _when(canvas: Canvas, event: CalendarEvent, style: TimeStyle) -> tuple[str, str]:
    """The event's day label and start time in ``style`` (``ALL DAY`` for all-day events)."""
    start, end = canvas.local(str(event["start"])), canvas.local(str(event["end"]))
    time = ALL_DAY if event["all_day"] else canvas.time(start, style)
    return _day(canvas, start, end), time


def _remaining(canvas: Canvas, values: CalendarValues) -> list[CalendarEvent]:
    """Today's and the week's events not yet ended, without the current and next, by start."""
    shown = {_key(event) for event in (values["current"], values["next"]) if event is not None}
    seen: set[tuple[str, str]] = set()
    events: list[tuple[datetime, bool, CalendarEvent]] = []
    for event in [*values["today"], *values["week"]]:
        key = _key(event)
        if key in shown or key in seen:
            continue
        seen.add(key)
        if canvas.local(str(event["end"])) <= canvas.now:
            continue
        events.append((canvas.local(str(event["start"])), not event["all_day"], event))
    events.sort(key=lambda item: (item[0].date(), item[1], item[0]))
    return [event for _, _, event in events]


def _block(canvas: Canvas, event: CalendarEvent, label: str, color: colors.Color, y: int,
           title_gap: int, compact: bool) -> None:
    """One highlighted event: a label line (``NOW until 14:30``) above its title."""
    small, body = canvas.fonts.small, canvas.fonts.body
    x = 1 if compact else BLOCK_X
    if label == "NOW" and not compact:
        canvas.image.paste(color, (0, y, BAR_WIDTH, y + title_gap + body.height))
    # 12-hour times in full where there is room: "UNTIL 2:30 PM"; "TO 2:30p" on 64×32.
    style: TimeStyle = "short" if compact else "full"
    day, time = _when(canvas, event, style)
    if label == "NOW":
        until = "TO" if compact else "UNTIL"
        detail = (ALL_DAY if event["all_day"]
                  else f"{until} {canvas.hhmm(str(event['end']), style=style)}")
    else:
        detail = time if day == "TODAY" else f"{day} {time}"
    box = draw_text(canvas.image, small, label, (x, y), color)
    right = canvas.width - (MARKER_BOX_WIDTH + 1 if y < 4 else 1)
    if label != "NOW" and day != "TODAY" and small.width(detail) > right - box[2] - 4:
        detail = day  # 64×32: "OCT 13" whole rather than "OCT 13 1…"
    draw_text(canvas.image, small, detail, (box[2] + 4, y),
              ALL_DAY_COLOR if detail == ALL_DAY else colors.WHITE, max_width=right - box[2] - 4)
    title, width = str(event["title"]), canvas.width - x - 1
    # On 64×32 a title too long for the body font is better whole in the small one than cut.
    if compact and body.width(title) > width:
        draw_text(canvas.image, small, title, (x, y + title_gap + 1), colors.WHITE,
                  max_width=width)
        return
    draw_text(canvas.image, body, title, (x, y + title_gap), colors.WHITE, max_width=width)


def _blocks(values: CalendarValues) -> list[tuple[CalendarEvent, str, colors.Color]]:
    blocks = []
    if values["current"] is not None:
        blocks.append((values["current"], "NOW", NOW_COLOR))
    if values["next"] is not None:
        blocks.append((values["next"], "NEXT", NEXT_COLOR))
    return blocks


def has_content(canvas: Canvas) -> bool:
    """False when the week has nothing left to show."""
    values = cast(CalendarValues, canvas.values("calendar"))
    return bool(_blocks(values) or _remaining(canvas, values))


def _draw_empty(canvas: Canvas, y: int) -> None:
    centre = canvas.width // 2
    draw_text(canvas.image, canvas.fonts.body, "No events", (centre, y), colors.WHITE,
              align="center")
    draw_text(canvas.image, canvas.fonts.small, "THIS WEEK", (centre, y + 11), colors.DIM,
              align="center")


def draw(canvas: Canvas) -> None:
    """Draw the current and next events, then the rest of the week as a list."""
    values = cast(CalendarValues, canvas.values("calendar"))
    blocks = _blocks(values)
    remaining = _remaining(canvas, values)
    small = canvas.fonts.small
    if canvas.compact:
        if not blocks and not remaining:
            _draw_empty(canvas, 8)
            return
        if not blocks:
            first = remaining[0]
            blocks = [(first, "NEXT", NEXT_COLOR)]
            remaining = remaining[1:]
        for index, (event, label, color) in enumerate(blocks[:2]):
            _block(canvas, event, label, color, 1 + index * COMPACT_BLOCK_PITCH,
                   COMPACT_LABEL_TO_TITLE, True)
        if len(blocks) == 1 and remaining:
            day, time = _when(canvas, remaining[0], "short")
            draw_text(canvas.image, small, f"{day} {time}", (1, 18), colors.SECONDARY)
            draw_text(canvas.image, small, str(remaining[0]["title"]), (1, 25), colors.WHITE,
                      max_width=canvas.width - 2)
        return
    draw_text(canvas.image, small, canvas.now.strftime("%a %d %b").upper(), HEADER_XY,
              colors.SECONDARY)
    if not blocks and not remaining:
        _draw_empty(canvas, 24)
        return
    y = BLOCK_TOP
    for event, label, color in blocks:
        _block(canvas, event, label, color, y, LABEL_TO_TITLE, False)
        y += BLOCK_PITCH
    y += LIST_GAP - (BLOCK_PITCH - LABEL_TO_TITLE - canvas.fonts.body.height) if blocks else 0
    for event in remaining:
        if y + small.height > canvas.height:
            break
        day, time = _when(canvas, event, "short")  # "10:30P" leaves room before the title
        draw_text(canvas.image, small, day, (DAY_X, y), colors.SECONDARY)
        draw_text(canvas.image, small, time, (TIME_X, y),
                  ALL_DAY_COLOR if time == ALL_DAY else colors.WHITE)
        draw_text(canvas.image, small, str(event["title"]), (TITLE_X, y), colors.WHITE,
                  max_width=canvas.width - TITLE_X - 1)
        y += LIST_PITCH
