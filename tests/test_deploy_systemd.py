"""The systemd units and ``dash service install``: rendered units parse, run this virtualenv's
dashcli with the chosen profile, pass ``systemd-analyze verify``, and match the checked-in
examples in deploy/systemd; ``dash healthcheck`` against a real local HTTP server."""

from __future__ import annotations

import configparser
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dashcli.systemd.units import (
    MATRIX_UNIT,
    PI_UNIT,
    SERVE_UNIT,
    UnitSettings,
    dash_command,
    exec_line,
    render_units,
)
from tests.replay import ReplayServer, Reply

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "deploy" / "systemd"
# The installation the checked-in examples are rendered for (deploy/systemd/README.md).
EXAMPLE = UnitSettings(
    mode="system",
    dash=("/home/pi/dashcli/.venv/bin/dashcli",),
    profile="pi",
    server_url="http://127.0.0.1:8080",
    serve_user="pi",
)
# An account every Debian machine has, that is neither root nor the special 'nobody'.
ACCOUNT = "daemon"


def dash(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dashcli", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
        check=False,
    )


def parse(text: str) -> configparser.ConfigParser:
    """A unit file read strictly: a repeated section or key is an error here."""
    parser = configparser.ConfigParser(interpolation=None, strict=True, comment_prefixes=("#",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(text)
    return parser


def test_dash_command_is_this_interpreter_or_its_script() -> None:
    argv = dash_command()
    assert Path(argv[0]).is_absolute()
    # Not resolved through symlinks: a virtualenv's bin/python would leave the virtualenv.
    assert Path(argv[0]).parent == Path(sys.executable).absolute().parent
    assert argv[1:] in ((), ("-m", "dashcli"))


def test_system_units_parse_and_run_the_profile() -> None:
    settings = UnitSettings(
        mode="system",
        dash=("/srv/venv/bin/dashcli",),
        profile="/etc/dash/home.yaml",
        server_url="http://127.0.0.1:9090",
        serve_user="pi",
    )
    units = render_units(settings, split=True)
    assert list(units) == [SERVE_UNIT, MATRIX_UNIT]
    serve = parse(units[SERVE_UNIT])
    assert shlex.split(serve["Service"]["ExecStart"]) == [
        "/srv/venv/bin/dashcli", "serve", "--profile", "/etc/dash/home.yaml",
    ]
    assert serve["Service"]["User"] == "pi"
    assert serve["Service"]["Restart"] == "on-failure"
    assert serve["Unit"]["After"] == "network-online.target"
    assert serve["Unit"]["Wants"] == "network-online.target"
    assert serve["Service"]["NoNewPrivileges"] == "yes"
    assert serve["Install"]["WantedBy"] == "multi-user.target"

    matrix = parse(units[MATRIX_UNIT])
    assert shlex.split(matrix["Service"]["ExecStart"]) == [
        "/srv/venv/bin/dashcli", "matrix", "--profile", "/etc/dash/home.yaml",
        "--server", "http://127.0.0.1:9090",
    ]
    assert matrix["Service"]["User"] == "root"
    assert matrix["Service"]["Restart"] == "on-failure"
    assert matrix["Unit"]["After"].split() == [SERVE_UNIT, "network-online.target"]
    assert SERVE_UNIT in matrix["Unit"]["Wants"].split()
    assert "--led-drop-privileges" not in matrix["Service"]["ExecStart"]


def test_panel_user_gets_gpio_and_real_time_priority_without_dev_mem() -> None:
    settings = UnitSettings(
        mode="system", dash=("/v/bin/dashcli",), profile="pi",
        server_url="http://127.0.0.1:8080", serve_user="pi", panel_user="pi",
    )
    matrix = parse(render_units(settings, split=True)[MATRIX_UNIT])["Service"]
    assert matrix["User"] == "pi"
    assert matrix["SupplementaryGroups"] == "gpio"
    assert matrix["AmbientCapabilities"] == "CAP_SYS_NICE"
    assert shlex.split(matrix["ExecStart"])[-1] == "--led-no-hardware-pulse"


def test_user_units_have_no_account_network_target_or_sandbox() -> None:
    settings = UnitSettings(
        mode="user", dash=("/v/bin/dashcli",), profile="default",
        server_url="http://127.0.0.1:8080",
    )
    units = render_units(settings, matrix=False)
    assert list(units) == [SERVE_UNIT]
    serve = parse(units[SERVE_UNIT])
    assert "User" not in serve["Service"]
    assert "Wants" not in serve["Unit"]
    assert "ProtectSystem" not in serve["Service"]
    assert serve["Install"]["WantedBy"] == "default.target"


def test_exec_line_escapes_specifiers_variables_and_spaces() -> None:
    line = exec_line(["/opt/my venv/bin/dashcli", "serve", "--set", "x=100%", "$HOME"])
    assert line == '"/opt/my venv/bin/dashcli" serve --set x=100%% $$HOME'


def test_checked_in_units_match_the_templates() -> None:
    rendered = {**render_units(EXAMPLE), **render_units(EXAMPLE, split=True)}
    assert sorted(rendered) == sorted(path.name for path in EXAMPLES.glob("*.service"))
    for name, text in rendered.items():
        assert (EXAMPLES / name).read_text(encoding="utf-8") == text, (
            f"deploy/systemd/{name} is stale: re-render it from dashcli/systemd/templates/{name}.in"
        )


def test_install_writes_one_process_for_a_single_pi_by_default(tmp_path: Path) -> None:
    result = dash("service", "install", "--system", "--profile", "pi", "--dest", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert [path.name for path in tmp_path.iterdir()] == [PI_UNIT]
    unit = parse((tmp_path / PI_UNIT).read_text())
    argv = shlex.split(unit["Service"]["ExecStart"])
    assert tuple(argv[: len(dash_command())]) == dash_command()
    assert argv[len(dash_command()):] == ["serve", "--profile", "pi", "--panel"]
    assert unit["Service"]["User"] == "root"  # the panel's hardware pulsing maps /dev/mem
    assert unit["Unit"]["After"] == "network-online.target"
    assert unit["Service"]["KillSignal"] == "SIGTERM"
    assert f"systemctl enable --now {PI_UNIT}" in result.stdout


def test_one_process_as_a_panel_user_pulses_without_dev_mem() -> None:
    settings = UnitSettings(
        mode="system", dash=("/v/bin/dashcli",), profile="pi",
        server_url="http://127.0.0.1:8080", panel_user="pi",
    )
    unit = parse(render_units(settings)[PI_UNIT])["Service"]
    assert unit["User"] == "pi"
    assert unit["SupplementaryGroups"] == "gpio"
    assert shlex.split(unit["ExecStart"])[-2:] == [
        "--set", "display.panel.disable_hardware_pulsing=true"]


def test_install_writes_units_for_this_virtualenv(tmp_path: Path) -> None:
    result = dash(
        "service", "install", "--system", "--profile", "pi", "--split",
        "--run-as", ACCOUNT, "--dest", str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == [MATRIX_UNIT, SERVE_UNIT]
    serve = parse((tmp_path / SERVE_UNIT).read_text())
    argv = shlex.split(serve["Service"]["ExecStart"])
    assert tuple(argv[: len(dash_command())]) == dash_command()
    assert argv[len(dash_command()):] == ["serve", "--profile", "pi"]
    assert serve["Service"]["User"] == ACCOUNT
    assert "systemctl daemon-reload" in result.stdout
    assert f"systemctl enable --now {SERVE_UNIT} {MATRIX_UNIT}" in result.stdout


def test_install_makes_a_profile_path_absolute(tmp_path: Path) -> None:
    profile = tmp_path / "home.yaml"
    shutil.copy(ROOT / "profiles" / "default.yaml", profile)
    units = tmp_path / "units"
    result = subprocess.run(
        [sys.executable, "-m", "dashcli", "service", "install", "--user", "--no-matrix",
         "--profile", "home.yaml", "--dest", str(units)],
        capture_output=True, text=True, timeout=60, cwd=tmp_path, check=False,
    )
    assert result.returncode == 0, result.stderr
    serve = parse((units / SERVE_UNIT).read_text())
    assert shlex.split(serve["Service"]["ExecStart"])[-2:] == ["--profile", str(profile)]
    assert "systemctl --user enable --now dash-serve.service" in result.stdout
    assert "loginctl enable-linger" in result.stdout


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    result = dash(
        "service", "install", "--profile", "pi", "--split", "--run-as", ACCOUNT,
        "--dest", str(tmp_path), "--dry-run",
    )
    assert result.returncode == 0, result.stderr
    assert list(tmp_path.iterdir()) == []
    assert f"# {tmp_path / SERVE_UNIT}" in result.stdout
    assert "ExecStart=" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--split", "--run-as", "no-such-user-here"], "--run-as no-such-user-here: no such user"),
        (["--profile", "no-such-profile"], "profile 'no-such-profile' not found"),
        (["--dry-run", "--enable"], "--dry-run and --enable cannot be combined"),
        (["--user", "--run-as", "daemon"], "apply to system units only"),
        (["--run-as", "daemon"], "the one-process unit drives the panel: use --panel-user"),
    ],
)
def test_install_errors_are_one_line(args: list[str], message: str, tmp_path: Path) -> None:
    result = dash("service", "install", "--dest", str(tmp_path), *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_install_refuses_to_run_the_server_as_root_unasked(tmp_path: Path) -> None:
    if Path(sys.prefix).stat().st_uid != 0:
        pytest.skip("the interpreter's prefix is not owned by root here")
    result = dash(
        "service", "install", "--profile", "pi", "--split", "--dest", str(tmp_path),
        env={"SUDO_USER": ""},
    )
    assert result.returncode == 2
    assert "would run as root" in result.stderr


def test_unwritable_destination_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = dash(
        "service", "install", "--profile", "pi", "--dest", str(blocker / "units"),
    )
    assert result.returncode == 1
    assert result.stderr.startswith(f"cannot write units to {blocker / 'units'}")
    assert len(result.stderr.strip().splitlines()) == 1


def test_systemd_analyze_verify_accepts_the_units(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (Debian package systemd)")
    result = dash(
        "service", "install", "--profile", "pi", "--split", "--run-as", ACCOUNT,
        "--dest", str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    one = dash("service", "install", "--profile", "pi", "--dest", str(tmp_path))
    assert one.returncode == 0, one.stderr
    checked = subprocess.run(
        [analyze, "verify", "--man=no", str(tmp_path / SERVE_UNIT), str(tmp_path / MATRIX_UNIT),
         str(tmp_path / PI_UNIT)],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert checked.returncode == 0, checked.stderr
    # verify only warns about unknown keys and sections: those must not happen either.
    assert "Unknown" not in checked.stderr, checked.stderr
    assert "ignoring" not in checked.stderr, checked.stderr


def test_systemd_analyze_verify_catches_a_broken_unit(tmp_path: Path) -> None:
    """The check above can fail: a unit with a relative ExecStart is rejected."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (Debian package systemd)")
    broken = tmp_path / "broken.service"
    broken.write_text("[Service]\nExecStart=dashcli serve\n")
    checked = subprocess.run(
        [analyze, "verify", "--man=no", str(broken)],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert checked.returncode != 0


@pytest.fixture
def health(upstream: ReplayServer) -> ReplayServer:
    """The replay server standing in for ``dash serve``'s /healthz."""
    return upstream


def test_healthcheck_ok(health: ReplayServer) -> None:
    health.route("/healthz", Reply(body=b"ok", content_type="text/plain"))
    result = dash("healthcheck", "--url", f"{health.url}/healthz")
    assert result.returncode == 0, result.stderr
    assert len(health.hits("/healthz")) == 1


def test_healthcheck_unhealthy_answer(health: ReplayServer) -> None:
    health.route("/readyz", Reply(body=b"{}", status=503))
    result = dash("healthcheck", "--url", f"{health.url}/readyz")
    assert result.returncode == 1
    assert result.stderr.strip() == f"healthcheck: {health.url}/readyz answered 503"


def test_healthcheck_reads_the_url_from_the_environment(health: ReplayServer) -> None:
    health.route("/healthz", Reply(body=b"ok"))
    result = dash("healthcheck", env={"DASH_HEALTHCHECK_URL": f"{health.url}/healthz"})
    assert result.returncode == 0, result.stderr
    assert len(health.hits("/healthz")) == 1


def test_healthcheck_sends_the_profile_token(health: ReplayServer, tmp_path: Path) -> None:
    """/readyz needs the bearer token when one is set: the probe sends the profile's."""
    health.route("/readyz", Reply(body=b"{}"))
    secrets = tmp_path / "secrets.yaml"
    secrets.write_text("server_token: probe-token-0123456789\n")
    profile = tmp_path / "p.yaml"
    profile.write_text(
        "location: {name: X, latitude: 1, longitude: 2, timezone: UTC}\n"
        f"secrets: {{source: file, path: {secrets}}}\n"
        "server: {token_secret: server_token}\n"
    )
    result = dash("healthcheck", "--url", f"{health.url}/readyz",
                  env={"DASH_PROFILE": str(profile)})
    assert result.returncode == 0, result.stderr
    assert "probe-token" not in result.stdout + result.stderr
    sent = health.hits("/readyz")[0].headers
    assert sent["Authorization"] == "Bearer probe-token-0123456789"
    result = dash("healthcheck", "--url", f"{health.url}/readyz")
    assert "Authorization" not in health.hits("/readyz")[1].headers


def test_healthcheck_sends_a_set_token_without_a_profile(health: ReplayServer,
                                                        tmp_path: Path) -> None:
    """--set server.token=... applies to the default profile, as in every other command."""
    health.route("/readyz", Reply(body=b"{}"))
    result = dash("healthcheck", "--url", f"{health.url}/readyz",
                  "--set", "server.token=set-token-0123456789",
                  env={"XDG_CONFIG_HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert health.hits("/readyz")[0].headers["Authorization"] == "Bearer set-token-0123456789"


def test_healthcheck_unreachable_is_one_line() -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = dash("healthcheck", "--url", f"http://127.0.0.1:{port}/healthz", "--timeout", "2")
    assert result.returncode == 1
    assert result.stderr.startswith(f"healthcheck: http://127.0.0.1:{port}/healthz unreachable")
    assert len(result.stderr.strip().splitlines()) == 1


def test_healthcheck_refuses_other_schemes() -> None:
    result = dash("healthcheck", "--url", "file:///etc/passwd")
    assert result.returncode == 2
    assert "not an http:// or https:// URL" in result.stderr


def fake_systemctl(folder: Path, exit_code: int) -> tuple[dict[str, str], Path]:
    """A ``systemctl`` first on PATH that records its arguments (no systemd runs here)."""
    calls = folder / "calls"
    script = folder / "bin" / "systemctl"
    script.parent.mkdir()
    script.write_text(f'#!/bin/sh\necho "$*" >> {calls}\nexit {exit_code}\n')
    script.chmod(0o755)
    return {"PATH": f"{script.parent}{os.pathsep}{os.environ['PATH']}"}, calls


def test_enable_reloads_and_enables_the_written_units(tmp_path: Path) -> None:
    env, calls = fake_systemctl(tmp_path, 0)
    result = dash(
        "service", "install", "--profile", "pi", "--split", "--run-as", ACCOUNT,
        "--dest", str(tmp_path / "units"), "--enable", env=env,
    )
    assert result.returncode == 0, result.stderr
    assert calls.read_text().splitlines() == [
        "daemon-reload", f"enable --now {SERVE_UNIT} {MATRIX_UNIT}",
    ]
    assert (tmp_path / "units" / SERVE_UNIT).is_file()


def test_enable_failure_is_one_line(tmp_path: Path) -> None:
    env, calls = fake_systemctl(tmp_path, 1)
    result = dash(
        "service", "install", "--profile", "pi",
        "--dest", str(tmp_path / "units"), "--enable", env=env,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == "systemctl daemon-reload failed (exit 1)"
    assert calls.read_text().splitlines() == ["daemon-reload"]


@pytest.mark.parametrize("panel_user", [None, "pi"])
def test_every_flag_in_exec_start_exists(panel_user: str | None) -> None:
    """The commands the units run parse: click rejects an unknown option before --help exits."""
    settings = UnitSettings(
        mode="system", dash=("dashcli",), profile="pi", server_url="http://127.0.0.1:8080",
        serve_user="pi", panel_user=panel_user,
    )
    units = {**render_units(settings), **render_units(settings, split=True)}
    for name, text in units.items():
        argv = shlex.split(parse(text)["Service"]["ExecStart"])
        result = dash(*argv[1:], "--help")
        assert result.returncode == 0, f"{name}: {result.stderr}"


def test_an_unknown_flag_is_caught_by_that_check() -> None:
    result = dash("matrix", "--led-no-such-flag", "--help")
    assert result.returncode != 0
