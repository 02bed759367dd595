"""POST/PUT /state/{type} on a real 127.0.0.1 port: stored with the seq in the answer, seen by
a real SSE client, behind the token, and refused with 400 naming the field for everything
``dash publish`` refuses (bad JSON, too big, an envelope of another type, a bad app value)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from dashcli.core import jsonlimits
from dashcli.store import Store
from tests import test_server
from tests.sse_client import SSEClient
from tests.test_server import TOKEN, serving

# Every real backend in turn (memory, embedded SQLite, a real redis-server).
store = test_server.store

AUTH = {"Authorization": f"Bearer {TOKEN}"}


async def send(method: str, url: str, body: bytes | str, **kwargs: Any) -> httpx.Response:
    async with httpx.AsyncClient(timeout=10) as client:
        return await client.request(method, url, content=body, **kwargs)


async def test_push_stores_answers_the_seq_and_reaches_sse(store: Store) -> None:
    async with serving(store, token=TOKEN) as base, \
            SSEClient(f"{base}/events?types=scores", headers=AUTH) as client:
        answer = await send("POST", f"{base}/state/scores?valid=600", '{"home": 3, "away": 2}',
                            headers=AUTH)
        assert answer.status_code == 200, answer.text
        seq = answer.json()["seq"]
        assert answer.json() == {"type": "scores", "seq": seq}
        event = await client.next_event()
        assert (event.event, event.id) == ("scores", str(seq))
        assert event.json()["values"] == {"home": 3, "away": 2}
        assert event.json()["source"] == "http"
        put = await send("PUT", f"{base}/state/scores", json.dumps(
            {"type": "scores", "values": {"home": 4}, "source": "ha"}), headers=AUTH)
        assert put.status_code == 200, put.text
        assert put.json()["seq"] > seq
    stored = await store.get("scores")
    assert stored is not None
    assert (stored.values, stored.source) == ({"home": 4}, "ha")
    assert (stored.valid - stored.updated).total_seconds() == 3600


async def test_push_needs_the_token(store: Store) -> None:
    async with serving(store, token=TOKEN) as base:
        for headers in ({}, {"Authorization": "Bearer wrong"}):
            answer = await send("POST", f"{base}/state/scores", "{}", headers=headers)
            assert answer.status_code == 401
            # The token is never taken from the query for writes.
            answer = await send("POST", f"{base}/state/scores?token={TOKEN}", "{}",
                                headers=headers)
            assert answer.status_code == 401
    assert await store.get("scores") is None


BAD = [
    ("scores", "{", "body", "body: not valid JSON"),
    ("scores", "[1, 2]", "body", "body: expected a JSON object, got list"),
    ("scores", '{"a": NaN}', "body", "NaN"),
    ("scores", '{"type": "other", "values": {}}', "body", "envelope type 'other'"),
    ("bad type!", "{}", "type", "use letters, digits"),
    ("control", "{}", "type", "reserved"),
    ("scores?valid=0", "{}", "valid", "valid: seconds from 1"),
    ("scores?app=1", '{"lines": [{"text": "x", "color": "blurple"}]}', "lines[0].color",
     "body: lines[0].color: not a colour"),
    ("board", '{"icon": "unicorn"}', "icon", "body: icon: unknown icon 'unicorn'"),
    ("scores", "x" * (jsonlimits.DEFAULT_MAX_BYTES + 1), "body", "larger than the"),
]


@pytest.mark.parametrize(("path", "body", "field", "message"), BAD,
                         ids=[case[3][:24] for case in BAD])
async def test_bad_values_are_400_naming_the_field(path: str, body: str, field: str,
                                                   message: str) -> None:
    from dashcli.store.base import MemoryStore

    memory = MemoryStore()
    await memory.open()
    # "board" is an app type of the profile: checked without ?app=1.
    async with serving(memory, app_types=frozenset({"board"})) as base:
        answer = await send("POST", f"{base}/state/{path}", body)
        assert answer.status_code == 400, answer.text
        if answer.status_code == 400:
            error = answer.json()
            assert error["field"] == field
            assert message in error["error"]
        plain = await send("POST", f"{base}/state/board2", '{"icon": "unicorn"}')
        assert plain.status_code == 200
    assert await memory.get("scores") is None
    assert await memory.get("board") is None
