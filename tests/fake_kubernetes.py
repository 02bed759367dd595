"""A local stand-in for the Kubernetes API: Secrets and ConfigMaps over real HTTP on 127.0.0.1.

It follows the real API's paths and JSON: ``GET /api/v1/namespaces/{ns}/secrets/{name}`` returns a
Secret object (kind, apiVersion, metadata, base64 ``data``, type), ``configmaps/{name}`` a
ConfigMap, errors are ``Status`` objects (401, 403 Forbidden, 404 NotFound) worded as the API
server words them; ``PATCH`` (merge patch) and ``POST`` write Secrets. ``POST
/apis/authentication.k8s.io/v1/tokenreviews`` answers a TokenReview for the service-account
tokens registered with :meth:`FakeKubernetes.add_service_account` (what Vault's and OpenBao's
Kubernetes auth ask). It checks the bearer token and can serve TLS. :class:`JsonServer` is the
threaded server both fakes (Vault too) are built on.
"""

from __future__ import annotations

import base64
import json
import ssl
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from tests.replay import LoopbackServer


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class JsonServer:
    """A threaded HTTP(S) server on 127.0.0.1 answering JSON through :meth:`handle`."""

    tls: ssl.SSLContext | None = None
    requests: list[Request] = field(default_factory=list)
    url: str = ""
    _server: LoopbackServer | None = None

    def handle(self, request: Request) -> tuple[int, Any]:
        raise NotImplementedError

    def calls(self, method: str, path: str) -> list[Request]:
        return [r for r in self.requests if r.method == method and r.path == path]

    def start(self) -> JsonServer:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else None
                request = Request(self.command, self.path.split("?")[0], dict(self.headers), body)
                owner.requests.append(request)
                status, answer = owner.handle(request)
                payload = b"" if answer is None else json.dumps(answer).encode()
                self.send_response(status)
                if payload:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = LoopbackServer(Handler, self.tls)
        self.url = self._server.url
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()


def status(code: int, reason: str, message: str, details: dict[str, Any] | None = None) -> Any:
    """A ``Status`` object as the API server sends with an error."""
    body: dict[str, Any] = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    }
    if details is not None:
        body["details"] = details
    return body


_KINDS = {"secrets": "Secret", "configmaps": "ConfigMap"}


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def service_account_jwt(namespace: str, name: str, uid: str) -> str:
    """A token shaped like a legacy service-account token: RS256 header, the claims Kubernetes
    writes, a signature nobody checks (TokenReview, not the signature, vouches for it)."""
    claims = {
        "iss": "kubernetes/serviceaccount",
        "kubernetes.io/serviceaccount/namespace": namespace,
        "kubernetes.io/serviceaccount/secret.name": f"{name}-token",
        "kubernetes.io/serviceaccount/service-account.name": name,
        "kubernetes.io/serviceaccount/service-account.uid": uid,
        "sub": f"system:serviceaccount:{namespace}:{name}",
    }
    header = {"alg": "RS256", "kid": "tests", "typ": "JWT"}
    return ".".join([_b64url(json.dumps(header).encode()), _b64url(json.dumps(claims).encode()),
                     _b64url(uuid.uuid4().bytes * 8)])


@dataclass
class FakeKubernetes(JsonServer):
    """Objects by (plural, namespace, name); ``token`` is the bearer token it accepts (None: the
    clients are authenticated by their TLS certificate instead)."""

    token: str | None = "sa-token-for-tests"
    account: str = "system:serviceaccount:dash:dash"
    objects: dict[tuple[str, str, str], dict[str, Any]] = field(default_factory=dict)
    forbidden: set[tuple[str, str, str]] = field(default_factory=set)
    resource_version: int = 1000
    # service-account token -> (namespace, name, uid), answered by TokenReview
    service_accounts: dict[str, tuple[str, str, str]] = field(default_factory=dict)

    def add_service_account(self, namespace: str, name: str) -> str:
        """A service-account token (a JWT with the claims Kubernetes puts in one) that
        TokenReview authenticates as ``system:serviceaccount:{namespace}:{name}``."""
        uid = str(uuid.uuid4())
        token = service_account_jwt(namespace, name, uid)
        self.service_accounts[token] = (namespace, name, uid)
        return token

    def _meta(self, namespace: str, name: str) -> dict[str, Any]:
        self.resource_version += 1
        return {
            "name": name,
            "namespace": namespace,
            "uid": str(uuid.uuid4()),
            "resourceVersion": str(self.resource_version),
            "creationTimestamp": "2026-02-06T21:00:00Z",
        }

    def add_secret(self, namespace: str, name: str, data: Mapping[str, bytes | str]) -> None:
        """A Secret whose values are given raw (the fake encodes them as the API does)."""
        encoded = {
            key: base64.b64encode(value.encode() if isinstance(value, str) else value).decode()
            for key, value in data.items()
        }
        self.objects[("secrets", namespace, name)] = {
            "kind": "Secret",
            "apiVersion": "v1",
            "metadata": self._meta(namespace, name),
            "data": encoded,
            "type": "Opaque",
        }

    def add_configmap(self, namespace: str, name: str, data: dict[str, str]) -> None:
        self.objects[("configmaps", namespace, name)] = {
            "kind": "ConfigMap",
            "apiVersion": "v1",
            "metadata": self._meta(namespace, name),
            "data": dict(data),
        }

    def secret_value(self, namespace: str, name: str, key: str) -> bytes:
        return base64.b64decode(self.objects[("secrets", namespace, name)]["data"][key])

    def kubeconfig(
        self, folder: Path, ca_pem: str | None = None, client: tuple[str, str] | None = None
    ) -> Path:
        """A kubeconfig file for this server: its bearer token, or a client (cert, key) PEM pair."""
        cluster: dict[str, Any] = {"server": self.url}
        if ca_pem is not None:
            cluster["certificate-authority-data"] = base64.b64encode(ca_pem.encode()).decode()
        user: dict[str, str] = {"token": self.token} if self.token else {}
        if client is not None:
            user = {"client-certificate-data": base64.b64encode(client[0].encode()).decode(),
                    "client-key-data": base64.b64encode(client[1].encode()).decode()}
        config = {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [{"name": "local", "cluster": cluster}],
            "users": [{"name": "dash", "user": user}],
            "contexts": [{"name": "local", "context": {"cluster": "local", "user": "dash"}}],
            "current-context": "local",
        }
        path = folder / "kubeconfig"
        path.write_text(json.dumps(config))
        return path

    def _token_review(self, body: Any) -> tuple[int, Any]:
        token = ((body or {}).get("spec") or {}).get("token", "")
        found = self.service_accounts.get(token)
        review: dict[str, Any] = {"authenticated": False,
                                  "error": "[invalid bearer token, square/go-jose: error in "
                                           "cryptographic primitive]"}
        if found is not None:
            namespace, name, uid = found
            review = {"authenticated": True, "user": {
                "username": f"system:serviceaccount:{namespace}:{name}", "uid": uid,
                "groups": ["system:serviceaccounts", f"system:serviceaccounts:{namespace}",
                           "system:authenticated"]},
                "audiences": (body.get("spec") or {}).get("audiences") or []}
        return 201, {"kind": "TokenReview", "apiVersion": "authentication.k8s.io/v1",
                     "metadata": {"creationTimestamp": None}, "spec": body.get("spec"),
                     "status": review}

    def handle(self, request: Request) -> tuple[int, Any]:
        if self.token and request.headers.get("Authorization") != f"Bearer {self.token}":
            return 401, status(401, "Unauthorized", "Unauthorized")
        if request.method == "POST" and request.path == (
            "/apis/authentication.k8s.io/v1/tokenreviews"
        ):
            return self._token_review(request.body)
        parts = request.path.strip("/").split("/")
        # api / v1 / namespaces / {ns} / {plural} [/ {name}]
        if len(parts) < 5 or parts[:3] != ["api", "v1", "namespaces"] or parts[4] not in _KINDS:
            return 404, status(404, "NotFound", "the server could not find the requested resource")
        namespace, plural = parts[3], parts[4]
        name = parts[5] if len(parts) > 5 else (request.body or {}).get("metadata", {}).get("name")
        verb = {"GET": "get", "PATCH": "patch", "POST": "create", "PUT": "update"}[request.method]
        if (plural, namespace, name) in self.forbidden:
            return 403, status(
                403, "Forbidden",
                f'{plural} "{name}" is forbidden: User "{self.account}" cannot {verb} resource '
                f'"{plural}" in API group "" in the namespace "{namespace}"',
                {"name": name, "kind": plural},
            )
        key = (plural, namespace, name)
        found = self.objects.get(key)
        if request.method == "POST":
            if found is not None:
                return 409, status(409, "AlreadyExists", f'{plural} "{name}" already exists',
                                   {"name": name, "kind": plural})
            obj = dict(request.body)
            obj["metadata"] = self._meta(namespace, str(name))
            self.objects[key] = obj
            return 201, obj
        if found is None:
            return 404, status(404, "NotFound", f'{plural} "{name}" not found',
                               {"name": name, "kind": plural})
        if request.method == "PATCH":
            if request.headers.get("Content-Type") != "application/merge-patch+json":
                return 415, status(415, "UnsupportedMediaType", "unsupported patch type")
            for section, values in (request.body or {}).items():
                if isinstance(values, dict):
                    merged = dict(found.get(section) or {})
                    merged.update(values)
                    found[section] = {k: v for k, v in merged.items() if v is not None}
            self.resource_version += 1
            found["metadata"]["resourceVersion"] = str(self.resource_version)
        return 200, found
