"""State stores chosen by URL: ``embedded`` (default), ``sqlite:///path``, ``redis://``, ``memory://``.

:func:`open_store` returns an unopened :class:`Store`; callers ``await store.open()`` and
``await store.close()``. Backends are imported only when chosen.
"""

from __future__ import annotations

from dashcli.core.redact import redact_url
from dashcli.store.base import MemoryStore, Store, StoreError


def open_store(url: str) -> Store:
    """The backend for ``url``; an unsupported URL is a StoreError naming it (password masked,
    exit 2)."""
    if url.startswith("memory://"):
        return MemoryStore()
    if url == "embedded" or url.startswith("sqlite://"):
        from dashcli.store.sqlite import SqliteStore, path_from_url

        path = path_from_url(url)
        return SqliteStore(path, label=f"embedded ({path})" if url == "embedded" else None)
    if url.startswith(("redis://", "rediss://")):
        from dashcli.store.redis import RedisStore

        return RedisStore(url)
    raise StoreError(
        f"store {redact_url(url)!r}: unknown kind "
        "(use embedded, sqlite:///path, redis://host:port/db, rediss:// or memory://)",
        exit_code=2,  # bad input, not a store that failed
    )


__all__ = ["MemoryStore", "Store", "StoreError", "open_store"]
