"""Deployment helpers shipped with the package: the systemd unit templates and their rendering.

The templates live in ``dashcli/systemd/templates/`` as package data so that ``dash service
install``
writes units for whatever virtualenv it runs from; ``deploy/systemd/`` in the repository holds the
same units rendered for a documented example installation.
"""
