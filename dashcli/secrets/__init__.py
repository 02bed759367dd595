"""Secrets providers chosen by the profile's ``secrets:`` section: file, env, kubernetes, kubevault.

:func:`open_secrets` returns a lookup with ``get(key) -> str | None`` whose values were read once,
when it opened; ``refresh()`` reads them again (after an upstream rejected a rotated key) and
``close()`` releases what the provider holds (the kubevault Vault token). Values never reach logs,
output, exception messages or a ``repr``: errors name providers, files, objects and keys only.
Each provider lives in its own module, imported only when a profile selects it, and this package
imports nothing heavy itself, so :mod:`dashcli.secrets.logs` stays cheap for the command line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dashcli.core.errors import DashError, ProfileError
from dashcli.secrets.base import Secrets, SecretsError
from dashcli.sources.lookup import NoSecrets, SecretLookup

if TYPE_CHECKING:
    from dashcli.profiles.schema import Profile


def provider_lookup(profile: Profile) -> Secrets | None:
    """The profile's provider, not yet read (None when the profile configures none)."""
    from dashcli.profiles.schema import EnvSecrets, FileSecrets, KubernetesSecrets, KubeVaultSecrets

    config = profile.secrets
    if config is None:
        return None
    if isinstance(config, FileSecrets):
        from dashcli.secrets.file import FileSecretsLookup

        return FileSecretsLookup(config)
    if isinstance(config, EnvSecrets):
        from dashcli.secrets.env import EnvSecretsLookup

        return EnvSecretsLookup(config)
    if isinstance(config, KubernetesSecrets):
        from dashcli.secrets.kubernetes import KubernetesSecretsLookup

        return KubernetesSecretsLookup(config)
    if isinstance(config, KubeVaultSecrets):
        from dashcli.secrets.kubevault import KubeVaultSecretsLookup

        return KubeVaultSecretsLookup(config)
    raise SecretsError(config.source, "unknown secrets provider")


def open_secrets(profile: Profile) -> SecretLookup:
    """The profile's secrets, read now; a provider failure is one SecretsError line (exit 1)."""
    lookup = provider_lookup(profile)
    if lookup is None:
        return NoSecrets()
    try:
        return lookup.load()
    except BaseException:
        lookup.close()
        raise


__all__ = ["Secrets", "SecretsError", "open_secrets", "provider_lookup"]


def server_token(profile: Profile, secrets: SecretLookup | None = None) -> str | None:
    """The bearer token of ``dash serve``: ``server.token``, or the secret ``server.token_secret``
    names (read from ``secrets``, else from the profile's provider). None: no auth configured.

    One place for the server, the displays following it and ``dash healthcheck``.
    """
    if profile.server.token is not None:
        return _usable_token(profile.server.token, "server.token", ProfileError)
    name = profile.server.token_secret
    if not name:
        return None
    lookup = secrets if secrets is not None else open_secrets(profile)
    value = lookup.get(name)
    if value is None:
        raise DashError(f"server.token_secret: secret {name!r} not found in {lookup.name}")
    return _usable_token(value, f"server.token_secret {name!r}", DashError)


def _usable_token(value: str, where: str, error: type[DashError]) -> str:
    """The token without the surrounding whitespace a file or editor adds (a trailing newline
    would lock every client out); empty is refused, never read as "no auth"."""
    token = value.strip()
    if not token:
        raise error(f"{where}: empty or whitespace only; remove it to serve without auth, "
                    "or set a token")
    return token
