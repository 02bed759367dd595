"""Render the systemd units for ``dash serve`` and ``dash matrix`` from the packaged templates.

On a single Pi the default is one unit, ``dashcli.service``, running ``dash serve --panel``: one
process fetches, serves and drives the panel. ``split`` renders the two-unit layout instead
(``dash-serve`` plus ``dash-matrix`` following it over SSE), and without the panel only
``dash-serve`` is written.

Templates use ``@name@`` placeholders (the autoconf convention of ``.service.in`` files, which
cannot clash with systemd's own ``%`` specifiers and ``$`` variables). A line with a placeholder
that expands to nothing is dropped, so one template serves system units (with a ``User=``, network
ordering and sandboxing) and user units (none of those: a user manager cannot apply them).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Literal

Mode = Literal["system", "user"]
SERVE_UNIT = "dash-serve.service"
MATRIX_UNIT = "dash-matrix.service"
PI_UNIT = "dashcli.service"
_PLACEHOLDER = re.compile(r"@([a-z_]+)@")
# Sandboxing that costs the server nothing: it writes only its state under the user's home.
_HARDENING = "NoNewPrivileges=yes\nPrivateTmp=yes\nProtectSystem=full"
# A user manager has no network-online.target: user units are ordered after their server only.
_NETWORK = "network-online.target"


@dataclass(frozen=True)
class UnitSettings:
    """What the units are rendered for: the program, the profile and who runs each service."""

    mode: Mode
    dash: tuple[str, ...]
    profile: str
    server_url: str
    serve_user: str | None = None
    panel_user: str | None = None


def dash_command() -> tuple[str, ...]:
    """The argv prefix that runs this installation's dashcli, as an absolute path.

    The virtualenv's ``dashcli`` script when there is one, else its interpreter with
    ``-m dashcli``. Symlinks are not resolved: a virtualenv's ``bin/python`` links to the base
    interpreter, which would run outside the virtualenv.
    """
    interpreter = Path(sys.executable).absolute()
    script = interpreter.with_name("dashcli")
    if script.is_file():
        return (str(script),)
    return (str(interpreter), "-m", "dashcli")


def exec_line(argv: list[str] | tuple[str, ...]) -> str:
    """An ``ExecStart=`` command line: ``%`` and ``$`` escaped, arguments quoted where needed."""
    words = []
    for arg in argv:
        escaped = arg.replace("%", "%%").replace("$", "$$")
        if not escaped or re.search(r"[\s\"'\\;]", escaped):
            escaped = '"' + escaped.replace("\\", "\\\\").replace('"', '\\"') + '"'
        words.append(escaped)
    return " ".join(words)


def render_template(name: str, values: dict[str, str]) -> str:
    """The packaged template ``name`` with its placeholders replaced; unknown ones are errors."""
    text = files("dashcli.systemd").joinpath("templates", f"{name}.in").read_text(encoding="utf-8")
    lines = []
    for line in text.splitlines():
        if any(not values[name] for name in _PLACEHOLDER.findall(line)):
            continue
        lines.append(_PLACEHOLDER.sub(lambda match: values[match.group(1)], line))
    return "\n".join(lines) + "\n"


def render_units(
    settings: UnitSettings, *, matrix: bool = True, split: bool = False
) -> dict[str, str]:
    """Unit file name -> text: the one-process unit (server and panel); with ``split``, the
    serve unit and the panel unit; without ``matrix``, the serve unit alone."""
    system = settings.mode == "system"
    network = _NETWORK if system else ""
    wanted_by = "multi-user.target" if system else "default.target"
    if matrix and not split:
        return {
            PI_UNIT: render_template(
                PI_UNIT,
                {
                    "wants": network,
                    "after": network,
                    "wanted_by": wanted_by,
                    "account": _panel_account(settings),
                    "exec": exec_line(_one_process_argv(settings)),
                    "hardening": _HARDENING if system else "",
                },
            )
        }
    serve = [*settings.dash, "serve", "--profile", settings.profile]
    units = {
        SERVE_UNIT: render_template(
            SERVE_UNIT,
            {
                "wants": network,
                "after": network,
                "wanted_by": wanted_by,
                "account": f"User={settings.serve_user}" if system and settings.serve_user else "",
                "exec": exec_line(serve),
                "hardening": _HARDENING if system else "",
            },
        )
    }
    if matrix:
        units[MATRIX_UNIT] = render_template(
            MATRIX_UNIT,
            {
                "wants": f"{SERVE_UNIT} {network}".strip(),
                "after": f"{SERVE_UNIT} {network}".strip(),
                "wanted_by": wanted_by,
                "account": _panel_account(settings),
                "exec": exec_line(_matrix_argv(settings)),
            },
        )
    return units


def _panel_runs_as_root(settings: UnitSettings) -> bool:
    return settings.mode == "system" and settings.panel_user in (None, "root")


def _one_process_argv(settings: UnitSettings) -> list[str]:
    argv = [*settings.dash, "serve", "--profile", settings.profile, "--panel"]
    if not _panel_runs_as_root(settings):
        # Hardware pulsing needs /dev/mem, which only root may map.
        argv += ["--set", "display.panel.disable_hardware_pulsing=true"]
    return argv


def _matrix_argv(settings: UnitSettings) -> list[str]:
    argv = [*settings.dash, "matrix", "--profile", settings.profile]
    argv += ["--server", settings.server_url]
    if not _panel_runs_as_root(settings):
        # Hardware pulsing needs /dev/mem, which only root may map.
        argv.append("--led-no-hardware-pulse")
    return argv


def _panel_account(settings: UnitSettings) -> str:
    if settings.mode == "user":
        return ""
    if _panel_runs_as_root(settings):
        return "User=root"
    return (
        f"User={settings.panel_user}\n"
        "SupplementaryGroups=gpio\n"
        "AmbientCapabilities=CAP_SYS_NICE\n"
        "LimitRTPRIO=99"
    )


def unit_dir(mode: Mode, home: Path | None = None, config_home: str | None = None) -> Path:
    """Where systemd looks for administrator units (system) or the user's own units (user)."""
    if mode == "system":
        return Path("/etc/systemd/system")
    base = Path(config_home) if config_home else (home or Path.home()) / ".config"
    return base / "systemd" / "user"


def systemctl_commands(mode: Mode, names: list[str]) -> list[list[str]]:
    """The commands that load the written units and start them now and at every boot."""
    prefix = ["systemctl"] if mode == "system" else ["systemctl", "--user"]
    return [[*prefix, "daemon-reload"], [*prefix, "enable", "--now", *names]]
