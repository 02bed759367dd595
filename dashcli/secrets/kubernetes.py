"""The ``kubernetes`` secrets provider, and the small Kubernetes API client ``kubevault`` shares.

Secrets come from a Secret (every key, values base64-decoded; or one key holding a JSON object,
plain or base64) or from a ConfigMap (``data``, plus base64 ``binaryData``). The client speaks the
REST API directly with httpx (``GET /api/v1/namespaces/{ns}/secrets/{name}``): no Kubernetes
library is needed. Credentials come from the profile's kubeconfig, else the pod's service account
(``KUBERNETES_SERVICE_HOST``/``PORT`` and the token and CA under :data:`SERVICE_ACCOUNT_DIR`), else
``$KUBECONFIG`` or ``~/.kube/config``; a kubeconfig user may be a token, a client certificate or an
exec credential plugin (:mod:`dashcli.secrets.kube_exec`), run again at every read so a short-lived
credential is always fresh. Failures are one line naming the object and the status.
"""

from __future__ import annotations

import base64
import binascii
import os
import ssl
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import yaml

from dashcli.profiles.schema import KubernetesSecrets
from dashcli.secrets.base import (
    Secrets,
    SecretsError,
    decode_base64,
    json_object,
    read_text,
    string_values,
    utf8,
)

SERVICE_ACCOUNT_DIR = Path("/var/run/secrets/kubernetes.io/serviceaccount")
_KINDS = {"secret": ("secrets", "Secret"), "configmap": ("configmaps", "ConfigMap")}


@dataclass(frozen=True)
class KubeCredentials:
    """Where the API server is and how to authenticate to it (the token is never printed)."""

    server: str
    verify: ssl.SSLContext | bool
    token: str | None
    origin: str

    def __repr__(self) -> str:
        return f"KubeCredentials({self.server}, from {self.origin})"


def _ca_context(provider: str, where: str, *, cafile: Path | None = None,
                cadata: str | None = None) -> ssl.SSLContext:
    """A TLS context trusting the given CA (or the system's when neither is given)."""
    try:
        return ssl.create_default_context(
            cafile=str(cafile) if cafile else None, cadata=cadata
        )
    except (ssl.SSLError, OSError, ValueError):
        raise SecretsError(provider, f"{where}: not a usable CA certificate") from None


def in_cluster(provider: str) -> KubeCredentials:
    """The pod's service account: API address from the environment, token and CA from files."""
    host = os.environ["KUBERNETES_SERVICE_HOST"]
    port = os.environ.get("KUBERNETES_SERVICE_PORT", "443")
    host = f"[{host}]" if ":" in host else host
    token = read_text(SERVICE_ACCOUNT_DIR / "token", provider, "service-account token").strip()
    ca = SERVICE_ACCOUNT_DIR / "ca.crt"
    read_text(ca, provider, "service-account CA")  # a missing CA says so, not "SSL error"
    return KubeCredentials(
        f"https://{host}:{port}", _ca_context(provider, f"service-account CA {ca}", cafile=ca),
        token,
        "in-cluster service account",
    )


def _named(items: Any, name: str, what: str, path: Path, provider: str) -> dict[str, Any]:
    for item in items or []:
        if isinstance(item, dict) and item.get("name") == name:
            found = item.get(what)
            if isinstance(found, dict):
                return found
    raise SecretsError(provider, f"kubeconfig {path}: no {what} named {name!r}")


def _pem(entry: dict[str, Any], key: str, base: Path, provider: str, where: str) -> str | None:
    """A PEM from ``key-data`` (base64) or from the file ``key`` (relative to the kubeconfig)."""
    data = entry.get(f"{key}-data")
    if data:
        return utf8(decode_base64(str(data), provider, f"{where} {key}-data"), provider, where)
    file = entry.get(key)
    if file:
        path = Path(str(file)).expanduser()
        full = path if path.is_absolute() else base / path
        return read_text(full, provider, f"{where} {key}").strip()
    return None


def from_kubeconfig(path: Path, provider: str) -> KubeCredentials:
    """The current context of a kubeconfig: server, CA, token or client certificate."""
    text = read_text(path, provider, "kubeconfig").strip()
    try:
        config = yaml.safe_load(text)
    except yaml.YAMLError:
        raise SecretsError(provider, f"kubeconfig {path}: not valid YAML") from None
    if not isinstance(config, dict):
        raise SecretsError(provider, f"kubeconfig {path}: not a kubeconfig")
    current = config.get("current-context")
    if not current:
        raise SecretsError(provider, f"kubeconfig {path}: no current-context")
    context = _named(config.get("contexts"), str(current), "context", path, provider)
    cluster = _named(config.get("clusters"), str(context.get("cluster")), "cluster", path, provider)
    user = _named(config.get("users"), str(context.get("user")), "user", path, provider)
    server = str(cluster.get("server") or "").rstrip("/")
    if not server.startswith(("https://", "http://")):
        raise SecretsError(provider, f"kubeconfig {path}: cluster has no https:// server")
    if user.get("auth-provider") and not user.get("exec"):
        raise SecretsError(
            provider,
            f"kubeconfig {path}: user {context.get('user')!r} uses an auth-provider plugin, which "
            "kubectl no longer runs either; use its exec plugin (gke-gcloud-auth-plugin, "
            "kubelogin, aws eks get-token), a token or a client certificate",
        )
    base = path.parent
    plugin = None
    if isinstance(user.get("exec"), dict):
        from dashcli.secrets.kube_exec import run_exec_plugin

        plugin = run_exec_plugin(user["exec"], cluster, base, f"kubeconfig {path}", provider)
    verify: ssl.SSLContext | bool = True
    if server.startswith("https://"):
        if cluster.get("insecure-skip-tls-verify"):
            verify = False
        else:
            ca = _pem(cluster, "certificate-authority", base, provider, f"kubeconfig {path}")
            verify = _ca_context(provider, f"kubeconfig {path} certificate-authority", cadata=ca)
            cert = _pem(user, "client-certificate", base, provider, f"kubeconfig {path}")
            key = _pem(user, "client-key", base, provider, f"kubeconfig {path}")
            if plugin is not None and plugin.client_certificate and plugin.client_key:
                cert, key = plugin.client_certificate, plugin.client_key
            if cert and key:
                _load_client_cert(verify, cert, key, provider, path)
    if plugin is not None and plugin.token:
        return KubeCredentials(server, verify, plugin.token, f"kubeconfig {path} (exec plugin)")
    token = user.get("token")
    if not token and user.get("tokenFile"):
        token_file = Path(str(user["tokenFile"])).expanduser()
        token = read_text(token_file, provider, "kubeconfig tokenFile").strip()
    return KubeCredentials(server, verify, str(token) if token else None, f"kubeconfig {path}")


def _load_client_cert(
    context: ssl.SSLContext, cert: str, key: str, provider: str, path: Path
) -> None:
    # ssl loads certificate chains from files only: write them to a private directory, briefly.
    with tempfile.TemporaryDirectory(prefix="dash-kube-") as folder:
        cert_file, key_file = Path(folder, "client.crt"), Path(folder, "client.key")
        cert_file.write_text(cert, encoding="utf-8")
        key_file.touch(mode=0o600)
        key_file.write_text(key, encoding="utf-8")
        try:
            context.load_cert_chain(cert_file, key_file)
        except ssl.SSLError:
            reason = f"kubeconfig {path}: unusable client certificate"
            raise SecretsError(provider, reason) from None


def credentials(kubeconfig: str | None, provider: str) -> KubeCredentials:
    """The profile's kubeconfig, else in-cluster, else $KUBECONFIG or ~/.kube/config."""
    if kubeconfig:
        return from_kubeconfig(Path(kubeconfig).expanduser(), provider)
    if os.environ.get("KUBERNETES_SERVICE_HOST"):
        return in_cluster(provider)
    default = os.environ.get("KUBECONFIG", "").split(os.pathsep)[0] or "~/.kube/config"
    path = Path(default).expanduser()
    if not path.is_file():
        raise SecretsError(
            provider,
            "not inside a cluster (KUBERNETES_SERVICE_HOST is unset) and no kubeconfig "
            f"({path} not found); set secrets.kubeconfig",
        )
    return from_kubeconfig(path, provider)


class KubeClient:
    """The Kubernetes API calls dashcli makes: read a Secret or ConfigMap, write a Secret key."""

    def __init__(self, creds: KubeCredentials, provider: str, *, timeout: float = 10.0) -> None:
        self.creds = creds
        self.provider = provider
        headers = {"Accept": "application/json"}
        if creds.token:
            headers["Authorization"] = f"Bearer {creds.token}"
        self._http = httpx.Client(
            base_url=creds.server, headers=headers, verify=creds.verify, timeout=timeout
        )

    def __repr__(self) -> str:
        return f"KubeClient({self.creds.server})"

    def close(self) -> None:
        self._http.close()

    def _request(
        self, method: str, path: str, what: str, json: Any = None, content_type: str | None = None
    ) -> tuple[int, Any]:
        headers = {"Content-Type": content_type} if content_type else None
        try:
            response = self._http.request(method, path, json=json, headers=headers)
        except httpx.ConnectError as exc:
            reason = "TLS verification failed" if "CERTIFICATE" in str(exc) else "connection failed"
            raise SecretsError(
                self.provider, f"cannot reach the Kubernetes API at {self.creds.server} ({reason})"
            ) from None
        except httpx.HTTPError as exc:
            raise SecretsError(
                self.provider,
                f"cannot reach the Kubernetes API at {self.creds.server} ({type(exc).__name__})",
            ) from None
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code < 400 or (response.status_code == 404 and method == "PATCH"):
            return response.status_code, body
        raise SecretsError(self.provider, self._status_reason(response.status_code, body, what))

    def _status_reason(self, status: int, body: Any, what: str) -> str:
        """One line from the API's Status object (its message names objects, never values)."""
        message = body.get("message") if isinstance(body, dict) else None
        detail = f": {str(message).splitlines()[0][:300]}" if message else ""
        if status == 401:
            return f"{what}: 401 Unauthorized from Kubernetes (bad or expired credentials)"
        if status == 403:
            return f"{what}: 403 Forbidden from Kubernetes{detail}"
        if status == 404:
            return f"{what}: not found (404)"
        return f"{what}: Kubernetes API answered {status}{detail}"

    def read(self, kind: str, namespace: str, name: str) -> dict[str, Any]:
        """A Secret or ConfigMap object as the API returns it."""
        plural, title = _KINDS[kind]
        _, body = self._request(
            "GET", f"/api/v1/namespaces/{namespace}/{plural}/{name}", f"{title} {namespace}/{name}"
        )
        if not isinstance(body, dict) or body.get("kind") != title:
            raise SecretsError(self.provider, f"{title} {namespace}/{name}: unexpected answer")
        return body

    def write_secret_key(self, namespace: str, name: str, key: str, value: bytes) -> str:
        """Set one key of a Secret (merge patch: other keys stay), creating the Secret if absent.

        Returns "updated" or "created".
        """
        encoded = base64.b64encode(value).decode("ascii")
        path = f"/api/v1/namespaces/{namespace}/secrets/{name}"
        what = f"Secret {namespace}/{name}"
        status, _ = self._request(
            "PATCH", path, what, json={"data": {key: encoded}},
            content_type="application/merge-patch+json",
        )
        if status != 404:
            return "updated"
        secret = {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": name, "namespace": namespace},
            "type": "Opaque",
            "data": {key: encoded},
        }
        self._request("POST", f"/api/v1/namespaces/{namespace}/secrets", what, json=secret)
        return "created"


def secret_data(obj: dict[str, Any], key: str, provider: str, where: str) -> bytes:
    """One key of a Secret's ``data``, base64-decoded; a missing key names the keys present."""
    data = obj.get("data") or {}
    if key not in data:
        present = ", ".join(sorted(map(str, data))) or "none"
        raise SecretsError(provider, f"{where} has no key {key!r} (keys: {present})")
    return decode_base64(str(data[key]), provider, f"{where} key {key!r}")


def object_values(
    obj: dict[str, Any], kind: str, key: str | None, provider: str, where: str
) -> dict[str, str]:
    """The secrets a Secret or ConfigMap holds: one key's JSON object, or every key."""
    if kind == "secret":
        raw = {str(k): v for k, v in (obj.get("data") or {}).items()}
        if key is not None:
            raw_json = secret_data(obj, key, provider, where)
            return json_object(raw_json, provider, f"{where} key {key!r}")
        return {
            name: utf8(decode_base64(str(value), provider, f"{where} key {name!r}"), provider,
                       f"{where} key {name!r}")
            for name, value in raw.items()
        }
    data = {str(k): str(v) for k, v in (obj.get("data") or {}).items()}
    for name, value in (obj.get("binaryData") or {}).items():
        try:
            data[str(name)] = base64.b64decode(str(value), validate=True).decode("utf-8")
        except (binascii.Error, ValueError):
            raise SecretsError(provider, f"{where} key {name!r}: not base64 UTF-8 text") from None
    if key is None:
        return string_values(data, provider, where)
    if key not in data:
        present = ", ".join(sorted(data)) or "none"
        raise SecretsError(provider, f"{where} has no key {key!r} (keys: {present})")
    return json_object(data[key].encode("utf-8"), provider, f"{where} key {key!r}")


class KubernetesSecretsLookup(Secrets):
    """Secrets from a Kubernetes Secret or ConfigMap."""

    provider = "kubernetes"

    def __init__(self, config: KubernetesSecrets) -> None:
        self.config = config
        title = _KINDS[config.kind][1]
        self.where_object = f"{title} {config.namespace}/{config.name}"
        super().__init__(f"kubernetes {self.where_object}", config.map)

    def _load(self) -> dict[str, str]:
        client = KubeClient(credentials(self.config.kubeconfig, "kubernetes"), "kubernetes")
        try:
            obj = client.read(self.config.kind, self.config.namespace, self.config.name)
        finally:
            client.close()
        config = self.config
        return object_values(obj, config.kind, config.key, "kubernetes", self.where_object)
