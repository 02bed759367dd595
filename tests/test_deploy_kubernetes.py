"""deploy/kubernetes: every overlay renders with kustomize and validates against the Kubernetes
schemas (kubernetes-validate, strict), and the rendered objects do what the README promises:
one fetcher per enabled source of the bundled profile, probes on the server's endpoints, Redis
reachable only by dash pods and only as its ACL user (checked against a real redis-server)."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
KUBE = ROOT / "deploy" / "kubernetes"
OVERLAYS = ("single-node", "cluster")
BUNDLED_PROFILE = ROOT / "profiles" / "kubernetes.yaml"
# The Secrets an operator creates (deploy/kubernetes/README.md); nothing else may be referenced.
OPERATOR_SECRETS = {"dash-redis"}


def kustomize() -> list[str]:
    """kubectl's built-in kustomize, else a standalone kustomize binary."""
    if kubectl := shutil.which("kubectl"):
        return [kubectl, "kustomize"]
    if standalone := shutil.which("kustomize"):
        return [standalone, "build"]
    pytest.skip("neither kubectl nor kustomize is installed: cannot render the overlays")


def render(directory: Path) -> list[dict[str, Any]]:
    result = subprocess.run(
        [*kustomize(), str(directory)], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


@pytest.fixture(scope="module")
def rendered() -> dict[str, list[dict[str, Any]]]:
    """Every overlay, and the cluster overlay with the kubevault component, rendered once."""
    found = {name: render(KUBE / "overlays" / name) for name in OVERLAYS}
    found["cluster+kubevault"] = render_with_kubevault()
    return found


def render_with_kubevault() -> list[dict[str, Any]]:
    """The cluster overlay plus the kubevault component, as a user's own overlay would add it."""
    return render_with_component("kubevault")


def render_with_component(name: str) -> list[dict[str, Any]]:
    """The cluster overlay plus one component, as a user's own overlay would add it."""
    import tempfile

    with tempfile.TemporaryDirectory(dir=KUBE) as folder:
        # kustomize accepts only relative paths to other kustomizations.
        overlay = os.path.relpath(KUBE / "overlays" / "cluster", folder)
        component = os.path.relpath(KUBE / "components" / name, folder)
        (Path(folder) / "kustomization.yaml").write_text(
            yaml.safe_dump({"resources": [overlay], "components": [component]})
        )
        return render(Path(folder))


def find(objects: list[dict[str, Any]], kind: str, name: str | None = None) -> list[dict[str, Any]]:
    return [
        obj for obj in objects
        if obj["kind"] == kind and (name is None or obj["metadata"]["name"] == name)
    ]


def one(objects: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    found = find(objects, kind, name)
    assert len(found) == 1, f"expected one {kind} {name}, found {len(found)}"
    return found[0]


def container(deployment: dict[str, Any]) -> dict[str, Any]:
    containers = deployment["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return containers[0]  # type: ignore[no-any-return]


def profile_text(objects: list[dict[str, Any]]) -> str:
    (config_map,) = [
        obj for obj in find(objects, "ConfigMap")
        if obj["metadata"]["name"].startswith("dash-profile")
    ]
    return config_map["data"]["profile.yaml"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("overlay", [*OVERLAYS, "cluster+kubevault"])
def test_every_object_validates_against_the_kubernetes_schemas(
    overlay: str, rendered: dict[str, list[dict[str, Any]]]
) -> None:
    import kubernetes_validate  # type: ignore[import-untyped]

    version = kubernetes_validate.latest_version()
    for obj in rendered[overlay]:
        # strict: unknown fields are errors too (a typo would otherwise be silently dropped).
        kubernetes_validate.validate(obj, version, strict=True)


def test_the_schema_check_can_fail() -> None:
    import kubernetes_validate

    broken = {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x"},
        "spec": {"selector": {"matchLabels": {"a": "b"}}, "template": {
            "metadata": {"labels": {"a": "b"}},
            "spec": {"containers": [{"name": "x", "image": "x", "livenesProbe": {}}]},
        }},
    }
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, kubernetes_validate.latest_version(), strict=True)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_one_fetcher_per_enabled_source(
    overlay: str, rendered: dict[str, list[dict[str, Any]]]
) -> None:
    from dashcli.profiles import load_profile

    enabled = list(load_profile(str(BUNDLED_PROFILE)).sources.enabled())
    assert enabled == ["weather", "air", "moon", "clock", "mlb", "nfl"]
    fetchers = {
        obj["metadata"]["name"]: obj for obj in find(rendered[overlay], "Deployment")
        if obj["metadata"]["name"].startswith("dash-fetch-")
    }
    assert sorted(fetchers) == sorted(f"dash-fetch-{name}" for name in enabled)
    selectors = set()
    for name in enabled:
        deployment = fetchers[f"dash-fetch-{name}"]
        assert deployment["spec"]["replicas"] == 1
        args = container(deployment)["args"]
        assert args[:2] == ["fetch", name]
        assert {"--publish", "--every=auto", "--health-port=8081",
                "--health-host=0.0.0.0"} <= set(args)
        # Prometheus scrapes the health port's /metrics (annotations of the pod).
        annotations = deployment["spec"]["template"]["metadata"]["annotations"]
        assert annotations == {"prometheus.io/scrape": "true", "prometheus.io/port": "8081",
                               "prometheus.io/path": "/metrics"}
        assert container(deployment)["ports"] == [{"name": "metrics", "containerPort": 8081}]
        probe = container(deployment)["livenessProbe"]["exec"]["command"]
        assert probe == ["dashcli", "healthcheck", "--url=http://127.0.0.1:8081/healthz"]
        selectors.add(tuple(sorted(deployment["spec"]["selector"]["matchLabels"].items())))
    # Every fetcher selects only its own pods.
    assert len(selectors) == len(enabled)


def test_the_servicemonitor_scrapes_every_serve_replica_with_the_token() -> None:
    objects = render_with_component("servicemonitor")
    monitor = one(objects, "ServiceMonitor", "dash-serve")
    assert monitor["metadata"]["namespace"] == "dash"
    service = one(objects, "Service", "dash")
    assert monitor["spec"]["selector"]["matchLabels"].items() <= service["metadata"][
        "labels"].items()
    (endpoint,) = monitor["spec"]["endpoints"]
    assert endpoint["port"] in {port["name"] for port in service["spec"]["ports"]}
    assert endpoint["path"] == "/metrics"
    # The token the profile reads (server.token_secret) from the Secret the operator creates.
    assert endpoint["bearerTokenSecret"] == {"name": "dash-secrets", "key": "server_token"}
    assert "token_secret: server_token" in BUNDLED_PROFILE.read_text()


@pytest.mark.parametrize(("overlay", "replicas"), [("single-node", 1), ("cluster", 3)])
def test_serve_deployment_and_service(
    overlay: str, replicas: int, rendered: dict[str, list[dict[str, Any]]]
) -> None:
    objects = rendered[overlay]
    serve = one(objects, "Deployment", "dash-serve")
    assert serve["spec"]["replicas"] == replicas
    spec = container(serve)
    assert spec["args"][0] == "serve"
    assert "--no-fetch" in spec["args"]
    assert "--store=redis://dash:$(REDIS_PASSWORD)@redis:6379/0" in spec["args"]
    assert spec["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    # /readyz is behind the bearer token: the probe runs dash itself with the profile's token.
    assert spec["readinessProbe"]["exec"]["command"] == [
        "dashcli", "healthcheck", "--url=http://127.0.0.1:8080/readyz",
        "--profile=/etc/dash/profile.yaml"]
    assert spec["ports"] == [{"name": "http", "containerPort": 8080}]
    assert spec["resources"]["limits"]["memory"] == "256Mi"
    service = one(objects, "Service", "dash")
    assert service["spec"]["selector"].items() <= serve["spec"]["template"]["metadata"][
        "labels"
    ].items()
    assert service["spec"]["ports"][0]["targetPort"] == "http"


def test_cluster_spreads_replicas_and_persists_redis(
    rendered: dict[str, list[dict[str, Any]]]
) -> None:
    cluster, single = rendered["cluster"], rendered["single-node"]
    spread = one(cluster, "Deployment", "dash-serve")["spec"]["template"]["spec"]
    assert spread["topologySpreadConstraints"][0]["topologyKey"] == "kubernetes.io/hostname"
    assert one(cluster, "PodDisruptionBudget", "dash-serve")["spec"]["maxUnavailable"] == 1
    persistent = one(cluster, "StatefulSet", "redis")["spec"]
    assert persistent["volumeClaimTemplates"][0]["metadata"]["name"] == "data"
    assert "data" not in {v["name"] for v in persistent["template"]["spec"]["volumes"]}
    redis = container(one(cluster, "StatefulSet", "redis"))
    env = {e["name"]: e.get("value") for e in redis["env"]}
    assert env["REDIS_APPENDONLY"] == "yes"
    ephemeral = one(single, "StatefulSet", "redis")["spec"]
    assert "volumeClaimTemplates" not in ephemeral
    assert {"name": "data", "emptyDir": {}} in ephemeral["template"]["spec"]["volumes"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_only_dash_pods_reach_redis(
    overlay: str, rendered: dict[str, list[dict[str, Any]]]
) -> None:
    objects = rendered[overlay]
    (policy,) = find(objects, "NetworkPolicy")
    redis_labels = one(objects, "StatefulSet", "redis")["spec"]["template"]["metadata"]["labels"]
    assert policy["spec"]["podSelector"]["matchLabels"].items() <= redis_labels.items()
    assert policy["spec"]["policyTypes"] == ["Ingress"]
    (rule,) = policy["spec"]["ingress"]
    assert rule["ports"] == [{"protocol": "TCP", "port": 6379}]
    (source,) = rule["from"]
    admitted = source["podSelector"]["matchLabels"]
    assert admitted, "an empty selector would admit every pod of the namespace"
    for deployment in find(objects, "Deployment"):
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert admitted.items() <= labels.items(), deployment["metadata"]["name"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_pods_are_unprivileged_and_use_only_the_operator_secrets(
    overlay: str, rendered: dict[str, list[dict[str, Any]]]
) -> None:
    objects = rendered[overlay]
    workloads = find(objects, "Deployment") + find(objects, "StatefulSet")
    assert len(workloads) == 8
    for workload in workloads:
        pod = workload["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        for spec in pod["containers"]:
            assert spec["securityContext"]["allowPrivilegeEscalation"] is False
            assert spec["securityContext"]["capabilities"] == {"drop": ["ALL"]}
            assert "memory" in spec["resources"]["limits"]
            for variable in spec.get("env", []):
                ref = variable.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    assert ref["name"] in OPERATOR_SECRETS
        if workload["metadata"]["name"].startswith("dash-"):
            assert pod["serviceAccountName"] == "dash"
            assert container(workload)["image"] == "dashcli:0.1.0"
    assert not find(objects, "Secret"), "secret values do not belong in git"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_profile_is_the_bundled_kubernetes_profile(
    overlay: str, rendered: dict[str, list[dict[str, Any]]]
) -> None:
    assert profile_text(rendered[overlay]) == BUNDLED_PROFILE.read_text(encoding="utf-8")
    # The Role lets the pods read exactly the Secret the profile's secrets section names.
    profile = yaml.safe_load(BUNDLED_PROFILE.read_text(encoding="utf-8"))
    role = one(rendered[overlay], "Role", "dash-read-secrets")
    assert role["rules"] == [{
        "apiGroups": [""], "resources": ["secrets"],
        "resourceNames": [profile["secrets"]["name"]], "verbs": ["get"],
    }]
    assert role["metadata"]["namespace"] == profile["secrets"]["namespace"]


def test_the_kubevault_profile_differs_only_in_its_secrets(
    rendered: dict[str, list[dict[str, Any]]], tmp_path: Path
) -> None:
    from dashcli.profiles import load_profile

    path = tmp_path / "profile.yaml"
    path.write_text(profile_text(rendered["cluster+kubevault"]), encoding="utf-8")
    vault = load_profile(str(path))
    bundled = load_profile(str(BUNDLED_PROFILE))
    assert vault.secrets is not None
    assert vault.secrets.source == "kubevault"
    assert vault.secrets.name == bundled.secrets.name  # type: ignore[union-attr]
    assert vault.secrets.role == "dash"
    assert vault.model_dump(exclude={"secrets"}) == bundled.model_dump(exclude={"secrets"})


# --- Redis: the ACL user of the StatefulSet against a real redis-server -------------------------


def acl_rules(objects: list[dict[str, Any]]) -> str:
    redis = container(one(objects, "StatefulSet", "redis"))
    env = {e["name"]: e.get("value") for e in redis["env"]}
    assert "user default off" in redis["args"][0]
    return str(env["REDIS_ACL_RULES"])


@pytest.fixture
def acl_redis(tmp_path: Path, rendered: dict[str, list[dict[str, Any]]]) -> Iterator[int]:
    """redis-server with the StatefulSet's ACL: default user off, user dash with a password."""
    executable = shutil.which("redis-server")
    if executable is None:
        pytest.skip("redis-server is not installed")
    acl = tmp_path / "users.acl"
    rules = acl_rules(rendered["cluster"])
    acl.write_text(f"user default off\nuser dash on >s3cret-pass {rules}\n")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [executable, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--aclfile", str(acl), "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
    yield port
    process.kill()
    process.wait()


def test_the_dash_acl_user_can_run_the_store(acl_redis: int) -> None:
    from dashcli.core.envelope import Update, utcnow
    from dashcli.store import open_store

    async def exercise() -> None:
        store = open_store(f"redis://dash:s3cret-pass@127.0.0.1:{acl_redis}/0")
        await store.open()
        try:
            assert await store.ping()
            now = utcnow()
            first = await store.put(Update(type="clock", updated=now, valid=now,
                                           values={"n": 1}, source="local"))
            await store.put(Update(type="clock", updated=now, valid=now,
                                   values={"n": 2}, source="local"))
            assert (await store.get("clock")).values == {"n": 2}  # type: ignore[union-attr]
            assert set(await store.snapshot()) == {"clock"}
            assert first.seq is not None
            missed = await store.since(first.seq)
            assert missed is not None
            assert [u.values for u in missed] == [{"n": 2}]
        finally:
            await store.close()

    asyncio.run(exercise())


def test_redis_refuses_the_default_user_and_admin_commands(acl_redis: int) -> None:
    import redis

    anonymous = redis.Redis(port=acl_redis, socket_timeout=5)
    with pytest.raises(redis.exceptions.RedisError):
        anonymous.ping()
    dash = redis.Redis(port=acl_redis, username="dash", password="s3cret-pass", socket_timeout=5)
    assert dash.ping()
    with pytest.raises(redis.exceptions.NoPermissionError):
        dash.flushall()
    with pytest.raises(redis.exceptions.NoPermissionError):
        dash.config_get("requirepass")
    anonymous.close()
    dash.close()


def test_every_container_command_parses(rendered: dict[str, list[dict[str, Any]]]) -> None:
    """The args and exec probes of the dash containers name only options that exist (click
    rejects an unknown option before --help exits)."""
    import sys

    commands = set()
    for deployment in find(rendered["cluster"], "Deployment"):
        spec = container(deployment)
        commands.add(tuple(spec["args"]))
        probe = spec["livenessProbe"].get("exec")
        if probe:
            assert probe["command"][0] == "dashcli"
            commands.add(tuple(probe["command"][1:]))
    assert len(commands) == 8  # serve, six fetchers, the fetchers' health check
    for args in commands:
        result = subprocess.run([sys.executable, "-m", "dashcli", *args, "--help"],
                                capture_output=True, text=True, timeout=60, check=False)
        assert result.returncode == 0, f"{args}: {result.stderr}"
