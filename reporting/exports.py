"""The completeness board as a spreadsheet table (``exchange.exports`` writes CSV and XLSX)."""

from __future__ import annotations

from exchange.exports import Column, Table
from reporting.board import Board, submitted_on

BOARD_COLUMNS = (
    Column("campagne", "texte", "", "Nom de la campagne"),
    Column("contrat", "texte", "", "Référence du contrat"),
    Column("territoire", "texte", "", "Nom du territoire"),
    Column("departement", "texte", "", "Code du département du territoire"),
    Column("programme", "texte", "", "Code du programme"),
    Column("etat", "texte", "", "Non commencé, Brouillon, Remis, Validé, Renvoyé"),
    Column("en_retard", "booléen", "", "Non remis à la date limite, ou remis après"),
    Column("indicateurs_renseignes", "entier", "indicateurs", "Indicateurs renseignés"),
    Column("indicateurs_attendus", "entier", "indicateurs", "Indicateurs attendus"),
    Column("remis_par", "texte", "", "Chef de projet qui a remis le rapport"),
    Column("remis_le", "date", "", "Date de remise (heure de Paris)"),
    Column("date_limite", "date", "", "Date limite de la campagne"),
)


def board_table(board: Board) -> Table:
    def rows():
        for row in board.rows:
            by = row.report.submitted_by
            yield [
                board.campaign.name,
                row.contract.reference,
                row.contract.territory.name,
                row.contract.territory.departement_code,
                row.contract.programme.code,
                row.state.label,
                row.late,
                row.reported,
                row.expected,
                (by.get_full_name() or by.get_username()) if by else "",
                submitted_on(row.report),
                board.campaign.due_on,
            ]

    return Table(name="completude", title="Complétude", columns=BOARD_COLUMNS, rows=rows())
