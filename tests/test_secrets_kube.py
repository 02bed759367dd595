"""The kubernetes provider, the kubevault and ``dash secrets`` cases a real Vault cannot play,
and leak checks.

Kubernetes cannot run here: it is a local HTTP(S) server on 127.0.0.1 following the real API's
paths and JSON (tests/fake_kubernetes.py). The kubevault provider runs against a real OpenBao in
tests/test_secrets_openbao.py; the fake Vault (tests/fake_vault.py) stays for a Vault that
misbehaves (a rewrap answering another plaintext's ciphertext).
Everything on dashcli's side (httpx, hvac, requests, TLS verification) is real.
"""

from __future__ import annotations

import base64
import json
import shutil
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from dashcli.profiles.schema import Profile
from dashcli.secrets import SecretsError, open_secrets
from dashcli.secrets import kubernetes as kube_module
from dashcli.secrets.kubevault import plaintext_of
from tests.fake_kubernetes import FakeKubernetes
from tests.fake_vault import FakeVault
from tests.test_secrets import BOSTON, run_dash

JWT = "eyJhbGciOiJSUzI1NiJ9.service-account-jwt-for-tests.c2lnbmF0dXJl"
SECRETS = {"owm_api_key": "kv-0wm-9a8b7c6d5e4f3a2b1c0d", "server_token": "kv-srv-7f6e5d4c3b2a"}
EXPIRED = "revoked or expired"


@pytest.fixture
def kube() -> Iterator[FakeKubernetes]:
    server = FakeKubernetes()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def vault() -> Iterator[FakeVault]:
    server = FakeVault()
    server.add_role("dash", JWT)
    server.add_key("dash")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def jwt_file(tmp_path: Path) -> Path:
    path = tmp_path / "sa-token"
    path.write_text(JWT + "\n")
    return path


@pytest.fixture
def tls(tmp_path: Path) -> tuple[ssl.SSLContext, Path]:
    """A self-signed certificate for 127.0.0.1: the server's TLS context and the CA file."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / "tls.crt", tmp_path / "tls.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context, cert


def k8s_profile(kubeconfig: Path, **secrets: Any) -> Profile:
    return Profile.model_validate({"location": BOSTON, "secrets": {
        "source": "kubernetes", "namespace": "dash", "name": "dash-secrets",
        "kubeconfig": str(kubeconfig), **secrets}})


def kv_settings(kubeconfig: Path, vault: FakeVault, jwt: Path, **extra: Any) -> dict[str, Any]:
    return {"source": "kubevault", "namespace": "dash", "name": "dash-secrets",
            "key": "secrets", "kubeconfig": str(kubeconfig), "vault_url": vault.url,
            "role": "dash", "transit_key": "dash", "jwt_path": str(jwt), **extra}


def kv_profile(kubeconfig: Path, vault: FakeVault, jwt: Path, **extra: Any) -> Profile:
    return Profile.model_validate(
        {"location": BOSTON, "secrets": kv_settings(kubeconfig, vault, jwt, **extra)}
    )


def store_ciphertext(kube: FakeKubernetes, vault: FakeVault, values: dict[str, str]) -> str:
    ciphertext = vault.encrypt("dash", plaintext_of(values))
    kube.add_secret("dash", "dash-secrets", {"secrets": ciphertext})
    return ciphertext


# --- kubernetes -----------------------------------------------------------------------------


def test_secret_every_key(tmp_path: Path, kube: FakeKubernetes) -> None:
    kube.add_secret("dash", "dash-secrets", {"OWM": "owm-secret-value-1", "server_token": "t0k"})
    lookup = open_secrets(k8s_profile(kube.kubeconfig(tmp_path), map={"owm_api_key": "OWM"}))
    assert lookup.get("owm_api_key") == "owm-secret-value-1"
    assert lookup.get("server_token") == "t0k"
    assert lookup.name == "kubernetes Secret dash/dash-secrets"
    request = kube.calls("GET", "/api/v1/namespaces/dash/secrets/dash-secrets")[0]
    assert request.headers["Authorization"] == f"Bearer {kube.token}"


@pytest.mark.parametrize("encode", [False, True], ids=["json", "base64-json"])
def test_secret_one_key_holding_json(tmp_path: Path, kube: FakeKubernetes, encode: bool) -> None:
    document = json.dumps({"owm_api_key": "owm-from-json-key"}).encode()
    kube.add_secret("dash", "dash-secrets", {
        "config": base64.b64encode(document) if encode else document, "other": "x"})
    lookup = open_secrets(k8s_profile(kube.kubeconfig(tmp_path), key="config"))
    assert lookup.get("owm_api_key") == "owm-from-json-key"
    assert lookup.get("other") is None


def test_configmap_data_binary_data_and_key(tmp_path: Path, kube: FakeKubernetes) -> None:
    kube.add_configmap("dash", "dash-secrets", {"calendar_url": "https://cal.example/x.ics"})
    kube.objects[("configmaps", "dash", "dash-secrets")]["binaryData"] = {
        "github_token": base64.b64encode(b"ghp_binary_data_token").decode()}
    config = kube.kubeconfig(tmp_path)
    lookup = open_secrets(k8s_profile(config, kind="configmap"))
    assert lookup.get("calendar_url") == "https://cal.example/x.ics"
    assert lookup.get("github_token") == "ghp_binary_data_token"
    kube.add_configmap("dash", "dash-secrets", {"all": '{"owm_api_key": "cm-json-key"}'})
    assert open_secrets(k8s_profile(config, kind="configmap", key="all")).get(
        "owm_api_key") == "cm-json-key"


def test_kubernetes_errors(tmp_path: Path, kube: FakeKubernetes) -> None:
    config = kube.kubeconfig(tmp_path)
    with pytest.raises(SecretsError) as caught:
        open_secrets(k8s_profile(config))
    assert str(caught.value) == "secrets (kubernetes): Secret dash/dash-secrets: not found (404)"
    kube.add_secret("dash", "dash-secrets", {"a": "1"})
    kube.forbidden.add(("secrets", "dash", "dash-secrets"))
    with pytest.raises(SecretsError) as caught:
        open_secrets(k8s_profile(config))
    assert str(caught.value) == (
        "secrets (kubernetes): Secret dash/dash-secrets: 403 Forbidden from Kubernetes: "
        'secrets "dash-secrets" is forbidden: User "system:serviceaccount:dash:dash" cannot get '
        'resource "secrets" in API group "" in the namespace "dash"'
    )
    kube.forbidden.clear()
    with pytest.raises(SecretsError, match=r"has no key 'config' \(keys: a\)$"):
        open_secrets(k8s_profile(config, key="config"))
    kube.token = "rotated"
    with pytest.raises(SecretsError, match="401 Unauthorized from Kubernetes"):
        open_secrets(k8s_profile(config))
    kube.stop()
    with pytest.raises(SecretsError, match=r"cannot reach the Kubernetes API at http://127"):
        open_secrets(k8s_profile(config))


def test_in_cluster_service_account_over_tls(
    tmp_path: Path, tls: tuple[ssl.SSLContext, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    server = FakeKubernetes(tls=tls[0])
    server.start()
    try:
        server.add_secret("dash", "dash-secrets", {"owm_api_key": "in-cluster-owm-key"})
        account = tmp_path / "serviceaccount"
        account.mkdir()
        (account / "token").write_text(str(server.token))
        shutil.copy(tls[1], account / "ca.crt")
        monkeypatch.setattr(kube_module, "SERVICE_ACCOUNT_DIR", account)
        monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "127.0.0.1")
        monkeypatch.setenv("KUBERNETES_SERVICE_PORT", server.url.rsplit(":", 1)[1])
        profile = Profile.model_validate({"location": BOSTON, "secrets": {
            "source": "kubernetes", "namespace": "dash", "name": "dash-secrets"}})
        assert open_secrets(profile).get("owm_api_key") == "in-cluster-owm-key"
        # A kubeconfig with the wrong CA: TLS verification fails, said in one line.
        other = tmp_path / "other"
        other.mkdir()
        wrong_ca = FakeKubernetes(url=server.url).kubeconfig(other, ca_pem=_other_ca(other))
        with pytest.raises(SecretsError, match=r"\(TLS verification failed\)$"):
            open_secrets(k8s_profile(wrong_ca))
        right_ca = FakeKubernetes(url=server.url, token=server.token).kubeconfig(
            other, ca_pem=tls[1].read_text())
        assert open_secrets(k8s_profile(right_ca)).get("owm_api_key") == "in-cluster-owm-key"
    finally:
        server.stop()


def test_kubeconfig_client_certificate(tmp_path: Path, tls: tuple[ssl.SSLContext, Path]) -> None:
    """Mutual TLS: the server asks for a client certificate and trusts only this one."""
    _other_ca(tmp_path)  # o.crt / o.key: the client's self-signed certificate
    client = ((tmp_path / "o.crt").read_text(), (tmp_path / "o.key").read_text())
    context = tls[0]
    context.verify_mode = ssl.CERT_REQUIRED
    context.load_verify_locations(tmp_path / "o.crt")
    server = FakeKubernetes(tls=context, token=None)
    server.start()
    try:
        server.add_secret("dash", "dash-secrets", {"owm_api_key": "mtls-owm-key"})
        config = server.kubeconfig(tmp_path, ca_pem=tls[1].read_text(), client=client)
        assert open_secrets(k8s_profile(config)).get("owm_api_key") == "mtls-owm-key"
        assert "Authorization" not in server.requests[0].headers
        (tmp_path / "no-cert").mkdir()
        without = server.kubeconfig(tmp_path / "no-cert", ca_pem=tls[1].read_text())
        with pytest.raises(SecretsError, match="cannot reach the Kubernetes API"):
            open_secrets(k8s_profile(without))
    finally:
        server.stop()


def _other_ca(folder: Path) -> str:
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=other", "-keyout", str(folder / "o.key"), "-out", str(folder / "o.crt")],
        check=True, capture_output=True, timeout=60,
    )
    return (folder / "o.crt").read_text()


# --- kubevault ------------------------------------------------------------------------------


# --- dash secrets encrypt / rewrap, and the kubevault path end to end -----------------------


def _kv_profile_file(tmp_path: Path, kube: FakeKubernetes, vault: FakeVault, jwt: Path,
                     base_url: str) -> Path:
    path = tmp_path / "cluster.yaml"
    path.write_text(yaml.safe_dump({
        "location": BOSTON, "units": "imperial",
        "secrets": kv_settings(kube.kubeconfig(tmp_path), vault, jwt),
        "sources": {"weather": {"provider": "openweathermap", "base_url": base_url}},
        "server": {"token_secret": "server_token"},
    }))
    return path


def test_rewrap_refuses_a_bad_round_trip(
    tmp_path: Path, kube: FakeKubernetes, vault: FakeVault, jwt_file: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("VAULT_TOKEN", raising=False)
    profile = _kv_profile_file(tmp_path, kube, vault, jwt_file, "http://127.0.0.1:9")
    before = store_ciphertext(kube, vault, SECRETS)
    vault.rotate("dash")
    vault.tamper_rewrap = True
    code, out, err = run_dash(monkeypatch, capsys, "secrets", "rewrap", "--profile", str(profile))
    assert (code, out) == (1, "")
    assert err == ("secrets (kubevault): rewrap: the new ciphertext does not decrypt to the same "
                   "secrets; nothing was replaced\n")
    assert kube.secret_value("dash", "dash-secrets", "secrets").decode() == before
    assert kube.calls("PATCH", "/api/v1/namespaces/dash/secrets/dash-secrets") == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["encrypt", "--transit-key", "k", "--vault-url", "http://127.0.0.1:9"],
         "give exactly one of --file FILE or '-' (standard input)"),
        (["encrypt", "-", "--vault-url", "http://127.0.0.1:9"],
         "--transit-key is required (no kubevault section in the profile)"),
        (["encrypt", "--file", "{plain}", "--transit-key", "k"],
         "--vault-url (or VAULT_ADDR) is required"),
        (["encrypt", "--file", "{plain}", "--transit-key", "k", "--vault-url", "http://x",
          "--write-secret", "nonamespace", "--key", "k"], "'nonamespace': expected NAMESPACE/NAME"),
        (["rewrap", "--transit-key", "k", "--vault-url", "http://x"],
         "nothing to rewrap: give --secret and --key, --file, or '-'"),
    ],
)
def test_admin_usage_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    args: list[str], message: str,
) -> None:
    monkeypatch.setenv("VAULT_TOKEN", "unused")
    monkeypatch.delenv("VAULT_ADDR", raising=False)
    monkeypatch.setattr("sys.stdin", _Stdin('{"a": "b"}'))
    plain = tmp_path / "plain.json"
    plain.write_text('{"a": "b"}')
    argv = [arg.format(plain=plain) for arg in args]
    code, out, err = run_dash(monkeypatch, capsys, "secrets", *argv)
    assert (code, out, err) == (2, "", message + "\n")


class _Stdin:
    def __init__(self, text: str) -> None:
        self.text = text

    def read(self) -> str:
        return self.text
