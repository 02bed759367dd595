"""Alerts: a message by e-mail or webhook when data stalls or the store is unreachable.

:mod:`~dashcli.alerts.rules` decides what is a problem and what to tell (start, reminder,
recovery), :mod:`~dashcli.alerts.message` writes it, :mod:`~dashcli.alerts.channels` delivers it
(SMTP, JSON or ntfy webhook) and :mod:`~dashcli.alerts.alerter` runs the checks beside a
scheduler, with retrying couriers and one sender among replicas. Configured by the profile's
``alerts:`` section.
"""
