"""Convention: French numbers and dates are formatted by ``french.output`` and read by
``french.input`` only. Templates, views, the admin, exports, forms and imports call them (through
the ``french`` template filters or ``cotri.french_fields``); nothing else formats a date with
``strftime`` or Django's ``date`` filter, groups digits or swaps a decimal point."""

import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = ("cotri", "territories", "contracts", "indicators", "funding")

TEMPLATE_RULES = {
    r"\|\s*date\s*:": "le filtre date de Django (utiliser date_fr ou datetime_fr)",
    r"\|\s*time\s*:": "le filtre time de Django (utiliser datetime_fr)",
    r"floatformat": "floatformat (utiliser number, euros, rate ou threshold)",
    r"intcomma|intword": "humanize (utiliser number)",
    r"\{%\s*localize": "{% localize %} (utiliser les filtres french)",
    r"\|\s*localize": "|localize (utiliser les filtres french)",
}
PYTHON_RULES = {
    r"\.strftime\(": "strftime (utiliser french.output)",
    r":%d/%m|%d/%m/%Y|%H:%M": "un format de date écrit à la main (utiliser french.output)",
    r"""\.replace\(\s*["']\.["']\s*,\s*["'],["']\s*\)""": "une virgule décimale à la main",
    r"\blocalize\s*[=(]|number_format\(|localize_input\(": "la localisation de Django",
    r"\bintcomma\b|floatformat": "humanize",
}


def _files(*patterns: str):
    for app in APPS:
        for pattern in patterns:
            for path in (ROOT / app).rglob(pattern):
                if "migrations" not in path.parts:
                    yield path
    if "*.html" in patterns:
        yield from (ROOT / "templates").rglob("*.html")
        yield from (ROOT / "templates").rglob("*.txt")


def _offences(paths, rules):
    found = []
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for pattern, what in rules.items():
                if re.search(pattern, line):
                    name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
                    found.append(f"{name}:{number}: {what}")
    return found


def test_templates_format_numbers_and_dates_only_with_the_french_filters():
    assert _offences(_files("*.html", "*.txt"), TEMPLATE_RULES) == []


def test_python_code_formats_numbers_and_dates_only_with_french_output():
    assert _offences(_files("*.py"), PYTHON_RULES) == []


@pytest.mark.parametrize(
    ("line", "rules"),
    [
        ('{{ entry.date|date:"d/m/Y" }}', TEMPLATE_RULES),
        ("{{ amount|floatformat:2 }}", TEMPLATE_RULES),
        ('when = value.strftime("%d/%m/%Y")', PYTHON_RULES),
        ('f"{when:%d/%m/%Y}"', PYTHON_RULES),
        ('text.replace(".", ",")', PYTHON_RULES),
        ("formats.number_format(n, force_grouping=True)", PYTHON_RULES),
    ],
)
def test_the_convention_catches_what_it_forbids(tmp_path, line, rules):
    path = tmp_path / "sample.txt"
    path.write_text(line, encoding="utf-8")
    assert _offences([path], rules) != []
