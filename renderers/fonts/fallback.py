"""What a font draws for a character it has no glyph for: the nearest thing it has, else ``?``.

In order: invisible characters (controls, zero-width and soft hyphens, lone combining marks)
draw nothing and other spaces draw as a space; the compatibility decomposition (NFKD) without
its marks (``é`` → ``e``, ``ﬁ`` → ``fi``, ``²`` → ``2``); a short table for letters and
punctuation Unicode does not decompose (``ß`` → ``ss``, ``–`` → ``-``, ``“`` → ``"``); the other
case (a capitals-only font draws ``a`` as ``A``); and finally the font's ``?``. Each step's
characters go through the same chain, so ``é`` in a capitals-only font draws as ``E``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

REPLACEMENT = "?"

# Letters and signs NFKD leaves alone, written with plainer characters.
TRANSLITERATIONS = {
    "ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O",
    "ð": "d", "Ð": "D", "đ": "d", "Đ": "D", "þ": "th", "Þ": "Th", "ł": "l", "Ł": "L",
    "ı": "i", "ħ": "h", "Ħ": "H", "ŋ": "n", "Ŋ": "N",
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-", "⁃": "-",
    "‘": "'", "’": "'", "‚": ",", "‛": "'", "′": "'", "´": "'",
    "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"', "«": '"', "»": '"',
    "‹": "<", "›": ">", "⁄": "/", "∕": "/", "÷": "/", "×": "x", "·": ".", "•": "*",
    "…": "...", "°": "o", "€": "EUR", "£": "GBP", "¥": "JPY", "¢": "c", "©": "(c)",
    "®": "(R)", "±": "+-", "¦": "|", "¬": "-", "§": "S", "¶": "P", "µ": "u", "¤": "*",
    "¡": "!", "¿": "?",
}


def resolve(char: str, has: Callable[[str], bool], depth: int = 0) -> str:
    """What to draw for ``char`` with a font whose glyphs ``has`` tells: ``char`` itself when
    the font has it, else the first fallback (see the module docstring) the font can draw."""
    if has(char):
        return char
    category = unicodedata.category(char)
    if category in ("Cc", "Cf", "Mn", "Me") and not char.isspace():
        return ""
    if char.isspace():
        return " " if has(" ") else ""
    if depth < 3:
        candidates = [
            "".join(part for part in unicodedata.normalize("NFKD", char)
                    if not unicodedata.combining(part)),
            TRANSLITERATIONS.get(char, ""),
            char.upper(),
            char.lower(),
        ]
        for candidate in candidates:
            if candidate and candidate != char:
                drawn = "".join(resolve(part, has, depth + 1) for part in candidate)
                if REPLACEMENT not in drawn or REPLACEMENT in candidate:
                    return drawn
    return REPLACEMENT


__all__ = ["REPLACEMENT", "TRANSLITERATIONS", "resolve"]
