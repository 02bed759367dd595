"""Fonts and text of real data: the built-in BDF fonts cover Latin-1 and common punctuation, a
missing glyph falls back to the base letter before ``?``, user fonts tell their coverage
truthfully and never turn a page into "unreadable data", and bad font files are one line."""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path

import pytest
from PIL import BdfFontFile

from dashcli.core.errors import UsageError
from dashcli.renderers import load_fonts, render_traced
from dashcli.renderers.demo import DEMO_NOW
from dashcli.renderers.fonts import (
    COVERAGE,
    LATIN_1,
    PUNCTUATION,
    body_font,
    large_font,
    load_font,
    tiny_font,
)
from dashcli.renderers.fonts.bdf import read_bdf
from dashcli.renderers.fonts.fallback import resolve
from dashcli.renderers.layout import layout_problems
from tests.layouts import entry

BUILTIN = [tiny_font(), body_font(), large_font()]
REAL_TEXT = ["Café", "München", "für", "Atlético", "São Paulo", "Zoë", "Ørsted", "Straße",
             "1–0", "wait — what", "“quoted”", "it’s", "more…", "a · b", "3×3", "Ñandú",
             "Œuvre", "Łódź", "İstanbul", "naïve", "crème brûlée"]


def ascii_bdf() -> bytes:
    """A real BDF font holding only the printable ASCII glyphs of the built-in body font."""
    text = resources.files("dashcli.renderers.fonts").joinpath("body.bdf").read_text("latin-1")
    head, _, rest = text.partition("STARTCHAR")
    chars = [f"STARTCHAR{chunk}" for chunk in rest.split("STARTCHAR")]
    kept = [chunk for chunk in chars if 32 <= int(chunk.split("ENCODING ")[1].split()[0]) < 127]
    kept[-1] = kept[-1].replace("ENDFONT\n", "")
    head = head.replace("CHARS 195", f"CHARS {len(kept)}")
    return (head + "".join(kept) + "ENDFONT\n").encode("latin-1")


@pytest.mark.parametrize("font", BUILTIN, ids=lambda font: font.name)
def test_builtin_fonts_draw_latin_1_and_punctuation_without_question_marks(font):
    unreadable = [char for char in COVERAGE if "?" in font.drawable(char) and char not in "?¿"]
    assert unreadable == []
    for text in REAL_TEXT:
        assert "?" not in font.drawable(text), text
        assert font.mask(text).size == (font.width(text), font.height)


def test_the_body_font_has_its_own_glyph_for_every_latin_1_character_and_punctuation():
    font = body_font()
    missing = [char for char in LATIN_1 + PUNCTUATION if not font.has(char)]
    assert missing == ["¼", "½", "¾"]  # too small to read in 5×7: drawn as 1/4, 1/2, 3/4
    assert font.drawable("½") == "1/2"
    # an accented letter is its own glyph, not the base letter
    assert font.mask("é").tobytes() != font.mask("e").tobytes()
    assert font.mask("É").tobytes() != font.mask("E").tobytes()
    assert font.width("–") > font.width("-")


def test_the_tiny_font_draws_accented_letters_as_capitals():
    font = tiny_font()
    assert font.drawable("Café – Straße") == "CAFE – STRASSE"
    assert font.mask("é").tobytes() == font.mask("E").tobytes()


@pytest.mark.parametrize(("char", "drawn"), [
    ("é", "e"), ("Ü", "U"), ("ß", "ss"), ("Ø", "O"), ("–", "-"), ("“", '"'), ("…", "..."),
    ("×", "x"), ("²", "2"), ("½", "1/2"), ("\u00a0", " "), ("\u200b", ""), ("\u00ad", ""),
    ("\u0301", ""), ("ﬁ", "fi"), ("☃", "?"), ("中", "?"), ("\t", " "),
])
def test_fallback_of_an_ascii_only_font(char: str, drawn: str) -> None:
    def printable(text: str) -> bool:
        return 32 <= ord(text) < 127

    assert resolve(char, printable) == drawn


def test_a_user_bdf_reports_its_glyphs_truthfully_and_draws_any_text(tmp_path, caplog):
    path = tmp_path / "ascii.bdf"
    path.write_bytes(ascii_bdf())
    with caplog.at_level(logging.WARNING):
        font = load_font(str(path), "body")
    assert font.has("A")
    assert not font.has("é")
    assert not font.has("–")
    assert font.mask("Café – ☃").size == (font.width("Café – ☃"), font.height)
    assert font.mask("Café").tobytes() == font.mask("Cafe").tobytes()
    lines = [record.getMessage() for record in caplog.records]
    assert len(lines) == 1
    assert str(path) in lines[0]
    assert "display.fonts.body" in lines[0]


def test_a_user_pil_bitmap_font_never_raises_on_text_beyond_latin_1(tmp_path):
    """Pillow's bitmap fonts encode text as Latin-1: a character past U+00FF raised
    UnicodeEncodeError, which the engine took for bad data."""
    source = tmp_path / "ascii.bdf"
    source.write_bytes(ascii_bdf())
    with source.open("rb") as handle:
        BdfFontFile.BdfFontFile(handle).save(str(tmp_path / "ascii"))
    font = load_font(str(tmp_path / "ascii.pil"), "body")
    assert font.has("A")
    assert not font.has("é")
    assert not font.has("—")
    assert font.mask("Zoë – 5° ☃").getbbox() is not None


def test_a_page_with_a_user_font_draws_any_name(tmp_path):
    path = tmp_path / "ascii.bdf"
    path.write_bytes(ascii_bdf())
    fonts = load_fonts(body=str(path))
    values = {"upcoming": [{"name": "Zoë’s party — ☃ 中", "kind": "birthday",
                            "date": "2026-10-03", "days_until": 6, "years": 9,
                            "ordinal": "9th"}]}
    state = {"events": entry("events", values, DEMO_NOW)}
    image, runs = render_traced("events", state, DEMO_NOW, fonts=fonts)
    texts = " ".join(run.text for run in runs)
    assert "unreadable" not in texts
    assert "Zo" in texts
    assert layout_problems(runs, image.size) == []


@pytest.mark.parametrize(("body", "problem"), [
    (b"hello", "not a BDF font"),
    (b"STARTFONT 2.1\nFONT_ASCENT 7\nFONT_DESCENT 1\nSTARTCHAR A\nENCODING 65\nBBX 2 2 0 0\n"
     b"BITMAP\nZZ\nC0\nENDCHAR\nENDFONT\n", ":8: bitmap row 'ZZ' is not hexadecimal"),
    (b"STARTFONT 2.1\nFONT_ASCENT 7\nFONT_DESCENT 1\nSTARTCHAR A\nENCODING 65\nBBX 2 2 0 0\n"
     b"BITMAP\nC0\nENDCHAR\nENDFONT\n", "1 bitmap rows, BBX says 2"),
    (b"STARTFONT 2.1\nSTARTCHAR A\nENCODING 65\nBBX 1 1 0 0\nBITMAP\n80\nENDCHAR\nENDFONT\n",
     "no FONT_ASCENT"),
    (b"STARTFONT 2.1\nFONT_ASCENT 7\nFONT_DESCENT 1\nENDFONT\n", "no glyphs"),
    (b"STARTFONT 2.1\nFONT_ASCENT 7\nFONT_DESCENT 1\nSTARTCHAR A\nBBX 9999 1 0 0\n",
     "not a glyph size"),
])
def test_a_bad_font_file_is_one_line_naming_it(tmp_path: Path, body: bytes, problem: str):
    path = tmp_path / "bad.bdf"
    path.write_bytes(body)
    with pytest.raises(UsageError) as raised:
        load_font(str(path), "small")
    message = str(raised.value)
    assert "\n" not in message
    assert str(path) in message
    assert "display.fonts.small" in message
    assert problem in message


def test_the_builtin_bdf_files_parse_and_name_their_licence():
    for name in ("tiny", "body", "large"):
        data = resources.files("dashcli.renderers.fonts").joinpath(f"{name}.bdf").read_bytes()
        font = read_bdf(data, name)
        assert b"MIT" in data
        assert ("?" in font.glyphs) == (name != "large")  # large draws the body's, doubled
