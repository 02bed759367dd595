"""Sources: one module per upstream family, each turning a response into validated ``values``.

This module is the registry. It names every data type, its providers and the secrets they need,
without importing the provider modules (they load httpx and parsing libraries), so the command
line can list and check sources cheaply. :func:`run_provider` runs the profile's provider of one
data type and returns its :class:`~dashcli.sources.base.Fetched` values (the envelope around
them is built in :mod:`dashcli.fetching.fetch`); every failure is a one-line
:class:`SourceError` prefixed with the data type.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dashcli.core.errors import UsageError
from dashcli.core.plugins import SOURCES_GROUP, load_group
from dashcli.sources.errors import DataError, MissingSecretError, SourceError, UpstreamError

if TYPE_CHECKING:
    from dashcli.sources.base import FetchContext, Fetched, Provider


@dataclass(frozen=True)
class SecretSpec:
    """A secret a provider needs: its key, whether the fetch fails without it, and why."""

    key: str
    required: bool
    purpose: str


@dataclass(frozen=True)
class ProviderInfo:
    name: str
    target: str  # "module:function", imported on first use
    secrets: tuple[SecretSpec, ...] = ()


@dataclass(frozen=True)
class SourceInfo:
    """A data type: what it shows, its providers (the first is the default), its fetch period."""

    name: str
    summary: str
    providers: tuple[ProviderInfo, ...]
    every: float  # default seconds between fetches when ``valid`` does not say sooner

    def provider(self, name: str | None) -> ProviderInfo:
        if name is None:
            return self.providers[0]
        for info in self.providers:
            if info.name == name:
                return info
        known = ", ".join(info.name for info in self.providers)
        raise SourceError(f"{self.name}: unknown provider {name!r} (known: {known})")


_OWM_KEY = SecretSpec("owm_api_key", True, "OpenWeatherMap API key")
_GITHUB_TOKEN = SecretSpec("github_token", False, "GitHub token (higher rate limit, private repos)")
_ESPN = "dashcli.sources.espn:fetch_scoreboard"

SOURCES: dict[str, SourceInfo] = {
    info.name: info
    for info in (
        SourceInfo("clock", "local date and time in the profile's timezone", (
            ProviderInfo("local", "dashcli.sources.clock:fetch"),), every=3600),
        SourceInfo("weather", "current conditions, next 24 hours, 7 days", (
            ProviderInfo("open-meteo", "dashcli.sources.open_meteo:fetch_weather"),
            ProviderInfo("openweathermap", "dashcli.sources.openweathermap:fetch_weather",
            (_OWM_KEY,)),
        ), every=600),
        SourceInfo("air", "US EPA air quality index and main pollutant", (
            ProviderInfo("open-meteo", "dashcli.sources.open_meteo:fetch_air"),
            ProviderInfo("openweathermap", "dashcli.sources.openweathermap:fetch_air", (_OWM_KEY,)),
        ), every=1800),
        SourceInfo("moon", "sun and moon rise/set, moon phase (met.no)", (
            ProviderInfo("met.no", "dashcli.sources.metno:fetch"),), every=6 * 3600),
        SourceInfo("mlb", "MLB games of the day with live situation", (
            ProviderInfo("statsapi", "dashcli.sources.mlb_statsapi:fetch"),
            ProviderInfo("espn", _ESPN),
        ), every=900),
        SourceInfo("nfl", "NFL games (ESPN scoreboard)", (ProviderInfo("espn", _ESPN),), every=900),
        SourceInfo("nba", "NBA games (ESPN scoreboard)", (ProviderInfo("espn", _ESPN),), every=900),
        SourceInfo("nhl", "NHL games (ESPN scoreboard)", (ProviderInfo("espn", _ESPN),), every=900),
        SourceInfo("soccer", "a soccer league's games (ESPN, setting league)", (
            ProviderInfo("espn", _ESPN),), every=900),
        SourceInfo("calendar", "today's and this week's events from an ICS URL or file", (
            ProviderInfo("ics", "dashcli.sources.calendar:fetch",
                         (SecretSpec("calendar_url", False, "private ICS URL"),)),), every=900),
        SourceInfo("events", "next birthdays and anniversaries from a local list", (
            ProviderInfo("local", "dashcli.sources.events:fetch"),), every=3600),
        SourceInfo("github", "a repository's latest commit and workflow run", (
            ProviderInfo("github", "dashcli.sources.github:fetch", (_GITHUB_TOKEN,)),), every=300),
        SourceInfo("track", "a GPS tracker's latest position (Garmin inReach MapShare)", (
            ProviderInfo("inreach", "dashcli.sources.inreach:fetch",
                         (SecretSpec("inreach_password", False, "MapShare password"),)),),
                   every=600),
        SourceInfo("wifi", "a WiFi network's name and a QR code to join it", (
            ProviderInfo("local", "dashcli.sources.wifi:fetch", (
                SecretSpec("wifi_ssid", True, "the network's name"),
                SecretSpec("wifi_password", False, "the network's password (not for nopass)"),
            )),), every=86400),
    )
}


def source_info(name: str) -> SourceInfo:
    """The registry entry for ``name``; an unknown name is a UsageError listing the known ones."""
    found = SOURCES.get(name) or plugin_sources().get(name)
    if found is None:
        known = ", ".join([*SOURCES, *plugin_sources()])
        raise UsageError(f"unknown source {name!r} (known: {known})")
    return found


def plugin_sources() -> dict[str, SourceInfo]:
    """The sources installed packages add (entry point group ``dashcli.sources``), by name; a
    plugin's ``name`` must match its entry point's and may not replace a built-in source."""
    loaded = load_group(SOURCES_GROUP, SourceInfo)
    return {name: info for name, info in loaded.items()
            if isinstance(info, SourceInfo) and info.name == name and name not in SOURCES}


def load_provider(info: ProviderInfo) -> Provider:
    """The provider function ``info`` names (its module is imported on first use)."""
    module_name, _, attribute = info.target.partition(":")
    module = importlib.import_module(module_name)
    provider: Provider = getattr(module, attribute)
    return provider


async def run_provider(ctx: FetchContext) -> Fetched:
    """Run the profile's provider for ``ctx.type``; errors come back prefixed with the type."""
    info = source_info(ctx.type)
    provider_info = info.provider(getattr(ctx.settings, "provider", None))
    provider = load_provider(provider_info)
    try:
        return await provider(ctx)
    except SourceError as exc:
        exc.args = (f"{ctx.type}: {exc}",)
        raise


__all__ = [
    "SOURCES",
    "DataError",
    "MissingSecretError",
    "ProviderInfo",
    "SecretSpec",
    "SourceError",
    "SourceInfo",
    "UpstreamError",
    "load_provider",
    "run_provider",
    "source_info",
]
