"""No template holds code or styles that the Content Security Policy would block.

The policy is script-src 'self' and style-src 'self': an inline <script>, an
onclick= handler, a style="..." attribute, a javascript: URL or htmx's hx-on
(which evaluates inline code) would silently stop working in the browser.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# PDF templates are read by WeasyPrint, not a browser, but they follow the same rules.
RULES = {
    "inline <script> without src": re.compile(
        r"<script\b(?![^>]*\bsrc\s*=)(?![^>]*application/(ld\+)?json)[^>]*>", re.I
    ),
    "inline event handler": re.compile(r"<[^>]*\son[a-z]+\s*=", re.I | re.S),
    "style attribute": re.compile(r"<[^>]*\sstyle\s*=", re.I | re.S),
    "javascript: URL": re.compile(r"javascript\s*:", re.I),
    "htmx inline code (hx-on)": re.compile(r"\shx-on[:-]", re.I),
}


def template_files() -> list[Path]:
    dirs = [Path(d) for engine in settings.TEMPLATES for d in engine.get("DIRS", [])]
    # App template folders of our own apps (not third-party ones in the virtualenv).
    dirs += [path for path in ROOT.glob("*/templates") if ".venv" not in path.parts]
    return sorted({file for d in dirs for file in d.rglob("*.html")})


def offences(text: str) -> list[str]:
    found = []
    for rule, pattern in RULES.items():
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append(f"line {line}: {rule}: {match.group(0)[:60]!r}")
    return found


def test_there_are_templates_to_check():
    assert len(template_files()) > 30


def test_no_template_has_inline_code_or_styles():
    problems = [
        f"{file.relative_to(ROOT)} {offence}"
        for file in template_files()
        for offence in offences(file.read_text())
    ]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("snippet", "rule"),
    [
        ("<script>alert(1)</script>", "inline <script> without src"),
        ('<button type="button" onclick="go()">', "inline event handler"),
        ('<div class="x"\n     style="color: red">', "style attribute"),
        ('<a href="javascript:void(0)">', "javascript: URL"),
        ('<div hx-on:click="go()">', "htmx inline code (hx-on)"),
    ],
)
def test_the_scan_catches_each_kind_of_inline_code(snippet, rule):
    assert any(rule in offence for offence in offences(snippet))


@pytest.mark.parametrize(
    "snippet",
    [
        '<script src="/static/js/app.js"></script>',
        '<script id="data" type="application/json">{"a": 1}</script>',
        '<div data-online="yes" class="stylebox">',
        '<span class="visually-hidden">onwards</span>',
    ],
)
def test_the_scan_allows_what_the_policy_allows(snippet):
    assert offences(snippet) == []
