"""What every secrets provider shares: the error type, the cached lookup and the parsers.

A provider subclasses :class:`Secrets` and implements ``_load()``, which reads every secret the
provider holds into a ``{provider-side name: value}`` dict. The lookup reads once when opened and
again only when asked (:meth:`Secrets.refresh`, after a fetch failed because a key was rotated),
never on every fetch. The profile's ``map`` turns a secret key (``owm_api_key``) into the name the
provider stores it under. No value ever appears in a message, a log record or a ``repr``: errors
name the provider, the file or object, the key and the line, never the text.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from dashcli.core.errors import DashError


class SecretsError(DashError):
    """A secrets provider failed: unreadable file, bad format, unreachable API (exit 1)."""

    def __init__(self, provider: str, reason: str) -> None:
        super().__init__(f"secrets ({provider}): {reason}")
        self.provider = provider
        self.reason = reason


class Secrets:
    """A provider's secrets, read into memory, looked up by secret key through the profile's map."""

    provider = "secrets"

    def __init__(self, name: str, mapping: Mapping[str, str]) -> None:
        self.name = name
        self._map = dict(mapping)
        self._values: dict[str, str] = {}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}: {len(self._values)} keys>"

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _load(self) -> dict[str, str]:
        raise NotImplementedError

    def load(self) -> Self:
        """Read every secret now (the first read, when the lookup is opened)."""
        self._values = self._load()
        return self

    def refresh(self) -> None:
        """Read the secrets again, e.g. after an upstream rejected a rotated key.

        On failure the previously read values stay in use and SecretsError is raised.
        """
        self._values = self._load()

    def get(self, key: str) -> str | None:
        """The value of secret ``key`` (mapped to its provider-side name), or None."""
        return self._values.get(self.source_key(key))

    def source_key(self, key: str) -> str:
        """The name ``key`` is stored under in the provider (the profile's map, else the key)."""
        return self._map.get(key, key)

    def where(self, key: str) -> str:
        """Where ``key`` is looked up, for ``dash secrets check`` (never a value)."""
        mapped = self.source_key(key)
        return self.provider if mapped == key else f"{self.provider} [{mapped}]"

    def close(self) -> None:
        """Release what the provider holds (a Vault token); idempotent."""


def read_text(path: Path, provider: str, what: str = "") -> str:
    """The UTF-8 text of a local file (``what`` names it in errors, e.g. "kubeconfig").

    The error says why in one line and names the file, never its content.
    """
    label = f"{what} {path}" if what else str(path)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SecretsError(provider, f"{label}: file not found") from None
    except UnicodeDecodeError:
        raise SecretsError(provider, f"{label}: not UTF-8 text") from None
    except OSError as exc:
        raise SecretsError(provider, f"{label}: cannot read: {exc.strerror}") from None


def string_values(data: Any, provider: str, where: str) -> dict[str, str]:
    """A parsed mapping's scalar values as strings; nested values are an error naming the key."""
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SecretsError(provider, f"{where}: expected a mapping of key: value")
    values: dict[str, str] = {}
    for key, value in data.items():
        if value is None or value == "":  # "key:" with no value, in YAML or JSON
            continue
        if isinstance(value, bool):
            values[str(key)] = "true" if value else "false"
        elif isinstance(value, str | int | float):
            values[str(key)] = str(value)
        else:
            raise SecretsError(provider, f"{where}: key {key!r}: expected a string or number")
    return values


def parse_mapping(text: str, provider: str, where: str, *, kind: str) -> dict[str, str]:
    """Parse JSON or YAML (``kind``) text of key: value; errors give the line, never the text."""
    import yaml

    data: Any
    try:
        # BaseLoader builds only str, list and dict (safe), so every value stays the text it
        # was written as: YAML 1.1's implicit typing would turn an unquoted 0123 into 83.
        loader = yaml.BaseLoader
        data = json.loads(text) if kind == "JSON" else yaml.load(text, Loader=loader)  # noqa: S506
    except (ValueError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else getattr(exc, "lineno", None)
        at = f"{where}:{line}" if line else where
        # The parser's own message may quote the offending text, which can be a secret.
        raise SecretsError(provider, f"{at}: not valid {kind}") from None
    return string_values(data, provider, where)


def decode_base64(value: str | bytes, provider: str, where: str) -> bytes:
    """Strict base64 decoding; the error names ``where``, not the value."""
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise SecretsError(provider, f"{where}: not valid base64") from None


def utf8(raw: bytes, provider: str, where: str) -> str:
    """``raw`` as UTF-8 text; the error names ``where``, not the bytes."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise SecretsError(provider, f"{where}: not UTF-8 text") from None


def json_object(raw: bytes, provider: str, where: str) -> dict[str, str]:
    """A JSON object of key: value, given as JSON or as base64 of JSON (both are met in Secrets)."""
    text = utf8(raw, provider, where).strip()
    if not text.startswith("{"):
        try:
            text = base64.b64decode(text, validate=True).decode("utf-8").strip()
        except (binascii.Error, ValueError):
            reason = f"{where}: neither a JSON object nor base64 of one"
            raise SecretsError(provider, reason) from None
    return parse_mapping(text, provider, where, kind="JSON")
