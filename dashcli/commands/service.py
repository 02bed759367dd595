"""``dash service install``: systemd units for this virtualenv.

``service install`` renders the packaged unit templates for the interpreter it runs from and the
chosen profile, writes them, and prints (or, with ``--enable``, runs) the systemctl commands.
"""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dashcli.commands.options import ProfileOption
from dashcli.core.errors import DashError, UsageError

if TYPE_CHECKING:
    from dashcli.profiles.schema import Profile

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
    from dashcli.systemd.units import (
        Mode,
        UnitSettings,
        dash_command,
        render_units,
        systemctl_commands,
        unit_dir,
    )

    if dry_run and enable:
        raise UsageError("--dry-run and --enable cannot be combined")
    mode: Mode = "user" if user_mode else "system"
    if user_mode and (run_as or panel_user):
        raise UsageError("--run-as and --panel-user apply to system units only (not --user)")
    if run_as and matrix and not split:
        raise UsageError("--run-as names dash serve's account with --split or --no-matrix; "
                         "the one-process unit drives the panel: use --panel-user")
    profile_arg, loaded = _profile(profile)
    serve_alone = split or not matrix
    settings = UnitSettings(
        mode=mode,
        dash=dash_command(),
        profile=profile_arg,
        server_url=loaded.server.local_url,
        serve_user=(_account(run_as or _default_account(), "--run-as")
                    if serve_alone and not user_mode else None),
        panel_user=_account(panel_user, "--panel-user") if panel_user else None,
    )
    units = render_units(settings, matrix=matrix, split=split)
    folder = dest or unit_dir(mode)
    commands = systemctl_commands(mode, list(units))
    if dry_run:
        for name, text in units.items():
            typer.echo(f"# {folder / name}")
            typer.echo(text)
    else:
        _write(folder, units, mode)
    if enable:
        _run(commands)
        return
    typer.echo("then run:" if not dry_run else "# then run:")
    for command in commands:
        typer.echo("  " + " ".join(command))
    if user_mode:
        typer.echo(f"  loginctl enable-linger {_current_user()}   # start at boot, not at login")


def _profile(profile: str | None) -> tuple[str, "Profile"]:
    """The ``--profile`` argument for the units and the loaded profile (validated now, not at boot).

    A bundled profile keeps its name (it survives upgrades); any other becomes an absolute path,
    because a service does not share the installing shell's environment or working directory.
    """
    from dashcli.profiles import load_profile, resolve_profile_path
    from dashcli.profiles.loader import BUNDLED_DIR

    path = resolve_profile_path(profile)
    loaded = load_profile(str(path))
    if path.parent.resolve() == BUNDLED_DIR:
        return path.stem, loaded
    return str(path.resolve()), loaded


def _default_account() -> str:
    import os
    import pwd
    import sys

    sudo_user = os.environ.get("SUDO_USER")
    if sudo_user and sudo_user != "root":
        return sudo_user
    owner = pwd.getpwuid(Path(sys.prefix).stat().st_uid).pw_name
    if owner == "root":
        raise UsageError(
            "dash serve would run as root (the virtualenv belongs to root): "
            "pass --run-as USER, e.g. --run-as pi"
        )
    return owner


def _account(name: str, option: str) -> str:
    import pwd

    try:
        pwd.getpwnam(name)
    except KeyError:
        raise UsageError(f"{option} {name}: no such user on this machine") from None
    return name


def _current_user() -> str:
    import getpass

    return getpass.getuser()


def _write(folder: Path, units: dict[str, str], mode: str) -> None:
    hint = " (run it with sudo, or use --user)" if mode == "system" else ""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in units.items():
            (folder / name).write_text(text, encoding="utf-8")
            typer.echo(f"wrote {folder / name}")
    except OSError as exc:
        raise DashError(f"cannot write units to {folder}: {exc.strerror}{hint}") from None


def _run(commands: list[list[str]]) -> None:
    import subprocess

    for command in commands:
        typer.echo("+ " + " ".join(command))
        try:
            completed = subprocess.run(command, check=False)  # noqa: S603 - fixed argv
        except FileNotFoundError:
            raise DashError(f"{command[0]} not found: is this a systemd machine?") from None
        if completed.returncode != 0:
            raise DashError(f"{' '.join(command)} failed (exit {completed.returncode})")
