"""The app format: a page described in JSON (title, lines, a number, an icon or image, a progress
bar, a chart, draw commands), validated strictly so every defect names its field.

A published value of this shape is drawn by the ``app`` page (:mod:`dashcli.renderers.pages.app`)
with no Python written by the user. :func:`parse_app` checks a decoded object and raises
:class:`AppFormatError` whose message starts with the field's path (``lines[1].color: ...``);
:func:`app_schema` is the JSON Schema of the format (shipped as ``docs/app.schema.json``).
Inline images are base64 PNG or GIF, at most :data:`MAX_IMAGE_BYTES` and
:data:`MAX_IMAGE_SIDE` pixels a side, checked from the header before any pixel is decoded.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import re
from functools import lru_cache
from typing import Annotated, Any, Literal

from PIL import Image
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from dashcli.core.errors import UsageError
from dashcli.renderers.colors import PALETTE, Color, parse_color

MAX_IMAGE_BYTES = 16 * 1024
MAX_IMAGE_SIDE = 64
MAX_LINES = 8
MAX_POINTS = 128
MAX_DRAW = 64
# Coordinates may reach a little past the largest panel so shapes can be clipped at its edge.
COORD = Annotated[int, Field(ge=-256, le=256)]
_HEX = re.compile(r"^#?[0-9a-fA-F]{6}$")

FontSize = Literal["small", "body", "large"]
Align = Literal["left", "center", "right"]


class AppFormatError(UsageError):
    """Values are not a valid app; the message names the field (exit 2, HTTP 400)."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}" if field else problem)
        self.field = field
        self.problem = problem


def _color(value: str) -> str:
    if value.lower() in PALETTE or _HEX.match(value):
        return value
    raise ValueError(f"not a colour: use #rrggbb or one of {', '.join(sorted(PALETTE))}")


ColorText = Annotated[str, Field(max_length=32, description="#rrggbb or a palette name"),
                      AfterValidator(_color)]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Line(_Part):
    """One line of text."""

    text: str = Field(max_length=200)
    color: ColorText | None = None
    size: FontSize = "body"
    align: Align = "left"
    scroll: bool = Field(default=False, description="Show a long line in parts, 2 s each.")


class Number(_Part):
    """A large number with a small unit after it."""

    value: float
    unit: str = Field(default="", max_length=12)
    decimals: int = Field(default=0, ge=0, le=4)
    color: ColorText | None = None
    label: str = Field(default="", max_length=24, description="Small text before the number.")


class ImageRef(_Part):
    """A small PNG or GIF (first frame): inline base64, or a URL fetched at publish time."""

    png: str | None = Field(default=None, max_length=MAX_IMAGE_BYTES * 4 // 3 + 8,
                            description="Base64 of a PNG or GIF file.")
    url: str | None = Field(default=None, max_length=2000, pattern=r"^https?://",
                            description="Fetched once by dash publish / POST /state, then inline.")


class Progress(_Part):
    """A bar filled ``value`` of ``max``."""

    value: float
    max: float = Field(default=100, gt=0)
    color: ColorText | None = None
    background: ColorText | None = None
    label: bool = Field(default=True, description="Write the percentage beside the bar.")


class Chart(_Part):
    """A sparkline (``line``) or bar chart of up to 128 values, scaled to ``min``..``max``."""

    kind: Literal["line", "bar"] = "line"
    values: list[float] = Field(min_length=1, max_length=MAX_POINTS)
    min: float | None = None
    max: float | None = None
    color: ColorText | None = None


class _Draw(_Part):
    color: ColorText = "white"


class Pixel(_Draw):
    op: Literal["pixel"]
    xy: tuple[COORD, COORD]


class DrawLine(_Draw):
    op: Literal["line"]
    xy: tuple[COORD, COORD, COORD, COORD] = Field(description="x0, y0, x1, y1")


class Rect(_Draw):
    op: Literal["rect"]
    xy: tuple[COORD, COORD, COORD, COORD] = Field(description="x, y, width, height")
    fill: bool = False


class Circle(_Draw):
    op: Literal["circle"]
    xy: tuple[COORD, COORD, Annotated[int, Field(ge=0, le=128)]] = Field(
        description="centre x, centre y, radius")
    fill: bool = False


class DrawText(_Draw):
    op: Literal["text"]
    xy: tuple[COORD, COORD]
    text: str = Field(max_length=100)
    size: FontSize = "small"


DrawCommand = Annotated[Pixel | DrawLine | Rect | Circle | DrawText, Field(discriminator="op")]


class App(_Part):
    """A whole app page; every part is optional, drawn top to bottom in this order."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True,
                              title="dashcli app page",
                              json_schema_extra={"$schema": "https://json-schema.org/draft/2020-12/schema"})

    title: str | None = Field(default=None, max_length=40)
    color: ColorText | None = Field(default=None, description="Default text colour.")
    background: ColorText | None = None
    icon: str | None = Field(default=None, description="A built-in icon name (dash render "
                             "--list-icons... see README) drawn at the left.")
    image: ImageRef | None = Field(default=None, description="A small image drawn at the left.")
    number: Number | None = None
    lines: list[Line | Annotated[str, Field(max_length=200)]] = Field(
        default_factory=list, max_length=MAX_LINES)
    progress: Progress | None = None
    chart: Chart | None = None
    draw: list[DrawCommand] = Field(default_factory=list, max_length=MAX_DRAW)
    lifetime: float | None = Field(default=None, gt=0, le=30 * 86400, description=(
        "Seconds after its update when the page leaves the cycle (valid only marks it stale)."))

    @field_validator("icon")
    @classmethod
    def _known_icon(cls, value: str | None) -> str | None:
        from dashcli.renderers.icons import ICON_NAMES

        if value is not None and value not in ICON_NAMES:
            raise ValueError(f"unknown icon {value[:40]!r} (known: {', '.join(ICON_NAMES)})")
        return value

    @field_validator("image")
    @classmethod
    def _one_image(cls, value: ImageRef | None) -> ImageRef | None:
        if value is not None:
            if (value.png is None) == (value.url is None):
                raise ValueError("give exactly one of png (base64) or url")
            if value.png is not None:
                decode_image(value.png)
        return value


# The names pydantic gives the members of a union it tried; the user's JSON has no such level.
_UNION_TAGS = frozenset({"Line", "str", "constrained-str", "pixel", "line", "rect", "circle",
                         "text"})


def _path(loc: tuple[int | str, ...]) -> str:
    """A pydantic location as a JSON path: ``lines[1].color``."""
    text = ""
    previous: int | str | None = None
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif not (isinstance(previous, int) and part in _UNION_TAGS):
            text += f".{part}" if text else part
        previous = part
    return text


def parse_app(values: Any) -> App:
    """``values`` as an :class:`App`; the first defect is an AppFormatError naming its field."""
    if not isinstance(values, dict):
        raise AppFormatError("", f"an app is a JSON object, got {type(values).__name__}")
    try:
        # JSON mode: strict types as JSON has them (an array is a valid [x, y] pair).
        return App.model_validate_json(json.dumps(values, allow_nan=False))
    except ValueError as exc:
        if not isinstance(exc, ValidationError):  # NaN or infinity: JSON has no such number
            raise AppFormatError("", "numbers must be finite") from None
        raise _format_error(exc) from None


def _format_error(exc: ValidationError) -> AppFormatError:
    errors = exc.errors(include_url=False)
    # For "a Line or a string" pydantic reports both branches: the object branch is meant.
    first = next((e for e in errors if not {"str", "constrained-str"} & set(e["loc"])),
                 errors[0])
    message = str(first["msg"]).removeprefix("Value error, ")
    return AppFormatError(_path(first["loc"]), message)


def color_of(text: str | None, default: Color) -> Color:
    """A validated colour text as RGB (``default`` when absent)."""
    return default if text is None else parse_color(text, default)


def check_image_bytes(data: bytes) -> Image.Image:
    """Open a PNG/GIF of at most MAX_IMAGE_BYTES and MAX_IMAGE_SIDE pixels a side as RGBA;
    ValueError otherwise (the header is read before any pixel, so bombs are refused cheaply)."""
    if len(data) > MAX_IMAGE_BYTES:
        raise ValueError(f"image is {len(data)} bytes, at most {MAX_IMAGE_BYTES}")
    try:
        image = Image.open(io.BytesIO(data), formats=["PNG", "GIF"])
    except (OSError, Image.DecompressionBombError):
        raise ValueError("not a PNG or GIF image") from None
    width, height = image.size
    if width > MAX_IMAGE_SIDE or height > MAX_IMAGE_SIDE:
        raise ValueError(f"image is {width}x{height}, at most {MAX_IMAGE_SIDE}x{MAX_IMAGE_SIDE}")
    try:
        image.seek(0)
        return image.convert("RGBA")
    except (OSError, ValueError, SyntaxError):
        raise ValueError("image data is damaged") from None


@lru_cache(maxsize=64)
def decode_image(text: str) -> Image.Image:
    """Base64 PNG/GIF text as an RGBA image (cached; treat as read-only); ValueError if bad."""
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("png: not base64") from None
    return check_image_bytes(data)


def app_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the app format."""
    return App.model_json_schema()
