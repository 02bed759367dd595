"""dashcli: home LED-matrix dashboards driven by one command, ``dash``.

The package is split by role (see ``../shared/DESIGN.md``): ``sources`` fetch and validate upstream
data, ``dashcli`` holds the command line, the store, the server and the displays, ``renderers``
draws frames, and ``profiles`` holds the configuration schema and the bundled profiles. Importing
this package is cheap on purpose: ``dash --help`` must start fast.
"""

__version__ = "0.1.0"
