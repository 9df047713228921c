import sys
import uuid

import pytest
from django.test import RequestFactory
from django.views.debug import ExceptionReporter

pytestmark = pytest.mark.django_db


def test_error_reports_never_contain_typed_health_notes():
    # Built at run time so that the source lines the report quotes cannot contain it.
    health_notes = f"knee surgery {uuid.uuid4().hex}"
    request = RequestFactory().post("/clients/1/update/", {"health_notes": health_notes})
    try:
        raise ValueError("boom")
    except ValueError:
        reporter = ExceptionReporter(request, *sys.exc_info())
        text = reporter.get_traceback_text()
        html = reporter.get_traceback_html()
    assert health_notes not in text
    assert health_notes not in html
    assert "health_notes" in text  # the field name stays, so the report is still useful
