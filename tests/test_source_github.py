"""The GitHub source against real local HTTP servers: commit, workflow run, rate limit, bad data."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashcli.sources.errors import DataError, UpstreamError
from dashcli.sources.github import github_values
from dashcli.sources.validate import Node
from tests.conftest import NOW, FixedSecrets, fetch_values, fixture_path, shared_fixture
from tests.json_mutations import keyed_json
from tests.replay import Reply

REPO = "dashcli/dashcli"
COMMITS = f"/repos/{REPO}/commits"
RUNS = f"/repos/{REPO}/actions/runs"
NEW_YORK = ZoneInfo("America/New_York")


def serve(upstream, commits="github/commits.json", runs="github/runs-completed.json",
          runs_path=RUNS):
    upstream.route(COMMITS, Reply(fixture_path(commits)))
    upstream.route(runs_path, Reply(fixture_path(runs)))


async def github(upstream, **settings):
    settings.setdefault("repository", REPO)
    return await fetch_values("github", upstream.url, **settings)


async def test_latest_commit_and_run(upstream):
    serve(upstream)
    result = await github(upstream)
    update = result.update
    assert update.type == "github"
    assert update.source == "github"
    assert update.values == {
        "repository": REPO,
        "branch": None,
        "commit": {
            "sha": "3f9c2e7",
            "message": "Calendar: expand moved instances in the profile timezone",
            "author": "Ana Souza",
            "date": "2026-02-06T15:03:10-05:00",  # when it landed (committer date)
        },
        "run": {
            "name": "CI",
            "status": "completed",
            "conclusion": "success",
            "branch": "main",
            "updated": "2026-02-06T15:09:31-05:00",
        },
    }
    assert update.valid == NOW + timedelta(minutes=5)
    raw = json.loads(result.raw)
    assert raw["commits"] == json.loads(fixture_path("github/commits.json").read_bytes())
    assert raw["runs"]["total_count"] == 318


async def test_requests_follow_the_github_api(upstream):
    serve(upstream)
    await github(upstream)
    for path in (COMMITS, RUNS):
        request = upstream.hits(path)[0]
        assert request.query == {"per_page": ["1"]}
        assert request.headers["Accept"] == "application/vnd.github+json"
        assert request.headers["X-GitHub-Api-Version"] == "2022-11-28"
        assert request.headers["User-Agent"].startswith("dashcli/")
        assert "Authorization" not in request.headers


async def test_token_is_sent_as_bearer(upstream):
    serve(upstream)
    await github(upstream,
                 secrets=FixedSecrets(github_token="ghp_16C7e42F292c6912E7710c838347Ae178B4a"))
    for path in (COMMITS, RUNS):
        assert upstream.hits(path)[0].headers["Authorization"] == (
            "Bearer ghp_16C7e42F292c6912E7710c838347Ae178B4a")


async def test_branch_filters_both_requests(upstream):
    serve(upstream)
    result = await github(upstream, branch="release-1.2")
    assert upstream.hits(COMMITS)[0].query == {"per_page": ["1"], "sha": ["release-1.2"]}
    assert upstream.hits(RUNS)[0].query == {"per_page": ["1"], "branch": ["release-1.2"]}
    assert result.update.values["branch"] == "release-1.2"


async def test_workflow_setting_asks_for_that_workflows_runs(upstream):
    path = f"/repos/{REPO}/actions/workflows/release.yml/runs"
    serve(upstream, runs="github/workflow-release-runs.json", runs_path=path)
    result = await github(upstream, workflow="release.yml")
    assert upstream.hits(path)
    assert not upstream.hits(RUNS)
    run = result.update.values["run"]
    assert (run["name"], run["conclusion"], run["branch"]) == ("Release", "failure", "release-1.2")


async def test_running_workflow_makes_the_data_stale_sooner(upstream):
    serve(upstream, runs="github/runs-in-progress.json")
    result = await github(upstream)
    run = result.update.values["run"]
    assert (run["status"], run["conclusion"]) == ("in_progress", None)
    assert result.update.valid == NOW + timedelta(seconds=60)


async def test_no_runs_gives_run_none(upstream):
    serve(upstream, runs="github/runs-empty.json")
    result = await github(upstream)
    assert result.update.values["run"] is None
    assert result.update.values["commit"]["sha"] == "3f9c2e7"


async def test_empty_repository_gives_commit_none(upstream):
    upstream.route(COMMITS, Reply(b'{"message": "Git Repository is empty.", "documentation_url":'
                                  b' "https://docs.github.com/rest/commits/commits"}', status=409))
    upstream.route(RUNS, Reply(fixture_path("github/runs-empty.json")))
    result = await github(upstream)
    assert result.update.values["commit"] is None
    assert result.update.values["run"] is None


async def test_runs_from_before_names_existed_are_named_after_the_workflow(upstream):
    serve(upstream, runs="github/runs-legacy-2020.json")
    run = (await github(upstream)).update.values["run"]
    assert run == {"name": "workflow 90412377", "status": "completed", "conclusion": "cancelled",
                   "branch": "feature/ics", "updated": "2020-10-18T03:53:13-04:00"}


async def test_retries_a_500_then_succeeds(upstream):
    upstream.route(COMMITS, Reply(b'{"message": "Server Error"}', status=502),
                   Reply(fixture_path("github/commits.json")))
    upstream.route(RUNS, Reply(fixture_path("github/runs-completed.json")))
    result = await github(upstream)
    assert result.update.values["commit"]["sha"] == "3f9c2e7"
    assert len(upstream.hits(COMMITS)) == 2


async def test_read_timeout_is_one_clear_line(upstream):
    upstream.route(COMMITS, Reply(fixture_path("github/commits.json"), delay=1.0))
    upstream.route(RUNS, Reply(fixture_path("github/runs-completed.json")))
    with pytest.raises(UpstreamError) as caught:
        await github(upstream, timeout=0.2)
    assert str(caught.value) == (
        f"github: github unreachable (read timeout after 0.2 s): {upstream.url}{COMMITS}")


async def test_unknown_repository(upstream):
    with pytest.raises(UpstreamError) as caught:
        await github(upstream)
    assert str(caught.value) == f"github: github answered 404 Not Found: {upstream.url}{COMMITS}"


async def test_malformed_json(upstream):
    upstream.route(COMMITS, Reply(b'[{"sha": "3f9c2e7b'))
    upstream.route(RUNS, Reply(fixture_path("github/runs-completed.json")))
    with pytest.raises(DataError, match=r"^github: github\.commits: response is not valid JSON"):
        await github(upstream)


@pytest.mark.parametrize(
    ("which", "remove", "field"),
    [
        ("commits", ["commit", "message"], "github.commits[0].commit.message"),
        ("commits", ["sha"], "github.commits[0].sha"),
        ("runs", ["workflow_runs"], "github.runs.workflow_runs"),
        ("runs", ["status"], "github.runs.workflow_runs[0].status"),
        ("runs", ["updated_at"], "github.runs.workflow_runs[0].updated_at"),
    ],
)
async def test_missing_required_field_is_named(upstream, which, remove, field):
    commits = json.loads(fixture_path("github/commits.json").read_bytes())
    runs = json.loads(fixture_path("github/runs-completed.json").read_bytes())
    if which == "commits":
        target = commits[0]
    else:
        target = runs if remove == ["workflow_runs"] else runs["workflow_runs"][0]
    for key in remove[:-1]:
        target = target[key]
    del target[remove[-1]]
    upstream.route(COMMITS, Reply(json.dumps(commits)))
    upstream.route(RUNS, Reply(json.dumps(runs)))
    with pytest.raises(DataError) as caught:
        await github(upstream)
    assert caught.value.field == field
    assert str(caught.value) == f"github: {field}: required field is missing"


# -- rate limit: GitHub's answer when the quota is used up, with its x-ratelimit-* headers

RESET = str(int(datetime(2026, 2, 6, 22, 12, tzinfo=UTC).timestamp()))


def rate_limited(status: int = 403, remaining: str = "0") -> Reply:
    return Reply(
        fixture_path("github/rate-limited.json"),
        status=status,
        content_type="application/json; charset=utf-8",
        headers=(("x-ratelimit-limit", "60"), ("x-ratelimit-remaining", remaining),
                 ("x-ratelimit-used", "60"), ("x-ratelimit-reset", RESET),
                 ("x-ratelimit-resource", "core")),
    )


@pytest.fixture
def limited(upstream):
    def serve(status: int = 403, remaining: str = "0") -> str:
        for path in (f"/repos/{REPO}/commits", f"/repos/{REPO}/actions/runs"):
            upstream.route(path, rate_limited(status, remaining))
        return upstream.url

    return serve


@pytest.mark.parametrize("status", [403, 429])
async def test_exhausted_rate_limit_is_one_line_suggesting_a_token(limited, status):
    url = limited(status)
    with pytest.raises(UpstreamError) as caught:
        await fetch_values("github", url, repository=REPO)
    assert str(caught.value) == (
        "github: GitHub API rate limit exhausted until 17:12: "
        "set the secret 'github_token' for a higher limit")


async def test_exhausted_rate_limit_with_a_token(limited):
    url = limited()
    with pytest.raises(UpstreamError, match=r"rate limit exhausted until 17:12: the token's"):
        await fetch_values("github", url, repository=REPO, secrets=FixedSecrets(github_token="t0k"))


async def test_a_403_with_quota_left_is_not_called_a_rate_limit(limited):
    url = limited(remaining="12")
    with pytest.raises(UpstreamError) as caught:
        await fetch_values("github", url, repository=REPO)
    assert "rate limit" not in str(caught.value)
    assert "answered 403 Forbidden" in str(caught.value)


# -- real recordings (../shared/fixtures/github-api), values checked against the files


async def test_recorded_current_format(upstream):
    upstream.route(COMMITS, Reply(shared_fixture(
        "github-api/pygithub-commits-PyGithub-sha_release-v2-0-per_page2-2026-01-08.json")))
    upstream.route(RUNS, Reply(shared_fixture(
        "github-api/pygithub-actions-runs-PyGithub-created_2022-12-24-recorded-2024-02-01.json")))
    values = (await github(upstream)).update.values
    assert values["commit"] == {"sha": "0791cc7", "message": "Fixing lint errors in release branch",
                                "author": "Enrico Minack", "date": "2023-08-28T14:27:45-04:00"}
    assert values["run"] == {"name": "CI", "status": "completed", "conclusion": "success",
                             "branch": "patch-1", "updated": "2024-01-29T18:29:45-05:00"}


async def test_recorded_legacy_formats(upstream):
    upstream.route(COMMITS, Reply(shared_fixture(
        "github-api/pygithub-commits-PyGithub-2012-05-27-legacy-format.json")))
    upstream.route(RUNS, Reply(shared_fixture(
        "github-api/pygithub-workflow-1026390-runs-PyGithub-2020-05-20.json")))
    values = (await github(upstream)).update.values
    assert values["commit"] == {"sha": "ecda065", "message": "Merge branch 'develop'",
                                "author": "Vincent Jacques", "date": "2012-05-25T13:14:34-04:00"}
    assert values["run"] == {"name": "workflow 1026390", "status": "completed",
                             "conclusion": "success", "branch": "master",
                             "updated": "2020-05-19T22:40:25-04:00"}


@pytest.mark.parametrize(
    ("recording", "sha", "message"),
    [
        ("github3py-commits-sigmavirus24-github3.py-per_page25-2018-01-01.json", "977560f",
         "Merge pull request #759 from sigmavirus24/add-py36"),
        ("pygithub-commits-rickrickston123-RepoTest-2020-07-14-single.json", "813da52",
         "Initial commit"),
    ],
)
def test_recorded_commit_lists(recording, sha, message):
    commits = json.loads(shared_fixture(f"github-api/{recording}").read_bytes())
    values = github_values(Node(commits, "github.commits"),
                           Node({"total_count": 0, "workflow_runs": []}, "github.runs"),
                           REPO, None, NEW_YORK)
    assert (values["commit"]["sha"], values["commit"]["message"]) == (sha, message)


# -- any JSON in: values or a DataError, nothing else

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True)
    | st.text(max_size=12) | st.sampled_from(["2026-02-06T20:03:10Z", "3f9c2e7b1d4a", "x\ny"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=3),
    max_leaves=15,
)
KEYS = ["sha", "commit", "message", "author", "committer", "name", "date",
        "login", "workflow_runs", "status", "conclusion", "head_branch",
        "updated_at", "path", "workflow_id"]
shaped = keyed_json(KEYS, json_values, max_leaves=25)


def _paths(value, prefix=()):
    """Every position in a JSON document, so a test can replace one with anything."""
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, (*prefix, index))


def _replace(document, path, new):
    if not path:
        return new
    copy = json.loads(json.dumps(document))
    target = copy
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = new
    return copy


COMMITS_DOC = json.loads(fixture_path("github/commits.json").read_bytes())
RUNS_DOC = json.loads(fixture_path("github/runs-completed.json").read_bytes())
mutated = st.tuples(
    st.sampled_from(list(_paths(COMMITS_DOC))), st.sampled_from(list(_paths(RUNS_DOC))),
    json_values, json_values,
).map(lambda t: (_replace(COMMITS_DOC, t[0], t[2]), _replace(RUNS_DOC, t[1], t[3])))


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(documents=st.tuples(shaped, shaped) | mutated)
def test_any_json_gives_values_or_a_data_error(documents):
    commits, runs = documents
    try:
        values = github_values(Node(commits, "github.commits"), Node(runs, "github.runs"),
                               REPO, None, NEW_YORK)
    except DataError:
        return
    assert values["commit"] is None or len(values["commit"]["sha"]) == 7
    assert values["run"] is None or isinstance(values["run"]["status"], str)
