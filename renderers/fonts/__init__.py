"""Fonts: the project's bitmap fonts (BDF files in this package) and user BDF/PCF/TrueType fonts.

Every font draws crisp, one-bit text: a :class:`Font` turns a string into an ``L`` mask (0 or
255 only) that pages paste in a colour, and measures it exactly. A character without a glyph
draws as the nearest one the font has (:mod:`.fallback`: ``é`` → ``e``, ``–`` → ``-``), else
``?``; no string makes a font raise. Text masks are cached per font, so a page drawing the same
strings every frame costs one dictionary lookup and one paste each. :class:`FontSet` holds the
three roles pages use (``small``, ``body``, ``large``); :func:`load_fonts` builds one from the
profile's ``display.fonts`` paths (the only I/O here, done once, outside rendering) and logs one
line per font that lacks glyphs of Latin-1 text.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Protocol

from PIL import Image, ImageDraw, ImageFont

from dashcli.core.errors import UsageError
from dashcli.renderers.fonts.bdf import BdfFont, read_bdf
from dashcli.renderers.fonts.fallback import REPLACEMENT, resolve

log = logging.getLogger(__name__)

ELLIPSIS = "…"
PRINTABLE = "".join(chr(code) for code in range(0x20, 0x7F)) + "°"
# Latin-1's letters and signs, and the punctuation real data holds beyond it.
LATIN_1 = "".join(chr(code) for code in range(0xA1, 0x100) if code != 0xAD)
PUNCTUATION = "–—‘’‚“”„…·×•−"
COVERAGE = PRINTABLE + LATIN_1 + PUNCTUATION
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
        """True when ``char`` has its own glyph (not a fallback)."""
        ...


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
    is built, the fallback of characters without a glyph, and text masks drawn by the
    subclass's ``_render`` (which only sees characters the font has) and cached."""

    def __init__(self, name: str, *, height: int, baseline: int) -> None:
        self.name = name
        self._height = height
        self._baseline = baseline
        self._cache = _MaskCache(lambda text: self._render(self.drawable(text)))
        self._resolved: dict[str, str] = {}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"

    @property
    def height(self) -> int:
        return self._height

    @property
    def baseline(self) -> int:
        return self._baseline

    def has(self, char: str) -> bool:
        raise NotImplementedError

    def drawable(self, text: str) -> str:
        """``text`` with every character the font has no glyph for replaced by its fallback."""
        resolved = self._resolved
        parts = []
        for char in text:
            part = resolved.get(char)
            if part is None:
                part = resolved[char] = resolve(char, self.has)
            parts.append(part)
        return "".join(parts)

    def mask(self, text: str) -> Image.Image:
        return self._cache.get(text)

    def _render(self, text: str) -> Image.Image:
        raise NotImplementedError


@dataclass(frozen=True)
class Glyph:
    """A glyph as a bitmap font draws it: a mask of the font's height from the pen position to
    the glyph's right edge, and the advance to the next pen position."""

    mask: Image.Image
    advance: int


def _bdf_glyphs(font: BdfFont, height: int, scale: int = 1) -> dict[str, Glyph]:
    """Masks of ``font``'s glyphs in a cell of ``height`` rows (parts outside it are cut)."""
    glyphs = {}
    for char, glyph in font.glyphs.items():
        left = max(glyph.x_offset, 0)
        top = font.ascent - glyph.y_offset - glyph.height
        mask = Image.new("L", (left + glyph.width, height))
        for row, bits in enumerate(glyph.rows):
            y = top + row
            if 0 <= y < height:
                for column, bit in enumerate(bits):
                    if bit == "#":
                        mask.putpixel((left + column, y), 255)
        if scale != 1:
            mask = mask.resize((mask.width * scale, height * scale), Image.Resampling.NEAREST)
        glyphs[char] = Glyph(mask, max(glyph.advance, 0) * scale)
    return glyphs


class BitmapFont(_MetricFont):
    """A proportional bitmap font from glyph masks (a BDF font's glyphs)."""

    def __init__(self, name: str, glyphs: dict[str, Glyph], *, height: int,
                 baseline: int) -> None:
        super().__init__(name, height=height, baseline=baseline)
        self._glyphs = dict(glyphs)
        if REPLACEMENT not in self._glyphs:
            self._glyphs[REPLACEMENT] = _box_glyph(height, baseline)

    def has(self, char: str) -> bool:
        return char in self._glyphs

    def width(self, text: str) -> int:
        glyphs = self._glyphs
        drawn = self.drawable(text)
        if not drawn:
            return 0
        *body, last = (glyphs[char] for char in drawn)
        return sum(glyph.advance for glyph in body) + last.mask.width

    def _render(self, text: str) -> Image.Image:
        glyphs = self._glyphs
        mask = Image.new("L", (self.width(text), self._height))
        x = 0
        for char in text:
            glyph = glyphs[char]
            mask.paste(glyph.mask, (x, 0), glyph.mask)
            x += glyph.advance
        return mask


def _box_glyph(height: int, baseline: int) -> Glyph:
    """A hollow box standing on the baseline: what a font without ``?`` draws instead."""
    side = max(baseline, 3)
    mask = Image.new("L", (max(side // 2 + 1, 3), height))
    ImageDraw.Draw(mask).rectangle((0, baseline - side, mask.width - 1, baseline - 1),
                                   outline=255)
    return Glyph(mask, mask.width + 1)


def _read_builtin(name: str) -> BdfFont:
    data = resources.files(__name__).joinpath(f"{name}.bdf").read_bytes()
    return read_bdf(data, f"{name}.bdf")


def bdf_font(name: str, font: BdfFont) -> BitmapFont:
    """A :class:`BitmapFont` of a parsed BDF font."""
    height = font.ascent + font.descent
    return BitmapFont(name, _bdf_glyphs(font, height), height=height, baseline=font.ascent)


@cache
def tiny_font() -> BitmapFont:
    """The 3×5 font (capitals; lowercase and accented letters draw as plain capitals)."""
    return bdf_font("tiny", _read_builtin("tiny"))


@cache
def body_font() -> BitmapFont:
    """The 5×7 body font with lowercase, descenders and Latin-1."""
    return bdf_font("body", _read_builtin("body"))


@cache
def large_font() -> BitmapFont:
    """The 8×14 clock digits; other characters are the body glyphs doubled."""
    large = _read_builtin("large")
    height = large.ascent + large.descent
    body = _read_builtin("body")
    glyphs = _bdf_glyphs(body, body.ascent + body.descent, scale=2)
    glyphs.update(_bdf_glyphs(large, height))
    return BitmapFont("large", glyphs, height=height, baseline=large.ascent)


class PilFont(_MetricFont):
    """A font Pillow loaded (PCF, .pil or TrueType), drawn one-bit without anti-aliasing.

    Pillow cannot list a font's glyphs: a character counts as present when it draws something
    other than what a character no font has draws (Pillow's bitmap fonts also stop at U+00FF).
    """

    def __init__(self, name: str, font: ImageFont.ImageFont | ImageFont.FreeTypeFont) -> None:
        self._font = font
        self._bitmap = isinstance(font, ImageFont.ImageFont)
        self._missing = self._raw_mask("\U0010fffd") if not self._bitmap else None
        boxes = [font.getbbox(sample) for sample in ("Ag|°", "0")]
        self._top = min(0, *(int(box[1]) for box in boxes))
        super().__init__(name, height=max(int(box[3]) for box in boxes) - self._top,
                         baseline=int(boxes[1][3]) - self._top)

    def _raw_mask(self, char: str) -> bytes:
        mask = self._font.getmask(char, mode="1")
        return bytes(mask.size) + bytes(mask)

    def has(self, char: str) -> bool:
        if char == " ":
            return True
        if self._bitmap:
            if ord(char) > 0xFF:
                return False
            box = self._font.getbbox(char)
            return box[2] > box[0]
        return self._raw_mask(char) != self._missing

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
    unreadable file is a UsageError naming it; a font without glyphs for some of Latin-1 and
    common punctuation logs one warning naming it (those characters draw as their fallback).
    """
    path_text, points = spec, DEFAULT_POINTS[role]
    head, sep, tail = spec.rpartition(":")
    if sep and tail.isdigit():
        path_text, points = head, int(tail)
    path = Path(path_text).expanduser()
    suffix = path.suffix.lower()
    font: Font
    try:
        if suffix == ".bdf":
            font = bdf_font(path.name, read_bdf(path.read_bytes(), str(path)))
        elif suffix == ".pcf":
            from PIL import PcfFontFile

            with path.open("rb") as handle:
                font = PilFont(path.name, PcfFontFile.PcfFontFile(handle).to_imagefont())
        elif suffix == ".pil":
            font = PilFont(path.name, ImageFont.load(str(path)))
        else:
            font = PilFont(path.name, ImageFont.truetype(str(path), points))
    except (OSError, SyntaxError, ValueError) as exc:
        raise UsageError(f"display.fonts.{role}: cannot load font {str(path)!r}: {exc}") from None
    missing = [char for char in COVERAGE if not font.has(char)]
    if missing:
        unreadable = [char for char in missing if REPLACEMENT in resolve(char, font.has)]
        log.warning("display.fonts.%s: %s has no glyph for %d of %d Latin-1 and punctuation "
                    "characters (%s); they draw as their base letter or a look-alike, %d as "
                    "%r", role, path, len(missing), len(COVERAGE), "".join(missing[:12]),
                    len(unreadable), REPLACEMENT)
    return font


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
    "COVERAGE",
    "ELLIPSIS",
    "LATIN_1",
    "PRINTABLE",
    "PUNCTUATION",
    "BitmapFont",
    "Font",
    "FontSet",
    "PilFont",
    "ScaledFont",
    "bdf_font",
    "body_font",
    "builtin_fonts",
    "large_font",
    "load_font",
    "load_fonts",
    "scaled_font",
    "tiny_font",
]
