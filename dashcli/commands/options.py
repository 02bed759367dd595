"""Options shared by several commands, defined once so they read the same everywhere."""

from typing import Annotated

import typer

ProfileOption = Annotated[
    str | None,
    typer.Option(
        "--profile",
        "-p",
        envvar="DASH_PROFILE",
        metavar="NAME|PATH",
        help="Profile name (~/.config/dash/profiles/NAME.yaml or bundled) or a YAML file path.",
        show_default="default",
    ),
]
SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        "-s",
        metavar="PATH=VALUE",
        help="Override a profile field, e.g. --set sources.weather.base_url=http://127.0.0.1:9000",
    ),
]
StoreOption = Annotated[
    str | None,
    typer.Option(
        "--store",
        metavar="URL",
        help="State store: embedded (default), sqlite:///path or redis://[user:pass@]host:port/db.",
    ),
]

# The feed options of the displays (dash matrix, dash tui): follow a server or run standalone.
ServerOption = Annotated[
    str | None,
    typer.Option("--server", metavar="URL",
                 help="Follow this dash serve (default: the profile's server.host:port)."),
]
TokenOption = Annotated[
    str | None,
    typer.Option("--token", envvar="DASH_TOKEN", metavar="TOKEN",
                 help="Bearer token of the server (default: the profile's)."),
]
DemoOption = Annotated[
    bool,
    typer.Option("--demo", help="Standalone: show the sample values shipped with dashcli."),
]
DataOption = Annotated[
    str | None,
    typer.Option("--data", metavar="FILE",
                 help="Standalone: envelopes from FILE (dash fetch --json, a list, /state)."),
]
