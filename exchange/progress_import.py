"""Import progress entries from a CSV or XLSX file: all rows or none.

The one service behind the three doors: the ``import_progress`` command, the officers' admin
(``indicators.resources.ProgressImportResource`` shows its plan as the preview, then confirms)
and the front office. Reading the file is ``exchange.progress_files``; guarding the door is
``cotri.uploads_guard``; the bulk write is ``exchange.progress_write``. Here: what each row
means and who may write it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from cotri.formulas import restore

# The guard and the reader used to live here: their names stay importable from this module.
from cotri.uploads_guard import (  # noqa: F401
    MAX_FILE_BYTES,
    MAX_XLSX_MEMBERS,
    MAX_XLSX_UNCOMPRESSED_BYTES,
)
from exchange.progress_files import (  # noqa: F401
    COLUMNS,
    EXTRA_CELLS,
    FRENCH_NAMES,
    MAX_ERRORS,
    MAX_ROWS,
    REQUIRED,
    ErrorList,
    ProgressImportError,
    Row,
    RowError,
    check_upload,
    parse_date,
    parse_decimal,
    parse_value,
    read_rows,
)
from exchange.progress_write import IMPORT_NOTE, write_entries  # noqa: F401
from indicators.entry_rules import date_error, lock_indicators
from indicators.enums import EntrySource, EntryStatus
from indicators.locks import lock_checker
from indicators.models import Indicator, ProgressEntry
from indicators.perms import EDITABLE_STATUSES, contracts_editable_by, is_officer
from indicators.services import import_submitted_notify
from indicators.signals import progress_changed

STATUS_WORDS = {
    **{s.value: s.value for s in EntryStatus},
    **{s.label.lower(): s.value for s in EntryStatus},
    "validee": EntryStatus.VALIDATED,
    "soumise": EntryStatus.SUBMITTED,
    "renvoyee": EntryStatus.RETURNED,
}


@dataclass(frozen=True)
class PlannedRow:
    """One line of the file and the entry it creates or corrects (what a preview shows)."""

    line: int
    entry: ProgressEntry
    created: bool
    previous_value: Decimal | None = None


# The cells a row brings; a row with none of them filled is skipped.
TO_FILL = ("date", "value", "comment", "status")

# What a chef de projet's file cannot change (the front office's rule: indicators.perms).
LOCKED = {
    EntryStatus.SUBMITTED: (
        "cette valeur est en cours de validation et ne peut plus changer ; l'agent peut vous la "
        "renvoyer pour correction"
    ),
    EntryStatus.VALIDATED: "cette valeur est déjà validée et ne peut plus changer",
}


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0  # rows identical to their entry (a file imported again): left alone
    contract_ids: set[int] = field(default_factory=set)
    rows: list[PlannedRow] = field(default_factory=list)


def progress_import(
    *,
    content: bytes,
    filename: str,
    by=None,
    officer: bool = True,
    allowed_contract_ids: Iterable[int] | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Import every row or none; raise ProgressImportError listing every bad row.

    ``officer=False`` acts as a chef de projet: only contracts in ``allowed_contract_ids``, a
    ``status`` cell may only repeat the entry's current status (an export sent back), entries are
    submitted for validation, entries under review or validated cannot change.
    Without a ``status``, an officer's rows are validated and a chef de projet's submitted.
    An existing entry of the same indicator and date is updated in place (its history keeps the old
    value); otherwise a new entry is created. An officer's row identical to its entry (value,
    comment and status: an export imported back) is left alone: no new version, reviewer or
    history. ``dry_run`` writes in a transaction rolled back at the end, so that what the
    database would refuse is reported too.
    """
    header, rows = read_rows(content=content, filename=filename)
    _check_header(header)
    allowed = None if allowed_contract_ids is None else set(allowed_contract_ids)
    try:
        with transaction.atomic():
            # Planned and written in one transaction, the existing entries locked: an entry
            # corrected by hand meanwhile is either seen by the plan or waits for the import.
            result = _plan(list(rows), by=by, officer=officer, allowed=allowed)
            write_entries(result.rows, by=by)
            if dry_run:
                transaction.set_rollback(True)
            else:
                if not officer and by is not None:
                    import_submitted_notify(by=by, entries=[p.entry for p in result.rows])
                contract_ids = set(result.contract_ids)
                transaction.on_commit(
                    lambda: progress_changed.send(sender=ProgressEntry, contract_ids=contract_ids)
                )
    except DatabaseError as exc:
        raise ProgressImportError(
            [RowError(0, "fichier", f"refusé par la base de données : {exc}")]
        ) from exc
    return result


def import_rights(user) -> dict:
    """``officer`` and ``allowed_contract_ids`` for ``progress_import`` acting as ``user``.

    No user (the command without ``--as``) or an officer: every contract, status column allowed.
    Anyone else: the contracts they report on, as a chef de projet.
    """
    if user is None or is_officer(user):
        return {"officer": True, "allowed_contract_ids": None}
    return {"officer": False, "allowed_contract_ids": contracts_editable_by(user)}


def _check_header(header: list[str]) -> None:
    errors = []
    line = getattr(header, "line", 1)
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c and c not in COLUMNS]
    if missing:
        errors.append(RowError(line, ", ".join(missing), "colonne obligatoire absente"))
    if unknown:
        errors.append(
            RowError(
                line,
                ", ".join(unknown),
                "colonne inconnue (colonnes possibles : "
                f"{', '.join(FRENCH_NAMES[c] for c in COLUMNS)} ; une colonne d'aide entre "
                "parenthèses est ignorée)",
            )
        )
    if errors:
        raise ProgressImportError(errors)


# Rows --------------------------------------------------------------------------------------------


def _plan(rows: list[Row], *, by, officer: bool, allowed: set[int] | None) -> ImportResult:
    """Check every row (collecting every error) and build the entries to save."""
    # A chef de projet's forbidden contracts look exactly like unknown ones.
    indicators = _indicators_for(rows, allowed)
    # Two imports (or a form) writing the same indicators run one after the other: the second
    # one's plan sees the first one's entries and corrects them in place.
    lock_indicators(i.pk for i in indicators.values())
    existing = _existing_entries(indicators.values())
    # Chefs de projet cannot write in a locked period (closed campaign, decided bonus).
    locked = (
        None if officer else lock_checker({i.objective.contract_id for i in indicators.values()})
    )
    default_status = EntryStatus.VALIDATED if officer else EntryStatus.SUBMITTED
    now = timezone.now()
    errors = ErrorList(limit=MAX_ERRORS)  # a million bad lines: counted, 100 kept
    seen: dict[tuple[int, datetime.date], int] = {}
    result = ImportResult()

    for row in rows:
        if not any(row.cells.get(c) for c in TO_FILL) and not (row.extra or row.misfit):
            continue  # a template row left empty (codes and help only): nothing to import
        parsed = _parse_row(row, indicators, officer=officer, default_status=default_status)
        if isinstance(parsed, list):
            errors.extend(parsed)
            continue
        indicator, date, value, status, requested = parsed
        first = seen.setdefault((indicator.pk, date), row.line)
        if first != row.line:
            message = f"doublon de la ligne {first} (même indicateur, même date)"
            errors.add(RowError(row.line, "date", message))
            continue
        entry = existing.get((indicator.pk, date))
        if requested and not officer and (entry is None or entry.status != requested):
            # A chef de projet's file may only repeat the current status (an export sent back).
            errors.add(RowError(row.line, "status", "seuls les agents peuvent fixer le statut"))
            continue
        if entry is not None and not officer and entry.status not in EDITABLE_STATUSES:
            comment = restore(row.cells.get("comment", ""))
            if (entry.value, entry.comment) == (value, comment):
                result.unchanged += 1  # the same file imported again: nothing to do
                continue
            errors.add(RowError(row.line, "value", LOCKED[entry.status]))
            continue
        if (
            entry is not None
            and officer
            and (entry.value, entry.comment, entry.status)
            == (value, restore(row.cells.get("comment", "")), status)
        ):
            result.unchanged += 1  # an export imported back: this row is already so
            continue
        if locked is not None:
            # The existing entry (same indicator, same date) is covered by the same check.
            reason = locked(indicator.objective.contract_id, date, entry.pk if entry else None)
            if reason:
                errors.add(RowError(row.line, "date", reason))
                continue
        created = entry is None
        if created:
            entry = ProgressEntry(date=date, source=EntrySource.IMPORT)
            entry._previous_status = ""
        else:
            entry._previous_status = entry.status
            entry.version += 1
        entry.indicator = indicator  # str(entry) and the admin's log read it: no query per row
        planned = PlannedRow(row.line, entry, created, None if created else entry.value)
        entry.value = value
        entry.comment = restore(row.cells.get("comment", ""))  # exports neutralise formulas
        entry.status = status
        if entry.author_id is None:  # reading entry.author would cost a query per row
            entry.author = by
        if status in (EntryStatus.SUBMITTED, EntryStatus.VALIDATED):
            entry.submitted_at = entry.submitted_at or now
        if status == EntryStatus.VALIDATED:
            entry.reviewer, entry.reviewed_at = by, now
        elif status in (EntryStatus.DRAFT, EntryStatus.SUBMITTED):
            entry.reviewer, entry.reviewed_at = None, None  # not reviewed (any more)
        entry.updated_at = now
        result.rows.append(planned)
        result.contract_ids.add(indicator.objective.contract_id)

    if errors:
        raise ProgressImportError(errors)
    result.created = sum(1 for planned in result.rows if planned.created)
    result.updated = len(result.rows) - result.created
    return result


def _parse_row(row: Row, indicators: dict, *, officer: bool, default_status: str):
    """``(indicator, date, value, status, status cell)``, or the list of the row's errors."""
    cells, line = row.cells, row.line
    if row.misfit:  # never read a shifted row: its cells would land in the wrong columns
        return [RowError(line, "nombre de cellules", row.misfit)]
    if row.extra:
        return [
            RowError(
                line,
                EXTRA_CELLS,
                f"« {row.extra} » au-delà de la dernière colonne : une virgule décimale dans un "
                "fichier séparé par des virgules ? Mettez la valeur entre guillemets ou séparez "
                "les colonnes par « ; ».",
            )
        ]
    errors = [
        RowError(line, column, "valeur obligatoire manquante")
        for column in REQUIRED
        if not cells.get(column)
    ]
    if errors:
        return errors
    key = (cells["contract"], cells["objective"], cells["indicator"])
    indicator = indicators.get(key)
    if indicator is None:
        return [RowError(line, *_unknown_reference(key, indicators))]
    date = value = None
    try:
        date = parse_date(cells["date"])
    except ValueError as exc:
        errors.append(RowError(line, "date", str(exc)))
    else:
        outside = date_error(contract=indicator.objective.contract, date=date)
        if outside:
            errors.append(RowError(line, "date", outside))
    try:
        value = parse_value(cells["value"])
        ProgressEntry._meta.get_field("value").run_validators(value)
    except ValueError as exc:
        errors.append(RowError(line, "value", str(exc)))
    except ValidationError as exc:
        errors.append(RowError(line, "value", " ".join(exc.messages)))
    status, requested = default_status, None
    if cells.get("status"):
        requested = STATUS_WORDS.get(cells["status"].lower())
        if requested is None:
            expected = ", ".join(EntryStatus.values)
            message = f"statut inconnu « {cells['status']} » (attendu : {expected})"
            errors.append(RowError(line, "status", message))
        elif officer:
            status = requested
    return errors or (indicator, date, value, status, requested)


def _indicators_for(
    rows: list[Row], allowed: set[int] | None
) -> dict[tuple[str, str, str], Indicator]:
    references = {row.cells.get("contract", "") for row in rows}
    indicators = Indicator.objects.filter(
        objective__contract__reference__in=references
    ).select_related("objective__contract")
    if allowed is not None:
        indicators = indicators.filter(objective__contract__in=allowed)
    return {(i.objective.contract.reference, i.objective.code, i.code): i for i in indicators}


def _existing_entries(indicators: Iterable[Indicator]) -> dict:
    ids = [i.pk for i in indicators]
    if not ids:
        return {}
    # Locked in id order, as the bulk review locks its entries (``entries_review``): in another
    # order an import and a bulk review of the same entries could each hold one the other
    # waits for, and PostgreSQL would abort one of them (deadlock).
    entries = ProgressEntry.objects.select_for_update().filter(indicator_id__in=ids).order_by("pk")
    return {(e.indicator_id, e.date): e for e in entries}


def _unknown_reference(key: tuple[str, str, str], indicators: dict) -> tuple[str, str]:
    contract, objective, indicator = key
    if not any(k[0] == contract for k in indicators):
        return "contract", f"contrat inconnu « {contract} »"
    if not any(k[:2] == (contract, objective) for k in indicators):
        return "objective", f"objectif « {objective} » inconnu dans le contrat {contract}"
    return "indicator", f"indicateur « {indicator} » inconnu pour l'objectif {objective}"
