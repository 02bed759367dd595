"""The page registry: every page's name, module, title, the data types it draws and its sizes.

One line per page. ``types`` must all be in the state or the page shows "no data yet";
``optional`` types are drawn when present (and count for staleness); ``all_types`` pages (status)
depend on every entry of the state. A page module exposes ``draw(canvas)`` and may expose
``has_content(canvas) -> bool``, ``refresh_seconds(page, state)`` (how often its frame
changes by itself, for animations), ``parts(canvas) -> int`` (how many frames the page takes in
the cycle, e.g. a scoreboard paging through its games; ``canvas.part`` says which one to draw)
and ``takeover(canvas) -> bool`` (the page claims the cycle, e.g. a favourite's live game); it
is imported on first use. ``app:TYPE`` names the app page of a published TYPE
(:mod:`dashcli.renderers.pages.app`), made on demand.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from types import ModuleType

from dashcli.core.envelope import Update
from dashcli.core.errors import UsageError
from dashcli.core.plugins import PAGES_GROUP, load_group
from dashcli.renderers.canvas import LARGE, LAYOUTS, SMALL, Canvas

DrawFunction = Callable[[Canvas], None]
ContentFunction = Callable[[Canvas], bool]
RefreshFunction = Callable[[str, Mapping[str, Update]], float | None]
PartsFunction = Callable[[Canvas], int]


@dataclass(frozen=True)
class PageSpec:
    """A page: its registry entry. ``sizes`` lists the layouts it draws (128×64, 64×32)."""

    name: str
    module: str
    title: str
    types: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    sizes: tuple[tuple[int, int], ...] = LAYOUTS
    all_types: bool = False
    _loaded: dict[str, ModuleType] = field(default_factory=dict, compare=False, repr=False)

    def load(self) -> ModuleType:
        """The page module (imported once)."""
        module = self._loaded.get("module")
        if module is None:
            module = self._loaded["module"] = importlib.import_module(self.module)
        return module

    @property
    def draw(self) -> DrawFunction:
        function: DrawFunction = self.load().draw
        return function

    @property
    def content(self) -> ContentFunction | None:
        function: ContentFunction | None = getattr(self.load(), "has_content", None)
        return function

    @property
    def refresh(self) -> RefreshFunction | None:
        """How often the page's frame changes by itself (None: with the minute)."""
        function: RefreshFunction | None = getattr(self.load(), "refresh_seconds", None)
        return function

    @property
    def parts(self) -> PartsFunction | None:
        function: PartsFunction | None = getattr(self.load(), "parts", None)
        return function

    @property
    def takeover(self) -> ContentFunction | None:
        function: ContentFunction | None = getattr(self.load(), "takeover", None)
        return function

    @property
    def uses(self) -> tuple[str, ...]:
        """Every data type the page reads (required, then optional)."""
        return self.types + self.optional

    def layout_for(self, size: tuple[int, int]) -> tuple[int, int]:
        """The largest layout that fits ``size`` (the smallest when none fits)."""
        fitting = [s for s in self.sizes if s[0] <= size[0] and s[1] <= size[1]]
        if fitting:
            return max(fitting, key=lambda s: s[0] * s[1])
        return min(self.sizes, key=lambda s: s[0] * s[1])


PAGES: dict[str, PageSpec] = {
    spec.name: spec
    for spec in (
        PageSpec("clock", "dashcli.renderers.pages.clock", "Clock"),
        PageSpec("weather", "dashcli.renderers.pages.weather", "Weather", ("weather",), ("air",)),
        PageSpec("hourly", "dashcli.renderers.pages.hourly", "Next hours", ("weather",)),
        PageSpec("forecast", "dashcli.renderers.pages.forecast", "Forecast", ("weather",)),
        PageSpec("moon", "dashcli.renderers.pages.moon", "Sun & moon", ("moon",)),
        PageSpec("status", "dashcli.renderers.pages.status", "Status", (), ("status",),
        all_types=True),
        PageSpec("mlb", "dashcli.renderers.pages.mlb", "MLB", ("mlb",)),
        PageSpec("nfl", "dashcli.renderers.pages.nfl", "NFL", ("nfl",)),
        PageSpec("nflweek", "dashcli.renderers.pages.nflweek", "NFL week", ("nfl",)),
        PageSpec("services", "dashcli.renderers.pages.services", "Uptime", ("services",),
                 ("status",)),
        PageSpec("track", "dashcli.renderers.pages.track", "GPS track", ("track",)),
        PageSpec("wifi", "dashcli.renderers.pages.wifi", "WiFi", ("wifi",)),
        PageSpec("nba", "dashcli.renderers.pages.scoreboard", "NBA", ("nba",)),
        PageSpec("nhl", "dashcli.renderers.pages.scoreboard", "NHL", ("nhl",)),
        PageSpec("soccer", "dashcli.renderers.pages.scoreboard", "Soccer", ("soccer",)),
        PageSpec("calendar", "dashcli.renderers.pages.calendar", "Calendar", ("calendar",)),
        PageSpec("events", "dashcli.renderers.pages.events", "Events", ("events",)),
        PageSpec("github", "dashcli.renderers.pages.github", "GitHub", ("github",)),
    )
}


# An app page's name: ``app:`` and the data type it draws (the types dash publish accepts).
APP_PAGE = re.compile(r"^app:([A-Za-z0-9][A-Za-z0-9_.-]{0,63})$")


@cache
def _app_spec(name: str, kind: str) -> PageSpec:
    return PageSpec(name, "dashcli.renderers.pages.app", kind, (kind,))


def plugin_pages() -> dict[str, PageSpec]:
    """The pages installed packages add (entry point group ``dashcli.pages``), by name; a
    plugin's own ``name`` must match its entry point's and may not replace a built-in page."""
    loaded = load_group(PAGES_GROUP, PageSpec)
    return {name: spec for name, spec in loaded.items()
            if isinstance(spec, PageSpec) and spec.name == name and name not in PAGES}


def page_spec(name: str) -> PageSpec:
    """The registry entry of ``name`` (``app:TYPE`` is the app page of TYPE); an unknown page is
    a UsageError listing the known ones."""
    found = PAGES.get(name) or plugin_pages().get(name)
    if found is not None:
        return found
    app = APP_PAGE.match(name)
    if app is not None:
        return _app_spec(name, app.group(1))
    known = ", ".join([*sorted(PAGES), *sorted(plugin_pages()), "app:TYPE"])
    raise UsageError(f"unknown page {name!r} (known: {known})")


__all__ = ["LARGE", "PAGES", "SMALL", "PageSpec", "page_spec"]
