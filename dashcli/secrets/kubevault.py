"""The ``kubevault`` secrets provider: a Kubernetes Secret holding Vault Transit ciphertext.

One key of a Secret holds ``vault:vN:...`` (the Secret's own base64 encoding on top, as every
Secret value). dashcli logs in to Vault with the Kubernetes auth method (the service-account JWT
and a role), decrypts the ciphertext with Transit through hvac, and reads the plaintext as a JSON
object of key: value (Transit hands plaintext back base64-encoded). The Vault token is renewed
by logging in again when it expires (or Vault answers 403 once), and revoked when the lookup is
closed or the process exits. :func:`encrypt_values` and :func:`rewrap` serve ``dash secrets
encrypt`` and ``dash secrets rewrap``.
"""

from __future__ import annotations

import atexit
import base64
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dashcli.profiles.schema import KubeVaultSecrets
from dashcli.secrets.base import Secrets, SecretsError, decode_base64, json_object, read_text
from dashcli.secrets.kubernetes import KubeClient, credentials, secret_data

CIPHERTEXT = re.compile(r"^vault:v\d+:[A-Za-z0-9+/]+=*$")
_STATUS = {"InvalidRequest": 400, "Unauthorized": 401, "Forbidden": 403, "InvalidPath": 404,
           "RateLimitExceeded": 429, "InternalServerError": 500, "VaultNotInitialized": 501,
           "BadGateway": 502, "VaultDown": 503}
# Log in again a little before Vault says the token expires, so a call never races the expiry.
_EXPIRY_MARGIN = 5.0


def _hvac() -> Any:
    try:
        import hvac
    except ImportError:
        raise SecretsError(
            "kubevault", "needs hvac: pip install 'dashcli[vault]'"
        ) from None
    return hvac


class Vault:
    """A Vault client for Transit, logged in with Kubernetes auth or given a token.

    ``token`` (an operator's, e.g. from VAULT_TOKEN) is used as is and never revoked; without
    it the client logs in with ``role`` and the JWT at ``jwt_path`` and revokes that token on
    :meth:`close`.
    """

    def __init__(
        self,
        url: str,
        *,
        role: str | None = None,
        jwt_path: str | None = None,
        token: str | None = None,
        ca_cert: str | None = None,
        auth_mount: str = "kubernetes",
        transit_mount: str = "transit",
        timeout: float = 10.0,
        provider: str = "kubevault",
    ) -> None:
        if token is None and not (role and jwt_path):
            raise SecretsError(provider, "Vault needs a role (Kubernetes auth) or VAULT_TOKEN")
        if ca_cert and not Path(ca_cert).expanduser().is_file():
            raise SecretsError(provider, f"Vault CA certificate {ca_cert}: file not found")
        self.url = url.rstrip("/")
        self.role = role
        self.jwt_path = jwt_path
        self.auth_mount = auth_mount
        self.transit_mount = transit_mount
        self.provider = provider
        self._operator_token = token is not None
        self._logged_in = False
        self._expires: float | None = None
        verify: str | bool = str(Path(ca_cert).expanduser()) if ca_cert else True
        # An explicit token (even "") keeps hvac from picking up VAULT_TOKEN or ~/.vault-token.
        self._client = _hvac().Client(url=self.url, token=token or "", verify=verify,
                                      timeout=timeout)

    def __repr__(self) -> str:
        return f"Vault({self.url}, role={self.role!r})"

    def _failure(self, exc: Exception, doing: str) -> SecretsError:
        """One line for a failed Vault call; Vault's error strings name no secret values."""
        import requests

        if isinstance(exc, requests.exceptions.SSLError):
            return SecretsError(
                self.provider, f"cannot reach Vault at {self.url} (TLS verification failed; "
                "set the Vault CA certificate)"
            )
        if isinstance(exc, requests.exceptions.RequestException):
            return SecretsError(
                self.provider, f"cannot reach Vault at {self.url} ({type(exc).__name__})"
            )
        status = _STATUS.get(type(exc).__name__)
        errors = "; ".join(str(error) for error in getattr(exc, "errors", None) or [])
        errors = " ".join(errors.split())[:200]
        if status == 503:
            state = "sealed" if not errors or "sealed" in errors.lower() else "unavailable"
            return SecretsError(self.provider, f"Vault at {self.url} is {state} (503)")
        if status == 403:
            return SecretsError(self.provider, f"{doing}: permission denied by Vault (403)")
        if status == 404:
            return SecretsError(
                self.provider, f"{doing}: Vault has no such path (404); check the mount names"
            )
        detail = f": {errors}" if errors else ""
        return SecretsError(self.provider, f"{doing}: Vault answered {status or 'error'}{detail}")

    def login(self) -> None:
        """Kubernetes auth: trade the service-account JWT for a Vault token."""
        if not (self.role and self.jwt_path):
            raise SecretsError(self.provider, "Vault token rejected and no role to log in with")
        path = Path(self.jwt_path).expanduser()
        jwt = read_text(path, self.provider, "service-account token").strip()
        doing = f"login to Vault auth/{self.auth_mount} with role {self.role!r}"
        try:
            answer = self._client.auth.kubernetes.login(
                self.role, jwt, mount_point=self.auth_mount
            )
        except Exception as exc:
            raise self._failure(exc, doing) from None
        auth = answer.get("auth") if isinstance(answer, dict) else None
        if not isinstance(auth, dict) or not auth.get("client_token"):
            raise SecretsError(self.provider, f"{doing}: Vault answered without a token")
        lease = auth.get("lease_duration")
        self._expires = (
            time.monotonic() + float(lease) - _EXPIRY_MARGIN
            if isinstance(lease, int | float) and lease > 0 else None
        )
        self._logged_in = True

    def _call(self, doing: str, call: Callable[[], Any]) -> dict[str, Any]:
        """Run a Transit call, logging in first when needed and again once on a 403."""
        hvac = _hvac()
        can_login = not self._operator_token
        if can_login and (not self._logged_in or
                          (self._expires is not None and time.monotonic() >= self._expires)):
            self.login()
        try:
            try:
                answer = call()
            except hvac.exceptions.Forbidden:
                if not can_login:
                    raise
                # An expired or revoked token answers 403: log in again, once.
                self.login()
                answer = call()
        except SecretsError:
            raise
        except Exception as exc:
            raise self._failure(exc, doing) from None
        data = answer.get("data") if isinstance(answer, dict) else None
        if not isinstance(data, dict):
            raise SecretsError(self.provider, f"{doing}: Vault answered without data")
        return data

    def decrypt(self, key: str, ciphertext: str) -> bytes:
        """The plaintext bytes of a Transit ciphertext."""
        data = self._call(
            f"decrypt with transit key {key!r}",
            lambda: self._client.secrets.transit.decrypt_data(
                key, ciphertext=ciphertext, mount_point=self.transit_mount
            ),
        )
        return decode_base64(str(data.get("plaintext") or ""), self.provider,
                             f"Vault's plaintext for transit key {key!r}")

    def encrypt(self, key: str, plaintext: bytes) -> str:
        """Transit ciphertext (``vault:vN:...``) of ``plaintext`` with the key's newest version."""
        data = self._call(
            f"encrypt with transit key {key!r}",
            lambda: self._client.secrets.transit.encrypt_data(
                key, plaintext=base64.b64encode(plaintext).decode("ascii"),
                mount_point=self.transit_mount,
            ),
        )
        answer = str(data.get("ciphertext") or "")
        return checked_ciphertext(answer, self.provider, "Vault's answer")

    def rewrap(self, key: str, ciphertext: str) -> str:
        """The same plaintext encrypted with the key's newest version (Vault never returns it)."""
        data = self._call(
            f"rewrap with transit key {key!r}",
            lambda: self._client.secrets.transit.rewrap_data(
                key, ciphertext=ciphertext, mount_point=self.transit_mount
            ),
        )
        answer = str(data.get("ciphertext") or "")
        return checked_ciphertext(answer, self.provider, "Vault's answer")

    def close(self) -> None:
        """Revoke the token this client logged in for (an operator's token is left alone)."""
        try:
            if self._logged_in:
                self._logged_in = False
                self._client.auth.token.revoke_self()
        except Exception:  # noqa: S110 - best effort on exit: the token expires by itself anyway
            pass
        finally:
            self._client.adapter.close()


def checked_ciphertext(text: str, provider: str, where: str) -> str:
    """``text`` if it has the Transit form ``vault:vN:<base64>``, else a one-line error."""
    if not CIPHERTEXT.match(text):
        raise SecretsError(provider, f"{where}: malformed ciphertext (expected vault:vN:...)")
    return text


def key_version(ciphertext: str) -> int:
    """The Transit key version a ciphertext was made with (``vault:v3:...`` -> 3)."""
    return int(ciphertext.split(":", 2)[1][1:])


def stored_ciphertext(raw: bytes, provider: str, where: str) -> str:
    """The ciphertext in a Secret value: ``vault:vN:...``, or base64 of it one more time."""
    try:
        text = raw.decode("ascii").strip()
    except UnicodeDecodeError:
        text = ""
    if text and not text.startswith("vault:"):
        try:
            text = base64.b64decode(text, validate=True).decode("ascii").strip()
        except ValueError:
            text = ""
    return checked_ciphertext(text, provider, where)


def plaintext_of(values: dict[str, str]) -> bytes:
    """The bytes encrypted for a set of secrets: a compact JSON object, keys sorted."""
    return json.dumps(values, sort_keys=True, separators=(",", ":")).encode("utf-8")


@dataclass(frozen=True)
class SecretRef:
    """A key of a Kubernetes Secret: ``namespace/name`` and the key."""

    namespace: str
    name: str
    key: str

    def __str__(self) -> str:
        return f"Secret {self.namespace}/{self.name} key {self.key!r}"


def read_ciphertext(kube: KubeClient, ref: SecretRef, provider: str = "kubevault") -> str:
    """The Transit ciphertext stored in a Secret's key."""
    obj = kube.read("secret", ref.namespace, ref.name)
    where = f"Secret {ref.namespace}/{ref.name}"
    return stored_ciphertext(secret_data(obj, ref.key, provider, where), provider, str(ref))


def rewrap(vault: Vault, transit_key: str, ciphertext: str) -> tuple[str, bool]:
    """Rewrap to the newest key version, proving the round trip before anything is replaced.

    Returns the new ciphertext and whether it changed; raises when the new ciphertext does not
    decrypt to the same plaintext as the old one.
    """
    new = vault.rewrap(transit_key, ciphertext)
    if new == ciphertext or key_version(new) == key_version(ciphertext):
        return ciphertext, False
    if vault.decrypt(transit_key, new) != vault.decrypt(transit_key, ciphertext):
        raise SecretsError(
            vault.provider, "rewrap: the new ciphertext does not decrypt to the same secrets; "
            "nothing was replaced"
        )
    return new, True


class KubeVaultSecretsLookup(Secrets):
    """Secrets decrypted by Vault Transit from a Kubernetes Secret's key."""

    provider = "kubevault"

    def __init__(self, config: KubeVaultSecrets) -> None:
        self.config = config
        self.ref = SecretRef(config.namespace, config.name, config.key)
        super().__init__(f"kubevault {config.namespace}/{config.name}[{config.key}]", config.map)
        self.vault = Vault(
            config.vault_url, role=config.role, jwt_path=config.jwt_path,
            ca_cert=config.ca_cert, auth_mount=config.auth_mount,
            transit_mount=config.transit_mount,
        )
        atexit.register(self.close)

    def _load(self) -> dict[str, str]:
        kube = KubeClient(credentials(self.config.kubeconfig, "kubevault"), "kubevault")
        try:
            ciphertext = read_ciphertext(kube, self.ref)
        finally:
            kube.close()
        plaintext = self.vault.decrypt(self.config.transit_key, ciphertext)
        return json_object(plaintext, "kubevault", f"the decrypted {self.ref}")

    def close(self) -> None:
        atexit.unregister(self.close)
        self.vault.close()
