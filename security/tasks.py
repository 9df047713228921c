from django.tasks import task

from security.forms import StudioPasswordResetForm
from security.services import client_export_build
from studio.models import Studio


@task()
def build_client_export(*, export_id: int) -> str | None:
    """Build a client's export zip into storage; its status, or None when the client was erased.

    A worker builds it, so a client with hundreds of sessions ties up no web request.
    """
    export = client_export_build(export_id=export_id)
    return export.status if export else None


@task()
def password_reset_send(*, email: str, domain: str, use_https: bool) -> None:
    """Mails a reset link to each active account with a usable password at `email`, if any.

    Queued by the reset page so that the page does the same work for every address.
    """
    form = StudioPasswordResetForm({"email": email})
    if form.is_valid():
        form.save(
            domain_override=domain, use_https=use_https, extra_email_context={"studio": Studio.current()}
        )
