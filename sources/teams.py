"""Static facts about MLB clubs that the MLB Stats API schedule does not give: colours, and names.

The Stats API has no team colours, and without its ``team`` hydration a game names a club only by
id and full name, so :data:`MLB_TEAMS` maps the Stats API team id to the club's abbreviation (as
the Stats API spells it), name and primary/secondary colours (the clubs' published brand colours).
:data:`MLB_ALIASES` maps ESPN's spellings to the Stats API's, so a profile's favourite ``teams``
match under either provider.
"""

from __future__ import annotations

from typing import NamedTuple


class MlbTeam(NamedTuple):
    abbreviation: str
    name: str
    color: str
    alt_color: str


MLB_TEAMS: dict[int, MlbTeam] = {
    108: MlbTeam("LAA", "Los Angeles Angels", "#BA0021", "#003263"),
    109: MlbTeam("AZ", "Arizona Diamondbacks", "#A71930", "#E3D4AD"),
    110: MlbTeam("BAL", "Baltimore Orioles", "#DF4601", "#000000"),
    111: MlbTeam("BOS", "Boston Red Sox", "#BD3039", "#0C2340"),
    112: MlbTeam("CHC", "Chicago Cubs", "#0E3386", "#CC3433"),
    113: MlbTeam("CIN", "Cincinnati Reds", "#C6011F", "#000000"),
    114: MlbTeam("CLE", "Cleveland Guardians", "#00385D", "#E50022"),
    115: MlbTeam("COL", "Colorado Rockies", "#333366", "#C4CED4"),
    116: MlbTeam("DET", "Detroit Tigers", "#0C2340", "#FA4616"),
    117: MlbTeam("HOU", "Houston Astros", "#002D62", "#EB6E1F"),
    118: MlbTeam("KC", "Kansas City Royals", "#004687", "#BD9B60"),
    119: MlbTeam("LAD", "Los Angeles Dodgers", "#005A9C", "#EF3E42"),
    120: MlbTeam("WSH", "Washington Nationals", "#AB0003", "#14225A"),
    121: MlbTeam("NYM", "New York Mets", "#002D72", "#FF5910"),
    133: MlbTeam("ATH", "Athletics", "#003831", "#EFB21E"),
    134: MlbTeam("PIT", "Pittsburgh Pirates", "#27251F", "#FDB827"),
    135: MlbTeam("SD", "San Diego Padres", "#2F241D", "#FFC425"),
    136: MlbTeam("SEA", "Seattle Mariners", "#0C2C56", "#005C5C"),
    137: MlbTeam("SF", "San Francisco Giants", "#FD5A1E", "#27251F"),
    138: MlbTeam("STL", "St. Louis Cardinals", "#C41E3A", "#0C2340"),
    139: MlbTeam("TB", "Tampa Bay Rays", "#092C5C", "#8FBCE6"),
    140: MlbTeam("TEX", "Texas Rangers", "#003278", "#C0111F"),
    141: MlbTeam("TOR", "Toronto Blue Jays", "#134A8E", "#1D2D5C"),
    142: MlbTeam("MIN", "Minnesota Twins", "#002B5C", "#D31145"),
    143: MlbTeam("PHI", "Philadelphia Phillies", "#E81828", "#002D72"),
    144: MlbTeam("ATL", "Atlanta Braves", "#CE1141", "#13274F"),
    145: MlbTeam("CWS", "Chicago White Sox", "#27251F", "#C4CED4"),
    146: MlbTeam("MIA", "Miami Marlins", "#00A3E0", "#EF3340"),
    147: MlbTeam("NYY", "New York Yankees", "#0C2340", "#C4CED4"),
    158: MlbTeam("MIL", "Milwaukee Brewers", "#12284B", "#FFC52F"),
}

# ESPN (and older) abbreviations -> the Stats API's, for matching favourites across providers.
MLB_ALIASES: dict[str, str] = {"ARI": "AZ", "CHW": "CWS", "OAK": "ATH", "WAS": "WSH"}
