"""``dash publish TYPE``: put custom data from a file or stdin into the store (reaches serve)."""

from typing import Annotated, Any

import typer

from dashcli.commands.options import ProfileOption, SetOption, StoreOption
from dashcli.core.errors import UsageError


def register(app: typer.Typer) -> None:
    """Add ``dash publish`` to ``app``."""
    app.command("publish", no_args_is_help=True)(publish)


def publish(
    kind: Annotated[str, typer.Argument(metavar="TYPE", help="Data type, e.g. weather or notes.")],
    stdin: Annotated[
        str | None, typer.Argument(metavar="-", help="'-' reads the JSON from stdin.")
    ] = None,
    file: Annotated[
        str | None,
        typer.Option("--file", "-f", metavar="PATH", help="A JSON file ('-' for stdin)."),
    ] = None,
    valid: Annotated[
        float,
        typer.Option("--valid", min=1, metavar="SECONDS", help="Seconds until the data is stale."),
    ] = 3600,
    source: Annotated[
        str, typer.Option("--source", metavar="NAME",
                          help="The source name recorded in the envelope.")
    ] = "publish",
    app: Annotated[
        bool, typer.Option("--app", help="Check the values as an app page (see README: "
                           "Pages from data); automatic for a type the profile's cycle "
                           "shows with page: app.")
    ] = False,
    store: StoreOption = None,
    profile: ProfileOption = None,
    overrides: SetOption = None,
) -> None:
    """Put a JSON object of values (or a whole envelope) into the store; prints the stored seq.

    Examples:

        dash publish notes --file notes.json

        echo '{"text": "dinner at 7"}' | dash publish notes -

        dash publish weather --file weather.json --valid 600 --store redis://127.0.0.1:6379/0

        echo '{"title": "Scores", "lines": ["HOME 3 - 2 AWAY"]}' | dash publish scores - --app
    """
    import asyncio
    from datetime import timedelta

    from dashcli.core.envelope import EnvelopeError, Update, check_type, utcnow
    from dashcli.publishing import app_types, prepare, read_values

    if stdin is not None and stdin != "-":
        raise UsageError(f"unexpected argument {stdin!r}: use --file PATH or '-' for stdin")
    if (stdin is None) == (file is None):
        raise UsageError("give the values once: --file PATH, or '-' to read stdin")
    try:
        check_type(kind, "TYPE")
    except EnvelopeError as exc:
        raise UsageError(str(exc)) from None
    where = "stdin" if (file or stdin) == "-" else str(file)
    values, source = read_values(_read_text(file or "-"), where, kind, source)
    if store is None or profile is not None:
        from dashcli.profiles import load_profile

        loaded = load_profile(profile, overrides)
        store = store or loaded.store
        app = app or kind in app_types(loaded)
    values = asyncio.run(prepare(values, app=app, where=where))
    now = utcnow().replace(microsecond=0)
    update = Update(kind, now, now + timedelta(seconds=valid), values, source)
    stored = asyncio.run(_put(store, update))
    typer.echo(str(stored.seq))


def _read_text(path: str) -> bytes:
    """The bytes of ``path`` (``-``: stdin), at most one more than an event may hold."""
    import sys
    from pathlib import Path

    from dashcli.core import jsonlimits

    # Reading one byte past the cap is enough to refuse, whatever size was piped in.
    limit = jsonlimits.DEFAULT_MAX_BYTES + 1
    if path == "-":
        return sys.stdin.buffer.read(limit)
    try:
        with Path(path).expanduser().open("rb") as stream:
            return stream.read(limit)
    except FileNotFoundError:
        raise UsageError(f"--file {path}: file not found") from None
    except OSError as exc:
        raise UsageError(f"--file {path}: cannot read: {exc.strerror}") from None


async def _put(url: str, update: Any) -> Any:
    from dashcli.store import open_store

    store = open_store(url)
    await store.open()
    try:
        return await store.put(update)
    finally:
        await store.close()
