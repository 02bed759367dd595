"""The example plugin as dashcli sees it once installed: the source and page are found through
their entry points, the provider reads a real HTTP server on 127.0.0.1 (a recorded open-notify
answer) and refuses a bad one naming the field, the page draws, and dash fetch / dash render
run it from a profile."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from aiohttp import web

from dashcli.core.envelope import Update
from dashcli.profiles.schema import Profile
from dashcli.renderers import page_spec, render
from dashcli.sources import run_provider, source_info
from dashcli.sources.base import FetchContext
from dashcli.sources.errors import DataError

ANSWER = {"message": "success", "timestamp": 1790530800,
          "iss_position": {"latitude": "-12.3456", "longitude": "101.5"}}
NOW = datetime(2026, 9, 27, 17, 40, tzinfo=UTC)
LOCATION = {"name": "Boston", "latitude": 42.36, "longitude": -71.06,
            "timezone": "America/New_York"}


@pytest.fixture
async def upstream() -> AsyncIterator[tuple[str, list[object]]]:
    answers: list[object] = [ANSWER]

    async def iss_now(request: web.Request) -> web.Response:
        return web.json_response(answers[-1])

    app = web.Application()
    app.router.add_get("/iss-now.json", iss_now)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}", answers
    await runner.cleanup()


def profile(url: str) -> Profile:
    return Profile.model_validate({"location": LOCATION, "sources": {"iss": {"base_url": url}},
                                   "display": {"cycle": [{"page": "iss", "seconds": 10}]}})


async def fetch(url: str) -> dict[str, object]:
    chosen = profile(url)
    async with httpx.AsyncClient(timeout=5) as client:
        ctx = FetchContext("iss", chosen, chosen.sources.enabled()["iss"], client, NOW)
        fetched = await run_provider(ctx)
    return fetched.values


def test_found_through_the_entry_points() -> None:
    assert source_info("iss").providers[0].name == "open-notify"
    assert page_spec("iss").types == ("iss",)


async def test_the_provider_reads_the_upstream(upstream: tuple[str, list[object]]) -> None:
    url, answers = upstream
    values = await fetch(url)
    assert values == {"latitude": -12.3456, "longitude": 101.5,
                      "time": "2026-09-27T13:40:00-04:00"}
    answers.append({"iss_position": {"latitude": "north", "longitude": "0"}, "timestamp": 1})
    with pytest.raises(DataError, match=r"iss: open-notify.iss_position.latitude: not a number"):
        await fetch(url)


def test_the_page_draws_and_refuses_bad_values() -> None:
    good = {"iss": Update("iss", NOW, NOW.replace(hour=18), {"latitude": 10.0,
                                                              "longitude": 20.0}, "t", 1)}
    image = render("iss", good, NOW)
    assert image.getpixel((127, 0)) == (0, 0, 0)
    assert (255, 235, 40) in {image.getpixel((x, y)) for x in range(128) for y in range(64)}
    bad = {"iss": Update("iss", NOW, NOW.replace(hour=18), {"latitude": 100.0,
                                                             "longitude": 0.0}, "t", 1)}
    assert render("iss", bad, NOW).tobytes() != image.tobytes()


async def test_dash_fetch_and_render_use_the_plugin(
        tmp_path: Path, upstream: tuple[str, list[object]]) -> None:
    url, _ = upstream
    path = tmp_path / "iss.yaml"
    path.write_text(json.dumps({"location": LOCATION, "sources": {"iss": {"base_url": url}},
                                "store": f"sqlite:///{tmp_path}/s.db"}))
    dash = [sys.executable, "-m", "dashcli"]
    # In a thread: the upstream runs on this test's event loop.
    fetched = await asyncio.to_thread(
        subprocess.run, [*dash, "fetch", "iss", "--profile", str(path), "--json"],
        capture_output=True, text=True, timeout=60, check=False)
    assert fetched.returncode == 0, fetched.stderr
    assert json.loads(fetched.stdout)["values"]["longitude"] == 101.5
    drawn = subprocess.run([*dash, "render", "iss", "--demo", "--out", str(tmp_path / "i.png")],
                           capture_output=True, text=True, timeout=60, check=False)
    assert drawn.returncode == 0, drawn.stderr
    assert (tmp_path / "i.png").stat().st_size > 0
