"""Fetching: run a source for a profile, on a schedule, into the store.

:mod:`~dashcli.fetching.fetch` runs one source once (settings, HTTP client, the Update it
makes); :mod:`~dashcli.fetching.scheduler` runs every enabled source on its period inside
``dash serve``; :mod:`~dashcli.fetching.publisher` is the standalone fetcher of
``dash fetch --publish [--every]``.
"""
