"""``dash serve``: fetch on schedule, keep the state, serve it over HTTP and Server-Sent Events."""

from typing import Annotated

import typer

from dashcli.commands.options import ProfileOption, SetOption, StoreOption


def register(app: typer.Typer) -> None:
    """Add ``dash serve`` to ``app``."""
    app.command("serve")(serve)


def serve(
    profile: ProfileOption = None,
    overrides: SetOption = None,
    host: Annotated[
        str | None,
        typer.Option("--host", metavar="ADDRESS", help="Address to bind (profile server.host).",
                     show_default="127.0.0.1"),
    ] = None,
    port: Annotated[
        int | None,
        typer.Option("--port", metavar="PORT", min=0, max=65535,
                     help="Port (profile server.port; 0 picks a free one).",
                     show_default="8080"),
    ] = None,
    store: StoreOption = None,
    no_fetch: Annotated[
        bool,
        typer.Option("--no-fetch", help="Serve only: do not run the sources (others publish)."),
    ] = False,
    legacy: Annotated[
        bool,
        typer.Option("--legacy", help="Also read the old matrix system's Redis (its keys, "
                     "channels 'update' and 'raw'), translating its values (profile "
                     "server.legacy; server.legacy_api.enabled adds its old API for old "
                     "clients)."),
    ] = False,
    legacy_redis: Annotated[
        str | None,
        typer.Option("--legacy-redis", metavar="URL",
                     help="Redis of the legacy channel (default: the store's, when redis://)."),
    ] = None,
    panel: Annotated[
        bool,
        typer.Option("--panel", help="Also drive the RGB LED panel (profile display.panel), "
                     "from this same process: one service for a single Pi."),
    ] = False,
    emulate: Annotated[
        bool,
        typer.Option("--emulate", help="With --panel: draw on RGBMatrixEmulator instead "
                     "(it reads emulator_config.json in this directory)."),
    ] = False,
) -> None:
    """Run the dashboard server: the scheduler fetches every enabled source, the server keeps the
    latest state and pushes it to displays.

    Endpoints: / (live preview page) /healthz /readyz /status /metrics /state
    /state/TYPE /events (SSE) /control/{pause,resume,next,prev} (POST)
    /frames/PAGE.png /frames/current.png /frames/current.json

    Examples:

        dash serve

        dash serve --store redis://127.0.0.1:6379/0 --no-fetch

        sudo .venv/bin/dashcli serve --profile pi --panel

        curl -N http://127.0.0.1:8080/events?types=weather,clock
    """
    import asyncio

    from dashcli.profiles import load_profile
    from dashcli.profiles.schema import Profile
    from dashcli.secrets import open_secrets
    from dashcli.server.run import ServeOptions
    from dashcli.server.run import serve as run_serve

    def options_of(loaded: Profile) -> ServeOptions:
        return ServeOptions(
            host=host or loaded.server.host,
            port=loaded.server.port if port is None else port,
            store_url=store or loaded.store,
            fetch=not no_fetch,
            legacy=legacy or loaded.server.legacy,
            legacy_redis=legacy_redis,
        )

    def announce(line: str) -> None:
        typer.echo(line)

    def reload() -> Profile:
        return load_profile(profile, overrides)

    first = reload()
    display = None
    if panel or emulate:
        # Opened before anything listens: a panel that cannot start is one line and exit 1.
        # It stays open across reloads (new display.panel options need a restart).
        from dashcli.displays.panel import PanelDisplay, load_backend

        display = PanelDisplay(load_backend(emulate), first.display.panel)
    outputs = [display.show] if display is not None else []

    async def job() -> None:
        # A reload (SIGHUP, POST /control/reload) hands back the new profile: serve it next.
        current: Profile | None = first
        while current is not None:
            current = await run_serve(current, options_of(current),
                                      secrets=open_secrets(current), announce=announce,
                                      reloader=reload, outputs=outputs)
    try:
        try:
            import uvloop
        except ImportError:
            asyncio.run(job())
        else:
            with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
                runner.run(job())
    finally:
        if display is not None:
            display.clear()
