from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.http import HttpRequest
from django.views.decorators.debug import sensitive_variables

from studio.branding import trainer_signature


class ClientEraseForm(forms.Form):
    """Asks for the client's full name, so that an erasure is never one careless click."""

    full_name = forms.CharField(label="Type the client's full name to confirm", max_length=161)

    def __init__(self, *args, expected_name: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.expected_name = expected_name
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_full_name(self) -> str:
        typed = self.cleaned_data["full_name"]
        if " ".join(typed.split()).casefold() != " ".join(self.expected_name.split()).casefold():
            raise forms.ValidationError("This is not the client's full name. Nothing was erased.")
        return typed


class SignInForm(AuthenticationForm):
    """Django's sign-in form, taking an e-mail address or a username, either in any case.

    The name typed is turned into the one account's own username before `authenticate`, so
    django-axes counts every way of naming an account (e-mail, username, any case) as one.
    A name that fits no account, or an e-mail that several accounts share, is passed on as
    typed and fails; the shared e-mail is told to use the username instead.
    """

    error_messages = {
        **AuthenticationForm.error_messages,
        "shared_email": "More than one account uses this e-mail address. Sign in with your username instead.",
        # Django's text says the name may be case-sensitive: here it is not, only the password is.
        "invalid_login": (
            "This e-mail or username and password do not match an account. Check the password: "
            "capitals count in it."
        ),
    }

    def __init__(self, request: HttpRequest | None = None, *args, **kwargs) -> None:
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        username.label = "E-mail or username"
        # Room for any e-mail address: Django's form sizes the box for a username only.
        username.max_length = get_user_model()._meta.get_field("email").max_length
        username.widget.attrs.update(
            {"maxlength": username.max_length, "autocapitalize": "none", "spellcheck": "false"}
        )

    @sensitive_variables("password")
    def clean(self) -> dict:
        identifier = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if identifier is None or not password:
            return self.cleaned_data
        username, shared_email = _sign_in_name(identifier)
        self.user_cache = authenticate(self.request, username=username, password=password)
        if self.user_cache is not None:
            self.confirm_login_allowed(self.user_cache)
        elif shared_email:
            self.add_error(
                "username", forms.ValidationError(self.error_messages["shared_email"], "shared_email")
            )
        else:
            # One message whether the account or the password was wrong, shown by the password.
            self.add_error("password", self.get_invalid_login_error())
        return self.cleaned_data


def _sign_in_name(identifier: str) -> tuple[str, bool]:
    """The username to authenticate with, and whether `identifier` is an e-mail that several
    active accounts share.

    A username counts first, exactly, then ignoring case when only one account has it that way;
    then an active account's e-mail ignoring case, when only one account has it. Anything else
    comes back as typed, which only an exact username can match. Two queries at most.
    """
    users = get_user_model().objects
    usernames = list(users.filter(username__iexact=identifier).values_list("username", flat=True))
    if identifier in usernames or len(usernames) > 1:
        return identifier, False
    if usernames:
        return usernames[0], False
    by_email = list(
        users.filter(email__iexact=identifier, is_active=True).values_list("username", flat=True)[:2]
    )
    if len(by_email) == 1:
        return by_email[0], False
    return identifier, len(by_email) > 1


class StudioPasswordResetForm(PasswordResetForm):
    """Django's reset form, whose e-mail a portal client's own trainer signs; anyone else's the
    studio alone. The studio itself comes in `extra_email_context`, the same for every account."""

    def send_mail(
        self, subject_template_name: str, email_template_name: str, context: dict, *args, **kwargs
    ) -> None:
        client = getattr(context["user"], "client_profile", None)
        signature = trainer_signature(client.trainer) if client else ""
        super().send_mail(
            subject_template_name, email_template_name, {**context, "signature": signature}, *args, **kwargs
        )
