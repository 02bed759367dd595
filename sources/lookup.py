"""The secret lookup a source reads its keys through, in a module of its own.

``dashcli.secrets`` implements it and ``dash serve`` passes one around, so it lives apart from
``dashcli.sources.base`` (which imports httpx and the profile schema): naming the type costs a
command nothing.
"""

from __future__ import annotations

from typing import Protocol


class SecretLookup(Protocol):
    """Read access to secrets by key (see ``dashcli.secrets``); never logs values."""

    name: str

    def get(self, key: str) -> str | None: ...


class NoSecrets:
    """The lookup used when a profile configures no secrets provider."""

    name = "none configured"

    def get(self, key: str) -> str | None:
        return None
