"""Fonts: the project's bitmap fonts (glyph tables in this package) and user BDF/PCF/TrueType fonts.

Every font draws crisp, one-bit text: a :class:`Font` turns a string into an ``L`` mask (0 or
255 only) that pages paste in a colour, and measures it exactly. Text masks are cached per font,
so a page drawing the same strings every frame costs one dictionary lookup and one paste each.
:class:`FontSet` holds the three roles pages use (``small``, ``body``, ``large``);
:func:`load_fonts` builds one from the profile's ``display.fonts`` paths (the only I/O here, done
once, outside rendering).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol

from PIL import Image, ImageDraw, ImageFont

from dashcli.core.errors import UsageError

ELLIPSIS = "…"
PRINTABLE = "".join(chr(code) for code in range(0x20, 0x7F)) + "°"
_MASK_CACHE_LIMIT = 4096


class Font(Protocol):
    """What pages and text helpers need from a font (hashable: text helpers cache per font)."""

    def __hash__(self) -> int: ...

    @property
    def height(self) -> int:
        """Height of a text mask in pixels (ascent plus descent)."""
        ...

    @property
    def baseline(self) -> int:
        """Rows from the top of a mask to the baseline (capitals sit on it)."""
        ...

    def width(self, text: str) -> int:
        """Exact width of ``text`` in pixels as :meth:`mask` draws it."""
        ...

    def mask(self, text: str) -> Image.Image:
        """``text`` as an ``L`` mask of ``(width(text), height)``, lit pixels 255."""
        ...

    def has(self, char: str) -> bool:
        """True when ``char`` has its own glyph (not the fallback)."""
        ...


def parse_table(table: str) -> dict[str, list[str]]:
    """Glyph rows by character from a table of ``[c]`` headers followed by ``#``/``.`` rows."""
    glyphs: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in table.splitlines():
        if len(line) == 3 and line[0] == "[" and line[2] == "]":
            current = glyphs.setdefault(line[1], [])
        elif line:
            if current is None or set(line) - {"#", "."}:
                raise ValueError(f"glyph table: bad row {line!r}")
            current.append(line)
    for char, rows in glyphs.items():
        if len({len(row) for row in rows}) != 1:
            raise ValueError(f"glyph table: rows of {char!r} differ in width")
    return glyphs


def _glyph_mask(rows: list[str], height: int, scale: int = 1) -> Image.Image:
    width = len(rows[0])
    if len(rows) > height:
        raise ValueError(f"glyph table: {len(rows)} rows, font height {height}")
    padded = rows + ["." * width] * (height - len(rows))
    mask = Image.new("L", (width, height))
    mask.putdata([255 if char == "#" else 0 for row in padded for char in row])
    if scale != 1:
        mask = mask.resize((width * scale, height * scale), Image.Resampling.NEAREST)
    return mask


class _MaskCache:
    """Text masks by string, cleared when full (pages draw a small, stable set of strings)."""

    def __init__(self, build: Callable[[str], Image.Image]) -> None:
        self._build = build
        self._masks: dict[str, Image.Image] = {}

    def get(self, text: str) -> Image.Image:
        mask = self._masks.get(text)
        if mask is None:
            if len(self._masks) >= _MASK_CACHE_LIMIT:
                self._masks.clear()
            mask = self._masks[text] = self._build(text)
        return mask


class _MetricFont:
    """What the bitmap and Pillow fonts share: a name, a height and baseline fixed when the font
    is built, and text masks drawn by the subclass's ``_render`` and cached."""

    def __init__(self, name: str, *, height: int, baseline: int) -> None:
        self.name = name
        self._height = height
        self._baseline = baseline
        self._cache = _MaskCache(self._render)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"

    @property
    def height(self) -> int:
        return self._height

    @property
    def baseline(self) -> int:
        return self._baseline

    def mask(self, text: str) -> Image.Image:
        return self._cache.get(text)

    def _render(self, text: str) -> Image.Image:
        raise NotImplementedError


class BitmapFont(_MetricFont):
    """A proportional bitmap font from glyph masks; missing characters draw as ``?``."""

    def __init__(
        self,
        name: str,
        glyphs: dict[str, Image.Image],
        *,
        height: int,
        baseline: int,
        spacing: int = 1,
        aliases: dict[str, str] | None = None,
    ) -> None:
        super().__init__(name, height=height, baseline=baseline)
        self._glyphs = dict(glyphs)
        for alias, target in (aliases or {}).items():
            self._glyphs.setdefault(alias, self._glyphs[target])
        self.spacing = spacing
        self._fallback = self._glyphs["?"]

    def has(self, char: str) -> bool:
        return char in self._glyphs

    def width(self, text: str) -> int:
        if not text:
            return 0
        glyphs = self._glyphs
        total = sum(glyphs.get(char, self._fallback).width for char in text)
        return total + self.spacing * (len(text) - 1)

    def _render(self, text: str) -> Image.Image:
        mask = Image.new("L", (self.width(text), self._height))
        x = 0
        for char in text:
            glyph = self._glyphs.get(char, self._fallback)
            mask.paste(glyph, (x, 0))
            x += glyph.width + self.spacing
        return mask


def table_font(
    name: str, table: str, height: int, baseline: int, *, aliases: dict[str, str] | None = None
) -> BitmapFont:
    """A :class:`BitmapFont` from one of this package's glyph tables."""
    glyphs = {char: _glyph_mask(rows, height) for char, rows in parse_table(table).items()}
    return BitmapFont(name, glyphs, height=height, baseline=baseline, aliases=aliases)


@cache
def tiny_font() -> BitmapFont:
    """The 3×5 font (capitals; lowercase letters draw as capitals)."""
    from dashcli.renderers.fonts import tiny

    aliases = {chr(code): chr(code - 32) for code in range(ord("a"), ord("z") + 1)}
    return table_font("tiny", tiny.TABLE, tiny.HEIGHT, tiny.BASELINE, aliases=aliases)


@cache
def body_font() -> BitmapFont:
    """The 5×7 body font with lowercase and descenders."""
    from dashcli.renderers.fonts import body

    return table_font("body", body.TABLE, body.HEIGHT, body.BASELINE)


@cache
def large_font() -> BitmapFont:
    """The 8×14 clock digits; other characters are the body glyphs doubled."""
    from dashcli.renderers.fonts import body, large

    glyphs = {
        char: _glyph_mask(rows, body.HEIGHT, scale=2)
        for char, rows in parse_table(body.TABLE).items()
    }
    glyphs.update(
        {char: _glyph_mask(rows, large.HEIGHT) for char, rows in parse_table(large.TABLE).items()}
    )
    return BitmapFont("large", glyphs, height=large.HEIGHT, baseline=large.BASELINE, spacing=2)


class PilFont(_MetricFont):
    """A font Pillow loaded (BDF, PCF, .pil or TrueType), drawn one-bit without anti-aliasing."""

    def __init__(self, name: str, font: ImageFont.ImageFont | ImageFont.FreeTypeFont) -> None:
        self._font = font
        boxes = [font.getbbox(sample) for sample in ("Ag|°", "0")]
        self._top = min(0, *(int(box[1]) for box in boxes))
        super().__init__(name, height=max(int(box[3]) for box in boxes) - self._top,
                         baseline=int(boxes[1][3]) - self._top)

    def has(self, char: str) -> bool:
        return True

    def width(self, text: str) -> int:
        return self.mask(text).width

    def _render(self, text: str) -> Image.Image:
        width = int(self._font.getbbox(text)[2]) if text else 0
        mask = Image.new("L", (max(width, 0), self._height))
        draw = ImageDraw.Draw(mask)
        draw.fontmode = "1"
        draw.text((0, -self._top), text, fill=255, font=self._font)
        return mask


class ScaledFont:
    """Another font drawn ``factor`` times larger (each pixel a square block), e.g. the clock."""

    def __init__(self, font: Font, factor: int) -> None:
        self._font = font
        self.factor = factor
        self._cache = _MaskCache(self._render)

    def __repr__(self) -> str:
        return f"ScaledFont({self._font!r}, {self.factor})"

    @property
    def height(self) -> int:
        return self._font.height * self.factor

    @property
    def baseline(self) -> int:
        return self._font.baseline * self.factor

    def has(self, char: str) -> bool:
        return self._font.has(char)

    def width(self, text: str) -> int:
        return self._font.width(text) * self.factor

    def mask(self, text: str) -> Image.Image:
        return self._cache.get(text)

    def _render(self, text: str) -> Image.Image:
        mask = self._font.mask(text)
        return mask.resize((mask.width * self.factor, mask.height * self.factor),
                           Image.Resampling.NEAREST)


@cache
def scaled_font(font: Font, factor: int) -> Font:
    """``font`` enlarged ``factor`` times (cached, so its text masks are shared)."""
    return ScaledFont(font, factor)


@dataclass(frozen=True)
class FontSet:
    """The three font roles pages draw with."""

    small: Font
    body: Font
    large: Font


@cache
def builtin_fonts() -> FontSet:
    """The project's own bitmap fonts (the default of every render)."""
    return FontSet(small=tiny_font(), body=body_font(), large=large_font())


DEFAULT_POINTS = {"small": 6, "body": 8, "large": 16}


def load_font(spec: str, role: str) -> Font:
    """Load a user font: ``path.bdf``, ``path.pcf``, ``path.pil`` or ``path.ttf[:points]``.

    TrueType needs a size; ``:points`` gives it, else the role's default (6, 8 or 16). A missing or
    unreadable file is a UsageError naming it.
    """
    path_text, points = spec, DEFAULT_POINTS[role]
    head, sep, tail = spec.rpartition(":")
    if sep and tail.isdigit():
        path_text, points = head, int(tail)
    path = Path(path_text).expanduser()
    suffix = path.suffix.lower()
    try:
        font: ImageFont.ImageFont | ImageFont.FreeTypeFont
        if suffix in (".bdf", ".pcf"):
            from PIL import BdfFontFile, PcfFontFile

            with path.open("rb") as handle:
                reader = (BdfFontFile.BdfFontFile(handle) if suffix == ".bdf"
                          else PcfFontFile.PcfFontFile(handle))
                font = reader.to_imagefont()
        elif suffix == ".pil":
            font = ImageFont.load(str(path))
        else:
            font = ImageFont.truetype(str(path), points)
    except (OSError, SyntaxError, ValueError) as exc:
        raise UsageError(f"display.fonts.{role}: cannot load font {str(path)!r}: {exc}") from None
    return PilFont(path.name, font)


def load_fonts(small: str | None = None, body: str | None = None,
               large: str | None = None) -> FontSet:
    """A FontSet with the given user fonts replacing the built-in ones (None keeps built-in)."""
    builtin = builtin_fonts()
    return FontSet(
        small=load_font(small, "small") if small else builtin.small,
        body=load_font(body, "body") if body else builtin.body,
        large=load_font(large, "large") if large else builtin.large,
    )


__all__ = [
    "ELLIPSIS",
    "PRINTABLE",
    "BitmapFont",
    "Font",
    "FontSet",
    "PilFont",
    "ScaledFont",
    "body_font",
    "builtin_fonts",
    "large_font",
    "load_font",
    "load_fonts",
    "scaled_font",
    "tiny_font",
]
