"""The names of the pages: the contract between a profile's ``display.cycle`` and the renderer.

Profiles are checked against these names when they are loaded (a misspelt page is an error
naming its file and line), and the renderer's registry draws exactly these pages
(``tests/test_profiles.py`` keeps the two equal). ``app`` is the app page, given with a ``type``.
"""

PAGE_NAMES = frozenset({
    "calendar", "clock", "events", "forecast", "github", "hourly", "mlb", "moon", "nba", "nfl",
    "nflweek", "nhl", "services", "soccer", "status", "track", "weather", "wifi",
})
APP_PAGE = "app"
