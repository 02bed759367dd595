"""The file and env secrets providers, ``dash secrets check``, and the issue's "done when" path.

Everything is real: temp files, a ``.env``, the process environment, the ``dash`` command (in
process through ``dashcli.cli.main``, and as a subprocess for the new-user path) and a local
replay server standing in for OpenWeatherMap.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from dashcli.cli import main
from dashcli.core.redact import mask
from dashcli.profiles.schema import Profile
from dashcli.secrets import SecretsError, open_secrets, provider_lookup
from dashcli.secrets.check import check, needs
from tests.conftest import fixture_path
from tests.replay import ReplayServer, Reply

OWM_KEY = "0wm-k3y-9f8e7d6c5b4a39281706f5e4"
BOSTON = {"name": "Boston", "latitude": 42.36, "longitude": -71.06,
          "timezone": "America/New_York"}


def profile(secrets: dict[str, Any] | None, **extra: Any) -> Profile:
    data: dict[str, Any] = {"location": BOSTON, "units": "imperial", **extra}
    if secrets is not None:
        data["secrets"] = secrets
    return Profile.model_validate(data)


def run_dash(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    """Run the ``dash`` entry point in process; returns (exit code, stdout, stderr)."""
    monkeypatch.setattr(sys, "argv", ["dash", *args])
    monkeypatch.setenv("COLUMNS", "200")
    with pytest.raises(SystemExit) as exited:
        main()
    captured = capsys.readouterr()
    code = exited.value.code
    return (code if isinstance(code, int) else 1), captured.out, captured.err


# --- file -----------------------------------------------------------------------------------


def test_file_yaml_with_map(tmp_path: Path) -> None:
    path = tmp_path / "secrets.yaml"
    path.write_text(f"owm: {OWM_KEY}\nport: 6379\nflag: true\nempty:\n")
    lookup = open_secrets(profile({"source": "file", "path": str(path),
                                   "map": {"owm_api_key": "owm"}}))
    assert lookup.get("owm_api_key") == OWM_KEY
    assert lookup.get("port") == "6379"
    assert lookup.get("flag") == "true"
    assert lookup.get("empty") is None
    assert lookup.get("github_token") is None
    assert lookup.name == f"file {path}"
    assert OWM_KEY not in repr(lookup)


def test_file_json(tmp_path: Path) -> None:
    path = tmp_path / "secrets.json"
    path.write_text(json.dumps({"owm_api_key": OWM_KEY}))
    lookup = open_secrets(profile({"source": "file", "path": str(path)}))
    assert lookup.get("owm_api_key") == OWM_KEY


def test_file_not_found(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(SecretsError) as caught:
        open_secrets(profile({"source": "file", "path": str(path)}))
    assert str(caught.value) == f"secrets (file): {path}: file not found"
    assert caught.value.exit_code == 1


@pytest.mark.parametrize(
    ("name", "text", "line", "kind"),
    [
        ("bad.yaml", f"owm_api_key: {OWM_KEY}\nother: [unclosed {OWM_KEY}\n", 3, "YAML"),
        ("bad.yaml", f"a: 1\n  b: {OWM_KEY}: x\n", 2, "YAML"),
        ("bad.json", f'{{"owm_api_key": "{OWM_KEY}",\n "x": {OWM_KEY}}}\n', 2, "JSON"),
    ],
)
def test_bad_file_names_line_not_text(
    tmp_path: Path, name: str, text: str, line: int, kind: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(SecretsError) as caught:
        open_secrets(profile({"source": "file", "path": str(path)}))
    assert str(caught.value) == f"secrets (file): {path}:{line}: not valid {kind}"
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


@pytest.mark.parametrize(
    ("text", "reason"),
    [("- a\n- b\n", "expected a mapping of key: value"),
     ("owm_api_key: {nested: x}\n", "key 'owm_api_key': expected a string or number")],
)
def test_file_wrong_shape(tmp_path: Path, text: str, reason: str) -> None:
    path = tmp_path / "secrets.yaml"
    path.write_text(text)
    with pytest.raises(SecretsError, match=reason):
        open_secrets(profile({"source": "file", "path": str(path)}))


def test_read_once_then_refresh(tmp_path: Path) -> None:
    path = tmp_path / "secrets.yaml"
    path.write_text("owm_api_key: first-key-value\n")
    lookup = provider_lookup(profile({"source": "file", "path": str(path)}))
    assert lookup is not None
    lookup.load()
    path.write_text("owm_api_key: second-key-value\n")
    assert lookup.get("owm_api_key") == "first-key-value"  # not re-read on every lookup
    lookup.refresh()
    assert lookup.get("owm_api_key") == "second-key-value"
    path.write_text("owm_api_key: [broken\n")
    with pytest.raises(SecretsError):
        lookup.refresh()
    assert lookup.get("owm_api_key") == "second-key-value"  # a failed refresh keeps the old


# --- env ------------------------------------------------------------------------------------


def test_env_mapped_variables_and_dotenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        "# secrets for dash\n"
        "export OWM_KEY='from-dotenv-quoted'\n"
        'GH_TOKEN="ghp_dotenv_token_value"\n'
        "CAL_URL=https://cal.example/private.ics  # comment\n"
        "UNMAPPED=should-not-be-read\n"
    )
    monkeypatch.setenv("GH_TOKEN", "ghp_from_process_env")
    monkeypatch.setenv("SERVER_TOKEN", "server-token-from-env")
    monkeypatch.delenv("OWM_KEY", raising=False)
    lookup = open_secrets(profile({
        "source": "env", "env_file": str(env_file),
        "map": {"owm_api_key": "OWM_KEY", "github_token": "GH_TOKEN",
                "calendar_url": "CAL_URL", "server_token": "SERVER_TOKEN"},
    }))
    assert lookup.get("owm_api_key") == "from-dotenv-quoted"
    assert lookup.get("github_token") == "ghp_from_process_env"  # the process wins over .env
    assert lookup.get("calendar_url") == "https://cal.example/private.ics"
    assert lookup.get("server_token") == "server-token-from-env"
    # Only mapped variables are read, whatever the environment or .env holds.
    assert lookup.get("UNMAPPED") is None
    assert lookup.get("SERVER_TOKEN") is None
    assert "ghp_" not in repr(lookup)


def test_env_without_file_reads_only_the_map(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DASH_OWM", "owm-from-env-123456")
    monkeypatch.setenv("HOME_SECRET", "not-mapped")
    lookup = open_secrets(profile({"source": "env", "map": {"owm_api_key": "DASH_OWM"}}))
    assert lookup.get("owm_api_key") == "owm-from-env-123456"
    assert lookup.get("HOME_SECRET") is None


def test_env_file_errors(tmp_path: Path) -> None:
    missing = tmp_path / "missing.env"
    with pytest.raises(SecretsError, match=r"^secrets \(env\): .*missing.env: file not found$"):
        open_secrets(profile({"source": "env", "env_file": str(missing), "map": {"a": "A"}}))
    broken = tmp_path / ".env"
    broken.write_text(f"A=1\nthis line is {OWM_KEY}\n")
    with pytest.raises(SecretsError) as caught:
        open_secrets(profile({"source": "env", "env_file": str(broken), "map": {"a": "A"}}))
    assert str(caught.value) == f"secrets (env): {broken}:2: expected NAME=value"


# --- needs and check ------------------------------------------------------------------------


def test_needs_cover_sources_store_and_server(tmp_path: Path) -> None:
    loaded = profile(
        {"source": "file", "path": str(tmp_path / "s.yaml")},
        store="redis://dash:r3dis-pass-word@redis:6379/0",
        sources={"weather": {"provider": "openweathermap"}, "air": {},
                 "github": {"repository": "owner/repo"},
                 "calendar": {"url_secret": "family_calendar"}},
        server={"token_secret": "server_token"},
    )
    found = {(need.key, need.needed_by, need.required) for need in needs(loaded)}
    assert found == {
        ("owm_api_key", "weather (openweathermap)", True),
        ("github_token", "github (github)", False),
        ("family_calendar", "calendar (ics)", True),
        ("store password", "store (redis)", True),
        ("server_token", "server", True),
    }
    plain = profile(None, sources={"calendar": {"url": "https://example.org/family.ics"}})
    assert needs(plain) == []
    rows = check(needs(loaded), None)
    store = next(row for row in rows if row.need.key == "store password")
    assert store.found
    assert store.hint == mask("r3dis-pass-word")
    assert all(not row.found for row in rows if row.need.key != "store password")


def _check_profile(tmp_path: Path, secrets: dict[str, str] | None) -> Path:
    secrets_file = tmp_path / "secrets.yaml"
    if secrets is not None:
        secrets_file.write_text(yaml.safe_dump(secrets))
    path = tmp_path / "home.yaml"
    path.write_text(yaml.safe_dump({
        "location": BOSTON,
        "secrets": {"source": "file", "path": str(secrets_file)},
        "sources": {"weather": {"provider": "openweathermap"},
                    "github": {"repository": "owner/repo"}},
        "server": {"token_secret": "server_token"},
    }))
    return path


def test_check_found_and_masked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _check_profile(tmp_path, {"owm_api_key": OWM_KEY, "server_token": "tok-0123456789"})
    code, out, err = run_dash(monkeypatch, capsys, "secrets", "check", "--profile", str(path))
    assert (code, err) == (0, "")
    lines = {line.split("│")[1].strip(): line for line in out.splitlines() if "│" in line}
    assert "found" in lines["owm_api_key"]
    assert mask(OWM_KEY) in lines["owm_api_key"]
    assert "required" in lines["owm_api_key"]
    assert "weather (openweathermap)" in out
    assert "missing" in lines["github_token"]
    assert "optional" in lines["github_token"]
    assert "found" in lines["server_token"]
    assert OWM_KEY not in out
    assert "tok-0123456789" not in out


def test_check_missing_required_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _check_profile(tmp_path, {"server_token": "tok-0123456789"})
    code, out, err = run_dash(monkeypatch, capsys, "secrets", "check", "--profile", str(path))
    assert code == 1
    assert err == (
        "missing required secret 'owm_api_key' (needed by weather (openweathermap)) "
        f"from secrets provider file {tmp_path / 'secrets.yaml'}\n"
    )
    assert "missing" in out


def test_check_provider_failure_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _check_profile(tmp_path, None)
    code, out, err = run_dash(monkeypatch, capsys, "secrets", "check", "--profile", str(path))
    assert code == 1
    assert err == f"secrets (file): {tmp_path / 'secrets.yaml'}: file not found\n"
    assert "not checked" in out


def test_check_with_set_and_no_needs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _check_profile(tmp_path, {"owm_api_key": OWM_KEY})
    overrides = ["--set", "sources.weather.provider=open-meteo", "--set",
                 "server.token_secret=null", "--set", "sources.github.enabled=false"]
    code, out, _ = run_dash(
        monkeypatch, capsys, "secrets", "check", "--profile", str(path), *overrides
    )
    assert (code, out) == (0, "this profile needs no secrets\n")
    code, out, _ = run_dash(monkeypatch, capsys, "secrets", "check", "--profile", str(path),
                            *overrides, "--store", "redis://dash:0123456789abcdef@redis:6379/0")
    assert code == 0
    row = next(line for line in out.splitlines() if "store password" in line)
    assert "store (redis)" in row
    assert mask("0123456789abcdef") in row
    assert "0123456789abcdef" not in out


# --- the "done when": a new user with OpenWeatherMap and a secrets file ---------------


def dash_process(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m dashcli`` as a new user would, with a bare environment."""
    return subprocess.run(
        [sys.executable, "-m", "dashcli", *args], capture_output=True, text=True, timeout=60,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "200", "HOME": "/nonexistent"},
    )


def test_done_when_openweathermap_key_in_a_secrets_file(
    tmp_path: Path, upstream: ReplayServer
) -> None:
    pytest.importorskip("dashcli.sources.openweathermap")
    upstream.route("/data/3.0/onecall",
                   Reply(fixture_path("openweathermap/onecall-boston-imperial.json")))
    secrets_file = tmp_path / "secrets.yaml"
    secrets_file.write_text(f"owm_api_key: {OWM_KEY}\n")
    home = tmp_path / "home.yaml"
    home.write_text(yaml.safe_dump({
        "location": BOSTON, "units": "imperial",
        "secrets": {"source": "file", "path": str(secrets_file)},
        "sources": {"weather": {"provider": "openweathermap", "base_url": upstream.url}},
    }))

    checked = dash_process("secrets", "check", "--profile", str(home))
    assert checked.returncode == 0, checked.stderr
    row = next(line for line in checked.stdout.splitlines() if "owm_api_key" in line)
    assert "found" in row
    assert mask(OWM_KEY) in row

    fetched = dash_process("fetch", "weather", "--profile", str(home), "--json")
    assert fetched.returncode == 0, fetched.stderr
    assert json.loads(fetched.stdout)["source"] == "openweathermap"
    assert upstream.hits("/data/3.0/onecall")[-1].query["appid"] == [OWM_KEY]

    secrets_file.write_text("github_token: unrelated-token\n")
    checked = dash_process("secrets", "check", "--profile", str(home))
    assert checked.returncode == 1
    assert checked.stderr.count("\n") == 1
    assert "'owm_api_key'" in checked.stderr
    fetched = dash_process("fetch", "weather", "--profile", str(home))
    assert fetched.returncode == 1
    assert fetched.stderr == (
        f"weather: missing secret 'owm_api_key' (secrets provider: file {secrets_file})\n"
    )
    hits = len(upstream.hits("/data/3.0/onecall"))
    assert hits == 1  # the failing fetch never called the upstream
    for result in (checked, fetched):
        assert OWM_KEY not in result.stdout + result.stderr


def test_env_file_quotes_and_comments_follow_python_dotenv(tmp_path: Path) -> None:
    """A quoted value with a trailing comment loses its quotes (it was sent quoted, and got 401)."""
    env_file = tmp_path / ".env"
    env_file.write_text('TOKEN="s3cret-value" # the server token\nDOLLAR=a$HOME\n')
    lookup = open_secrets(profile({"source": "env", "env_file": str(env_file),
                                   "map": {"server_token": "TOKEN", "other": "DOLLAR"}}))
    assert lookup.get("server_token") == "s3cret-value"
    assert lookup.get("other") == "a$HOME"
