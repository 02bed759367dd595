"""``dash service install``: systemd units for this virtualenv.

``service install`` renders the packaged unit templates for the interpreter it runs from and the
chosen profile, writes them, and prints (or, with ``--enable``, runs) the systemctl commands.
"""

from pathlib import Path
from typing import Annotated

import typer

from dashcli.commands.options import ProfileOption
from dashcli.core.errors import UsageError

service_app = typer.Typer(
    help="Run the dashboard as a systemd service (one process on a Pi: dash serve --panel).",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def register(app: typer.Typer) -> None:
    """Add ``dash service`` to ``app``."""
    app.add_typer(service_app, name="service")


@service_app.command("install")
def install(
    user_mode: Annotated[
        bool,
        typer.Option(
            "--user/--system",
            help="Units for your own systemd manager (no root needed; no panel hardware access) "
            "or for the system (the default: starts at boot, the panel runs as root).",
        ),
    ] = False,
    profile: ProfileOption = None,
    run_as: Annotated[
        str | None,
        typer.Option(
            "--run-as",
            metavar="USER",
            help="System units: the account dash serve runs as when it drives no panel "
            "(--split or --no-matrix; default: $SUDO_USER, else the virtualenv's owner).",
        ),
    ] = None,
    panel_user: Annotated[
        str | None,
        typer.Option(
            "--panel-user",
            metavar="USER",
            help="System units: drive the panel as USER (gpio group, CAP_SYS_NICE, no hardware "
            "pulsing) instead of root.",
        ),
    ] = None,
    matrix: Annotated[
        bool, typer.Option("--matrix/--no-matrix", help="Drive the LED panel (--no-matrix: "
                           "only dash serve, e.g. for a server without a panel).")
    ] = True,
    split: Annotated[
        bool,
        typer.Option("--split", help="Two units instead of one: dash-serve (fetching, store, "
                     "HTTP/SSE) and dash-matrix (the panel, following it over SSE)."),
    ] = False,
    dest: Annotated[
        Path | None,
        typer.Option(
            "--dest",
            metavar="DIR",
            help="Write the units here instead of /etc/systemd/system or ~/.config/systemd/user.",
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the units and commands; write nothing.")
    ] = False,
    enable: Annotated[
        bool,
        typer.Option("--enable", help="Also run systemctl daemon-reload and enable --now."),
    ] = False,
) -> None:
    """Write systemd units that run this virtualenv's dashboard for a profile.

    By default one unit, dashcli.service, runs dash serve --panel: on a single Pi one process
    fetches, serves the web preview and drives the panel. --split writes dash-serve.service and
    dash-matrix.service instead; --no-matrix only dash-serve.service.

    Examples:

        sudo .venv/bin/dashcli service install --profile pi --enable

        sudo .venv/bin/dashcli service install --profile pi --split --panel-user pi

        dash service install --user --no-matrix --profile home --dry-run
    """
    if dry_run and enable:
        raise UsageError("--dry-run and --enable cannot be combined")
    if user_mode and (run_as or panel_user):
        raise UsageError("--run-as and --panel-user apply to system units only (not --user)")
    if run_as and matrix and not split:
        raise UsageError("--run-as names dash serve's account with --split or --no-matrix; "
                         "the one-process unit drives the panel: use --panel-user")
    from dashcli.systemd.install import install as install_units

    install_units(profile, mode="user" if user_mode else "system", matrix=matrix, split=split,
                  run_as=run_as, panel_user=panel_user, dest=dest, dry_run=dry_run, enable=enable)
