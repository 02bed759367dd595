"""Masking secret values for display: a hint that helps a user recognise a value, never the value.

A masked value shows at most its length and its first and last character (``o…9 (32 chars)``);
URLs keep their scheme, user, host and path but lose passwords, query strings and fragments.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

MASK = "****"


def mask(value: str) -> str:
    """``a…z (N chars)``; values shorter than 8 characters show no characters at all."""
    if len(value) < 8:
        return f"{MASK} ({len(value)} chars)"
    return f"{value[0]}…{value[-1]} ({len(value)} chars)"


def redact_url(url: str) -> str:
    """The URL as it may be printed: any password replaced by ``****``, query and fragment dropped.

    Query strings carry API keys (``appid=``, ``token=``), so none is shown, secret or not.
    """
    parts = urlsplit(url)
    if parts.password is None and not parts.query and not parts.fragment:
        return url
    netloc = parts.hostname or ""
    if parts.port:
        netloc = f"{netloc}:{parts.port}"
    if parts.username:
        secret = f":{MASK}" if parts.password else ""
        netloc = f"{parts.username}{secret}@{netloc}"
    elif parts.password:
        netloc = f":{MASK}@{netloc}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))
