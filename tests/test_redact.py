"""core.redact: what of a secret or a URL may be printed."""

from __future__ import annotations

import pytest

from dashcli.core.redact import mask, redact_url


@pytest.mark.parametrize(("url", "shown"), [
    ("redis://:hunter22@db:6379/0", "redis://:****@db:6379/0"),
    ("redis://dash:hunter22@db/0", "redis://dash:****@db/0"),
    ("https://api.example/onecall?appid=k3y&lat=1", "https://api.example/onecall"),
    ("https://example.org/cal.ics#token", "https://example.org/cal.ics"),
    ("http://127.0.0.1:8080/events", "http://127.0.0.1:8080/events"),
])
def test_redact_url_keeps_the_address_and_drops_secrets(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_mask_shows_a_hint_never_the_value() -> None:
    assert mask("short") == "**** (5 chars)"
    assert mask("o1234567890abcdef9") == "o…9 (18 chars)"
