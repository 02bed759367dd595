"""State stores chosen by URL: ``embedded`` (default), ``sqlite:///path``, ``redis://``, ``memory://``.

:func:`open_store` returns an unopened :class:`Store`; callers ``await store.open()`` and
``await store.close()``. Backends are imported only when chosen.
"""

from __future__ import annotations

from dashcli.store.base import MemoryStore, Store, StoreError


def open_store(url: str) -> Store:
    """The backend for ``url``; an unsupported URL is a StoreError naming it."""
    if url.startswith("memory://"):
        return MemoryStore()
    raise StoreError(f"store {url!r}: backend not available in this build")


__all__ = ["MemoryStore", "Store", "StoreError", "open_store"]
