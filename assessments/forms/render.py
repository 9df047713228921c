"""The HTML of a pattern block, built in Python rather than by the template engine.

A grown catalogue puts some 1,200 inputs on the assessment page; rendering each
through Django's widget templates took most of a second per request, and even a
plain template loop costs several milliseconds per hundred rows. This module
writes the same markup (names, ids, labels, aria attributes, kept values and
errors) that `{% include %}`-ing a block template with Django widgets did. Every
value is escaped with `html.escape`, as the template engine does.
"""

from functools import lru_cache
from html import escape

from django import forms
from django.forms import BoundField
from django.forms.utils import ErrorList, flatatt
from django.utils.safestring import SafeString

from assessments.catalogue import expectation_text
from assessments.forms.blocks import MUSCLE_SIDES, PATTERN_SIDES, MuscleRow, PatternBlockForm
from assessments.forms.header import AssessmentHeaderForm
from assessments.models import Severity
from imbalances.links import slug_url_maker
from imbalances.models import Role

# Stands for a row's values in its cached markup; a private-use character no name holds.
MARK = "\ue000"
NO_MUSCLES = "The catalogue lists no muscles for this pattern."


def _selected(choices: list[tuple[str, str]], value) -> str | None:
    """Which option a single select shows as selected for `value`, as Django's ChoiceWidget decides."""
    if isinstance(value, (list, tuple)):
        wanted = {"" if v is None else str(v) for v in value}
    else:
        wanted = {"" if value is None else str(value)}
    return next((str(option) for option, _ in choices if str(option) in wanted), None)


def _options(choices: list[tuple[str, str]], selected: str | None) -> str:
    return "".join(
        f'<option value="{escape(str(option))}"{" selected" if str(option) == selected else ""}>'
        f"{escape(str(label))}</option>"
        for option, label in choices
    )


class _OptionCache:
    """The <option> list of a select for each value it can show; the same for every row."""

    def __init__(self, choices: list[tuple[str, str]]) -> None:
        self.choices = choices
        self.by_value = {str(option): _options(choices, str(option)) for option, _ in choices}
        self.none = _options(choices, None)

    def html(self, value) -> str:
        if type(value) is str:
            return self.by_value.get(value, self.none)
        selected = _selected(self.choices, value)
        return self.none if selected is None else self.by_value[selected]


ROLE_OPTIONS = _OptionCache(list(Role.choices))
MUSCLE_SIDE_OPTIONS = _OptionCache(MUSCLE_SIDES)
PATTERN_SIDE_OPTIONS = _OptionCache(PATTERN_SIDES)
SEVERITY_CHOICES = [(str(value), label) for value, label in Severity.choices]


def _invalid(errors: ErrorList | None, auto_id: str) -> tuple[str, str, str]:
    """An input's extra class, its aria attributes and its message: all empty when it is valid."""
    if not errors:
        return "", "", ""
    message = " ".join(escape(str(error)) for error in errors)
    return (
        " is-invalid",
        f' aria-invalid="true" aria-describedby="{auto_id}-error"',
        f'<div class="invalid-feedback d-block" id="{auto_id}-error">{message}</div>',
    )


def render_block(block: PatternBlockForm, *, pattern_url: str | None = None) -> str:
    """One pattern's <article>: header, severity, side, muscle rows and note."""
    pattern = block.pattern
    errors = block.errors
    prefix = block.prefix
    name = escape(pattern.name)
    slug = escape(pattern.slug)
    if pattern_url is None:
        pattern_url = slug_url_maker("imbalances:pattern")(pattern.slug)
    out = [
        f'<article class="card mb-3 pattern-block{" border-danger" if errors else ""}" id="pattern-{slug}"'
        f' aria-labelledby="pattern-{slug}-name" data-pattern-block>\n<div class="card-body">\n'
        '<div class="d-flex flex-wrap align-items-baseline gap-2 mb-2">\n'
        f'<h3 class="h5 mb-0" id="pattern-{slug}-name">{name}</h3>\n'
    ]
    if pattern.is_lateral:
        out.append('<span class="badge text-bg-info">left or right</span>\n')
    if not pattern.is_active:
        out.append('<span class="badge text-bg-secondary">retired from the catalogue</span>\n')
    out.append(
        f'<a class="small" href="{escape(pattern_url)}" target="_blank" rel="noopener">about this pattern'
        f'<span class="visually-hidden"> ({name}, opens in a new tab)</span></a>\n</div>\n'
    )
    if "__all__" in errors:
        messages = "".join(f"{escape(str(error))} " for error in errors["__all__"])
        out.append(f'<div class="alert alert-danger py-2" role="alert">{messages}</div>\n')

    # Severity: one radio per choice, checked as Django's RadioSelect would.
    auto_id = f"id_{prefix}-severity"
    invalid, aria, message = _invalid(errors.get("severity"), auto_id)
    checked = _selected(SEVERITY_CHOICES, block.value("severity", Severity.NONE))
    out.append(
        '<div class="row g-2 align-items-end">\n<fieldset class="col-12 col-md-auto">\n'
        '<legend class="form-label fs-6 mb-1">Severity'
        f'<span class="visually-hidden"> of {name}</span></legend>\n'
        '<div class="btn-group flex-wrap severity-group" data-severity>\n'
    )
    for index, (value, label) in enumerate(SEVERITY_CHOICES):
        out.append(
            f'<input type="radio" name="{prefix}-severity" value="{value}" class="btn-check{invalid}"{aria}'
            f' id="{auto_id}_{index}"{" checked" if value == checked else ""}>'
            f'<label class="btn btn-outline-primary" for="{auto_id}_{index}">{escape(label)}</label>\n'
        )
    out.append(f"</div>\n{message}</fieldset>\n")
    if pattern.is_lateral:
        auto_id = f"id_{prefix}-side"
        invalid, aria, message = _invalid(errors.get("side"), auto_id)
        out.append(
            f'<div class="col-12 col-md-3">\n<label class="form-label" for="{auto_id}">Side'
            f'<span class="visually-hidden"> of {name}</span></label>\n'
            f'<select name="{prefix}-side" class="form-select{invalid}"{aria} id="{auto_id}">'
            f"{PATTERN_SIDE_OPTIONS.html(block.value('side'))}</select>\n{message}</div>\n"
        )
    out.append(
        f'</div>\n<details class="mt-3" data-pattern-details{" open" if block.is_open else ""}>\n'
        f"<summary>Muscles ({len(block.links)}) and note</summary>\n"
    )
    if block.rows:
        out.append('<ul class="list-unstyled muscle-list mt-2 mb-2">\n')
        out.extend(_muscle_row(block, row, errors) for row in block.rows)
        out.append("</ul>\n")
    else:
        out.append(f'<p class="text-body-secondary mt-2">{NO_MUSCLES}</p>\n')

    auto_id = f"id_{prefix}-note"
    invalid, aria, message = _invalid(errors.get("note"), auto_id)
    note = block.value("note")
    value = "" if note is None or note == "" else f' value="{escape(str(note))}"'
    out.append(
        f'<label class="form-label" for="{auto_id}">Note'
        f'<span class="visually-hidden"> on {name}</span></label>\n'
        f'<input type="text" name="{prefix}-note"{value} class="form-control{invalid}" maxlength="500"{aria}'
        f' id="{auto_id}">\n{message}</details>\n</div>\n</article>\n'
    )
    return "".join(out)


def _muscle_row(block: PatternBlockForm, row: MuscleRow, errors) -> str:
    checked = block.value(row.confirmed)
    checked = "" if checked is False or checked is None or checked == "" else " checked"
    role = ROLE_OPTIONS.html(block.value(row.role, row.link.role))
    side = MUSCLE_SIDE_OPTIONS.html(block.value(row.side))
    if row.role in errors or row.side in errors:
        return _muscle_row_html(
            block.prefix, row, checked, role, side, errors.get(row.role), errors.get(row.side)
        )
    parts = _row_parts(block.prefix, row)
    if len(parts) != 4:  # a name held the marker: no shortcut
        return _muscle_row_html(block.prefix, row, checked, role, side, None, None)
    return f"{parts[0]}{checked}{parts[1]}{role}{parts[2]}{side}{parts[3]}"


@lru_cache(maxsize=8192)
def _row_parts(prefix: str, row: MuscleRow) -> list[str]:
    """A valid row's markup around its three values: the same for every request until the catalogue changes.

    Keyed by the row's catalogue values, so an edited muscle or link is a new key.
    """
    return _muscle_row_html(prefix, row, MARK, MARK, MARK, None, None).split(MARK)


def _muscle_row_html(
    prefix: str, row: MuscleRow, checked: str, role: str, side: str, role_errors, side_errors
) -> str:
    """A muscle row; `checked` is " checked" or "", `role` and `side` are the selects' options."""
    link = row.link
    muscle = escape(link.muscle.name)
    confirmed_id = f"id_{prefix}-{row.confirmed}"
    role_id = f"id_{prefix}-{row.role}"
    side_id = f"id_{prefix}-{row.side}"
    role_invalid, role_aria, role_message = _invalid(role_errors, role_id)
    side_invalid, side_aria, side_message = _invalid(side_errors, side_id)
    retired = "" if link.muscle.is_active else ' <span class="badge text-bg-secondary">retired</span>'
    return (
        '<li class="muscle-row py-2 border-bottom">\n<div class="form-check">\n'
        f'<input type="checkbox" name="{prefix}-{row.confirmed}" class="form-check-input"'
        f' data-muscle-found="" id="{confirmed_id}"{checked}>\n'
        f'<label class="form-check-label" for="{confirmed_id}">\n'
        f"<strong>{muscle}</strong>: {escape(expectation_text(link))}{retired}\n</label>\n</div>\n"
        '<div class="muscle-adjust d-flex flex-wrap gap-2 mt-1">\n<div>\n'
        f'<label class="visually-hidden" for="{role_id}">{muscle}: observed as</label>\n'
        f'<select name="{prefix}-{row.role}" class="form-select form-select-sm{role_invalid}"'
        f' data-muscle-adjust=""{role_aria} id="{role_id}">{role}</select>\n'
        "</div>\n<div>\n"
        f'<label class="visually-hidden" for="{side_id}">{muscle}: observed side</label>\n'
        f'<select name="{prefix}-{row.side}" class="form-select form-select-sm{side_invalid}"'
        f' data-muscle-adjust=""{side_aria} id="{side_id}">{side}</select>\n'
        f"</div>\n</div>\n{role_message}{side_message}</li>\n"
    )


def render_blocks(blocks: list[PatternBlockForm]) -> SafeString:
    url_for = slug_url_maker("imbalances:pattern")
    out = []
    for block in blocks:
        url = url_for(block.pattern.slug)
        if block.is_bound or block.initial:
            out.append(render_block(block, pattern_url=url))
            continue
        # A pattern with nothing recorded looks the same on every form: keep its markup
        # with the catalogue read it came from (most blocks on a page are like this).
        key = ("untouched", url, tuple(row.link.pk for row in block.rows))
        html = block.pattern.memo.get(key)
        if html is None:
            html = block.pattern.memo[key] = render_block(block, pattern_url=url)
        out.append(html)
    return SafeString("".join(out))


HEADER_FIELDS = (("session_date", "dateinput"), ("pain_score", "numberinput"), ("notes", "textarea"))


def render_header(form: AssessmentHeaderForm) -> SafeString:
    """The session fields as crispy's Bootstrap 5 layout wrote them, without its dozens of templates.

    Attributes, values and aria links come from Django's own BoundField and widget methods.
    """
    out = [_header_field(form[name], css) for name, css in HEADER_FIELDS]
    version = form["version"]
    value = version.field.widget.format_value(version.value())
    value = "" if value is None else f' value="{escape(str(value))}"'
    out.append(f'<input type="hidden" name="{version.html_name}"{value} id="{version.auto_id}">\n')
    return SafeString("".join(out))


def _header_field(field: BoundField, css: str) -> str:
    widget = field.field.widget
    auto_id = field.auto_id
    errors = field.errors
    css = f"{css} form-control is-invalid" if errors else f"{css} form-control"
    attrs = field.build_widget_attrs({**widget.attrs, "class": css})
    attrs["id"] = auto_id
    value = widget.format_value(field.value())
    if isinstance(widget, forms.Textarea):
        control = f'<textarea name="{field.html_name}"{flatatt(attrs)}>\n{escape(value or "")}</textarea>'
    else:
        value = "" if value is None else f' value="{escape(str(value))}"'
        control = f'<input type="{widget.input_type}" name="{field.html_name}"{value}{flatatt(attrs)}>'
    required = field.field.required
    label = (
        f'<label for="{auto_id}" class="form-label{" requiredField" if required else ""}">'
        f"{escape(str(field.label))}{'<span class="asteriskField">*</span>' if required else ''}</label>"
    )
    messages = "".join(
        f'<span id="error_{index}_{auto_id}"><strong>{escape(str(error))}</strong></span>'
        for index, error in enumerate(errors, start=1)
    )
    if messages:
        messages = f'<div id="{auto_id}_error" class="invalid-feedback">{messages}</div>'
    help_text = field.help_text
    if help_text:
        help_text = f'<div id="{auto_id}_helptext" class="form-text">{escape(str(help_text))}</div>'
    return f'<div id="div_{auto_id}" class="mb-3">{label} {control} {messages}{help_text}</div>\n'
