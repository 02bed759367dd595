"""What ``dash secrets check`` reports: every secret a profile needs and whether it is there.

The needs come from the registry (each enabled source's provider declares its
:class:`~sources.SecretSpec`), the store (a Redis password written in the store URL) and the
server (``server.token_secret``, or an inline ``server.token``) and the alert channels
(``alerts.channels[].password_secret`` / ``token_secret``). Each is looked up in the
profile's provider and reported as found or missing with a masked hint, never the value.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from dashcli.core.redact import mask
from dashcli.profiles.schema import CalendarSettings, Profile
from dashcli.secrets.base import Secrets
from dashcli.sources import SOURCES


@dataclass(frozen=True)
class Need:
    """A secret the profile needs: its key, who needs it, whether it is required, what for."""

    key: str
    needed_by: str
    required: bool
    purpose: str
    inline: str | None = None  # the value when the profile itself holds it (never printed)
    inline_where: str = ""


@dataclass(frozen=True)
class Row:
    """One line of the check: where the secret was looked for and a masked hint when found."""

    need: Need
    provider: str
    found: bool
    hint: str

    @property
    def status(self) -> str:
        return "found" if self.found else "missing"


def needs(profile: Profile) -> list[Need]:
    """Every secret the enabled sources, the store and the server of ``profile`` need."""
    found: list[Need] = []
    for name, settings in profile.sources.enabled().items():
        provider = SOURCES[name].provider(getattr(settings, "provider", None))
        for spec in provider.secrets:
            key, required = spec.key, spec.required
            if isinstance(settings, CalendarSettings):
                # The calendar needs a secret only when its URL is one, under the name it gives.
                if not settings.url_secret:
                    continue
                key, required = settings.url_secret, True
            found.append(Need(key, f"{name} ({provider.name})", required, spec.purpose))
    password = urlsplit(profile.store).password if profile.store.startswith("redis") else None
    if password:
        found.append(Need("store password", f"store ({urlsplit(profile.store).scheme})", True,
                          "Redis password", inline=password, inline_where="profile store URL"))
    server = profile.server
    if server.token_secret:
        found.append(Need(server.token_secret, "server", True, "bearer token of dash serve"))
    elif server.token:
        found.append(Need("server token", "server", True, "bearer token of dash serve",
                          inline=server.token, inline_where="profile server.token"))
    for number, channel in enumerate(profile.alerts.channels if profile.alerts else []):
        secret = channel.password_secret if channel.type == "email" else channel.token_secret
        if secret:
            found.append(Need(secret, f"alerts channel {number + 1} ({channel.type})", True,
                              "SMTP password" if channel.type == "email" else "webhook token"))
    return found


def check(required: list[Need], lookup: Secrets | None) -> list[Row]:
    """Look every need up (``lookup`` None: the profile configures no secrets provider)."""
    rows: list[Row] = []
    for need in required:
        if need.inline is not None:
            rows.append(Row(need, need.inline_where, True, mask(need.inline)))
            continue
        value = lookup.get(need.key) if lookup is not None else None
        where = lookup.where(need.key) if lookup is not None else "none configured"
        rows.append(Row(need, where, bool(value), mask(value) if value else "-"))
    return rows
