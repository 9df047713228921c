"""HTML and PDF renderings of a report, from the same templates."""

import dataclasses

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.text import slugify
from weasyprint import HTML

from reports.data import ProgressReport, Report, SummaryReport
from reports.fetcher import StaticOnlyFetcher, stored_data_uri
from reports.photos import embedded

PDF_TEMPLATES = {SummaryReport: "reports/summary_pdf.html", ProgressReport: "reports/progress_pdf.html"}

# Every PDF is PDF/UA-1, so a screen reader can follow it: a structure tree, the language
# from <html lang>, the <title> shown as the window title, bookmarks from the headings that
# report.css gives a bookmark-level. Tagging added 3 % to a summary's render and 24 % to a
# 52-session progress report's (WeasyPrint 70, 2-core machine; README "Latest results" has the
# times): paid at finalise, in the background task, never by a request.
# Alternative text: WeasyPrint tags <img> and inline <svg> as a Figure and takes its Alt from
# the img's alt, or from the <title> that is the svg's direct child (aria-label is ignored).
# So a chart or a body map in a PDF template is an inline svg with a <title> as a direct child.
# A decorative svg (aria-hidden, a legend swatch) is tagged as a Figure all the same: it needs
# a <title> too, or it should be drawn with CSS instead of an svg.
PDF_VARIANT = "pdf/ua-1"


def report_html(report: Report) -> str:
    """The standalone HTML document WeasyPrint lays out (the PDF template), its logo and photos
    embedded (reads them from storage)."""
    logo = stored_data_uri(report.header.studio_logo)
    report = dataclasses.replace(report, header=dataclasses.replace(report.header, studio_logo_src=logo))
    if isinstance(report, SummaryReport):
        report = dataclasses.replace(report, photos=[embedded(photo) for photo in report.photos])
    else:
        pairs = [
            dataclasses.replace(pair, first=embedded(pair.first), latest=embedded(pair.latest))
            for pair in report.photo_pairs
        ]
        report = dataclasses.replace(report, photo_pairs=pairs)
    return render_to_string(PDF_TEMPLATES[type(report)], {"report": report, "for_pdf": True})


def html_to_pdf(html: str) -> bytes:
    # base_url is our public origin: /static/ links resolve against it and the
    # fetcher reads them from disk; anything else is refused.
    document = HTML(string=html, base_url=settings.SITE_URL + "/", url_fetcher=StaticOnlyFetcher())
    return document.write_pdf(pdf_variant=PDF_VARIANT)


def render_pdf(report: Report) -> bytes:
    return html_to_pdf(report_html(report))


def pdf_filename(report: Report) -> str:
    """`jane-doe-progress-2026-11-25.pdf`: whose report, which kind, which date."""
    header = report.header
    day = report.session.session_date if isinstance(report, SummaryReport) else header.generated_on
    return f"{slugify(header.client_name) or 'client'}-{header.kind}-{day:%Y-%m-%d}.pdf"
