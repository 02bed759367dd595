"""The WiFi source and page: secrets in, a QR code out that a real decoder (zxing-cpp) reads
back from the rendered PNG as the network's WIFI: payload, in both layouts."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
import zxingcpp
from PIL import Image
from syrupy.assertion import SnapshotAssertion

from dashcli.core.envelope import Update
from dashcli.renderers import render
from dashcli.renderers.output import png_bytes
from dashcli.sources.errors import DataError, MissingSecretError
from dashcli.sources.wifi import wifi_values
from tests.conftest import FixedSecrets, fetch_values
from tests.pages import draw_strict

pytest_plugins = ["tests.snapshots"]

NOW = datetime(2026, 9, 27, 17, 30, tzinfo=UTC)


def state(values: dict[str, object]) -> dict[str, Update]:
    return {"wifi": Update("wifi", NOW, NOW.replace(day=28), values, "local", 1)}


def scanned(page_png: bytes) -> list[str]:
    """What a real QR decoder reads from the PNG."""
    image = Image.open(io.BytesIO(page_png)).convert("RGB")
    return [result.text for result in zxingcpp.read_barcodes(image)]


async def test_secrets_become_a_qr_code_that_scans() -> None:
    secrets = FixedSecrets(wifi_ssid="Family Net", wifi_password="correct horse battery")
    result = await fetch_values("wifi", "http://127.0.0.1:9", secrets=secrets)
    values = result.update.values
    assert (values["ssid"], values["security"], values["hidden"]) == ("Family Net", "WPA", False)
    assert "correct horse battery" not in str(values)
    wanted = "WIFI:T:WPA;S:Family Net;P:correct horse battery;;"
    large = render("wifi", state(values), NOW, size=(128, 64))
    # 2 px per module: the frame itself scans, and as the web preview enlarges it.
    assert scanned(png_bytes(large)) == [wanted]
    assert scanned(png_bytes(large, scale=4)) == [wanted]
    # 1 px per module on 64×32: a decoder needs it enlarged (a phone sees the LEDs that way).
    small = render("wifi", state(values), NOW, size=(64, 32))
    assert scanned(png_bytes(small, scale=4)) == [wanted]


@pytest.mark.parametrize(("ssid", "password", "security", "hidden", "payload"), [
    ("Café;Guests", "a:b\\c", "WPA", True, "WIFI:T:WPA;S:Café\\;Guests;P:a\\:b\\\\c;H:true;"),
    ("Open Lobby", None, "nopass", False, "WIFI:S:Open Lobby;;"),
])
def test_special_characters_and_open_networks(
    ssid: str, password: str | None, security: str, hidden: bool, payload: str
) -> None:
    image = render("wifi", state(wifi_values(ssid, password, security, hidden)), NOW)
    assert scanned(png_bytes(image, scale=4)) == [payload]


async def test_the_password_is_required_unless_the_network_is_open() -> None:
    with pytest.raises(MissingSecretError, match="wifi_password"):
        await fetch_values("wifi", "http://127.0.0.1:9", secrets=FixedSecrets(wifi_ssid="x"))
    result = await fetch_values("wifi", "http://127.0.0.1:9", security="nopass",
                                secrets=FixedSecrets(wifi_ssid="Open Lobby"))
    assert result.update.values["security"] == "nopass"


def test_a_code_too_fine_for_the_panel_is_one_clear_line() -> None:
    with pytest.raises(DataError, match="too fine for the panel"):
        wifi_values("x" * 200, "y" * 200, "WPA", False)


def test_modules_that_are_not_a_square_are_unreadable_data() -> None:
    with pytest.raises(ValueError, match="not a square"):
        draw_strict("wifi", state({"ssid": "x", "security": "WPA", "hidden": False,
                                   "modules": ["101", "01"]}), now=NOW)


def test_wifi_page_snapshot(frame_snapshot: SnapshotAssertion) -> None:
    values = wifi_values("Family Net", "correct horse battery", "WPA", False)
    assert frame_snapshot == render("wifi", state(values), NOW)
