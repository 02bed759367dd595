"""The ``dash`` command: a typer app whose sub-commands live in ``dashcli.commands``.

Command modules import only typer, the standard library and the kernel's errors
(``dashcli.core.errors``, which this module loads anyway) at module level; everything heavy
(pydantic, httpx, Pillow, aiohttp, Textual) is imported inside the command that runs, so
``dash --help`` starts about as fast as typer itself. When the command line names a command, only
that command's module is imported and registered (typer inspects every registered function's
signature before it parses anything). Command modules do not use ``from __future__ import
annotations``: typer would have to compile every string annotation back. :func:`main` turns every
:class:`~dashcli.core.errors.DashError` into one line on stderr and its exit code; ``--debug`` shows
the traceback instead.
"""

import importlib
import os
import sys
from typing import Annotated

import typer

from dashcli.core.errors import DashError
from dashcli.core.version import __version__

# Command name -> module in dashcli.commands, in the order ``dash --help`` lists them.
COMMANDS = {
    "fetch": "fetch",
    "publish": "publish",
    "notify": "notify",
    "serve": "serve",
    "render": "render",
    "tui": "tui",
    "matrix": "matrix",
    "secrets": "secrets",
    "profiles": "profiles",
    "service": "service",
    "healthcheck": "healthcheck",
    "alerts": "alerts",
}

HELP = (
    "Home LED-matrix dashboards: fetch weather, sports, calendars and more, keep the latest "
    "state, serve it over SSE and draw 128x64 frames.\n\n"
    "dashcli and python -m dashcli are the same command (Debian's /bin/dash is a shell)."
)


def build_app(argv: list[str]) -> typer.Typer:
    """The ``dash`` app with the command named in ``argv`` registered, or every command."""
    app = typer.Typer(
        name="dash",
        help=HELP,
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )
    app.callback()(root)
    named = next((arg for arg in argv if not arg.startswith("-")), None)
    modules = [COMMANDS[named]] if named in COMMANDS else list(dict.fromkeys(COMMANDS.values()))
    for module in modules:
        importlib.import_module(f"dashcli.commands.{module}").register(app)
    return app


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dashcli {__version__}")
        raise typer.Exit()


def root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks and debug logs.")
    ] = False,
) -> None:
    """Configure logging for every command."""
    import logging

    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    from dashcli.secrets.logs import redact_http_logs

    redact_http_logs()  # request URLs can carry API keys in their query strings


def main() -> None:
    """Entry point of the ``dash``/``dashcli`` scripts and ``python -m dashcli``."""
    debug = "--debug" in sys.argv[1:]
    # pydantic looks for plugins in every installed package's entry points on its first model;
    # dash uses none, and the scan is slow on an SD card. An explicit setting is kept.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        result = build_app(sys.argv[1:])(standalone_mode=False)
    except DashError as exc:
        if debug:
            raise
        typer.echo(str(exc), err=True)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.TyperException as exc:
        # Typer's usage errors: Typer vendors Click since 0.26, so these are not click's classes.
        show = getattr(exc, "show", None)
        if show is not None:
            show()
        else:
            typer.echo(f"Error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:
        if debug:
            raise
        # Only the type: an unexpected exception's text is not vetted and could hold a secret.
        typer.echo(f"internal error: {type(exc).__name__} (run with --debug)", err=True)
        sys.exit(1)
    sys.exit(result if isinstance(result, int) else 0)
