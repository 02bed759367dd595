"""``dash publish TYPE``: put custom data from a file or stdin into the store (reaches serve)."""

from typing import Annotated, Any

import typer

from dashcli.commands.options import ProfileOption, SetOption, StoreOption


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
        str, typer.Option("--source", help="The source name recorded in the envelope.")
    ] = "publish",
    store: StoreOption = None,
    profile: ProfileOption = None,
    overrides: SetOption = None,
) -> None:
    """Put a JSON object of values (or a whole envelope) into the store; prints the stored seq.

    Examples:

        dash publish notes --file notes.json

        echo '{"text": "dinner at 7"}' | dash publish notes -

        dash publish weather --file weather.json --valid 600 --store redis://127.0.0.1:6379/0
    """
    import asyncio
    from datetime import timedelta

    from dashcli.core.envelope import EnvelopeError, Update, check_type, utcnow
    from dashcli.core.errors import UsageError

    if stdin is not None and stdin != "-":
        raise UsageError(f"unexpected argument {stdin!r}: use --file PATH or '-' for stdin")
    if (stdin is None) == (file is None):
        raise UsageError("give the values once: --file PATH, or '-' to read stdin")
    try:
        check_type(kind, "TYPE")
    except EnvelopeError as exc:
        raise UsageError(str(exc)) from None
    where = "stdin" if (file or stdin) == "-" else str(file)
    values, source = _read_values(_read_text(file or "-"), where, kind, source)
    if store is None:
        from dashcli.profiles import load_profile

        store = load_profile(profile, overrides).store
    now = utcnow().replace(microsecond=0)
    update = Update(kind, now, now + timedelta(seconds=valid), values, source)
    stored = asyncio.run(_put(store, update))
    typer.echo(str(stored.seq))


def _read_text(path: str) -> bytes:
    """The bytes of ``path`` (``-``: stdin), at most one more than an event may hold."""
    import sys
    from pathlib import Path

    from dashcli.core import jsonlimits
    from dashcli.core.errors import UsageError

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


def _read_values(text: bytes, where: str, kind: str, source: str) -> tuple[dict[str, Any], str]:
    """The values object (from a bare object or an envelope) and the source to record."""
    from dashcli.core import jsonlimits
    from dashcli.core.errors import UsageError

    # Size, depth and strictness (NaN, lone surrogates) once here, before anything is stored.
    data = jsonlimits.loads(text, where)
    if not isinstance(data, dict):
        raise UsageError(f"{where}: expected a JSON object, got {type(data).__name__}")
    if "type" in data and "values" in data:
        if data["type"] != kind:
            raise UsageError(f"{where}: envelope type {data['type']!r} is not {kind!r}")
        if not isinstance(data["values"], dict):
            raise UsageError(f"{where}: envelope values is not a JSON object")
        recorded = data.get("source")
        return data["values"], recorded if isinstance(recorded, str) and recorded else source
    return data, source


async def _put(url: str, update: Any) -> Any:
    from dashcli.store import open_store

    store = open_store(url)
    await store.open()
    try:
        return await store.put(update)
    finally:
        await store.close()
