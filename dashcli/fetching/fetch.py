"""Running one source for a profile: settings resolution, the HTTP client, the Update it makes.

``dash fetch``, the scheduler of ``dash serve`` and the long-running fetchers all call
:func:`fetch_update`, so a source behaves the same whichever process runs it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from datetime import datetime

import httpx
from pydantic import ValidationError

from dashcli.core.envelope import Update, utcnow
from dashcli.core.errors import ProfileError
from dashcli.profiles.schema import Profile, Sources, SourceSettings
from dashcli.sources import UpstreamError, run_provider, source_info
from dashcli.sources.base import FetchContext
from dashcli.sources.http import RetryPolicy, make_client
from dashcli.sources.lookup import NoSecrets, SecretLookup


def source_settings(profile: Profile, name: str) -> SourceSettings:
    """The profile's settings for ``name``, or the defaults when the profile does not list it."""
    source_info(name)
    configured = getattr(profile.sources, name)
    if configured is not None:
        settings: SourceSettings = configured
        return settings
    annotation = Sources.model_fields[name].annotation
    model = next(arg for arg in getattr(annotation, "__args__", ()) if arg is not type(None))
    try:
        default: SourceSettings = model()
    except ValidationError as exc:
        missing = ", ".join(".".join(map(str, err["loc"])) for err in exc.errors())
        raise ProfileError(
            f"{name}: not configured in the profile; set sources.{name}.{missing} "
            f"(e.g. --set sources.{name}.{missing}=...)"
        ) from None
    return default


def fetch_deadline(settings: SourceSettings, retry: RetryPolicy | None = None) -> float:
    """One whole fetch's limit: every attempt may use the per-request timeout, plus slack.

    A per-request timeout bounds each read, not a body that trickles a byte at a time; this
    bounds the whole fetch, retries included.
    """
    return settings.timeout * (retry or RetryPolicy()).attempts + 5.0


@dataclass(frozen=True)
class FetchResult:
    update: Update
    raw: bytes | None


async def fetch_update(
    profile: Profile,
    name: str,
    *,
    secrets: SecretLookup | None = None,
    client: httpx.AsyncClient | None = None,
    now: datetime | None = None,
    retry: RetryPolicy | None = None,
) -> FetchResult:
    """Fetch source ``name`` once; raises SourceError (one line, prefixed with the type).

    The source's own ``timeout`` and ``max_body_bytes`` apply to each request even on a shared
    client, and :func:`fetch_deadline` to the whole fetch.
    """
    settings = source_settings(profile, name)
    moment = now or utcnow()
    own_client = client is None
    http = client or make_client(settings.timeout)
    policy = replace(retry or RetryPolicy(), timeout=settings.timeout,
                     max_body=settings.max_body_bytes)
    deadline = fetch_deadline(settings, policy)
    try:
        ctx = FetchContext(
            type=name,
            profile=profile,
            settings=settings,
            client=http,
            now=moment,
            secrets=secrets or NoSecrets(),
            retry=policy,
        )
        try:
            async with asyncio.timeout(deadline):
                fetched = await run_provider(ctx)
        except TimeoutError:
            raise UpstreamError(f"{name}: no complete answer within {deadline:g} s "
                                f"(sources.{name}.timeout × attempts + 5 s)") from None
    finally:
        if own_client:
            await http.aclose()
    return FetchResult(fetched.to_update(name, moment), fetched.raw)
