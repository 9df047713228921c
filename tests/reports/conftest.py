import io
from dataclasses import dataclass
from datetime import date

import pytest
from pypdf import PdfReader
from weasyprint import HTML

from tests import factories


@dataclass
class Studio:
    """A small catalogue and two finalised sessions and one draft of Jane Doe."""

    tilt: object
    chin: object
    hip_flexor: object
    glutes: object
    first: object
    latest: object
    draft: object


@pytest.fixture
def studio(client_record) -> Studio:
    # Names of our own, so that the tests do not lean on the seeded catalogue.
    hips = factories.RegionFactory(name="Test hips", display_order=1)
    head = factories.RegionFactory(name="Test head", display_order=2)
    tilt = factories.PatternFactory(
        region=hips,
        name="Forward pelvis tip",
        slug="forward-pelvis-tip",
        description="The pelvis tips forward.",
    )
    chin = factories.PatternFactory(
        region=head, name="Sideways head lean", slug="sideways-head-lean", is_lateral=True
    )
    hip_flexor = factories.MuscleFactory(
        name="Testus iliacus",
        lay_name="front-of-hip bender",
        slug="testus-iliacus",
        description="Bends the hip.",
    )
    glutes = factories.MuscleFactory(name="Testus gluteus", lay_name="seat muscle", slug="testus-gluteus")
    first = factories.AssessmentFactory(
        client=client_record, session_date=date(2026, 1, 10), final=True, notes="First visit.", pain_score=6
    )
    factories.PatternFindingFactory(assessment=first, pattern=tilt, severity=3)
    factories.PatternFindingFactory(assessment=first, pattern=chin, severity=1, side="left")
    factories.MuscleFindingFactory(assessment=first, muscle=hip_flexor, role="over-active")
    factories.MuscleFindingFactory(assessment=first, muscle=glutes, role="under-active")
    latest = factories.AssessmentFactory(
        client=client_record, session_date=date(2026, 3, 14), final=True, notes="Much better.", pain_score=2
    )
    factories.PatternFindingFactory(assessment=latest, pattern=tilt, severity=1)
    factories.PatternFindingFactory(assessment=latest, pattern=chin, severity=2, side="left")
    factories.MuscleFindingFactory(assessment=latest, muscle=hip_flexor, role="over-active")
    draft = factories.AssessmentFactory(
        client=client_record, session_date=date(2026, 4, 1), notes="Unfinished draft note."
    )
    factories.PatternFindingFactory(assessment=draft, pattern=tilt, severity=2)
    return Studio(tilt, chin, hip_flexor, glutes, first, latest, draft)


@dataclass
class PdfFacts:
    reader: PdfReader
    text: str
    page_texts: list[str]
    internal_links: list[str]
    external_links: list[str]
    destinations: set[str]


def read_pdf(data: bytes) -> PdfFacts:
    """Read back what a reader of the PDF gets: text, links, destinations."""
    reader = PdfReader(io.BytesIO(data))
    page_texts = [page.extract_text() for page in reader.pages]
    internal, external = [], []
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") != "/Link":
                continue
            action = annotation.get("/A")
            action = action.get_object() if action is not None else None
            if "/Dest" in annotation:
                internal.append(str(annotation["/Dest"]))
            elif action is not None and action.get("/S") == "/GoTo":
                internal.append(str(action["/D"]))
            elif action is not None and action.get("/S") == "/URI":
                external.append(str(action["/URI"]))
    return PdfFacts(
        reader=reader,
        text="\n".join(page_texts),
        page_texts=page_texts,
        internal_links=internal,
        external_links=external,
        destinations=set(reader.named_destinations),
    )


@pytest.fixture
def forbid_rendering(monkeypatch):
    """Call it, and from then on any WeasyPrint render fails the test: what follows must come from storage."""

    def write_pdf(*args, **kwargs):
        raise AssertionError("WeasyPrint rendered a PDF")

    return lambda: monkeypatch.setattr(HTML, "write_pdf", write_pdf)
