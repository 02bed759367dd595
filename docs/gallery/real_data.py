"""Draws the README's real-data gallery: an MLB day and the status page with a failing source.

Run from a checkout with the shared recordings next to it (``../shared/fixtures``):
``python docs/gallery/real_data.py``. The MLB day is ESPN's scoreboard of 2022-09-17 as recorded
(17 games: 3 live, 11 upcoming, 3 final), every frame the page takes in one pass of the cycle;
the status page is what ``dash serve`` publishes when weather's upstream cannot be reached.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from dashcli.core.envelope import Update
from dashcli.renderers import page_parts, render
from dashcli.renderers.output import png_bytes
from dashcli.sources import espn
from dashcli.sources.validate import parse_json

HERE = Path(__file__).parent
RECORDING = (HERE.parents[1] / ".." / "shared" / "fixtures" / "espn-mlb-scoreboard"
             / "teamtracker-2022-09-17-pre-in-post.json")
TIMEZONE = "America/New_York"
NOW = datetime(2022, 9, 17, 22, 0, tzinfo=UTC)


def main() -> None:
    values = espn.parse_scoreboard(parse_json(RECORDING.read_bytes(), RECORDING.name),
                                   sport="baseball", league="mlb", tz=ZoneInfo(TIMEZONE),
                                   day=date(2022, 9, 17), teams=("BOS",))
    state = {"mlb": Update("mlb", NOW, NOW + timedelta(minutes=2), dict(values), "espn", 1)}
    for part in range(page_parts("mlb", state, NOW, timezone=TIMEZONE)):
        image = render("mlb", state, NOW, timezone=TIMEZONE, clock="12h", part=part)
        (HERE / f"real-mlb-{part + 1}.png").write_bytes(png_bytes(image, 4, "led"))
    at = NOW.isoformat()
    rows = [
        {"type": "clock", "updated": at, "valid": (NOW + timedelta(hours=1)).isoformat(),
         "ok": True, "error": None},
        {"type": "weather", "updated": None, "valid": None, "ok": False,
         "error": "upstream unreachable", "since": (NOW - timedelta(minutes=25)).isoformat(),
         "retry": (NOW + timedelta(minutes=4)).isoformat()},
        {"type": "mlb", "updated": at, "valid": (NOW + timedelta(minutes=2)).isoformat(),
         "ok": True, "error": None},
        {"type": "moon", "updated": (NOW - timedelta(hours=7)).isoformat(),
         "valid": (NOW - timedelta(hours=1)).isoformat(), "ok": True, "error": None},
    ]
    state["status"] = Update("status", NOW, NOW + timedelta(minutes=5), {"sources": rows},
                             "scheduler", 2)
    for page, name in (("status", "real-status-failing"), ("weather", "real-weather-failing")):
        image = render(page, state, NOW, timezone=TIMEZONE, clock="12h")
        (HERE / f"{name}.png").write_bytes(png_bytes(image, 4, "led"))


if __name__ == "__main__":
    main()
