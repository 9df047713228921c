"""What plans announces to the apps that depend on it (reports), which plans may not import.

Sent explicitly by the service that causes the event, after its commit; reports connects to it
in its own AppConfig.ready(), as it does to assessments' finalise.
"""

from django.dispatch import Signal

# Sent by plan_publish once committed, with `plan` (now the client's current plan). Sent with
# send_robust: a receiver's failure is logged and never fails the publish.
plan_published = Signal()
