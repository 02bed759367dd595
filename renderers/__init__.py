"""The renderer: every page of the dashboard drawn as a Pillow RGB image, pure and deterministic.

``render(page, state, now, size=, timezone=, fonts=, clock=)`` is the one entry point the server,
the displays and ``dash render`` use (``clock``: ``"12h"`` or ``"24h"``, as
``Profile.clock_format`` resolves it); ``PAGES`` is the registry (page → module, title, data
types), ``has_content`` tells displays which pages to skip, ``FrameCache`` avoids re-rendering
unchanged inputs. Fonts, palette, text helpers and sprites are in the sibling modules; output
targets (PNG, LED style, GIF) in :mod:`dashcli.renderers.output`. See renderers/README.md for
adding a
page.
"""

from __future__ import annotations

from dashcli.renderers.canvas import LARGE, LAYOUTS, SMALL, Canvas
from dashcli.renderers.engine import (
    FrameCache,
    cache_key,
    changes_at,
    has_content,
    page_parts,
    render,
    render_traced,
    takes_over,
)
from dashcli.renderers.fonts import FontSet, builtin_fonts, load_fonts
from dashcli.renderers.registry import PAGES, PageSpec, page_spec

__all__ = [
    "LARGE",
    "LAYOUTS",
    "PAGES",
    "SMALL",
    "Canvas",
    "FontSet",
    "FrameCache",
    "PageSpec",
    "builtin_fonts",
    "cache_key",
    "changes_at",
    "has_content",
    "load_fonts",
    "page_parts",
    "page_spec",
    "render",
    "render_traced",
    "takes_over",
]
