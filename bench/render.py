"""Render rate per page at 128×64 from prepared values, bypassing the frame cache.

Every page of the registry is drawn from the demo values at the demo moment (a live game, a
full forecast: the busiest frames), ROUNDS times BATCH frames; each round's frames per second is
measured and the median printed, one line per page. Target: at least 1000 frames/s (1 ms) each.

    python bench/render.py [--rounds 15] [--batch 200] [--size 128x64] [--page weather ...]
"""

from __future__ import annotations

import argparse
import statistics
import time

from dashcli.renderers import PAGES, render
from dashcli.renderers.demo import DEMO_NOW, DEMO_TIMEZONE, demo_state

TARGET = 1000.0


def rate(page: str, rounds: int, batch: int, size: tuple[int, int]) -> float:
    state = demo_state()
    render(page, state, DEMO_NOW, size=size, timezone=DEMO_TIMEZONE)  # warm sprite/glyph caches
    rates = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(batch):
            render(page, state, DEMO_NOW, size=size, timezone=DEMO_TIMEZONE)
        rates.append(batch / (time.perf_counter() - start))
    return statistics.median(rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--size", default="128x64")
    parser.add_argument("--page", action="append", help="only these pages (repeatable)")
    args = parser.parse_args()
    width, height = (int(part) for part in args.size.split("x"))
    slow = []
    for page in args.page or list(PAGES):
        frames = rate(page, args.rounds, args.batch, (width, height))
        print(f"{page}: {frames:.0f} frames/s", flush=True)
        if frames < TARGET:
            slow.append(page)
    verdict = "met" if not slow else "missed by " + ", ".join(slow)
    print(f"target >= {TARGET:.0f} frames/s: {verdict}")


if __name__ == "__main__":
    main()
