"""Notifications: a one-off message that interrupts the page cycle, and its frame.

A :class:`Notice` is what ``POST /notify`` and ``dash notify`` send (text, an optional built-in
icon, a colour, how many ``seconds`` it shows and how many times, ``repeat``);
:func:`parse_notice` checks a decoded object and names the bad field, :func:`draw_notice` draws it
at a display's size: a coloured frame around the icon and the text, wrapped and centred.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from PIL import Image, ImageDraw
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from dashcli.renderers import colors
from dashcli.renderers.appformat import AppFormatError, ColorText, color_of
from dashcli.renderers.fonts import FontSet, builtin_fonts
from dashcli.renderers.icons import ICON_NAMES, icon
from dashcli.renderers.text import draw_text, wrap

# The page name displays give a notification's frames.
NOTICE_PAGE = "notify"
MAX_SECONDS = 60.0
MAX_REPEAT = 10
# Between two showings of a repeated notice the panel is dark this long, so a repeat is seen.
REPEAT_GAP = 0.5


class _NoticeModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    text: str = Field(min_length=1, max_length=200)
    icon: str | None = None
    color: ColorText | None = None
    seconds: float = Field(default=5.0, gt=0, le=MAX_SECONDS)
    repeat: int = Field(default=1, ge=1, le=MAX_REPEAT)


@dataclass(frozen=True)
class Notice:
    """One notification; ``seconds`` per showing, shown ``repeat`` times in a row."""

    text: str
    icon: str | None = None
    color: str | None = None
    seconds: float = 5.0
    repeat: int = 1

    @property
    def duration(self) -> float:
        """Seconds the notice holds the display, gaps between repeats included."""
        return self.seconds * self.repeat + REPEAT_GAP * (self.repeat - 1)

    def visible(self, elapsed: float) -> bool:
        """True while a showing is on (False in the gaps between repeats)."""
        period = self.seconds + REPEAT_GAP
        return elapsed % period < self.seconds

    def to_dict(self) -> dict[str, Any]:
        return {key: value for key, value in asdict(self).items() if value is not None}


def parse_notice(data: Any) -> Notice:
    """``data`` as a Notice; a defect is an AppFormatError naming the field (exit 2, HTTP 400)."""
    if not isinstance(data, dict):
        raise AppFormatError("", f"a notification is a JSON object, got {type(data).__name__}")
    try:
        model = _NoticeModel.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        field = ".".join(str(part) for part in first["loc"])
        raise AppFormatError(field, str(first["msg"]).removeprefix("Value error, ")) from None
    if model.icon is not None and model.icon not in ICON_NAMES:
        raise AppFormatError("icon", f"unknown icon {model.icon[:40]!r} (known: "
                             f"{', '.join(ICON_NAMES)})")
    return Notice(model.text, model.icon, model.color, model.seconds, model.repeat)


def blank(size: tuple[int, int]) -> Image.Image:
    """A dark frame (between two showings of a repeated notice)."""
    return Image.new("RGB", size)


def draw_notice(notice: Notice, size: tuple[int, int], fonts: FontSet | None = None) -> Image.Image:
    """The notice's frame at ``size``: a border in its colour, the icon, the text centred."""
    fonts = fonts or builtin_fonts()
    width, height = size
    compact = height < 64
    image = Image.new("RGB", size)
    color = color_of(notice.color, colors.WHITE)
    ImageDraw.Draw(image).rectangle((0, 0, width - 1, height - 1), outline=color)
    left = 3
    if notice.icon is not None:
        sprite = icon(notice.icon, not compact)
        sprite.draw(image, (3, (height - sprite.height) // 2))
        left = 3 + sprite.width + 3
    font = fonts.small if compact else fonts.body
    lines = wrap(font, notice.text, width - left - 3, max(1, (height - 4) // (font.height + 1)))
    top = (height - len(lines) * (font.height + 1)) // 2
    centre = (left + width - 3) // 2
    for index, line in enumerate(lines):
        draw_text(image, font, line, (centre, top + index * (font.height + 1)), color,
                  align="center")
    return image
