"""The kernel every layer shares: the update envelope, the error types, secret redaction.

``dashcli.core`` imports nothing else of dashcli, so profiles, sources, renderers and the
application above them can all depend on it (the layering rule is in ARCHITECTURE.md).
"""
