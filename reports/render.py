"""The annual report as files: an editable DOCX (python-docx) and a tagged PDF with the fiche's
layout (``cotri.public.pdf.pdf_render``). Both take a ``ReportContent`` and return bytes;
nothing is stored here.

The DOCX cannot hold SVG: each chart is converted to PNG with CairoSVG, and its text
alternative (the SVG's ``<desc>``) is the picture's description.
"""

from __future__ import annotations

import io
import re
from html import unescape

import cairosvg
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from cotri.public.pdf import PdfMetadata, pdf_render
from french.output import format_date, format_euros, format_year

from .content import ReportContent

DESC = re.compile(r"<desc[^>]*>(.*?)</desc>", re.S)


def report_title(content: ReportContent) -> str:
    return f"Rapport annuel d'avancement {format_year(content.year)}"


# --- PDF -----------------------------------------------------------------------------------------


def report_pdf_metadata(content: ReportContent) -> PdfMetadata:
    """Title « Rapport annuel d'avancement 2022 — <territoire> — <référence> »; the data are the
    values validated by the end of the report's year."""
    contract = content.contract
    return PdfMetadata(
        title=f"{report_title(content)} — {contract.territory.name} — {contract.reference}",
        kind=f"rapport annuel {format_year(content.year)}",
        reference=contract.reference,
        data_date=content.end,
        subject=(
            f"Avancement du contrat {contract.reference} ({contract.territory.name}) en "
            f"{format_year(content.year)} et depuis son début"
        ),
        keywords=("rapport annuel d'avancement", "rapport de phase", contract.territory.name),
    )


def report_pdf_bytes(content: ReportContent) -> bytes:
    """The tagged PDF/UA-1 document with the fiche's layout (``cotri.public.pdf.pdf_render``;
    raises ``cotri.public.pdf.FicheRenderError`` when a stylesheet cannot be read)."""
    return pdf_render(
        "espace/report_pdf.html", {"r": content}, metadata=report_pdf_metadata(content)
    )


# --- DOCX ----------------------------------------------------------------------------------------


def chart_png(svg: str) -> bytes:
    """The SVG chart as a PNG twice its size (sharp when printed)."""
    return cairosvg.svg2png(bytestring=svg.encode(), scale=2)


def _table(document, caption: str, header: list[str], rows: list[list[str]]):
    document.add_paragraph(caption, style="Caption")
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    return table


def _picture(document, svg: str) -> None:
    document.add_picture(io.BytesIO(chart_png(svg)), width=Cm(16))
    match = DESC.search(svg)
    if match:
        # The picture's alternative text, as Word shows it (« Texte de remplacement »).
        inline = document.inline_shapes[-1]._inline
        inline.docPr.set("descr", unescape(match.group(1)))
        document.add_paragraph(unescape(match.group(1)), style="Caption")


def _actions(document, heading: str, actions, *, empty: str, status: bool) -> None:
    document.add_heading(heading, level=4)
    if not actions:
        document.add_paragraph(empty)
    for action in actions:
        text = action.title
        if status:
            text += f" — {action.status.lower()}"
        if action.lead:
            text += f" ({action.lead})"
        if action.dates:
            text += f", {action.dates}"
        document.add_paragraph(text, style="List Bullet")


def report_docx_bytes(content: ReportContent) -> bytes:
    """The editable DOCX: the same sections, figures and texts as the PDF."""
    contract, year = content.contract, format_year(content.year)
    bonus = content.bonus
    document = Document()
    document.core_properties.title = f"{report_title(content)} — {contract.territory.name}"
    document.core_properties.language = "fr-FR"
    document.styles["Normal"].font.name = "Marianne"
    document.styles["Normal"].font.size = Pt(10)
    # The text's language, for the word processor's spelling and hyphenation.
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "fr-FR")
    document.styles["Normal"].element.get_or_add_rPr().append(language)
    if contract.demo_data:
        notice = document.add_paragraph()
        notice.add_run("Données de démonstration").bold = True
        notice.add_run(
            " : les valeurs d’avancement de ce rapport sont inventées pour la démonstration de "
            "la plateforme. Elles ne viennent pas du territoire et ne doivent pas être citées."
        )
    document.add_heading(report_title(content), level=0)
    lead = document.add_paragraph(f"{contract.title} — {contract.territory.name}")
    lead.alignment = WD_ALIGN_PARAGRAPH.LEFT
    document.add_paragraph(
        f"Réf. {contract.reference} — contrat du {format_date(contract.start)} au "
        f"{format_date(contract.end)}. Période du rapport : du {format_date(content.start)} au "
        f"{format_date(content.end)} ; seules les valeurs validées sont comptées. Document "
        f"généré le {format_date(content.generated_on)}."
    )

    document.add_heading("Bonus de l'année 3", level=1)
    cap = bonus.evaluation.bonus_cap
    line = f"{bonus.verdict.capitalize()} au {format_date(bonus.evaluation.as_of)} — plafond : " + (
        f"{format_euros(cap)} au plus" if cap is not None else "inconnu"
    )
    if bonus.evaluation.bonus_amount is not None:
        line += f" — montant à cette date : {format_euros(bonus.evaluation.bonus_amount)}"
    document.add_paragraph(line + ".")
    for reason in bonus.evaluation.reasons:
        document.add_paragraph(reason, style="List Bullet")
    _table(
        document,
        "Ce qui manque pour le bonus, objectif par objectif",
        ["Objectif", f"Taux début {year}", f"Taux fin {year}", "Seuil", "Verdict", "Ce qui manque"],
        [
            [
                o.code + (" (prioritaire)" if o.priority else ""),
                o.rate_start,
                o.rate_end,
                o.threshold,
                o.verdict,
                o.missing,
            ]
            for o in content.objectives
        ],
    )

    for title, text in content.sections:
        document.add_heading(title, level=1)
        paragraphs = [p.strip() for p in text.split("\n") if p.strip()] or ["Non renseigné."]
        for paragraph in paragraphs:
            document.add_paragraph(paragraph)

    document.add_heading("Avancement des objectifs", level=1)
    for o in content.objectives:
        document.add_heading(
            f"{o.code} — {o.title}" + (" (prioritaire)" if o.priority else ""), level=2
        )
        summary = (
            f"Taux d'atteinte : {o.rate_start} au début de {year}, {o.rate_end} à la fin "
            f"(seuil {o.threshold}) : {o.verdict}."
        )
        if o.met is not True:
            summary += f" Manque : {o.missing}."
        document.add_paragraph(summary)
        _table(
            document,
            f"Indicateurs de l'objectif {o.code}",
            [
                "Indicateur",
                "Départ du contrat",
                f"Début {year}",
                f"Fin {year}",
                "Cible",
                "Taux",
                "Manque",
            ],
            [
                [i.label, i.baseline, i.level_start, i.level_end, i.target, i.rate_end, i.missing]
                for i in o.indicators
            ],
        )
        for indicator in o.indicators:
            if indicator.chart:
                _picture(document, str(indicator.chart))
        _actions(
            document,
            "Actions réalisées",
            o.actions_done,
            empty="Aucune action réalisée inscrite au carnet.",
            status=False,
        )
        _actions(
            document,
            "Actions en cours et prévues",
            o.actions_planned,
            empty="Aucune action en cours ou prévue inscrite au carnet.",
            status=True,
        )

    document.add_heading("Financements reçus", level=1)
    _table(
        document,
        f"Versements reçus en {year}",
        ["Tranche", "Financeur", "Versée le", "Montant"],
        [
            [p.label, p.funder, format_date(p.paid_on), format_euros(p.amount)]
            for p in content.paid_in_year
        ]
        or [[f"Aucun versement reçu en {year}.", "", "", ""]],
    )
    document.add_paragraph(
        f"Total {year} : {format_euros(content.paid_in_year_total)}. Depuis le début du contrat : "
        f"prévu {format_euros(bonus.schedule.planned)} ; versé {format_euros(bonus.schedule.paid)}."
    )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
