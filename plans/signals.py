"""What plans announces to the apps that depend on it (reports), which plans may not import.

Sent explicitly by the service that causes the event, after its commit; reports connects to it
in its own AppConfig.ready(), as it does to assessments' finalise.
"""

from django.dispatch import Signal

# Sent once committed, with `plan`, by the services that change what the client was given: a
# publish, a save of the current plan, its end. Not for drafts, which no report shows, nor for a
# ticked-off day (its progress report is rendered when next asked for, so the client's tick is not
# kept waiting by a render). Sent with send_robust: a receiver's failure never fails the change.
plan_changed = Signal()
