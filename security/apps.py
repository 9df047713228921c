from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "security"
    verbose_name = "Security and audit"

    def ready(self) -> None:
        from security import receivers  # noqa: F401  (connects the session receivers)
