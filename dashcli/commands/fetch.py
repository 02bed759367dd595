"""``dash fetch SOURCE``: fetch one source now and show, print or publish what it produced."""

from typing import Annotated, Any

import typer

from dashcli.commands.options import ProfileOption, SetOption, StoreOption
from dashcli.core.errors import UsageError


def register(app: typer.Typer) -> None:
    app.command("fetch", no_args_is_help=True)(fetch)


def fetch(
    source: Annotated[
        str, typer.Argument(metavar="SOURCE", help="Data type: weather, air, moon, mlb, nfl, ...")
    ],
    profile: ProfileOption = None,
    overrides: SetOption = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the update envelope as JSON (for pipes).")
    ] = False,
    raw: Annotated[
        bool, typer.Option("--raw", help="Print the upstream body as received (record fixtures).")
    ] = False,
    publish: Annotated[
        bool, typer.Option("--publish", help="Put the update into the store (reaches dash serve).")
    ] = False,
    every: Annotated[
        str | None,
        typer.Option(
            "--every",
            metavar="SECONDS|auto",
            help="Keep fetching: every SECONDS, or 'auto' (when the data goes stale). "
            "Implies --publish.",
        ),
    ] = None,
    store: StoreOption = None,
    health_port: Annotated[
        int | None,
        typer.Option("--health-port", metavar="PORT",
                     help="With --every: serve /healthz (probes) and /metrics on this port."),
    ] = None,
    health_host: Annotated[
        str,
        typer.Option("--health-host", metavar="ADDRESS",
                     help="The address --health-port listens on (0.0.0.0 to let Prometheus "
                     "scrape it from outside the pod)."),
    ] = "127.0.0.1",
) -> None:
    """Fetch SOURCE from its upstream API, validate it and show the values.

    Examples:

        dash fetch weather

        dash fetch mlb --json | dash render mlb --data - --out mlb.png

        dash fetch weather --set sources.weather.base_url=http://127.0.0.1:9000 --json
    """
    import asyncio

    from dashcli.profiles import load_profile
    from dashcli.sources import source_info

    info = source_info(source)
    if as_json and raw:
        raise UsageError("--json and --raw cannot be combined")
    loaded = load_profile(profile, overrides)
    if every is not None or publish:
        from dashcli.fetching.publisher import run_publisher

        asyncio.run(run_publisher(loaded, info.name, every=every, store_url=store,
                                  health_port=health_port, health_host=health_host))
        return
    from dashcli.fetching.fetch import fetch_update
    from dashcli.secrets import open_secrets

    result = asyncio.run(fetch_update(loaded, info.name, secrets=open_secrets(loaded)))
    if raw:
        import sys

        sys.stdout.buffer.write(result.raw or result.update.to_json().encode())
        sys.stdout.buffer.flush()
    elif as_json:
        import json

        typer.echo(json.dumps(result.update.to_dict(), ensure_ascii=False, indent=2))
    else:
        _show(result.update.to_dict())


def _show(envelope: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.tree import Tree

    tree = Tree(
        f"[bold]{envelope['type']}[/] from {envelope['source']}  "
        f"updated {envelope['updated']}  valid until {envelope['valid']}"
    )
    _add(tree, envelope["values"])
    Console().print(tree)


def _add(tree: Any, value: Any, depth: int = 0) -> None:
    from rich.markup import escape

    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict | list) and item:
                _add(tree.add(f"[cyan]{escape(str(key))}[/]"), item, depth + 1)
            else:
                tree.add(f"[cyan]{escape(str(key))}[/]: {escape(repr(item))}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, dict | list):
                _add(tree.add(f"[dim]{index}[/]"), item, depth + 1)
            else:
                tree.add(f"[dim]{index}[/]: {escape(repr(item))}")
