"""Import aiohttp without loading the system CA store until a client connection needs it.

``aiohttp.connector`` builds two client SSL contexts when it is imported, and each reads and
parses the system CA bundle: the largest single cost of ``dash serve``'s start-up (about 100 ms
on a 2-core machine, 2 MiB), though the server makes no client request. :func:`import_aiohttp`
imports aiohttp with ``SSLContext.set_default_verify_paths`` held back for those two contexts,
and turns them into :class:`DeferredCAContext`, which makes that same call the first time it
wraps a connection and then becomes a plain :class:`ssl.SSLContext` again. Verification settings
are untouched (a deferred context is ``CERT_REQUIRED`` from the start), so nothing is weakened:
the certificates are only read later, or never.
"""

from __future__ import annotations

import ssl
import sys
import threading
from typing import Any

_lock = threading.Lock()


class DeferredCAContext(ssl.SSLContext):
    """An SSL context whose default CA certificates load on its first wrapped connection."""

    def load_deferred(self) -> None:
        """Load the default CA certificates now (once) and become a plain SSLContext."""
        with _lock:
            if type(self) is DeferredCAContext:
                ssl.SSLContext.set_default_verify_paths(self)
                self.__class__ = ssl.SSLContext  # type: ignore[assignment]

    def wrap_socket(self, *args: Any, **kwargs: Any) -> ssl.SSLSocket:
        self.load_deferred()
        return ssl.SSLContext.wrap_socket(self, *args, **kwargs)

    def wrap_bio(self, *args: Any, **kwargs: Any) -> ssl.SSLObject:
        self.load_deferred()
        return ssl.SSLContext.wrap_bio(self, *args, **kwargs)


def import_aiohttp() -> None:
    """Import aiohttp (and its connector) with the connector's CA loading deferred.

    Runs once, before anything else imports aiohttp; if aiohttp is already imported it does
    nothing. Start-up is single-threaded, so the class attribute swapped for the import cannot
    catch another thread's context.
    """
    if "aiohttp" in sys.modules:
        return
    held: list[ssl.SSLContext] = []

    def hold(context: ssl.SSLContext) -> None:
        held.append(context)

    ssl.SSLContext.set_default_verify_paths = hold  # type: ignore[method-assign,assignment]
    try:
        import aiohttp.connector  # noqa: F401  (the import is the point)
    finally:
        del ssl.SSLContext.set_default_verify_paths  # the C base class's method shows again
    for context in held:
        context.__class__ = DeferredCAContext
