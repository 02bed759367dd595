"""The server's edges (issue 12, rows 10 and 13): tokens that would silently disable auth or lock
everyone out, and Last-Event-ID values a store cannot hold, against the real aiohttp app."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from dashcli.core.errors import DashError, ProfileError
from dashcli.secrets import server_token
from dashcli.store.base import MemoryStore
from tests.conftest import FixedSecrets, profile_with
from tests.test_server import serving, update


def with_server(**server: Any) -> Any:
    profile = profile_with()
    return profile.model_copy(update={"server": profile.server.model_copy(update=server)})


@pytest.mark.parametrize("token", ["", "   ", "\n"])
def test_an_empty_token_is_a_start_up_error_not_open_access(token: str) -> None:
    with pytest.raises(ProfileError, match=r"server\.token: empty or whitespace only") as caught:
        server_token(with_server(token=token))
    assert caught.value.exit_code == 2


def test_a_token_secret_keeps_no_trailing_newline() -> None:
    profile = with_server(token_secret="dash-token")
    assert server_token(profile, FixedSecrets(**{"dash-token": "s3cret\n"})) == "s3cret"
    with pytest.raises(DashError, match="empty or whitespace only"):
        server_token(profile, FixedSecrets(**{"dash-token": " \n"}))
    assert server_token(with_server(token=" s3cret\n")) == "s3cret"


@pytest.mark.parametrize("last_id", [str(2**63), "9" * 30, "-1", "1e3", "x"])
async def test_a_last_event_id_out_of_range_is_refused_cleanly(last_id: str) -> None:
    store = MemoryStore()
    await store.put(update("clock", time="12:00"))
    async with serving(store) as base, httpx.AsyncClient() as client:
        answer = await client.get(f"{base}/events", headers={"Last-Event-ID": last_id})
        assert answer.status_code == 400
        assert answer.json() == {"error": "Last-Event-ID: not an event id of this server"}
        assert (await client.get(f"{base}/state")).status_code == 200


def test_yaml_secrets_keep_the_text_they_were_written_as(tmp_path: Path) -> None:
    from dashcli.secrets.base import parse_mapping

    text = "pin: 0123\nflag: yes\nratio: 1e3\nquoted: '0123'\n"
    values = parse_mapping(text, "file", str(tmp_path / "s.yaml"), kind="YAML")
    assert values == {"pin": "0123", "flag": "yes", "ratio": "1e3", "quoted": "0123"}


async def test_unknown_hosts_and_cross_site_posts_are_refused() -> None:
    from dashcli.server.hosts import allowed_hosts

    assert allowed_hosts("0.0.0.0") is None
    assert allowed_hosts("0.0.0.0", ["Dash.Local"]) == {"dash.local", "localhost", "127.0.0.1",
                                                        "::1"}
    store = MemoryStore()
    async with serving(store, hosts=allowed_hosts("127.0.0.1")) as base, \
            httpx.AsyncClient() as client:
        port = base.rsplit(":", 1)[1]
        rebound = await client.get(f"{base}/state", headers={"Host": f"evil.example:{port}"})
        assert rebound.status_code == 421
        assert (await client.get(f"{base}/state", headers={"Host": f"localhost:{port}"})
                ).status_code == 200
        assert (await client.get(f"{base}/healthz", headers={"Host": "pod-ip"})).status_code == 200
        cross = await client.post(f"{base}/control/next",
                                  headers={"Origin": "http://evil.example"})
        assert cross.status_code == 403
        same = await client.post(f"{base}/control/next", headers={"Origin": base})
        assert same.status_code == 200


async def test_the_preview_loop_outlives_a_store_down_at_start(redis_server: Any) -> None:
    import asyncio

    from dashcli.store.redis import RedisStore

    redis_server.kill()
    store = RedisStore(redis_server.url)
    await store.open()
    try:
        async with serving(store, preview=profile_with()) as base, \
                httpx.AsyncClient(timeout=10) as client:
            ready = await client.get(f"{base}/readyz")
            assert ready.status_code == 503
            async with asyncio.timeout(10):
                while "tasks_down" not in (body := (await client.get(f"{base}/readyz")).json()):
                    await asyncio.sleep(0.1)
            assert body["tasks_down"] == {"preview loop": "failed: StoreError"}
            redis_server.start()
            async with asyncio.timeout(30):
                while (await client.get(f"{base}/readyz")).status_code != 200:
                    await asyncio.sleep(0.2)
            assert "tasks_down" not in (await client.get(f"{base}/readyz")).json()
            assert (await client.get(f"{base}/frames/current.json")).status_code == 200
    finally:
        await store.close()


async def test_malformed_requests_log_one_line_without_the_token(
    caplog: pytest.LogCaptureFixture,
) -> None:
    import asyncio
    import logging

    from dashcli.server import logfilter

    logfilter.install()
    requests = [
        b"GET /state HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer SECRET123\r\nBad Header\r\n\r\n",
        b"GET /events?token=SECRET123" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    ] + [b"GET /state?token=SECRET123 HTTP/1.1\r\nHost: x\r\n\x00bad: 1\r\n\r\n"] * 20
    with caplog.at_level(logging.DEBUG):
        async with serving(MemoryStore(), token="SECRET123") as base:
            port = int(base.rsplit(":", 1)[1])
            for raw in requests:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.write(raw)
                await writer.drain()
                assert b" 400 " in (await reader.read(100))
                writer.close()
    assert "SECRET123" not in caplog.text
    assert "Traceback" not in caplog.text
    refused = [r for r in caplog.records if "bad request from a client refused" in r.message]
    assert refused
    assert all(record.levelname == "WARNING" for record in refused)
    assert len(refused) < 10  # 22 bad requests: repeats are held back, not written


def test_the_panel_never_runs_as_root_from_files_others_can_write(tmp_path: Path) -> None:
    import os
    import shutil
    import sys

    from tests.test_cli import assert_one_line_error, dash

    if os.geteuid() != 0 or Path(sys.prefix).stat().st_uid != 0:
        pytest.skip("needs a root-owned virtualenv, as a system install has")
    profile = tmp_path / "home.yaml"
    shutil.copy(Path(__file__).parents[1] / "profiles" / "pi.yaml", profile)
    profile.chmod(0o666)
    args = ["service", "install", "--profile", str(profile), "--dest", str(tmp_path / "u"),
            "--run-as", "root"]
    result = dash(*args, "--split")
    assert_one_line_error(result, 2, f"dash matrix would run as root from {profile}")
    profile.chmod(0o644)
    assert dash(*args, "--split").returncode == 0
    profile.chmod(0o666)
    assert dash(*args, "--split", "--panel-user", "nobody").returncode == 0
