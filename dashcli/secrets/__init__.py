"""Secrets providers chosen by the profile's ``secrets:`` section: file, env, kubernetes, kubevault.

:func:`open_secrets` returns a lookup with ``get(key) -> str | None``. Values are read once and
kept in memory; they never reach logs, output or exception messages (errors name keys, files and
providers only).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import yaml

from dashcli.errors import DashError
from profiles.schema import EnvSecrets, FileSecrets, Profile
from sources.base import NoSecrets, SecretLookup


class SecretsError(DashError):
    """A secrets provider failed: unreadable file, bad format, unreachable API (exit 1)."""


class StaticSecrets:
    """Secrets already read into memory, with the profile's key mapping applied."""

    def __init__(self, name: str, values: dict[str, str], mapping: dict[str, str]) -> None:
        self.name = name
        self._values = values
        self._mapping = mapping

    def __repr__(self) -> str:
        return f"StaticSecrets({self.name}, {len(self._values)} keys)"

    def get(self, key: str) -> str | None:
        return self._values.get(self._mapping.get(key, key))


def open_secrets(profile: Profile) -> SecretLookup:
    """The lookup for the profile's provider (nothing configured: every secret is missing)."""
    config = profile.secrets
    if config is None:
        return NoSecrets()
    if isinstance(config, FileSecrets):
        return _file_secrets(config)
    if isinstance(config, EnvSecrets):
        return _env_secrets(config)
    raise SecretsError(f"secrets: provider {config.source!r} is not available in this build")


def _file_secrets(config: FileSecrets) -> StaticSecrets:
    path = Path(config.path).expanduser()
    name = f"file {path}"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SecretsError(f"secrets: {path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise SecretsError(f"secrets: {path}: cannot read: {reason}") from None
    data: Any
    try:
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        line = getattr(exc, "lineno", None) if line is None else line + 1
        where = f"{path}:{line}" if line else str(path)
        # The parser's message may quote the offending text, which can be a secret: omit it.
        kind = "JSON" if path.suffix == ".json" else "YAML"
        raise SecretsError(f"secrets: {where}: not valid {kind}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise SecretsError(f"secrets: {path}: expected a mapping of key: value")
    values = {str(key): str(value) for key, value in data.items() if value is not None}
    return StaticSecrets(name, values, config.map)


def _env_secrets(config: EnvSecrets) -> StaticSecrets:
    environment: dict[str, str] = {}
    if config.env_file:
        path = Path(config.env_file).expanduser()
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise SecretsError(f"secrets: {path}: cannot read: {exc.strerror}") from None
        for line in lines:
            stripped = line.strip()
            if not stripped or stripped.startswith("#") or "=" not in stripped:
                continue
            key, _, value = stripped.removeprefix("export ").partition("=")
            environment[key.strip()] = value.strip().strip("'\"")
    # Only mapped variables are read: the profile decides which names are secrets.
    values: dict[str, str] = {}
    for key, variable in config.map.items():
        found = os.environ.get(variable) or environment.get(variable)
        if found:
            values[key] = found
    return StaticSecrets("env", values, {})
