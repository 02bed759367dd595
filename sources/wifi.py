"""A WiFi network to join (``wifi``): its name and a QR code phones scan to join it.

The SSID and password come from the secrets (``wifi_ssid``, and ``wifi_password`` unless the
network is open, setting ``security: nopass``); the QR code is made here by segno, from the
standard ``WIFI:T:WPA;S:...;P:...;;`` payload (special characters escaped), in the smallest
symbol that holds it (error correction then raised as far as that symbol allows), so it stays
coarse enough for a panel: a 64×32 panel draws up to version 3 (29 modules, about 50 characters
of SSID and password), 128×64 up to version 11. ``values``: ``ssid``, ``security``,
``hidden`` and ``modules``, the symbol's rows as strings of ``0`` (light) and ``1`` (dark), no
quiet zone, so the page draws it without a QR library. The password never appears in the values
as text, but anyone who can read the values (``/state``, SSE) can decode it from the modules, as
anyone can who scans the page: protect the server with a token where that matters. Nothing
changes until the secrets do: valid for a day.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import segno
from segno import helpers

from dashcli.profiles.schema import WifiSettings
from dashcli.sources.base import FetchContext, Fetched
from dashcli.sources.errors import DataError

PROVIDER = "local"
SSID_NAME = "wifi_ssid"
PASSWORD_NAME = "wifi_password"  # noqa: S105 - the secret key, not its value
VALID_FOR = timedelta(days=1)
# 64 rows hold a version 11 symbol (61 modules) at 1 px per module with a 1-module quiet zone.
MAX_VERSION = 11


async def fetch(ctx: FetchContext) -> Fetched:
    """Read the secrets and encode the network as a QR code."""
    settings = ctx.settings
    assert isinstance(settings, WifiSettings)
    ssid = ctx.secret(SSID_NAME)
    password = None if settings.security == "nopass" else ctx.secret(PASSWORD_NAME)
    values = wifi_values(ssid, password, settings.security, settings.hidden)
    return Fetched(values, ctx.now + VALID_FOR, PROVIDER)


def wifi_values(ssid: str, password: str | None, security: str, hidden: bool) -> dict[str, Any]:
    """The WifiValues of a network: the QR symbol's modules and what to print beside it."""
    payload = helpers.make_wifi_data(ssid=ssid, password=password,
                                     security=None if security == "nopass" else security,
                                     hidden=hidden)
    try:
        symbol = segno.make(payload, error="l", micro=False, boost_error=True)
    except segno.DataOverflowError:
        raise DataError("wifi", "the SSID and password are too long for a QR code") from None
    if int(symbol.version) > MAX_VERSION:
        raise DataError("wifi", f"the QR code would need version {symbol.version}: too fine "
                                "for the panel (shorten the SSID or password)")
    modules = ["".join("1" if dark else "0" for dark in row) for row in symbol.matrix]
    return {"ssid": ssid, "security": security, "hidden": hidden, "modules": modules}
