"""PNG snapshots compared as decoded pixels, and the ``frame_snapshot`` fixture page tests use.

Pillow may write different PNG bytes for the same pixels (versions, platforms, zlib), so a
byte comparison would fail for no visible reason: :class:`PixelPNGExtension` stores PNG files
like syrupy's image extension but decides a match by the decoded RGB pixels, and explains a
mismatch by the size and the number of differing pixels.

    def test_weather(frame_snapshot):
        assert frame_snapshot == render("weather", state, NOW)

The snapshot goes on the left: ``Image.__eq__`` answers False for anything that is not an image
instead of deferring to syrupy.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from PIL import Image
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.image import PNGImageSnapshotExtension


def _decode(data: Any) -> Image.Image | None:
    if data is None:
        return None
    if isinstance(data, Image.Image):
        return data.convert("RGB")
    try:
        return Image.open(io.BytesIO(bytes(data))).convert("RGB")
    except (OSError, ValueError, TypeError):
        return None


class PixelPNGExtension(PNGImageSnapshotExtension):
    """Syrupy's PNG extension, taking PIL images and comparing decoded pixels, not bytes."""

    def serialize(self, data: Any, **kwargs: Any) -> bytes:
        if isinstance(data, Image.Image):
            buffer = io.BytesIO()
            data.convert("RGB").save(buffer, format="PNG")
            return buffer.getvalue()
        return super().serialize(data, **kwargs)  # type: ignore[no-any-return]

    def matches(self, *, serialized_data: Any, snapshot_data: Any) -> bool:
        new, old = _decode(serialized_data), _decode(snapshot_data)
        if new is None or old is None:
            return False
        return new.size == old.size and new.tobytes() == old.tobytes()

    def diff_lines(self, serialized_data: Any, snapshot_data: Any) -> Iterator[str]:
        new, old = _decode(serialized_data), _decode(snapshot_data)
        if new is None or old is None:
            yield "snapshot missing or not a PNG"
            return
        if new.size != old.size:
            yield f"size differs: snapshot {old.size}, rendered {new.size}"
            return
        old_pixels, new_pixels = old.tobytes(), new.tobytes()
        differing = sum(
            1 for index in range(0, len(old_pixels), 3)
            if old_pixels[index:index + 3] != new_pixels[index:index + 3]
        )
        yield f"{differing} of {old.width * old.height} pixels differ"


@pytest.fixture
def frame_snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """``snapshot`` storing frames as PNG files compared pixel by pixel."""
    return snapshot.use_extension(PixelPNGExtension)
