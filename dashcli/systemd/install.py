"""What ``dash service install`` does: render the unit files for this virtualenv and a profile,
write them (or print them), and print or run the ``systemctl`` commands that enable them.
"""

from __future__ import annotations

import getpass
import os
import pwd
import stat
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from dashcli.core.errors import DashError, UsageError
from dashcli.profiles import load_profile, resolve_profile_path
from dashcli.profiles.loader import BUNDLED_DIR
from dashcli.systemd.units import (
    Mode,
    UnitSettings,
    dash_command,
    render_units,
    systemctl_commands,
    unit_dir,
)

if TYPE_CHECKING:
    from dashcli.profiles.schema import Profile


def install(
    profile: str | None,
    *,
    mode: Mode,
    matrix: bool,
    split: bool,
    run_as: str | None,
    panel_user: str | None,
    dest: Path | None,
    dry_run: bool,
    enable: bool,
) -> None:
    """Install (or with ``dry_run`` print) the units; the options are checked by the command."""
    user_mode = mode == "user"
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
    if matrix and not user_mode and settings.panel_user in (None, "root"):
        _refuse_writable_root_code(profile_arg)
    units = render_units(settings, matrix=matrix, split=split)
    folder = dest or unit_dir(mode)
    commands = systemctl_commands(mode, list(units))
    if dry_run:
        for name, text in units.items():
            print(f"# {folder / name}")
            print(text)
    else:
        _write(folder, units, mode)
    if enable:
        _run(commands)
        return
    print("then run:" if not dry_run else "# then run:")
    for command in commands:
        print("  " + " ".join(command))
    if user_mode:
        print(f"  loginctl enable-linger {_current_user()}   # start at boot, not at login")


def _profile(profile: str | None) -> tuple[str, Profile]:
    """The ``--profile`` argument for the units and the loaded profile (validated now, not at boot).

    A bundled profile keeps its name (it survives upgrades); any other becomes an absolute path,
    because a service does not share the installing shell's environment or working directory.
    """
    path = resolve_profile_path(profile)
    loaded = load_profile(str(path))
    if path.parent.resolve() == BUNDLED_DIR:
        return path.stem, loaded
    return str(path.resolve()), loaded


def _refuse_writable_root_code(profile_arg: str) -> None:
    """The panel runs as root: refuse when the code or profile it runs could be changed by a
    non-root account (that account would become root at the next start)."""
    import dashcli

    paths = [Path(sys.prefix), Path(sys.executable).parent, Path(dashcli.__file__).parent]
    if Path(profile_arg).is_absolute():
        paths += [Path(profile_arg), Path(profile_arg).parent]
    for path in paths:
        status = path.stat()
        if status.st_uid != 0 or status.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            owner = pwd.getpwuid(status.st_uid).pw_name
            raise UsageError(
                f"dash matrix would run as root from {path}, which {owner} or others can "
                "write: pass --panel-user USER (gpio group, no /dev/mem), or make it owned by "
                "root and not group- or world-writable"
            )


def _default_account() -> str:

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

    try:
        pwd.getpwnam(name)
    except KeyError:
        raise UsageError(f"{option} {name}: no such user on this machine") from None
    return name


def _current_user() -> str:

    return getpass.getuser()


def _write(folder: Path, units: dict[str, str], mode: str) -> None:
    hint = " (run it with sudo, or use --user)" if mode == "system" else ""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in units.items():
            (folder / name).write_text(text, encoding="utf-8")
            print(f"wrote {folder / name}")
    except OSError as exc:
        raise DashError(f"cannot write units to {folder}: {exc.strerror}{hint}") from None


def _run(commands: list[list[str]]) -> None:

    for command in commands:
        print("+ " + " ".join(command))
        try:
            completed = subprocess.run(command, check=False)  # noqa: S603 - fixed argv
        except FileNotFoundError:
            raise DashError(f"{command[0]} not found: is this a systemd machine?") from None
        if completed.returncode != 0:
            raise DashError(f"{' '.join(command)} failed (exit {completed.returncode})")
