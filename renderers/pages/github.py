"""The GitHub page: a repository's latest commit and the state of its latest workflow run.

Reads ``github`` (:class:`dashcli.core.values.GithubValues`): the repository, the commit's short
sha,
author and age (from ``now``) and its message wrapped to the lines there are, then the run as
a coloured state (success green, failure red, running or queued amber, other endings grey)
with its name, branch and age. A repository without commits or runs says so.
"""

from __future__ import annotations

from typing import cast

from dashcli.core.values import Commit, GithubValues, WorkflowRun
from dashcli.renderers import colors
from dashcli.renderers.canvas import MARKER_BOX_WIDTH, Canvas
from dashcli.renderers.format import age
from dashcli.renderers.text import draw_text, wrap

RUNNING = colors.AMBER
# (status or conclusion) → (word, colour)
RUN_STATES: dict[str, tuple[str, colors.Color]] = {
    "queued": ("queued", RUNNING),
    "waiting": ("waiting", RUNNING),
    "pending": ("pending", RUNNING),
    "requested": ("queued", RUNNING),
    "in_progress": ("running", RUNNING),
    "success": ("success", colors.GREEN),
    "failure": ("failed", colors.RED),
    "startup_failure": ("failed", colors.RED),
    "timed_out": ("timed out", colors.RED),
    "action_required": ("action needed", colors.AMBER),
    "cancelled": ("cancelled", colors.GREY),
    "skipped": ("skipped", colors.GREY),
    "neutral": ("neutral", colors.GREY),
    "stale": ("stale", colors.GREY),
}
UNKNOWN_STATE = colors.GREY
SHA_COLOR = colors.AMBER
# 128×64
REPO_XY = (2, 1)
COMMIT_Y = 11
MESSAGE_Y = 18
MESSAGE_LINES = 2
MESSAGE_PITCH = 9
DIVIDER_Y = 38
RUN_Y = 42
LAMP = 6
RUN_DETAIL_Y = 53
# 64×32
COMPACT_COMMIT_Y = 7
COMPACT_MESSAGE_Y = 13
COMPACT_MESSAGE_LINES = 2
COMPACT_RUN_Y = 26
COMPACT_LAMP = 4


def run_state(run: WorkflowRun) -> tuple[str, colors.Color]:
    """The run's state as a word and a colour: the conclusion once completed, else the status."""
    status = str(run["status"])
    key = str(run["conclusion"] or "completed") if status == "completed" else status
    return RUN_STATES.get(key, (key.replace("_", " "), UNKNOWN_STATE))


def _ago(canvas: Canvas, text: str, short: bool = False) -> str:
    """``23m ago`` (``23m`` when short), ``now``."""
    span = age(canvas.now - canvas.local(text))
    return span if span == "now" or short else f"{span} ago"


def _draw_commit(canvas: Canvas, commit: Commit | None, y: int, message_y: int, lines: int,
                 compact: bool) -> None:
    small = canvas.fonts.small
    message_font = small if compact else canvas.fonts.body
    pitch = small.height + 1 if compact else MESSAGE_PITCH
    if commit is None:
        draw_text(canvas.image, small, "NO COMMITS", (2, y), colors.SECONDARY)
        return
    sha_box = draw_text(canvas.image, small, str(commit["sha"])[:7].upper(), (1 if compact else 2,
                        y), SHA_COLOR)
    age_box = draw_text(canvas.image, small, _ago(canvas, str(commit["date"]), compact).upper(),
                        (canvas.width - 1, y), colors.SECONDARY, align="right")
    if not compact:
        draw_text(canvas.image, small, str(commit["author"]).upper(), (sha_box[2] + 5, y),
                  colors.SECONDARY, max_width=age_box[0] - sha_box[2] - 9)
    message = str(commit["message"])
    x = 1 if compact else 2
    for index, line in enumerate(wrap(message_font, message, canvas.width - 2 * x, lines)):
        draw_text(canvas.image, message_font, line, (x, message_y + index * pitch), colors.WHITE)


def _draw_run(canvas: Canvas, run: WorkflowRun | None, y: int, compact: bool) -> None:
    small, body = canvas.fonts.small, canvas.fonts.body
    if run is None:
        draw_text(canvas.image, small, "NO RUNS" if compact else "NO WORKFLOW RUNS",
                  (1 if compact else 2, y + (0 if compact else 1)), colors.SECONDARY)
        return
    word, color = run_state(run)
    lamp = COMPACT_LAMP if compact else LAMP
    font = small if compact else body
    top = y + (font.baseline - lamp) // 2 + (1 if compact else 0)
    canvas.image.paste(color, (1, top, 1 + lamp, top + lamp))
    ago = _ago(canvas, str(run["updated"]), compact).upper()
    if compact:
        age_box = draw_text(canvas.image, small, ago, (canvas.width - 1, y), colors.SECONDARY,
                            align="right")
        draw_text(canvas.image, small, word.upper(), (lamp + 3, y), color,
                  max_width=age_box[0] - lamp - 6)
        return
    word_box = draw_text(canvas.image, body, word, (canvas.width - 2, y), color, align="right")
    draw_text(canvas.image, body, str(run["name"]), (lamp + 4, y), colors.WHITE,
              max_width=word_box[0] - lamp - 8)
    branch = run["branch"]
    age_box = draw_text(canvas.image, small, ago, (canvas.width - 2, RUN_DETAIL_Y),
                        colors.SECONDARY, align="right")
    if branch:
        draw_text(canvas.image, small, str(branch).upper(), (lamp + 4, RUN_DETAIL_Y),
                  colors.SECONDARY, max_width=age_box[0] - lamp - 8)


def draw(canvas: Canvas) -> None:
    """Draw the repository, its latest commit and its latest workflow run."""
    values = cast(GithubValues, canvas.values("github"))
    repository = str(values["repository"])
    commit, run = values["commit"], values["run"]
    width = canvas.width - MARKER_BOX_WIDTH - 3
    if canvas.compact:
        # Without the owner: 64 pixels hold about 14 small characters.
        name = repository.rsplit("/", 1)[-1]
        draw_text(canvas.image, canvas.fonts.small, name.upper(), (1, 1), colors.SECONDARY,
                  max_width=width)
        _draw_commit(canvas, commit, COMPACT_COMMIT_Y, COMPACT_MESSAGE_Y, COMPACT_MESSAGE_LINES,
                     True)
        _draw_run(canvas, run, COMPACT_RUN_Y, True)
        return
    draw_text(canvas.image, canvas.fonts.body, repository, REPO_XY, colors.WHITE, max_width=width)
    _draw_commit(canvas, commit, COMMIT_Y, MESSAGE_Y, MESSAGE_LINES, False)
    canvas.image.paste(colors.FAINT, (0, DIVIDER_Y, canvas.width, DIVIDER_Y + 1))
    _draw_run(canvas, run, RUN_Y, False)
