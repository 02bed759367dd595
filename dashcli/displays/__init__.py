"""The display loop shared by ``dash matrix``, ``dash tui`` and the web preview.

A *feed* delivers updates (from a ``dash serve`` over SSE, from a store directly, or from static
demo/data files) into a :class:`~dashcli.displays.model.DisplayModel`; the
:class:`~dashcli.displays.cycle.PageCycle` decides which page shows; the
:class:`~dashcli.displays.loop.DisplayLoop` renders a frame only when the page, its values or the
displayed minute change, and hands it to the display's ``show`` callback.
"""
