"""Kubeconfig exec credential plugins (EKS, GKE, AKS, OIDC login helpers), as kubectl runs them.

A kubeconfig user with ``exec:`` names a command that prints an ``ExecCredential`` (API group
``client.authentication.k8s.io``, v1 or v1beta1) with a bearer ``token`` or a client certificate
and key. :func:`run_exec_plugin` runs it the way client-go does: a relative command with a slash
is relative to the kubeconfig's folder, ``env`` entries are added to this process's environment,
``KUBERNETES_EXEC_INFO`` describes the request (with the cluster when ``provideClusterInfo``),
stdin is closed (dashcli never runs interactively, so a plugin that insists on it is refused).
Failures are one line naming the kubeconfig and the command; the credential is never printed.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from dashcli.secrets.base import SecretsError

EXEC_TIMEOUT = 60.0
API_VERSIONS = ("client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1")
MESSAGE_LIMIT = 200


@dataclass(frozen=True)
class ExecCredential:
    """What a plugin returned: a token, or a client certificate and key (PEM)."""

    token: str | None
    client_certificate: str | None
    client_key: str | None
    expires: datetime | None

    def __repr__(self) -> str:
        kind = "token" if self.token else "client certificate"
        return f"ExecCredential({kind}, expires {self.expires})"


def _one_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= MESSAGE_LIMIT else line[: MESSAGE_LIMIT - 1] + "…"


def _command(config: dict[str, Any], base: Path) -> str:
    command = str(config.get("command") or "")
    if os.sep in command and not os.path.isabs(command):
        return str(base / command)
    return command


def _environment(config: dict[str, Any], request: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    for entry in config.get("env") or []:
        if isinstance(entry, dict) and "name" in entry:
            env[str(entry["name"])] = str(entry.get("value", ""))
    env["KUBERNETES_EXEC_INFO"] = json.dumps(request)
    return env


def _request(api_version: str, cluster: dict[str, Any], provide: bool) -> dict[str, Any]:
    spec: dict[str, Any] = {"interactive": False}
    if provide:
        info = {"server": cluster.get("server")}
        if cluster.get("certificate-authority-data"):
            info["certificate-authority-data"] = cluster["certificate-authority-data"]
        if cluster.get("insecure-skip-tls-verify"):
            info["insecure-skip-tls-verify"] = True
        if "extensions" in cluster:
            info["config"] = cluster["extensions"]
        spec["cluster"] = info
    return {"apiVersion": api_version, "kind": "ExecCredential", "spec": spec}


def run_exec_plugin(
    config: dict[str, Any], cluster: dict[str, Any], base: Path, where: str, provider: str
) -> ExecCredential:
    """Run a kubeconfig user's ``exec`` plugin; ``where`` names the kubeconfig in errors."""
    api_version = str(config.get("apiVersion") or "")
    if api_version not in API_VERSIONS:
        raise SecretsError(provider, f"{where}: exec plugin apiVersion {api_version!r} is not one "
                                     f"of {', '.join(API_VERSIONS)}")
    if config.get("interactiveMode") == "Always":
        raise SecretsError(provider, f"{where}: the exec plugin needs a terminal "
                                     "(interactiveMode: Always); dashcli runs without one")
    command = _command(config, base)
    if not command:
        raise SecretsError(provider, f"{where}: exec plugin without a command")
    args = [str(arg) for arg in config.get("args") or []]
    name = os.path.basename(command)
    request = _request(api_version, cluster, bool(config.get("provideClusterInfo")))
    try:
        done = subprocess.run(  # noqa: S603 - the command the user's kubeconfig names
            [command, *args], env=_environment(config, request), stdin=subprocess.DEVNULL,
            capture_output=True, text=True, timeout=EXEC_TIMEOUT, check=False,
        )
    except FileNotFoundError:
        hint = config.get("installHint")
        extra = f" ({_one_line(str(hint))})" if hint else ""
        raise SecretsError(provider, f"{where}: exec plugin {name!r} not found{extra}") from None
    except PermissionError:
        raise SecretsError(provider, f"{where}: exec plugin {name!r} is not executable") from None
    except subprocess.TimeoutExpired:
        raise SecretsError(provider, f"{where}: exec plugin {name!r} gave no credential "
                                     f"within {EXEC_TIMEOUT:g} s") from None
    if done.returncode != 0:
        said = _one_line(done.stderr) if done.stderr.strip() else "no message"
        raise SecretsError(provider, f"{where}: exec plugin {name!r} failed "
                                     f"(exit {done.returncode}): {said}")
    return _parse(done.stdout, api_version, f"{where}: exec plugin {name!r}", provider)


def _parse(output: str, api_version: str, where: str, provider: str) -> ExecCredential:
    try:
        answer = json.loads(output)
    except ValueError:
        raise SecretsError(provider, f"{where}: printed no ExecCredential JSON") from None
    if not isinstance(answer, dict) or answer.get("kind") != "ExecCredential":
        raise SecretsError(provider, f"{where}: printed no ExecCredential JSON")
    if answer.get("apiVersion") != api_version:
        raise SecretsError(provider, f"{where}: answered apiVersion {answer.get('apiVersion')!r}, "
                                     f"asked for {api_version!r}")
    status = answer.get("status")
    if not isinstance(status, dict):
        raise SecretsError(provider, f"{where}: ExecCredential without a status")
    token = status.get("token")
    cert, key = status.get("clientCertificateData"), status.get("clientKeyData")
    if not (isinstance(token, str) and token) and not (isinstance(cert, str)
                                                        and isinstance(key, str)):
        raise SecretsError(provider, f"{where}: ExecCredential has neither a token nor a client "
                                     "certificate and key")
    expires = None
    stamp = status.get("expirationTimestamp")
    if isinstance(stamp, str) and stamp:
        try:
            expires = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        except ValueError:
            raise SecretsError(provider, f"{where}: expirationTimestamp {stamp[:40]!r} is not "
                                         "RFC 3339") from None
    return ExecCredential(token if isinstance(token, str) and token else None,
                          cert if isinstance(cert, str) else None,
                          key if isinstance(key, str) else None, expires)
