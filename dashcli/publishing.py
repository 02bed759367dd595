"""One path for values pushed from outside: ``dash publish`` and ``POST``/``PUT /state/{type}``.

:func:`read_values` decodes the body once within the JSON limits (size, depth, encoding) and
takes a bare object or a whole envelope; :func:`prepare` then checks app values (the app format,
:mod:`dashcli.renderers.appformat`) when the type is drawn by an app page, fetching an image
given by URL once, with a source's timeout and the image size limit, and storing it inline so
rendering never does I/O. Every refusal is one :class:`UsageError` line naming the field.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from dashcli.core import jsonlimits
from dashcli.core.errors import UsageError
from dashcli.core.redact import redact_url

if TYPE_CHECKING:
    from dashcli.profiles.schema import Profile

# A source's default timeout (SourceSettings.timeout): an image URL gets no longer.
IMAGE_TIMEOUT = 10.0


def read_values(text: str | bytes, where: str, kind: str, source: str) -> tuple[dict[str, Any],
                                                                              str]:
    """The values object (from a bare object or an envelope) and the source to record."""
    # Size, depth and strictness (NaN, lone surrogates) once here, before anything is stored.
    data = jsonlimits.loads(text, where)
    if not isinstance(data, dict):
        raise UsageError(f"{where}: expected a JSON object, got {type(data).__name__}")
    if "type" in data and "values" in data:
        if data["type"] != kind:
            raise UsageError(f"{where}: envelope type {data['type']!r} is not {kind!r}")
        if not isinstance(data["values"], dict):
            raise UsageError(f"{where}: envelope values is not a JSON object")
        recorded = data.get("source")
        return data["values"], recorded if isinstance(recorded, str) and recorded else source
    return data, source


def app_types(profile: Profile) -> frozenset[str]:
    """The data types the profile's cycle draws with app pages."""
    return frozenset(entry.type for entry in profile.display.cycle if entry.type is not None)


async def prepare(values: dict[str, Any], *, app: bool, where: str,
                  timeout: float = IMAGE_TIMEOUT) -> dict[str, Any]:
    """``values`` ready to store: for an app, an image URL fetched and inlined, then the whole
    value checked against the app format (an AppFormatError names the field, ``where`` first)."""
    if not app:
        return values
    from dashcli.renderers.appformat import AppFormatError, parse_app

    image = values.get("image")
    if isinstance(image, dict) and isinstance(image.get("url"), str) and "png" not in image:
        data = await _fetch_image(image["url"], timeout, where)
        values = {**values, "image": {"png": base64.b64encode(data).decode("ascii")}}
    try:
        parse_app(values)
    except AppFormatError as exc:
        raise AppFormatError(f"{where}: {exc.field}" if exc.field else where, exc.problem) from None
    return values


async def _fetch_image(url: str, timeout: float, where: str) -> bytes:
    """The bytes of an image URL, through the sources' HTTP adapter (its timeout, retries and
    body cap, the cap here being MAX_IMAGE_BYTES): a PNG or GIF, else an AppFormatError."""
    from dashcli.renderers.appformat import MAX_IMAGE_BYTES, AppFormatError, check_image_bytes
    from dashcli.sources.errors import SourceError
    from dashcli.sources.http import RetryPolicy, get, make_client

    field = f"{where}: image.url"
    try:
        async with make_client(timeout) as client:
            response = await get(client, "image", url,
                                 retry=RetryPolicy(attempts=2, max_body=MAX_IMAGE_BYTES))
    except SourceError as exc:
        raise AppFormatError(field, str(exc)) from None
    try:
        check_image_bytes(response.content)
    except ValueError as exc:
        raise AppFormatError(field, f"{redact_url(url)}: {exc}") from None
    return response.content
