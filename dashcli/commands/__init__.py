"""The ``dash`` sub-commands, one module each, every module exposing ``register(app)``.

Keep module-level imports to typer and the standard library: these modules load on every
``dash`` start-up, including ``dash --help``.
"""
