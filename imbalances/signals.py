"""What the catalogue announces to the apps that depend on it.

The catalogue must not import the apps downstream of it (data flows catalogue ->
assessments -> reports), yet a change to it alters reports already rendered. So its
services send this explicitly, by name, and the downstream app connects to it in its
own AppConfig.ready().
"""

from django.dispatch import Signal

# Sent with send_robust once a write to the catalogue has committed and its version has
# changed (imbalances.services.catalogue_changed). No arguments.
catalogue_updated = Signal()
