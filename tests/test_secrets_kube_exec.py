"""Kubeconfig exec credential plugins (as EKS, GKE, AKS and OIDC helpers work): the plugin is a
small script beside the kubeconfig that prints an ExecCredential; the Kubernetes API is the local
one (tests/fake_kubernetes.py), which accepts only the plugin's token or client certificate."""

from __future__ import annotations

import base64
import json
import ssl
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from dashcli.profiles.schema import Profile
from dashcli.secrets import SecretsError, kube_exec, open_secrets
from tests.fake_kubernetes import FakeKubernetes
from tests.test_secrets import BOSTON
from tests.test_secrets_kube import _other_ca, tls  # noqa: F401 - tls is a fixture

V1 = "client.authentication.k8s.io/v1"
PLUGIN = """#!{python}
import json, os, sys
log = os.path.join(os.path.dirname(os.path.abspath(__file__)), "calls.jsonl")
with open(log, "a") as calls:
    calls.write(json.dumps({{"args": sys.argv[1:], "info": os.environ.get("KUBERNETES_EXEC_INFO"),
                            "region": os.environ.get("DASH_TEST_REGION"),
                            "stdin": sys.stdin.read()}}) + "\\n")
{body}
"""
GOOD = """print(json.dumps({{"apiVersion": "{version}", "kind": "ExecCredential",
                  "status": {status}}}))"""


@pytest.fixture
def kube() -> Iterator[FakeKubernetes]:
    server = FakeKubernetes(token="exec-plugin-token-5e4d3c2b1a")
    server.start()
    server.add_secret("dash", "dash-secrets", {"owm_api_key": "exec-owm-key"})
    yield server
    server.stop()


def plugin(folder: Path, body: str) -> Path:
    path = folder / "bin" / "get-token"
    path.parent.mkdir(exist_ok=True)
    path.write_text(PLUGIN.format(python=sys.executable, body=body))
    path.chmod(0o755)
    return path


def good(folder: Path, status: dict[str, Any], version: str = V1) -> Path:
    return plugin(folder, GOOD.format(version=version, status=json.dumps(status)))


def calls(folder: Path) -> list[dict[str, Any]]:
    log = folder / "bin" / "calls.jsonl"
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def kubeconfig(folder: Path, server: str, exec_config: dict[str, Any],
               cluster: dict[str, Any] | None = None) -> Path:
    config = {
        "apiVersion": "v1", "kind": "Config", "current-context": "eks",
        "clusters": [{"name": "eks", "cluster": {"server": server, **(cluster or {})}}],
        "users": [{"name": "dash", "user": {"exec": {
            "apiVersion": V1, "command": "./bin/get-token", "interactiveMode": "Never",
            **exec_config}}}],
        "contexts": [{"name": "eks", "context": {"cluster": "eks", "user": "dash"}}],
    }
    path = folder / "kubeconfig"
    path.write_text(yaml.safe_dump(config))
    return path


def profile(config: Path) -> Profile:
    return Profile.model_validate({"location": BOSTON, "secrets": {
        "source": "kubernetes", "namespace": "dash", "name": "dash-secrets",
        "kubeconfig": str(config)}})


def test_an_exec_plugin_token_reads_the_secret_and_runs_again_on_refresh(
    tmp_path: Path, kube: FakeKubernetes
) -> None:
    good(tmp_path, {"token": kube.token, "expirationTimestamp": "2030-01-01T00:00:00Z"})
    config = kubeconfig(tmp_path, kube.url, {
        "args": ["token", "--cluster-name", "home"],
        "env": [{"name": "DASH_TEST_REGION", "value": "eu-north-1"}],
        "provideClusterInfo": True,
    })
    lookup = open_secrets(profile(config))
    assert lookup.get("owm_api_key") == "exec-owm-key"
    assert kube.requests[0].headers["Authorization"] == f"Bearer {kube.token}"
    (call,) = calls(tmp_path)
    assert call["args"] == ["token", "--cluster-name", "home"]
    assert call["region"] == "eu-north-1"
    assert call["stdin"] == ""
    assert json.loads(call["info"]) == {
        "apiVersion": V1, "kind": "ExecCredential",
        "spec": {"interactive": False, "cluster": {"server": kube.url}}}
    lookup.refresh()  # type: ignore[attr-defined]
    assert len(calls(tmp_path)) == 2  # a short-lived credential is fetched anew


def test_an_exec_plugin_client_certificate(
    tmp_path: Path, tls: tuple[ssl.SSLContext, Path],  # noqa: F811
) -> None:
    _other_ca(tmp_path)  # o.crt / o.key: the client certificate the plugin hands out
    context = tls[0]
    context.verify_mode = ssl.CERT_REQUIRED
    context.load_verify_locations(tmp_path / "o.crt")
    server = FakeKubernetes(tls=context, token=None)
    server.start()
    try:
        server.add_secret("dash", "dash-secrets", {"owm_api_key": "mtls-exec-key"})
        good(tmp_path, {"clientCertificateData": (tmp_path / "o.crt").read_text(),
                        "clientKeyData": (tmp_path / "o.key").read_text()}, version=(
            "client.authentication.k8s.io/v1beta1"))
        ca = base64.b64encode(tls[1].read_bytes()).decode()
        config = kubeconfig(tmp_path, server.url, {
            "apiVersion": "client.authentication.k8s.io/v1beta1"},
            cluster={"certificate-authority-data": ca})
        assert open_secrets(profile(config)).get("owm_api_key") == "mtls-exec-key"
        assert "Authorization" not in server.requests[0].headers
    finally:
        server.stop()


@pytest.mark.parametrize(
    ("body", "exec_config", "message"),
    [
        ("sys.stderr.write('error: SSO session expired; run aws sso login\\n'); sys.exit(3)", {},
         "exec plugin 'get-token' failed (exit 3): error: SSO session expired; run aws sso login"),
        (None, {"command": "no-such-auth-plugin", "installHint": "Install it:\n  brew x"},
         "exec plugin 'no-such-auth-plugin' not found (Install it: brew x)"),
        ("print('Token: abc')", {}, "exec plugin 'get-token': printed no ExecCredential JSON"),
        (GOOD.format(version="client.authentication.k8s.io/v1beta1", status='{"token": "t"}'), {},
         "exec plugin 'get-token': answered apiVersion 'client.authentication.k8s.io/v1beta1', "
         "asked for 'client.authentication.k8s.io/v1'"),
        (GOOD.format(version=V1, status="{}"), {},
         "exec plugin 'get-token': ExecCredential has neither a token nor a client certificate "
         "and key"),
        (None, {"interactiveMode": "Always"},
         "the exec plugin needs a terminal (interactiveMode: Always); dashcli runs without one"),
        (None, {"apiVersion": "client.authentication.k8s.io/v1alpha1"},
         "exec plugin apiVersion 'client.authentication.k8s.io/v1alpha1' is not one of "
         "client.authentication.k8s.io/v1, client.authentication.k8s.io/v1beta1"),
        ("import time; time.sleep(30)", {}, "exec plugin 'get-token' gave no credential within "
                                            "0.5 s"),
    ],
)
def test_exec_plugin_failures_are_one_line(
    tmp_path: Path, kube: FakeKubernetes, monkeypatch: pytest.MonkeyPatch, body: str | None,
    exec_config: dict[str, Any], message: str,
) -> None:
    monkeypatch.setattr(kube_exec, "EXEC_TIMEOUT", 0.5)
    plugin(tmp_path, body or "pass")
    config = kubeconfig(tmp_path, kube.url, exec_config)
    with pytest.raises(SecretsError) as caught:
        open_secrets(profile(config))
    assert str(caught.value) == f"secrets (kubernetes): kubeconfig {config}: {message}"
    assert kube.requests == []


def test_an_auth_provider_is_refused_with_what_to_use_instead(
    tmp_path: Path, kube: FakeKubernetes
) -> None:
    config = tmp_path / "kubeconfig"
    config.write_text(yaml.safe_dump({
        "current-context": "gke",
        "clusters": [{"name": "gke", "cluster": {"server": kube.url}}],
        "users": [{"name": "dash", "user": {"auth-provider": {"name": "gcp"}}}],
        "contexts": [{"name": "gke", "context": {"cluster": "gke", "user": "dash"}}]}))
    with pytest.raises(SecretsError, match="use its exec plugin"):
        open_secrets(profile(config))


def test_the_token_is_never_in_an_error(tmp_path: Path, kube: FakeKubernetes) -> None:
    good(tmp_path, {"token": "wrong-exec-token-9f8e7d"})
    config = kubeconfig(tmp_path, kube.url, {})
    with pytest.raises(SecretsError) as caught:
        open_secrets(profile(config))
    assert "401 Unauthorized" in str(caught.value)
    assert "wrong-exec-token" not in str(caught.value) + repr(caught.value)
