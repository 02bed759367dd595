"""``dash tui``: the dashboard in the terminal, following a ``dash serve`` or standalone.

The frames are drawn with half-block characters (two pixels per cell, exact colours) next to the
page list, the current page's values and a status bar; space pauses, n/p (or the arrows) step
through the pages, s saves the frame as PNG, q quits.
"""

import typer

from dashcli.commands.options import (
    DataOption,
    DemoOption,
    ProfileOption,
    ServerOption,
    SetOption,
    TokenOption,
)


def register(app: typer.Typer) -> None:
    """Add ``dash tui`` to ``app``."""
    app.command("tui")(tui)


def tui(
    server: ServerOption = None,
    token: TokenOption = None,
    demo: DemoOption = False,
    data: DataOption = None,
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
    from dashcli.displays.build import choose_feed
    from dashcli.profiles import load_profile

    loaded = load_profile(profile, overrides)
    source = choose_feed(loaded, server=server, token=token, demo=demo, data=data)
    from dashcli.displays.tui.app import DashApp

    DashApp(loaded, source).run()
