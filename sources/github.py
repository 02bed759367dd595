"""GitHub REST (``github``): a repository's latest commit and its latest Actions workflow run.

Two requests, made concurrently, with GitHub's recommended ``Accept`` and API-version headers and,
when the optional secret ``github_token`` is set, ``Authorization: Bearer``:

- ``GET {base}/repos/{owner}/{repo}/commits?per_page=1[&sha=BRANCH]``
- ``GET {base}/repos/{owner}/{repo}/actions/runs?per_page=1[&branch=BRANCH]``, or
  ``.../actions/workflows/{workflow}/runs`` when the ``workflow`` setting names one.

``values`` (:class:`dashcli.core.values.GithubValues`): ``repository``, ``branch`` (the setting),
``commit`` (7-character ``sha``, the message's first line, the author's name, the commit time;
``None`` for an empty repository) and ``run`` (workflow ``name``, ``status``, ``conclusion``,
``branch``, last ``updated``; ``None`` when the repository has no runs). Runs recorded before
GitHub added ``name`` (2020) are named after their workflow file. Times are in the profile's
timezone.

Unauthenticated clients get 60 requests an hour: a 403/429 whose ``x-ratelimit-remaining`` is 0 is
reported as one line saying so, when the limit resets, and that a token raises it. The data is
valid for 5 minutes, or 60 seconds while the latest run is queued or in progress.

``--raw`` prints ``{"commits": <body>, "runs": <body>}`` with both bodies as received.
"""

from __future__ import annotations

import asyncio
import re
from datetime import datetime, timedelta, tzinfo
from typing import Any
from urllib.parse import quote

from dashcli.core.envelope import isoformat
from dashcli.profiles.schema import GithubSettings
from dashcli.sources.base import FetchContext, Fetched
from dashcli.sources.errors import DataError, UpstreamError
from dashcli.sources.http import get
from dashcli.sources.validate import Node, parse_json

PROVIDER = "github"
API_URL = "https://api.github.com"
AUTH_NAME = "github_token"  # the secret key holding the optional token
HEADERS = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
VALID_FOR = timedelta(minutes=5)
RUNNING_VALID_FOR = timedelta(seconds=60)
# Run statuses meaning the run has not finished yet (GitHub's list for workflow runs).
RUNNING = frozenset({"queued", "in_progress", "waiting", "requested", "pending"})
SHA = re.compile(r"^[0-9a-fA-F]{7,64}$")


async def fetch(ctx: FetchContext) -> Fetched:
    """Fetch the latest commit and workflow run and turn them into GithubValues."""
    settings = ctx.settings
    assert isinstance(settings, GithubSettings)
    headers = dict(HEADERS)
    token = ctx.optional_secret(AUTH_NAME)
    if token:
        headers["Authorization"] = f"Bearer {token}"
    repo_url = f"{ctx.base_url(API_URL)}/repos/{settings.repository}"
    commit_params: dict[str, str | int | float] = {"per_page": 1}
    run_params: dict[str, str | int | float] = {"per_page": 1}
    if settings.branch:
        commit_params["sha"] = settings.branch
        run_params["branch"] = settings.branch
    runs_url = f"{repo_url}/actions/runs"
    if settings.workflow:
        runs_url = f"{repo_url}/actions/workflows/{quote(settings.workflow, safe='')}/runs"

    answers = await asyncio.gather(
        _request(ctx, f"{repo_url}/commits", commit_params, headers, token is not None,
                 empty_on_409=True),
        _request(ctx, runs_url, run_params, headers, token is not None),
        return_exceptions=True,
    )
    # Both requests run to completion; the commits error wins, so the message is deterministic.
    for answer in answers:
        if isinstance(answer, BaseException):
            raise answer
    commits, runs = (answer for answer in answers if isinstance(answer, bytes))
    values = github_values(
        parse_json(commits, "github.commits"),
        parse_json(runs, "github.runs"),
        settings.repository,
        settings.branch,
        ctx.tz,
    )
    run = values["run"]
    running = run is not None and run["status"] in RUNNING
    valid = ctx.now + (RUNNING_VALID_FOR if running else VALID_FOR)
    raw = b'{"commits": ' + commits + b', "runs": ' + runs + b"}"
    return Fetched(values, valid, PROVIDER, raw)


async def _request(
    ctx: FetchContext,
    url: str,
    params: dict[str, str | int | float],
    headers: dict[str, str],
    has_token: bool,
    *,
    empty_on_409: bool = False,
) -> bytes:
    """One API call's body; a rate-limited answer becomes one line saying so."""
    try:
        response = await get(ctx.client, PROVIDER, url, params=params, headers=headers,
                             retry=ctx.retry)
    except UpstreamError as exc:
        if empty_on_409 and exc.status == 409:
            return b"[]"  # GitHub answers 409 "Git Repository is empty" for commits
        if _rate_limited(exc):
            raise UpstreamError(_rate_limit_message(exc, ctx.tz, has_token)) from None
        raise
    return response.content


def _rate_limited(error: UpstreamError) -> bool:
    remaining = {key.lower(): value for key, value in error.headers.items()}
    return error.status in (403, 429) and remaining.get("x-ratelimit-remaining", "").strip() == "0"


def _rate_limit_message(error: UpstreamError, tz: tzinfo, has_token: bool) -> str:
    reset = {key.lower(): value for key, value in error.headers.items()}.get(
        "x-ratelimit-reset", ""
    ).strip()
    when = ""
    if reset.isdigit():
        try:
            when = f" until {datetime.fromtimestamp(int(reset), tz).strftime('%H:%M')}"
        except (OverflowError, OSError, ValueError):
            when = ""
    if has_token:
        advice = "the token's hourly limit is used up"
    else:
        advice = f"set the secret {AUTH_NAME!r} for a higher limit"
    return f"GitHub API rate limit exhausted{when}: {advice}"


def github_values(
    commits: Node, runs: Node, repository: str, branch: str | None, tz: tzinfo
) -> dict[str, Any]:
    """Validate the commits list and the runs answer and turn them into GithubValues."""
    items = commits.items()
    commit = _commit(items[0], tz) if items else None
    run_items = runs["workflow_runs"].items()
    run = _run(run_items[0], tz) if run_items else None
    return {"repository": repository, "branch": branch, "commit": commit, "run": run}


def _commit(item: Node, tz: tzinfo) -> dict[str, Any]:
    sha_node = item["sha"]
    sha = sha_node.string()
    if not SHA.match(sha):
        raise DataError(sha_node.path, f"not a commit sha: {sha[:20]!r}")
    detail = item["commit"]
    message = detail["message"].string()
    author = detail.get("author")
    committer = detail.get("committer")
    name = author.opt_str("name") if author is not None else None
    if not name:
        login = item.get("author")
        name = login.opt_str("login") if login is not None else None
    stamp = committer.get("date") if committer is not None else None
    if stamp is None:
        if author is None:
            raise DataError(f"{detail.path}.committer.date", "required field is missing")
        stamp = author["date"]
    return {
        "sha": sha[:7].lower(),
        "message": next((line.strip() for line in message.splitlines() if line.strip()), ""),
        "author": name or "unknown",
        "date": _local_time(stamp, tz),
    }


def _run(item: Node, tz: tzinfo) -> dict[str, Any]:
    name = item.opt_str("name")
    if not name:
        path = item.opt_str("path")
        workflow_id = item.opt_int("workflow_id")
        if path:
            name = path.rsplit("/", 1)[-1]
        elif workflow_id is not None:
            name = f"workflow {workflow_id}"
        else:
            name = "workflow"
    return {
        "name": name,
        "status": item["status"].string(),
        "conclusion": item.opt_str("conclusion"),
        "branch": item.opt_str("head_branch"),
        "updated": _local_time(item["updated_at"], tz),
    }


def _local_time(node: Node, tz: tzinfo) -> str:
    try:
        return isoformat(node.time().astimezone(tz))
    except OverflowError:
        raise DataError(node.path, "time out of range") from None
