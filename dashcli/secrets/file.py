"""The ``file`` secrets provider: a JSON (``.json``) or YAML file of key: value.

The file is read when the lookup opens and on :meth:`~dashcli.secrets.base.Secrets.refresh`.
A parse error names the file and line, never the text around it (it could be a secret).
"""

from __future__ import annotations

from pathlib import Path

from dashcli.secrets.base import Secrets, SecretsError, parse_mapping
from profiles.schema import FileSecrets


class FileSecretsLookup(Secrets):
    """Secrets from one local file."""

    provider = "file"

    def __init__(self, config: FileSecrets) -> None:
        self.path = Path(config.path).expanduser()
        super().__init__(f"file {self.path}", config.map)

    def _load(self) -> dict[str, str]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise SecretsError("file", f"{self.path}: file not found") from None
        except UnicodeDecodeError:
            raise SecretsError("file", f"{self.path}: not UTF-8 text") from None
        except OSError as exc:
            raise SecretsError("file", f"{self.path}: cannot read: {exc.strerror}") from None
        kind = "JSON" if self.path.suffix.lower() == ".json" else "YAML"
        return parse_mapping(text, "file", str(self.path), kind=kind)
