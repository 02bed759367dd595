"""The Textual application of ``dash tui``: frame, page list, values, status bar and keys.

The shared display loop runs inside the app: its ``show`` hands each new frame to the
:class:`FrameView`. Controls (pause/resume, next, prev) go to the server when following one
(``POST /control/{action}``, so every display follows and the app gets them back as SSE control
events), and to the local model when standalone. ``s`` saves the frame on screen as a PNG.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Footer, Static

from dashcli.core.envelope import Update, parse_time
from dashcli.displays.build import Source, build_loop
from dashcli.displays.loop import DisplayLoop, Frame, run_with_feed
from dashcli.displays.model import DisplayModel
from dashcli.displays.tui.halfblock import frame_strips

if TYPE_CHECKING:
    from PIL.Image import Image

    from dashcli.profiles.schema import Profile
    from dashcli.renderers.health import Health

CONTROL_TIMEOUT = 5.0
# A marquee at 10 frames/s: Textual redraws the whole frame widget each time (about 12 ms).
TERMINAL_FRAME_RATE = 10.0
FRESH, STALE, FAILING = "#50d050", "#ffb000", "#ff5050"
FRAME_COLUMNS = 128
PAGE_LIST_COLUMNS = 12


class FrameView(Widget):
    """The current frame in half-block cells, fitted to the widget's size."""

    DEFAULT_CSS = """
    FrameView { width: 128; height: 1fr; max-height: 32; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.image: Image | None = None
        self._strips: list[Strip] = []
        self._key: tuple[int, int, int] | None = None

    def set_image(self, image: Image) -> None:
        """Show ``image`` (repainted at the next refresh)."""
        self.image = image
        self.refresh()

    def strips(self) -> list[Strip]:
        """The cell rows of the current image at the widget's current size (cached)."""
        if self.image is None:
            return []
        key = (id(self.image), self.size.width, self.size.height)
        if key != self._key:
            self._strips = frame_strips(self.image, self.size.width, self.size.height)
            self._key = key
        return self._strips

    def render_line(self, y: int) -> Strip:
        strips = self.strips()
        if y < len(strips):
            return strips[y].extend_cell_length(self.size.width)
        return Strip.blank(self.size.width)


def _local(moment: datetime, timezone: str) -> str:
    from dashcli.renderers.engine import zone

    return moment.astimezone(zone(timezone)).strftime("%H:%M")


def freshness(update: Update, now: datetime, timezone: str) -> Text:
    """``type updated HH:MM valid HH:MM`` in green, or ``stale`` in amber once past valid."""
    stale = update.is_stale(now)
    label = (f"{update.type} {_local(update.updated, timezone)}"
             f"\u2192{_local(update.valid, timezone)}")
    return Text(label + (" stale" if stale else ""), style=STALE if stale else FRESH)


def failure(health: Health, timezone: str) -> Text:
    """``type failing: why, retry HH:MM`` in red (from the ``status`` row of a failing source)."""
    label = f"{health.kind} failing: {health.error or 'fetch failed'}"
    if health.retry is not None:
        label += f", retry {_local(parse_time(health.retry), timezone)}"
    return Text(label, style=FAILING)


def source_health(state: Mapping[str, Update], now: datetime, timezone: str) -> list[Text]:
    """Each data type's health for the status bar: failing sources first (why, next retry),
    then every other type's freshness, then sources still waiting for their first fetch."""
    from dashcli.renderers.health import health_of

    rows = health_of(state)
    failing = [failure(health, timezone) for kind, health in sorted(rows.items())
               if not health.ok]
    fresh = [freshness(state[kind], now, timezone) for kind in sorted(state)
             if kind not in rows or rows[kind].ok]
    waiting = [Text(f"{kind} waiting", style="dim") for kind, health in sorted(rows.items())
               if health.ok and kind not in state]
    return failing + fresh + waiting


class DashApp(App[None]):
    """``dash tui``: the shared display loop drawn in a terminal."""

    TITLE = "dash"
    CSS = """
    Screen { layout: vertical; }
    #top { height: 1fr; }
    #pages { width: 1fr; min-width: 12; padding: 0 0 0 1; }
    #values-box { height: 5; border-top: solid $primary-darken-2; }
    #status { height: 1; background: $boost; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_pause", "Pause/resume"),
        Binding("n,right", "control('next')", "Next"),
        Binding("p,left", "control('prev')", "Prev"),
        Binding("s", "save", "Save PNG"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, profile: Profile, source: Source, *, autostart: bool = True) -> None:
        super().__init__()
        self.profile = profile
        self.source = source
        self.timezone = profile.location.timezone
        self.model = DisplayModel()
        self.loop: DisplayLoop = build_loop(profile, self.model, self.show_frame,
                                            clock=source.clock, frame_rate=TERMINAL_FRAME_RATE)
        self.autostart = autostart
        self.frames_shown = 0

    def compose(self) -> ComposeResult:
        with Horizontal(id="top"):
            yield FrameView(id="frame")
            yield Static(id="pages")
        with VerticalScroll(id="values-box"):
            yield Static(id="values")
        yield Static(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_panels()
        if self.autostart:
            self.run_worker(run_with_feed(self.loop, self.source.feed.run(self.model)),
                            name="display-loop", exit_on_error=True)
        self.set_interval(1.0, self.refresh_status)

    def on_resize(self, event: events.Resize) -> None:
        """The frame takes up to 128 columns, leaving the page list its 12."""
        width = max(8, min(FRAME_COLUMNS, event.size.width - PAGE_LIST_COLUMNS))
        self.query_one(FrameView).styles.width = width

    def show_frame(self, frame: Frame) -> None:
        """The loop's ``show``: put the new frame on screen with its page, values and status."""
        from dashcli.displays.night import dimmed

        # As the panel looks at the scheduled brightness (the frame itself is not changed).
        self.query_one(FrameView).set_image(dimmed(frame.image, frame.brightness))
        self.frames_shown += 1
        self.refresh_panels()

    def refresh_panels(self) -> None:
        """Redraw the page list, the current page's values and the status bar."""
        self.query_one("#pages", Static).update(self._page_list())
        self.query_one("#values", Static).update(self._values())
        self.refresh_status()

    def refresh_status(self) -> None:
        """The status bar: connection, then each source's health (failing in red, with why)."""
        model = self.model
        if model.connected is None:
            line = Text(f"\u25cf standalone ({self.source.label})", style="bold")
        elif model.connected:
            line = Text(f"\u25cf {self.source.label} {model.connection_detail}", style=FRESH)
        else:
            line = Text(f"\u25cb {self.source.label} {model.connection_detail}: "
                        "showing the last frames", style=FAILING)
        now = self.loop.clock()
        for part in source_health(model.state, now, self.timezone):
            line.append("  ")
            line.append_text(part)
        self.query_one("#status", Static).update(line)

    def _page_list(self) -> Text:
        cycle = self.loop.cycle
        text = Text()
        for index, entry in enumerate(cycle.pages):
            current = index == cycle.index and cycle.deadline is not None
            marker = ("\u2016 " if cycle.paused else "\u25b6 ") if current else "  "
            text.append(marker + entry.page + "\n", style="reverse bold" if current else "")
        return text

    def _values(self) -> Text:
        from dashcli.renderers import page_spec
        from dashcli.renderers.notice import NOTICE_PAGE

        frame = self.loop.frame
        if frame is None:
            return Text("waiting for data\u2026", style="dim")
        if frame.page == NOTICE_PAGE:
            notice = self.model.notices.active
            return Text(f"notification: {notice.text if notice else ''}", style="bold")
        spec = page_spec(frame.page)
        kinds = sorted(self.model.state) if spec.all_types else spec.uses
        if not kinds:
            return Text(f"the {frame.page} page draws no data", style="dim")
        text = Text()
        for kind in kinds:
            update = self.model.state.get(kind)
            if update is None:
                continue
            text.append(f"{kind}: ", style="bold")
            compact = json.dumps(update.values, separators=(",", ":"), default=str,
                                 ensure_ascii=False)
            text.append(compact + "\n")
        return text if text.plain else Text("no data for this page", style="dim")

    def action_control(self, action: str) -> None:
        """Next/prev/pause/resume: to the server when following one, else locally.

        The request runs in a worker: a slow server must not freeze the app for the timeout.
        Controls are exclusive in their group, so a newer key press replaces a pending one.
        """
        if self.source.server is None:
            self.model.control(action)
            return
        self.run_worker(self._send_control(action), group="control", exclusive=True)

    async def _send_control(self, action: str) -> None:
        import httpx

        headers = {"Authorization": f"Bearer {self.source.token}"} if self.source.token else {}
        url = f"{self.source.server}/control/{action}"
        try:
            async with httpx.AsyncClient(timeout=CONTROL_TIMEOUT) as client:
                response = await client.post(url, headers=headers)
        except httpx.HTTPError as exc:
            self.notify(f"{action}: server unreachable ({type(exc).__name__})", severity="error")
            return
        if response.status_code != 200:
            self.notify(f"{action}: server answered HTTP {response.status_code}",
                        severity="error")

    def action_toggle_pause(self) -> None:
        self.action_control("resume" if self.loop.cycle.paused else "pause")

    def action_save(self) -> None:
        """Save the frame on screen as PAGE-YYYYMMDD-HHMMSS.png in the current directory."""
        from dashcli.renderers.output import png_bytes

        frame = self.loop.frame
        if frame is None:
            self.notify("no frame to save yet", severity="warning")
            return
        path = Path.cwd() / f"{frame.page}-{datetime.now().strftime('%Y%m%d-%H%M%S')}.png"
        try:
            path.write_bytes(png_bytes(frame.image))
        except OSError as exc:
            self.notify(f"cannot write {path}: {exc.strerror or exc}", severity="error")
            return
        self.notify(f"saved {path}")
