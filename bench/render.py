"""Render rate per page at 128×64 from prepared values, bypassing the frame cache.

Every page of the registry is drawn from the demo values at the demo moment (a live game, a
full forecast: the busiest frames), ROUNDS times BATCH frames; each round's frames per second is
measured and the median printed, one line per page. Target: at least 1000 frames/s (1 ms) each.
With ``--scrolling`` each frame is drawn 1/30 s after the previous one from the moment the
marquees start moving, so a page with long text draws a new marquee position every frame (the
pages whose frames moved are marked). Pages taking several frames in the cycle (scoreboards
paging through their games) draw each of their frames in turn; the count is printed.

    python bench/render.py [--rounds 15] [--batch 200] [--size 128x64] [--page weather ...]
                           [--scrolling]
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import timedelta

from dashcli.renderers import PAGES, changes_at, page_parts, render
from dashcli.renderers.demo import DEMO_NOW, DEMO_TIMEZONE, demo_state
from dashcli.renderers.marquee import START_PAUSE

TARGET = 1000.0
FRAME = timedelta(seconds=1 / 30)


def rate(page: str, rounds: int, batch: int, size: tuple[int, int],
         scrolling: bool) -> tuple[float, bool, int]:
    """Median frames/s, whether the frames moved (a marquee scrolled), the page's frames."""
    state = demo_state()
    parts = page_parts(page, state, DEMO_NOW, size=size, timezone=DEMO_TIMEZONE)
    start_at = DEMO_NOW + timedelta(seconds=START_PAUSE) if scrolling else DEMO_NOW
    moments = [start_at + FRAME * index if scrolling else start_at for index in range(batch)]
    # warm sprite/glyph caches
    moved = changes_at(render(page, state, start_at, size=size, timezone=DEMO_TIMEZONE))
    rates = []
    for _ in range(rounds):
        start = time.perf_counter()
        for index, moment in enumerate(moments):
            render(page, state, moment, size=size, timezone=DEMO_TIMEZONE, part=index % parts)
        rates.append(batch / (time.perf_counter() - start))
    return statistics.median(rates), scrolling and moved is not None, parts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--size", default="128x64")
    parser.add_argument("--page", action="append", help="only these pages (repeatable)")
    parser.add_argument("--scrolling", action="store_true",
                        help="each frame 1/30 s later, marquees moving")
    args = parser.parse_args()
    width, height = (int(part) for part in args.size.split("x"))
    slow = []
    for page in args.page or list(PAGES):
        frames, moved, parts = rate(page, args.rounds, args.batch, (width, height),
                                    args.scrolling)
        notes = [note for note, shown in (("scrolling", moved), (f"{parts} frames", parts > 1))
                 if shown]
        suffix = f" ({', '.join(notes)})" if notes else ""
        print(f"{page}: {frames:.0f} frames/s{suffix}", flush=True)
        if frames < TARGET:
            slow.append(page)
    verdict = "met" if not slow else "missed by " + ", ".join(slow)
    print(f"target >= {TARGET:.0f} frames/s: {verdict}")


if __name__ == "__main__":
    main()
