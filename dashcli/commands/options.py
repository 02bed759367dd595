"""Options shared by several commands, defined once so they read the same everywhere."""

from __future__ import annotations

from typing import Annotated

import typer

ProfileOption = Annotated[
    str | None,
    typer.Option(
        "--profile",
        "-p",
        envvar="DASH_PROFILE",
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
