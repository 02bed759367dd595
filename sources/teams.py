"""Static facts about MLB clubs that the MLB Stats API schedule does not give: colours, and names.

The Stats API has no team colours, and without its ``team`` hydration a game names a club only by
id and full name, so :data:`MLB_TEAMS` maps the Stats API team id to the club's abbreviation (as
the Stats API spells it), name and primary/secondary colours (the clubs' published brand
colours, ``#rrggbb`` in lower case like the ESPN adapter's). :data:`MLB_ALIASES` maps ESPN's
spellings to the Stats API's, so a profile's favourite ``teams`` match under either provider.
"""

from __future__ import annotations

from typing import NamedTuple


class MlbTeam(NamedTuple):
    abbreviation: str
    name: str
    color: str
    alt_color: str


MLB_TEAMS: dict[int, MlbTeam] = {
    108: MlbTeam("LAA", "Los Angeles Angels", "#ba0021", "#003263"),
    109: MlbTeam("AZ", "Arizona Diamondbacks", "#a71930", "#e3d4ad"),
    110: MlbTeam("BAL", "Baltimore Orioles", "#df4601", "#000000"),
    111: MlbTeam("BOS", "Boston Red Sox", "#bd3039", "#0c2340"),
    112: MlbTeam("CHC", "Chicago Cubs", "#0e3386", "#cc3433"),
    113: MlbTeam("CIN", "Cincinnati Reds", "#c6011f", "#000000"),
    114: MlbTeam("CLE", "Cleveland Guardians", "#00385d", "#e50022"),
    115: MlbTeam("COL", "Colorado Rockies", "#333366", "#c4ced4"),
    116: MlbTeam("DET", "Detroit Tigers", "#0c2340", "#fa4616"),
    117: MlbTeam("HOU", "Houston Astros", "#002d62", "#eb6e1f"),
    118: MlbTeam("KC", "Kansas City Royals", "#004687", "#bd9b60"),
    119: MlbTeam("LAD", "Los Angeles Dodgers", "#005a9c", "#ef3e42"),
    120: MlbTeam("WSH", "Washington Nationals", "#ab0003", "#14225a"),
    121: MlbTeam("NYM", "New York Mets", "#002d72", "#ff5910"),
    133: MlbTeam("ATH", "Athletics", "#003831", "#efb21e"),
    134: MlbTeam("PIT", "Pittsburgh Pirates", "#27251f", "#fdb827"),
    135: MlbTeam("SD", "San Diego Padres", "#2f241d", "#ffc425"),
    136: MlbTeam("SEA", "Seattle Mariners", "#0c2c56", "#005c5c"),
    137: MlbTeam("SF", "San Francisco Giants", "#fd5a1e", "#27251f"),
    138: MlbTeam("STL", "St. Louis Cardinals", "#c41e3a", "#0c2340"),
    139: MlbTeam("TB", "Tampa Bay Rays", "#092c5c", "#8fbce6"),
    140: MlbTeam("TEX", "Texas Rangers", "#003278", "#c0111f"),
    141: MlbTeam("TOR", "Toronto Blue Jays", "#134a8e", "#1d2d5c"),
    142: MlbTeam("MIN", "Minnesota Twins", "#002b5c", "#d31145"),
    143: MlbTeam("PHI", "Philadelphia Phillies", "#e81828", "#002d72"),
    144: MlbTeam("ATL", "Atlanta Braves", "#ce1141", "#13274f"),
    145: MlbTeam("CWS", "Chicago White Sox", "#27251f", "#c4ced4"),
    146: MlbTeam("MIA", "Miami Marlins", "#00a3e0", "#ef3340"),
    147: MlbTeam("NYY", "New York Yankees", "#0c2340", "#c4ced4"),
    158: MlbTeam("MIL", "Milwaukee Brewers", "#12284b", "#ffc52f"),
}

# ESPN (and older) abbreviations -> the Stats API's, for matching favourites across providers.
MLB_ALIASES: dict[str, str] = {"ARI": "AZ", "CHW": "CWS", "OAK": "ATH", "WAS": "WSH"}
MLB_BY_ABBREVIATION: dict[str, MlbTeam] = {team.abbreviation: team for team in MLB_TEAMS.values()}


def mlb_team(abbreviation: str) -> MlbTeam | None:
    """The club an MLB abbreviation names, in the Stats API's spelling or ESPN's."""
    return MLB_BY_ABBREVIATION.get(MLB_ALIASES.get(abbreviation, abbreviation))
