"""``dash tui``: the dashboard in the terminal, following a ``dash serve`` or standalone.

The frames are drawn with half-block characters (two pixels per cell, exact colours) next to the
page list, the current page's values and a status bar; space pauses, n/p (or the arrows) step
through the pages, s saves the frame as PNG, q quits.
"""

from __future__ import annotations

from typing import Annotated

import typer

from dashcli.commands.options import ProfileOption, SetOption


def register(app: typer.Typer) -> None:
    """Add ``dash tui`` to ``app``."""
    app.command("tui")(tui)


def tui(
    server: Annotated[
        str | None,
        typer.Option("--server", metavar="URL",
                     help="Follow this dash serve (default: the profile's server.host:port)."),
    ] = None,
    token: Annotated[
        str | None,
        typer.Option("--token", envvar="DASH_TOKEN",
                     help="Bearer token of the server (default: the profile's)."),
    ] = None,
    demo: Annotated[
        bool,
        typer.Option("--demo", help="Standalone: show the sample values shipped with dashcli."),
    ] = False,
    data: Annotated[
        str | None,
        typer.Option("--data", metavar="FILE",
                     help="Standalone: envelopes from FILE (dash fetch --json, a list, /state)."),
    ] = None,
    profile: ProfileOption = None,
    overrides: SetOption = None,
) -> None:
    """Preview the dashboard in the terminal: frames, page list, values, data freshness.

    Keys: space pause/resume, n/p or arrows next/previous page, s save PNG, q quit.
    With --server the keys control every display following that server.

    Examples:

        dash tui --demo

        dash tui --server http://127.0.0.1:8080
    """
    from dashcli.display.build import choose_feed
    from dashcli.errors import DashError
    from profiles import load_profile

    loaded = load_profile(profile, overrides)
    source = choose_feed(loaded, server=server, token=token, demo=demo, data=data)
    try:
        from dashcli.tui.app import DashApp
    except ImportError:
        raise DashError("dash tui needs Textual: pip install 'dashcli[tui]'") from None
    DashApp(loaded, source).run()
