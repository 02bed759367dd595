"""A reader for BDF (Glyph Bitmap Distribution Format 2.1) fonts, the LED-matrix ecosystem's format.

The built-in fonts are BDF files in this package and users may give their own. Pillow's reader
keeps only the first 256 code points (no dashes, curly quotes or ellipsis) and cannot say which
glyphs exist; the BDF libraries on PyPI are GPL (bdflib) or unmaintained and untyped
(bdfparser), and the part of the format a bitmap font needs is small, so it is read here:
``FONT_ASCENT``/``FONT_DESCENT`` (else ``FONTBOUNDINGBOX``), and per glyph ``ENCODING``,
``DWIDTH``, ``BBX`` and the ``BITMAP`` rows. Every defect is a ValueError naming the file and
line.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_GLYPHS = 65536
MAX_GLYPH_SIDE = 256


@dataclass(frozen=True)
class BdfGlyph:
    """One glyph: its advance, bounding box (offsets from the origin on the baseline, y up) and
    rows, top row first, each a string of ``#`` (lit) and ``.``."""

    advance: int
    width: int
    height: int
    x_offset: int
    y_offset: int
    rows: tuple[str, ...]


@dataclass(frozen=True)
class BdfFont:
    """A parsed BDF font: ascent and descent in pixels and its glyphs by character."""

    ascent: int
    descent: int
    glyphs: dict[str, BdfGlyph]


def _ints(words: list[str], count: int, where: str) -> list[int]:
    if len(words) < count + 1:
        raise ValueError(f"{where}: {words[0]} needs {count} numbers")
    try:
        return [int(word) for word in words[1:count + 1]]
    except ValueError:
        raise ValueError(f"{where}: {words[0]}: not a whole number") from None


def _row(text: str, width: int, where: str) -> str:
    try:
        value = int(text, 16)
    except ValueError:
        raise ValueError(f"{where}: bitmap row {text!r} is not hexadecimal") from None
    bits = len(text) * 4
    if bits < width:
        raise ValueError(f"{where}: bitmap row {text!r} is narrower than the glyph ({width})")
    return "".join("#" if value >> (bits - 1 - column) & 1 else "." for column in range(width))


def read_bdf(data: bytes, where: str) -> BdfFont:
    """Parse BDF ``data``; ``where`` names the file in errors (``where:line: problem``)."""
    lines = data.decode("latin-1").splitlines()  # BDF keywords are ASCII; any byte decodes
    if not lines or not lines[0].startswith("STARTFONT"):
        raise ValueError(f"{where}: not a BDF font (no STARTFONT)")
    ascent = descent = None
    box_ascent = box_descent = None
    glyphs: dict[str, BdfGlyph] = {}
    encoding = advance = None
    bbx: list[int] | None = None
    rows: list[str] | None = None
    for number, line in enumerate(lines, start=1):
        here = f"{where}:{number}"
        words = line.split()
        if not words:
            continue
        key = words[0]
        if rows is not None and key != "ENDCHAR":
            assert bbx is not None
            rows.append(_row(key, bbx[0], here))
            continue
        if key == "FONTBOUNDINGBOX":
            _, height, _, y_offset = _ints(words, 4, here)
            box_ascent, box_descent = height + y_offset, -y_offset
        elif key == "FONT_ASCENT":
            ascent = _ints(words, 1, here)[0]
        elif key == "FONT_DESCENT":
            descent = _ints(words, 1, here)[0]
        elif key == "STARTCHAR":
            encoding, advance, bbx = None, None, None
        elif key == "ENCODING":
            encoding = _ints(words, 1, here)[0]
        elif key == "DWIDTH":
            advance = _ints(words, 1, here)[0]
        elif key == "BBX":
            bbx = _ints(words, 4, here)
            if not (0 <= bbx[0] <= MAX_GLYPH_SIDE and 0 <= bbx[1] <= MAX_GLYPH_SIDE):
                raise ValueError(f"{here}: BBX {bbx[0]}x{bbx[1]} is not a glyph size")
        elif key == "BITMAP":
            if bbx is None:
                raise ValueError(f"{here}: BITMAP before BBX")
            rows = []
        elif key == "ENDCHAR":
            if bbx is None or rows is None:
                raise ValueError(f"{here}: ENDCHAR without BBX and BITMAP")
            if len(rows) != bbx[1]:
                raise ValueError(f"{here}: {len(rows)} bitmap rows, BBX says {bbx[1]}")
            # ENCODING -1 marks a glyph outside the encoding: nothing to look it up by
            if encoding is not None and 0 <= encoding <= 0x10FFFF:
                if len(glyphs) >= MAX_GLYPHS:
                    raise ValueError(f"{here}: more than {MAX_GLYPHS} glyphs")
                glyphs[chr(encoding)] = BdfGlyph(
                    advance if advance is not None else bbx[0] + bbx[2], bbx[0], bbx[1],
                    bbx[2], bbx[3], tuple(rows))
            rows = None
    if rows is not None:
        raise ValueError(f"{where}: ends inside a glyph's BITMAP")
    ascent = ascent if ascent is not None else box_ascent
    descent = descent if descent is not None else box_descent
    if ascent is None or descent is None:
        raise ValueError(f"{where}: no FONT_ASCENT/FONT_DESCENT or FONTBOUNDINGBOX")
    if not glyphs:
        raise ValueError(f"{where}: no glyphs")
    return BdfFont(ascent, descent, glyphs)


__all__ = ["BdfFont", "BdfGlyph", "read_bdf"]
