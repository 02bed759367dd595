"""``dash tui``: the dashboard in a terminal, drawn with half-block characters (Textual).

:mod:`dashcli.displays.tui.halfblock` turns a frame into terminal cells (two pixels per cell, exact
colours); :mod:`dashcli.displays.tui.app` is the Textual application around the shared display loop.
"""
