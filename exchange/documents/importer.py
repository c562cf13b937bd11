"""Import contract documents: every file or none.

Each document is checked against the JSON Schema, then against the database (``checks``); the
writes happen in one transaction that is rolled back if any document of the batch is wrong, so
an error anywhere saves nothing. Errors are French lines naming the file and the JSON path:
``calaisis.json: $.objectives[2].incontournable : l'incontournable 16 n'existe pas …``.

This module is a face of the project (like the admin or a command): it writes contracts,
objectives, progress entries and funding tranches, so it imports every app's models.
"""

import json
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from contracts.models import Contract
from exchange.documents.checks import CheckedDocument, Path, document_check
from exchange.documents.schema import json_path, schema_errors
from exchange.documents.writer import WriteError, document_write


class ContractDocumentError(ValidationError):
    """One or more documents are wrong; ``errors`` holds one French line per problem."""

    def __init__(self, errors: list[str]):
        super().__init__(errors)
        self.errors = errors


class _Rollback(Exception):
    pass


def contract_document_load(*, name: str, text: str) -> dict[str, Any]:
    """Parse a document's JSON text, decimals as Decimal (never float)."""

    def reject_constant(constant: str) -> None:
        raise ValueError(f"valeur {constant} interdite")

    try:
        document = json.loads(text, parse_float=Decimal, parse_constant=reject_constant)
    except json.JSONDecodeError as exc:
        raise ContractDocumentError(
            [f"{name}: JSON invalide (ligne {exc.lineno}, colonne {exc.colno}) : {exc.msg}"]
        ) from exc
    except ValueError as exc:
        raise ContractDocumentError([f"{name}: JSON invalide : {exc}"]) from exc
    return document


def contract_documents_import(
    *, documents: list[tuple[str, dict[str, Any]]], by=None
) -> list[Contract]:
    """Create or update one contract per (file name, document); all of them or none.

    Raises ContractDocumentError listing every problem found in every document.
    """
    return _run(documents, by=by, commit=True)


def contract_documents_check(*, documents: list[tuple[str, dict[str, Any]]]) -> list[str]:
    """Every problem an import of ``documents`` would report; nothing is saved."""
    try:
        _run(documents, by=None, commit=False)
    except ContractDocumentError as exc:
        return exc.errors
    return []


def _run(documents: list[tuple[str, dict[str, Any]]], *, by, commit: bool) -> list[Contract]:
    errors: list[str] = []
    valid: list[tuple[str, dict[str, Any]]] = []
    first_file: dict[str, str] = {}
    for name, document in documents:
        problems = schema_errors(document)
        errors.extend(f"{name}: {path} : {message}" for path, message in problems)
        if problems:
            continue
        reference = document["reference"]
        if reference in first_file:
            errors.append(
                f"{name}: $.reference : la référence « {reference} » figure déjà dans "
                f"{first_file[reference]}"
            )
            continue
        first_file[reference] = name
        valid.append((name, document))

    contracts: list[Contract] = []
    try:
        with transaction.atomic():
            # Documents are checked and written one after the other so that a later one may
            # use a groupement an earlier one created; any error rolls the whole batch back.
            for name, document in valid:
                checked = document_check(name=name, document=document)
                if checked.errors:
                    errors.extend(_lines(checked, checked.errors))
                    continue
                try:
                    with transaction.atomic():
                        contracts.append(document_write(checked, by=by))
                except WriteError as exc:
                    errors.extend(_lines(checked, exc.errors))
            if errors or not commit:
                raise _Rollback
    except _Rollback:
        pass
    if errors:
        raise ContractDocumentError(errors)
    return contracts


def _lines(checked: CheckedDocument, errors: list[tuple[Path, str]]) -> list[str]:
    return [f"{checked.name}: {json_path(path)} : {message}" for path, message in errors]
