"""dashcli: home LED-matrix dashboards driven by one command, ``dash``.

The package is split by role and layered (ARCHITECTURE.md): ``core`` is the kernel (envelope,
values contract, errors), ``profiles`` the configuration, ``sources`` fetch and validate upstream
data, ``renderers`` draw frames; above them the store, fetching, the server and the displays, and
the commands on top. Importing this package is cheap on purpose: ``dash --help`` must start fast.
"""

from dashcli.core.version import __version__ as __version__
