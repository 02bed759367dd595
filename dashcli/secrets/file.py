"""The ``file`` secrets provider: a JSON (``.json``) or YAML file of key: value.

The file is read when the lookup opens and on :meth:`~dashcli.secrets.base.Secrets.refresh`.
A parse error names the file and line, never the text around it (it could be a secret).
"""

from __future__ import annotations

from pathlib import Path

from dashcli.profiles.schema import FileSecrets
from dashcli.secrets.base import Secrets, parse_mapping, read_text


class FileSecretsLookup(Secrets):
    """Secrets from one local file."""

    provider = "file"

    def __init__(self, config: FileSecrets) -> None:
        self.path = Path(config.path).expanduser()
        super().__init__(f"file {self.path}", config.map)

    def _load(self) -> dict[str, str]:
        text = read_text(self.path, "file")
        kind = "JSON" if self.path.suffix.lower() == ".json" else "YAML"
        return parse_mapping(text, "file", str(self.path), kind=kind)
