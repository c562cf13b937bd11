"""Evaluate contracts and store their snapshots idempotently."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import nullcontext
from datetime import date
from itertools import batched

from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from contracts.models import Contract
from funding.models import Evaluation, EvaluationInputs

from .loading import ContractInputs, default_as_of, load_inputs
from .snapshot import build_evaluation, fingerprint

# Contracts loaded and stored together: the number of queries grows by one step per chunk, and
# memory holds one chunk's aggregates (about 20 000 indicators for 1 000 contracts).
CHUNK_SIZE = 1000

Key = tuple[int, date, str]


def _key(evaluation: Evaluation) -> Key:
    return (evaluation.contract_id, evaluation.as_of, evaluation.fingerprint)


def _create_or_get(candidate: Evaluation) -> Evaluation:
    """One row, safe when another process stores the same snapshot at the same time."""
    try:
        with transaction.atomic():
            candidate.save(force_insert=True)
        candidate.created = True
        return candidate
    except IntegrityError:
        existing = Evaluation.objects.filter(
            contract_id=candidate.contract_id,
            as_of=candidate.as_of,
            fingerprint=candidate.fingerprint,
        ).first()
        if existing is None:  # not a concurrent duplicate: a real error
            raise
        existing.contract = candidate.contract
        existing.created = False
        return existing


def _insert(evaluations: list[Evaluation]) -> None:
    """One INSERT for many snapshots; on PostgreSQL a COPY, several times faster for large JSON.

    Raises IntegrityError when one of them exists already (nothing is then written).
    """
    if connection.vendor != "postgresql":
        Evaluation.objects.bulk_create(evaluations)
        return
    table = Evaluation._meta.db_table
    fields = [f for f in Evaluation._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in [Evaluation._meta.pk, *fields])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, len(evaluations)],
        )
        for evaluation, (pk,) in zip(evaluations, cursor.fetchall(), strict=True):
            evaluation.pk = pk
        copy_sql = f"COPY {table} ({columns}) FROM STDIN"
        # Logged like any query when queries are recorded (tests, DEBUG), so budgets count it.
        logged = cursor.debug_sql(copy_sql) if hasattr(cursor, "debug_sql") else nullcontext()
        with logged, connection.wrap_database_errors, cursor.cursor.copy(copy_sql) as copy:
            for evaluation in evaluations:
                values = [
                    f.get_db_prep_save(f.pre_save(evaluation, True), connection) for f in fields
                ]
                copy.write_row([evaluation.pk, *values])
    for evaluation in evaluations:
        evaluation._state.adding, evaluation._state.db = False, connection.alias


def _evaluate_chunk(inputs: list[ContractInputs], *, by) -> list[Evaluation]:
    """Fingerprint every contract, reuse the stored snapshots, run the rules for the others and
    store them in one INSERT. Each returned evaluation carries ``created``."""
    keys = [(i.contract.pk, i.as_of, fingerprint(i)) for i in inputs]
    stored: dict[Key, Evaluation] = {}
    existing = Evaluation.objects.filter(
        contract_id__in={key[0] for key in keys}, fingerprint__in={key[2] for key in keys}
    )
    contracts = {i.contract.pk: i.contract for i in inputs}
    for evaluation in existing:
        evaluation.contract = contracts[evaluation.contract_id]
        evaluation.created = False
        stored[_key(evaluation)] = evaluation
    new: dict[Key, Evaluation] = {}
    for item, key in zip(inputs, keys, strict=True):
        if key not in stored and key not in new:
            new[key] = build_evaluation(item, fingerprint_hex=key[2], by=by)
            new[key].created = True
    stored.update(_insert_or_get(new))
    return [stored[key] for key in keys]


def _insert_or_get(new: dict[Key, Evaluation]) -> dict[Key, Evaluation]:
    """Store new snapshots in one statement; if another process stored one of them meanwhile,
    go one by one and return the stored row for those."""
    if not new:
        return new
    try:
        with transaction.atomic():
            _insert(list(new.values()))
    except IntegrityError:
        for key, candidate in new.items():
            candidate.pk, candidate._state.adding = None, True
            new[key] = _create_or_get(candidate)
    return new


def contracts_evaluate(
    *, contracts: Iterable[Contract], as_of: date | None = None, by=None
) -> list[Evaluation]:
    """Evaluate contracts (at ``as_of``, or each at the earlier of today and its end).

    Same inputs give back the stored snapshot; otherwise a new one is stored. The number of
    queries does not depend on the number of objectives, indicators or entries.
    """
    today = timezone.localdate()
    contracts = list(contracts)
    by_pk: dict[int, Evaluation] = {}
    # Chunks of neighbouring ids: a region's contracts are then read with range scans.
    for chunk in batched(sorted(contracts, key=lambda c: c.pk), CHUNK_SIZE):
        started = timezone.now()  # before reading: a change committed later makes it stale
        inputs = load_inputs(chunk, as_of=as_of, today=today)
        evaluations = _evaluate_chunk(inputs, by=by)
        _record_check(evaluations, checked_at=started, today=today)
        for evaluation in evaluations:
            by_pk[evaluation.contract_id] = evaluation
    return [by_pk[contract.pk] for contract in contracts]


def _record_check(evaluations: list[Evaluation], *, checked_at, today: date) -> None:
    """Record, per contract, when its current inputs were read and which snapshot they gave
    (``EvaluationInputs``; one statement). Only evaluations at the default date count: an
    evaluation at another date says nothing of the current one's freshness."""
    marks = [
        EvaluationInputs(
            contract_id=e.contract_id, checked_at=checked_at, fingerprint=e.fingerprint
        )
        for e in evaluations
        if e.as_of == default_as_of(e.contract, today)
    ]
    if marks:
        EvaluationInputs.objects.bulk_create(
            marks,
            update_conflicts=True,
            unique_fields=["contract"],
            update_fields=["checked_at", "fingerprint"],
        )


def contract_evaluate(*, contract: Contract, as_of: date | None = None, by=None) -> Evaluation:
    """Evaluate one contract and store (or find) its snapshot."""
    return contracts_evaluate(contracts=[contract], as_of=as_of, by=by)[0]


def contract_evaluation_preview(*, contract: Contract, as_of: date | None = None) -> Evaluation:
    """The stored snapshot for these inputs, or an unsaved one (nothing is written)."""
    (inputs,) = load_inputs([contract], as_of=as_of, today=timezone.localdate())
    fingerprint_hex = fingerprint(inputs)
    stored = Evaluation.objects.filter(
        contract=contract, as_of=inputs.as_of, fingerprint=fingerprint_hex
    ).first()
    if stored is None:
        candidate = build_evaluation(inputs, fingerprint_hex=fingerprint_hex)
        candidate.created = False
        return candidate
    stored.contract = contract
    stored.created = False
    return stored


def contracts_evaluation_preview(
    *, contracts: Iterable[Contract], as_of: date | None = None
) -> list[Evaluation]:
    """``contract_evaluation_preview`` for many contracts at once, in the order given.

    For each contract: the stored snapshot for its current inputs, or an unsaved one; nothing is
    written. A few queries per chunk of 1 000 contracts, whatever their objectives or entries.
    """
    today = timezone.localdate()
    contracts = list(contracts)
    by_pk: dict[int, Evaluation] = {}
    for chunk in batched(sorted(contracts, key=lambda c: c.pk), CHUNK_SIZE):
        inputs = load_inputs(chunk, as_of=as_of, today=today)
        keys = [(i.contract.pk, i.as_of, fingerprint(i)) for i in inputs]
        stored = {
            _key(evaluation): evaluation
            for evaluation in Evaluation.objects.filter(
                contract_id__in={key[0] for key in keys},
                fingerprint__in={key[2] for key in keys},
            )
        }
        for item, key in zip(inputs, keys, strict=True):
            evaluation = stored.get(key) or build_evaluation(item, fingerprint_hex=key[2])
            evaluation.contract, evaluation.created = item.contract, False
            by_pk[item.contract.pk] = evaluation
    return [by_pk[contract.pk] for contract in contracts]


def contracts_latest_evaluation(*, contracts: Iterable[Contract]) -> list[Evaluation]:
    """For each contract (in the order given): its latest stored snapshot at today's evaluation
    date (``default_as_of``), else a batch preview (``contracts_evaluation_preview``).

    For files and lists of many contracts: two queries read the stored snapshots, which the
    evaluation tasks refresh after every change (coalesced) and nightly; only contracts never
    evaluated at that date are computed. Nothing is written.
    """
    today = timezone.localdate()
    contracts = list(contracts)
    expected = {c.pk: default_as_of(c, today) for c in contracts}
    groups = (
        Evaluation.objects.filter(contract_id__in=list(expected))
        .values("contract_id", "as_of")
        .annotate(last=Max("pk"))
        .order_by()
    )
    latest_ids = [g["last"] for g in groups if expected[g["contract_id"]] == g["as_of"]]
    by_pk = {e.contract_id: e for e in Evaluation.objects.filter(pk__in=latest_ids)}
    missing = [c for c in contracts if c.pk not in by_pk]
    for preview in contracts_evaluation_preview(contracts=missing) if missing else ():
        by_pk[preview.contract_id] = preview
    for contract in contracts:
        by_pk[contract.pk].contract, by_pk[contract.pk].created = contract, False
    return [by_pk[c.pk] for c in contracts]
