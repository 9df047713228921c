"""What assessments announces to the apps that depend on it.

assessments must not import the apps downstream of it (data flows catalogue ->
assessments -> plans -> reports), yet a finalise has consequences there. So the
service that causes the event sends it explicitly, by name, and the downstream app
connects to it in its own AppConfig.ready(): no model signal guesses what happened.
"""

from django.dispatch import Signal

# Sent by assessment_finalise once the finalise has committed, with `assessment`
# (the Assessment, now final). Receivers must not fail the finalise; it is sent
# with send_robust, so an exception is logged and the next receiver still runs.
assessment_finalised = Signal()
