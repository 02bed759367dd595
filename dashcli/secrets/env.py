"""The ``env`` secrets provider: mapped variables of the process environment and a ``.env`` file.

Only the variables named in the profile's ``map`` (secret key -> variable) are read, never the
whole environment. The process environment wins over the ``.env`` file, as with docker compose
and python-dotenv.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from dashcli.profiles.schema import EnvSecrets
from dashcli.secrets.base import Secrets, SecretsError, read_text


def read_env_file(path: Path) -> dict[str, str]:
    """The ``NAME=value`` lines of a ``.env`` file, parsed as python-dotenv (and docker compose)
    parse them: ``export``, comments, single and double quotes (a quoted value followed by a
    comment loses both). Values are not interpolated: a secret's ``$`` stays a ``$``.
    """
    # parse_stream rather than dotenv_values: it names the line of a statement it cannot read
    # (dotenv_values only logs a warning and skips it) and does no ${VAR} expansion.
    from dotenv.parser import parse_stream

    found: dict[str, str] = {}
    for binding in parse_stream(io.StringIO(read_text(path, "env"))):
        if binding.error or (binding.key is not None and binding.value is None):
            raise SecretsError("env", f"{path}:{binding.original.line}: expected NAME=value")
        if binding.key is not None and binding.value is not None:
            found[binding.key] = binding.value
    return found


class EnvSecretsLookup(Secrets):
    """Secrets from mapped environment variables (and an optional ``.env`` file)."""

    provider = "env"

    def __init__(self, config: EnvSecrets) -> None:
        self.env_file = Path(config.env_file).expanduser() if config.env_file else None
        name = f"env + {self.env_file}" if self.env_file else "env"
        super().__init__(name, config.map)

    def source_key(self, key: str) -> str:
        # An unmapped key is not read at all: the map decides which variables are secrets.
        return self._map.get(key, "")

    def where(self, key: str) -> str:
        variable = self.source_key(key)
        return f"env ${variable}" if variable else "env (not in secrets.map)"

    def _load(self) -> dict[str, str]:
        from_file = read_env_file(self.env_file) if self.env_file else {}
        values: dict[str, str] = {}
        for variable in self._map.values():
            value = os.environ.get(variable) or from_file.get(variable)
            if value:
                values[variable] = value
        return values
