"""A local stand-in for HashiCorp Vault: Kubernetes auth and Transit over real HTTP on 127.0.0.1.

Paths and JSON follow Vault's API: ``POST /v1/auth/{mount}/login`` answers ``auth.client_token``,
``lease_duration``, ``renewable``, ``policies``...; ``POST /v1/transit/{operation}/{key}``
(encrypt, decrypt, rewrap) answer ``data.ciphertext``, ``data.plaintext``, ``data.key_version``;
``POST /v1/auth/token/revoke-self`` answers 204; errors are ``{"errors": [...]}`` in Vault's words
(503 "Vault is sealed", 403 "permission denied", 400 "invalid ciphertext: no prefix"). Transit is
real authenticated encryption (a keyed SHA-256 stream and an HMAC tag) with key versions, so a
tampered ciphertext fails and rotation plus rewrap behave as in Vault.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import uuid
from dataclasses import dataclass, field
from typing import Any

from tests.fake_kubernetes import JsonServer, Request

DENIED = {"errors": ["permission denied"]}


def _stream(key: bytes, nonce: bytes, length: int) -> bytes:
    blocks = b""
    counter = 0
    while len(blocks) < length:
        blocks += hashlib.sha256(key + nonce + counter.to_bytes(4, "big")).digest()
        counter += 1
    return blocks[:length]


@dataclass
class FakeVault(JsonServer):
    """Roles map to the service-account JWT they accept; tokens can be expired or revoked."""

    roles: dict[str, str] = field(default_factory=dict)
    sealed: bool = False
    lease_duration: int = 2764800
    keys: dict[str, list[bytes]] = field(default_factory=dict)
    tokens: set[str] = field(default_factory=set)
    revoked: list[str] = field(default_factory=list)
    logins: int = 0
    tamper_rewrap: bool = False  # a broken Vault: rewrap answers another plaintext's ciphertext

    def add_role(self, role: str, jwt: str) -> None:
        self.roles[role] = jwt

    def add_key(self, name: str) -> None:
        self.keys[name] = [os.urandom(32)]

    def rotate(self, name: str) -> None:
        self.keys[name].append(os.urandom(32))

    def add_token(self) -> str:
        token = f"hvs.{uuid.uuid4().hex}"
        self.tokens.add(token)
        return token

    def expire_tokens(self) -> None:
        """Every token issued so far stops working (as when its TTL runs out)."""
        self.tokens.clear()

    def encrypt(self, name: str, plaintext: bytes) -> str:
        version = len(self.keys[name])
        key = self.keys[name][-1]
        nonce = os.urandom(12)
        body = bytes(a ^ b for a, b in zip(plaintext, _stream(key, nonce, len(plaintext)),
                                           strict=True))
        tag = hmac.new(key, nonce + body, hashlib.sha256).digest()[:16]
        return f"vault:v{version}:" + base64.b64encode(nonce + body + tag).decode()

    def _decrypt(self, name: str, ciphertext: str) -> tuple[int, Any]:
        if not ciphertext.startswith("vault:"):
            return 400, {"errors": ["invalid ciphertext: no prefix"]}
        _, version_text, payload = [*ciphertext.split(":", 2), "", ""][:3]
        try:
            version = int(version_text.removeprefix("v"))
            raw = base64.b64decode(payload, validate=True)
        except ValueError:
            return 400, {"errors": ["invalid ciphertext: version number could not be decoded"]}
        if not 1 <= version <= len(self.keys[name]) or len(raw) < 28:
            return 400, {"errors": ["invalid key version"]}
        key = self.keys[name][version - 1]
        nonce, body, tag = raw[:12], raw[12:-16], raw[-16:]
        if not hmac.compare_digest(tag, hmac.new(key, nonce + body, hashlib.sha256).digest()[:16]):
            return 400, {"errors": ["cipher: message authentication failed"]}
        return 200, bytes(a ^ b for a, b in zip(body, _stream(key, nonce, len(body)), strict=True))

    @staticmethod
    def _envelope(data: Any = None, auth: Any = None) -> dict[str, Any]:
        return {
            "request_id": str(uuid.uuid4()),
            "lease_id": "",
            "renewable": False,
            "lease_duration": 0,
            "data": data,
            "wrap_info": None,
            "warnings": None,
            "auth": auth,
        }

    def handle(self, request: Request) -> tuple[int, Any]:
        if self.sealed:
            return 503, {"errors": ["Vault is sealed"]}
        parts = request.path.strip("/").split("/")
        body = request.body or {}
        if request.method == "POST" and parts[:2] == ["v1", "auth"] and parts[-1] == "login":
            return self._login(body)
        if request.headers.get("X-Vault-Token") not in self.tokens:
            return 403, DENIED
        if request.path == "/v1/auth/token/revoke-self":
            token = request.headers["X-Vault-Token"]
            self.tokens.discard(token)
            self.revoked.append(token)
            return 204, None
        if request.method == "POST" and len(parts) == 4 and parts[1] == "transit":
            return self._transit(parts[2], parts[3], body)
        return 404, {"errors": []}

    def _login(self, body: dict[str, Any]) -> tuple[int, Any]:
        role = body.get("role")
        if role not in self.roles:
            return 400, {"errors": [f'invalid role name "{role}"']}
        if body.get("jwt") != self.roles[role]:
            return 403, DENIED
        self.logins += 1
        token = self.add_token()
        auth = {
            "client_token": token,
            "accessor": str(uuid.uuid4()),
            "policies": ["default", "dash"],
            "token_policies": ["default", "dash"],
            "metadata": {
                "role": role,
                "service_account_name": "dash",
                "service_account_namespace": "dash",
                "service_account_secret_name": "",
                "service_account_uid": str(uuid.uuid4()),
            },
            "lease_duration": self.lease_duration,
            "renewable": True,
            "entity_id": str(uuid.uuid4()),
            "token_type": "service",
            "orphan": True,
        }
        return 200, self._envelope(auth=auth)

    def _transit(self, operation: str, name: str, body: dict[str, Any]) -> tuple[int, Any]:
        if operation == "encrypt":
            if name not in self.keys:
                self.add_key(name)  # Transit creates the key on first encrypt (upsert)
            try:
                plaintext = base64.b64decode(body.get("plaintext", ""), validate=True)
            except ValueError:
                return 400, {"errors": ["failed to base64-decode plaintext"]}
            ciphertext = self.encrypt(name, plaintext)
            return 200, self._envelope({"ciphertext": ciphertext,
                                        "key_version": len(self.keys[name])})
        if name not in self.keys:
            return 400, {"errors": ["encryption key not found"]}
        code, result = self._decrypt(name, str(body.get("ciphertext", "")))
        if code != 200:
            return code, result
        if operation == "decrypt":
            return 200, self._envelope({"plaintext": base64.b64encode(result).decode()})
        if operation == "rewrap":
            rewrapped = result + b" " if self.tamper_rewrap else result
            return 200, self._envelope({"ciphertext": self.encrypt(name, rewrapped),
                                        "key_version": len(self.keys[name])})
        return 405, {"errors": ["unsupported operation"]}
