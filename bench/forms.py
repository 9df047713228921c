"""Reads a page's main form the way a browser would submit it, to re-post it unchanged."""

from html.parser import HTMLParser
from urllib.parse import urlencode

# A browser submits one button; we press "save" and never "finalise" or "delete".
AVOIDED_BUTTONS = ("final", "delete", "cancel", "archive")


class _Form:
    def __init__(self, attrs: dict[str, str]) -> None:
        self.method = attrs.get("method", "get").lower()
        self.action = attrs.get("action", "")
        self.fields: list[tuple[str, str]] = []
        self.buttons: list[tuple[str, str]] = []


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[_Form] = []
        self._form: _Form | None = None
        self._select: tuple[str, bool] | None = None  # (name, multiple)
        self._options: list[tuple[str, bool]] = []
        self._option_value: str | None = None
        self._option_text = ""
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {key: value or "" for key, value in attrs_list}
        if tag == "form":
            self._form = _Form(attrs)
            self.forms.append(self._form)
            return
        form, name = self._form, attrs.get("name")
        if form is None or "disabled" in attrs:
            return
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    form.fields.append((name, attrs.get("value", "on")))
            elif kind in ("submit", "image"):
                form.buttons.append((name, attrs.get("value", "")))
            elif kind not in ("button", "reset", "file"):
                form.fields.append((name, attrs.get("value", "")))
        elif tag == "button" and name and attrs.get("type", "submit").lower() == "submit":
            form.buttons.append((name, attrs.get("value", "")))
        elif tag == "select" and name:
            self._select, self._options = (name, "multiple" in attrs), []
        elif tag == "option" and self._select:
            self._option_value = attrs.get("value")
            self._option_text = ""
            self._options.append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data
        elif self._select and self._option_value is None and self._options:
            # An option without a value attribute submits its text.
            value, selected = self._options[-1]
            self._options[-1] = (value + data.strip(), selected)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "option":
            self._option_value = None
        elif tag == "select" and self._select and self._form is not None:
            name, multiple = self._select
            chosen = [value for value, selected in self._options if selected]
            if not chosen and not multiple and self._options:
                chosen = [self._options[0][0]]
            self._form.fields.extend((name, value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            # Browsers drop the single newline that follows <textarea>.
            self._form.fields.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None


def main_form_fields(html: str, path: str) -> list[tuple[str, str]] | None:
    """The fields of the page's own POST form (the largest one posting to this page), or None."""
    parser = _FormParser()
    parser.feed(html)
    candidates = [
        form
        for form in parser.forms
        if form.method == "post" and form.action in ("", ".", "#", path) and form.fields
    ]
    if not candidates:
        return None
    form = max(candidates, key=lambda form: len(form.fields))
    fields = list(form.fields)
    for name, value in form.buttons:
        if not any(word in f"{name} {value}".lower() for word in AVOIDED_BUTTONS):
            fields.append((name, value))
            break
    return fields


def encode(fields: list[tuple[str, str]]) -> str:
    return urlencode(fields)


def bump_version(fields: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """After a successful save the assessment's version went up by one: follow it."""
    return [
        (name, str(int(value) + 1) if name.endswith("version") and value.isdigit() else value)
        for name, value in fields
    ]
