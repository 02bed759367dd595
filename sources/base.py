"""What a source is given (:class:`FetchContext`) and what it returns (:class:`Fetched`).

A provider is an ``async def fetch(ctx: FetchContext) -> Fetched`` in its family's module. The
context carries the profile, the source's own settings, a shared HTTP client, the fetch time and
secret lookup; providers read no clock and no global state, so tests drive them exactly.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from dashcli.core.envelope import Update
from dashcli.profiles.schema import Profile, SourceSettings
from dashcli.sources.errors import MissingSecretError
from dashcli.sources.http import RetryPolicy
from dashcli.sources.lookup import NoSecrets as NoSecrets  # re-exported: older import sites
from dashcli.sources.lookup import SecretLookup as SecretLookup


@dataclass(frozen=True)
class FetchContext:
    """Everything a provider may use for one fetch."""

    type: str
    profile: Profile
    settings: SourceSettings
    client: httpx.AsyncClient
    now: datetime
    secrets: SecretLookup = field(default_factory=NoSecrets)
    retry: RetryPolicy = field(default_factory=RetryPolicy)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.profile.location.timezone)

    @property
    def local_now(self) -> datetime:
        return self.now.astimezone(self.tz)

    @property
    def imperial(self) -> bool:
        return self.profile.units == "imperial"

    def base_url(self, default: str) -> str:
        """The profile's ``base_url`` override, else the provider's public address."""
        return (self.settings.base_url or default).rstrip("/")

    def secret(self, key: str) -> str:
        """A required secret's value; MissingSecretError names the key, never a value."""
        value = self.secrets.get(key)
        if not value:
            raise MissingSecretError(key, self.secrets.name)
        return value

    def optional_secret(self, key: str) -> str | None:
        return self.secrets.get(key) or None


@dataclass(frozen=True)
class Fetched:
    """A provider's result: validated ``values``, when they go stale, and the raw body."""

    values: dict[str, Any]
    valid: datetime
    source: str
    raw: bytes | None = None

    def to_update(self, kind: str, updated: datetime) -> Update:
        return Update(type=kind, updated=updated, valid=self.valid, values=self.values,
                      source=self.source)


Provider = Callable[[FetchContext], Awaitable[Fetched]]
