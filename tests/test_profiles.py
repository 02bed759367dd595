"""Profiles: bundled ones validate, errors name file:line:column, --set overrides, search order."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashcli.core.errors import ProfileError
from dashcli.profiles import available_profiles, load_profile, resolve_profile_path, validate_file
from dashcli.profiles.loader import BUNDLED_DIR

GOOD = "location: {name: Oslo, latitude: 59.9, longitude: 10.7, timezone: Europe/Oslo}\n"


@pytest.fixture(autouse=True)
def _isolated_config(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("DASH_PROFILE", raising=False)


@pytest.mark.parametrize("name", ["default", "pi", "kubernetes"])
def test_bundled_profiles_validate(name):
    profile = load_profile(name)
    assert profile.location.timezone
    for entry in profile.display.cycle:
        assert entry.seconds > 0


def test_default_profile_needs_no_account():
    profile = load_profile("default")
    assert profile.secrets is None
    assert profile.store == "embedded"
    assert profile.sources.weather is not None
    assert profile.sources.weather.provider == "open-meteo"
    assert profile.sources.air is not None
    assert profile.sources.air.provider == "open-meteo"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "p.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (GOOD + "sources:\n  weather:\n    provder: x\n",
         ":4:5: sources.weather.provder: unknown key"),
        (GOOD + "units: kelvin\n", ":2:8: units: Input should be 'imperial' or 'metric'"),
        ("location: {name: X, latitude: 91, longitude: 0, timezone: UTC}\n",
         ":1:31: location.latitude: Input should be less than or equal to 90"),
        ("location: {name: X, latitude: 1, longitude: 0, timezone: Mars/Base}\n",
         ":1:58: location.timezone: unknown IANA timezone 'Mars/Base'"),
        ("location: {name: X, latitude: 1, longitude: 0}\n",
         ":1:11: location.timezone: required setting is missing"),
        (GOOD + "display:\n  cycle:\n    - {page: clock, seconds: 0}\n",
         ":4:30: display.cycle.0.seconds: Input should be greater than 0"),
        (GOOD + "store: mysql://x\n", ":2:8: store: store must be"),
        (GOOD + "sources:\n  weather: {base_url: ftp://x}\n",
         ":3:23: sources.weather.base_url: base_url must start with http"),
        ("location: [\n", ":2:1: invalid YAML"),
        ("- 1\n", ":1:1: a profile must be a mapping"),
        (GOOD + "display:\n  cycle:\n    - {page: clock, seconds: 5}\n"
                "    - {page: socer, seconds: 5}\n",
         ":5:14: display.cycle.1.page: unknown page 'socer' (known: app, calendar, clock,"),
        (GOOD + "sources:\n  events:\n    dates:\n      - {date: 1950-13-40, name: x}\n",
         ":5:16: '1950-13-40' is not a valid date (YYYY-MM-DD)"),
    ],
)
def test_errors_name_file_line_and_column(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(ProfileError) as caught:
        load_profile(str(path))
    message = str(caught.value)
    assert message.startswith(f"{path}{expected}"), message
    assert "\n" not in message
    assert caught.value.exit_code == 2


def test_missing_file(tmp_path):
    with pytest.raises(ProfileError, match=r"nope\.yaml: profile file not found"):
        load_profile(str(tmp_path / "nope.yaml"))
    with pytest.raises(ProfileError, match=r"nope\.yaml: profile file not found"):
        validate_file(tmp_path / "nope.yaml")


def test_unknown_profile_name_lists_known_ones():
    with pytest.raises(ProfileError, match=r"profile 'office' not found \(known: default, "):
        load_profile("office")


def test_overrides_are_parsed_as_yaml_and_validated(tmp_path):
    path = write(tmp_path, GOOD)
    profile = load_profile(
        str(path),
        ["sources.mlb.teams=[nyy, bos]", "server.port=9001", "display.size=64x32",
         "sources.weather.base_url=http://127.0.0.1:9/"],
    )
    assert profile.sources.mlb is not None
    assert profile.sources.mlb.teams == ["NYY", "BOS"]
    assert profile.server.port == 9001
    assert profile.display.width_height == (64, 32)
    assert profile.sources.weather is not None
    assert profile.sources.weather.base_url == "http://127.0.0.1:9"


def test_override_errors_name_the_override(tmp_path):
    path = write(tmp_path, GOOD)
    with pytest.raises(ProfileError, match=r": --set server\.port: Input should be a valid"):
        load_profile(str(path), ["server.port=many"])
    with pytest.raises(ProfileError, match=r"expected dotted\.path=value"):
        load_profile(str(path), ["server.port"])
    with pytest.raises(ProfileError, match=r"location\.name is a value, not a section"):
        load_profile(str(path), ["location.name.first=x"])


def test_override_into_a_list_entry():
    profile = load_profile("default", ["display.cycle.0.seconds=3"])
    assert profile.display.cycle[0].seconds == 3


def test_search_order_user_dir_then_env_then_bundled(tmp_path, monkeypatch):
    user_dir = tmp_path / "config" / "dash" / "profiles"
    user_dir.mkdir(parents=True)
    (user_dir / "default.yaml").write_text(GOOD)
    (user_dir / "home.yaml").write_text(GOOD)
    assert resolve_profile_path(None) == user_dir / "default.yaml"
    assert load_profile().location.name == "Oslo"
    monkeypatch.setenv("DASH_PROFILE", "pi")
    assert resolve_profile_path(None) == BUNDLED_DIR / "pi.yaml"
    assert resolve_profile_path("home") == user_dir / "home.yaml"
    names = {info.name: info.origin for info in available_profiles()}
    assert names["default"] == "user"
    assert names["pi"] == "bundled"
    assert names["home"] == "user"


def test_inline_event_dates_may_be_unquoted_yaml_dates():
    profile = load_profile("default", ["sources.events.items=[{name: Pip, date: 2001-02-07}]"])
    assert profile.sources.events is not None
    assert profile.sources.events.items[0].date == "2001-02-07"


def test_the_page_names_profiles_accept_are_the_pages_drawn():
    from dashcli.core.pages import PAGE_NAMES
    from dashcli.renderers.registry import PAGES

    assert set(PAGES) == PAGE_NAMES


@pytest.mark.parametrize(("display", "size"), [
    ("", (128, 64)),
    ("display: {size: 64x32}\n", (64, 32)),
    ("display: {panel: {brightness: 40}}\n", (128, 64)),
])
def test_a_panel_without_geometry_draws_the_display_size(tmp_path, display, size):
    """rows x cols x chain (a U-mapper folds a chain of four 64x32 modules into 128x64)."""
    panel = load_profile(str(write(tmp_path, GOOD + display))).display.panel
    width, height = panel.cols * panel.chain_length, panel.rows * panel.parallel
    if panel.pixel_mapper_config == "U-mapper":
        width, height = width // 2, height * 2
    assert (width, height) == size


def test_a_bad_date_in_an_override_is_a_schema_error_not_a_crash(tmp_path):
    with pytest.raises(ProfileError) as caught:
        load_profile(str(write(tmp_path, GOOD)), ["sources.events.dates=[{date: 1950-13-40}]"])
    assert "--set" in str(caught.value)


def test_the_schema_and_the_settings_reference_are_up_to_date():
    """Regenerate after changing profiles/schema.py: dash profiles schema >
    profiles/profile.schema.json and dash profiles schema --markdown > docs/settings.md."""
    from dashcli.profiles.reference import reference, schema_text

    root = Path(__file__).resolve().parents[1]
    assert (BUNDLED_DIR / "profile.schema.json").read_text() == schema_text()
    assert (root / "docs" / "settings.md").read_text() == reference()


@pytest.mark.parametrize("name", ["default", "pi", "kubernetes"])
def test_bundled_profiles_name_their_schema_and_match_it(name):
    import json

    import jsonschema
    import yaml

    path = BUNDLED_DIR / f"{name}.yaml"
    text = path.read_text()
    assert text.startswith("# yaml-language-server: $schema=profile.schema.json\n")
    schema = json.loads((BUNDLED_DIR / "profile.schema.json").read_text())
    jsonschema.validate(yaml.safe_load(text), schema)


def test_the_schema_rejects_a_page_that_does_not_exist():
    import json

    import jsonschema

    schema = json.loads((BUNDLED_DIR / "profile.schema.json").read_text())
    profile = {"location": {"name": "X", "latitude": 1, "longitude": 2, "timezone": "UTC"},
               "display": {"cycle": [{"page": "socer", "seconds": 5}]}}
    with pytest.raises(jsonschema.ValidationError, match="socer"):
        jsonschema.validate(profile, schema)
