"""The import's rules row by row: what each cell means, who may write what, what is recorded.

Written for the mutation campaign on ``exchange/progress_import.py`` and
``exchange/progress_write.py`` (docs/mutation.md): each test reads a whole message or a whole
saved row, so that a changed word or a dropped field is noticed.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exchange.progress_import import ProgressImportError, progress_import
from exchange.progress_write import IMPORT_NOTE
from indicators.enums import EntryStatus
from indicators.models import EntryTransition, ProgressEntry
from tests.factories import (
    ContractFactory,
    IndicatorFactory,
    ObjectiveFactory,
    ProgressEntryFactory,
)

pytestmark = pytest.mark.django_db

HEADER = "contract;objective;indicator;date;value;comment;status\n"


@pytest.fixture
def indicator():
    contract = ContractFactory(reference="COTTRI-2021-CALAISIS")
    objective = ObjectiveFactory(contract=contract, code="O1")
    return IndicatorFactory(objective=objective, code="renovations", target=Decimal("1500"))


def _csv(*rows: str, header: str = HEADER) -> bytes:
    return (header + "".join(row + "\n" for row in rows)).encode()


def _errors(content: bytes, **kwargs) -> list[str]:
    with pytest.raises(ProgressImportError) as raised:
        progress_import(content=content, filename="a.csv", **kwargs)
    return [str(e) for e in raised.value.errors]


def _ours():
    return ProgressEntry.objects.exclude(indicator__objective__contract__reference="VOISIN-1")


# What a status cell means ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "status"),
    [
        ("validated", EntryStatus.VALIDATED),
        ("Validée", EntryStatus.VALIDATED),
        ("validee", EntryStatus.VALIDATED),
        ("SOUMISE", EntryStatus.SUBMITTED),
        ("soumise", EntryStatus.SUBMITTED),
        ("Renvoyée", EntryStatus.RETURNED),
        ("renvoyee", EntryStatus.RETURNED),
        ("brouillon", EntryStatus.DRAFT),
        ("draft", EntryStatus.DRAFT),
    ],
)
def test_an_officer_s_status_cell_is_read_in_french_or_english_with_or_without_accents(
    indicator, officer, word, status, neighbour
):
    progress_import(
        content=_csv(f"COTTRI-2021-CALAISIS;O1;renovations;31/12/2021;420;;{word}"),
        filename="a.csv",
        by=officer,
    )
    assert _ours().get().status == status
    neighbour.assert_unchanged()


def test_an_unknown_status_is_refused_with_the_expected_words(indicator):
    content = _csv("COTTRI-2021-CALAISIS;O1;renovations;31/12/2021;420;;fini")
    assert _errors(content) == [
        "ligne 2 : statut : statut inconnu « fini » (attendu : draft, submitted, validated, "
        "returned)"
    ]


def test_a_chef_may_repeat_the_current_status_of_an_entry_but_not_set_another(
    indicator, stranger, neighbour
):
    entry = ProgressEntryFactory(
        indicator=indicator, status=EntryStatus.RETURNED, value=Decimal("3"), author=stranger
    )
    chef = {
        "by": stranger,
        "officer": False,
        "allowed_contract_ids": [indicator.objective.contract_id],
    }
    row = "COTTRI-2021-CALAISIS;O1;renovations;31/12/2021;5;;{}"
    assert _errors(_csv(row.format("validée")), **chef) == [
        "ligne 2 : statut : seuls les agents peuvent fixer le statut"
    ]
    assert _errors(_csv(row.replace("31/12/2021", "30/06/2021").format("renvoyée")), **chef) == [
        "ligne 2 : statut : seuls les agents peuvent fixer le statut"
    ]
    result = progress_import(content=_csv(row.format("renvoyée")), filename="a.csv", **chef)
    entry.refresh_from_db()
    # The status cell only repeats the current status: the chef's file submits the entry.
    assert (result.updated, entry.value, entry.status) == (1, Decimal("5"), EntryStatus.SUBMITTED)
    neighbour.assert_unchanged()


# The header --------------------------------------------------------------------------------------


def test_a_missing_and_an_unknown_column_are_named_on_the_header_line(indicator):
    content = b"contract;indicator;date;value;couleur\nCOTTRI-2021-CALAISIS;renovations;1;2;3\n"
    errors = _errors(content)
    assert errors[0] == "ligne 1 : objectif : colonne obligatoire absente"
    assert errors[1].startswith("ligne 1 : couleur : colonne inconnue (colonnes possibles : ")
    assert errors[1].endswith(" ; une colonne d'aide entre parenthèses est ignorée)")
    assert len(errors) == 2


def test_every_missing_and_unknown_column_is_named_on_the_line_of_the_header(indicator):
    content = (
        "Suivi 2022\n"
        "contrat;indicateur;valeur;couleur;Poids;(unité)\n"
        "COTTRI-2021-CALAISIS;renovations;2;3;4;5\n"
    ).encode()
    assert _errors(content) == [
        "ligne 2 : objectif, date : colonne obligatoire absente",
        "ligne 2 : couleur, poids : colonne inconnue (colonnes possibles : contrat, objectif, "
        "indicateur, date, valeur, commentaire, statut ; une colonne d'aide entre parenthèses "
        "est ignorée)",
    ]


# The rows ----------------------------------------------------------------------------------------


def test_an_empty_required_cell_and_an_unknown_indicator_are_named(indicator):
    content = _csv(
        "COTTRI-2021-CALAISIS;O1;renovations;;420;;",
        "COTTRI-2021-CALAISIS;O1;inconnu;31/12/2021;420;;",
    )
    assert _errors(content) == [
        "ligne 2 : date : valeur obligatoire manquante",
        "ligne 3 : indicateur : indicateur « inconnu » inconnu pour l'objectif O1",
    ]


def test_the_same_indicator_and_date_twice_is_a_duplicate_of_the_first_line(indicator):
    content = _csv(
        "COTTRI-2021-CALAISIS;O1;renovations;31/12/2021;420;;",
        "COTTRI-2021-CALAISIS;O1;renovations;2021-12-31;421;;",
    )
    assert _errors(content) == [
        "ligne 3 : date : doublon de la ligne 2 (même indicateur, même date)"
    ]


def test_a_row_with_only_its_codes_is_skipped_but_a_comment_alone_is_read(indicator):
    content = _csv(
        "COTTRI-2021-CALAISIS;O1;renovations;;;;",
        "COTTRI-2021-CALAISIS;O1;renovations;;;seul un commentaire;",
    )
    assert _errors(content) == [
        "ligne 3 : date : valeur obligatoire manquante",
        "ligne 3 : valeur : valeur obligatoire manquante",
    ]


def test_a_value_with_too_many_digits_is_refused_with_the_field_s_message(indicator):
    content = _csv("COTTRI-2021-CALAISIS;O1;renovations;31/12/2021;12345678901234567;;")
    (error,) = _errors(content)
    assert error.startswith("ligne 2 : valeur : ")
    assert "chiffres" in error


# What is written ---------------------------------------------------------------------------------


def test_an_officer_s_new_entry_is_validated_by_them_with_its_history_and_transition(
    indicator, officer, neighbour
):
    result = progress_import(
        content=_csv("COTTRI-2021-CALAISIS;O1;renovations;31/12/2021;420;Bilan;"),
        filename="a.csv",
        by=officer,
    )
    entry = _ours().get()
    assert (result.created, result.updated, result.unchanged) == (1, 0, 0)
    assert result.contract_ids == {indicator.objective.contract_id}
    (planned,) = result.rows
    assert (planned.line, planned.entry.pk, planned.created, planned.previous_value) == (
        2,
        entry.pk,
        True,
        None,
    )
    assert (entry.value, entry.comment, entry.source) == (Decimal("420"), "Bilan", "import")
    assert (entry.status, entry.author, entry.reviewer) == (EntryStatus.VALIDATED, officer, officer)
    assert entry.submitted_at is not None and entry.reviewed_at == entry.submitted_at
    (history,) = entry.history.all()
    assert (history.history_user, history.history_change_reason) == (officer, IMPORT_NOTE)
    assert history.history_type == "+"
    transition = EntryTransition.objects.get(entry=entry)
    assert (transition.from_status, transition.to_status) == ("", EntryStatus.VALIDATED)
    assert (transition.by, transition.note) == (officer, "Import de fichier")
    neighbour.assert_unchanged()


def test_an_officer_s_correction_keeps_author_and_first_submission_and_records_the_change(
    indicator, officer, stranger, neighbour
):
    submitted_at = datetime.datetime(2022, 1, 10, 9, 0, tzinfo=datetime.UTC)
    entry = ProgressEntryFactory(
        indicator=indicator,
        value=Decimal("400"),
        comment="avant",
        status=EntryStatus.SUBMITTED,
        author=stranger,
        submitted_at=submitted_at,
    )
    version = entry.version
    result = progress_import(
        content=_csv("COTTRI-2021-CALAISIS;O1;renovations;31/12/2021;420;après;"),
        filename="a.csv",
        by=officer,
    )
    (planned,) = result.rows
    assert (planned.created, planned.previous_value) == (False, Decimal("400"))
    assert (result.created, result.updated) == (0, 1)
    entry.refresh_from_db()
    assert (entry.value, entry.comment, entry.status) == (
        Decimal("420"),
        "après",
        EntryStatus.VALIDATED,
    )
    assert (entry.author, entry.submitted_at, entry.reviewer) == (stranger, submitted_at, officer)
    assert entry.reviewed_at is not None and entry.updated_at == entry.reviewed_at
    assert entry.version == version + 1
    latest = entry.history.order_by("-history_date").first()
    assert latest.history_type == "~"  # a change, not a creation
    assert (latest.history_user, latest.history_change_reason, latest.value) == (
        officer,
        IMPORT_NOTE,
        Decimal("420"),
    )
    transition = EntryTransition.objects.get(entry=entry)
    assert (transition.from_status, transition.to_status) == (
        EntryStatus.SUBMITTED,
        EntryStatus.VALIDATED,
    )
    neighbour.assert_unchanged()


def test_a_correction_that_keeps_the_status_records_no_transition(indicator, officer):
    entry = ProgressEntryFactory(indicator=indicator, value=Decimal("400"))
    progress_import(
        content=_csv("COTTRI-2021-CALAISIS;O1;renovations;31/12/2021;420;;"),
        filename="a.csv",
        by=officer,
    )
    entry.refresh_from_db()
    assert entry.value == Decimal("420")
    assert not EntryTransition.objects.filter(entry=entry).exists()


def test_an_officer_sending_a_validated_entry_back_to_draft_clears_its_review(
    indicator, officer, stranger
):
    entry = ProgressEntryFactory(
        indicator=indicator,
        status=EntryStatus.VALIDATED,
        reviewer=stranger,
        reviewed_at=datetime.datetime(2022, 1, 10, tzinfo=datetime.UTC),
    )
    progress_import(
        content=_csv("COTTRI-2021-CALAISIS;O1;renovations;31/12/2021;10;;brouillon"),
        filename="a.csv",
        by=officer,
    )
    entry.refresh_from_db()
    assert (entry.status, entry.reviewer, entry.reviewed_at) == (EntryStatus.DRAFT, None, None)


def test_a_returned_entry_keeps_its_review_when_an_officer_corrects_it(
    indicator, officer, stranger
):
    reviewed_at = datetime.datetime(2022, 1, 10, tzinfo=datetime.UTC)
    entry = ProgressEntryFactory(
        indicator=indicator,
        status=EntryStatus.RETURNED,
        reviewer=stranger,
        reviewed_at=reviewed_at,
    )
    progress_import(
        content=_csv("COTTRI-2021-CALAISIS;O1;renovations;31/12/2021;11;;renvoyée"),
        filename="a.csv",
        by=officer,
    )
    entry.refresh_from_db()
    assert (entry.status, entry.value) == (EntryStatus.RETURNED, Decimal("11"))
    assert (entry.reviewer, entry.reviewed_at, entry.submitted_at) == (stranger, reviewed_at, None)


def test_a_chef_s_file_submits_and_clears_a_returned_entry_s_review(indicator, stranger):
    entry = ProgressEntryFactory(
        indicator=indicator,
        status=EntryStatus.RETURNED,
        reviewer=stranger,
        reviewed_at=datetime.datetime(2022, 1, 10, tzinfo=datetime.UTC),
    )
    progress_import(
        content=_csv("COTTRI-2021-CALAISIS;O1;renovations;31/12/2021;11;;"),
        filename="a.csv",
        by=stranger,
        officer=False,
        allowed_contract_ids=[indicator.objective.contract_id],
    )
    entry.refresh_from_db()
    assert (entry.status, entry.reviewer, entry.reviewed_at) == (EntryStatus.SUBMITTED, None, None)
    assert entry.submitted_at is not None


def test_a_chef_s_unchanged_row_of_a_validated_entry_is_left_alone_but_a_change_is_refused(
    indicator, stranger
):
    entry = ProgressEntryFactory(indicator=indicator, value=Decimal("10"), comment="ok")
    chef = {
        "by": stranger,
        "officer": False,
        "allowed_contract_ids": [indicator.objective.contract_id],
    }
    same = _csv("COTTRI-2021-CALAISIS;O1;renovations;31/12/2021;10;ok;")
    result = progress_import(content=same, filename="a.csv", **chef)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    other_comment = _csv("COTTRI-2021-CALAISIS;O1;renovations;31/12/2021;10;autre;")
    assert _errors(other_comment, **chef) == [
        "ligne 2 : valeur : cette valeur est déjà validée et ne peut plus changer"
    ]
    entry.refresh_from_db()
    assert (entry.value, entry.comment, entry.status) == (Decimal("10"), "ok", "validated")


def test_an_officer_s_row_differing_only_by_its_comment_or_status_is_not_unchanged(
    indicator, officer
):
    ProgressEntryFactory(indicator=indicator, value=Decimal("10"), comment="ok")
    row = "COTTRI-2021-CALAISIS;O1;renovations;31/12/2021;10;{};{}"
    assert progress_import(content=_csv(row.format("ok", "")), filename="a.csv").unchanged == 1
    result = progress_import(
        content=_csv(row.format("ok", "soumise")), filename="a.csv", by=officer
    )
    assert (result.updated, result.unchanged) == (1, 0)
    result = progress_import(
        content=_csv(row.format("autre", "soumise")), filename="a.csv", by=officer
    )
    assert (result.updated, result.unchanged) == (1, 0)


def test_a_chef_s_file_notifies_the_officers_and_an_officer_s_does_not(
    indicator, officer, stranger, mailoutbox, django_capture_on_commit_callbacks
):
    chef = {
        "by": stranger,
        "officer": False,
        "allowed_contract_ids": [indicator.objective.contract_id],
    }
    with django_capture_on_commit_callbacks(execute=True):
        progress_import(
            content=_csv("COTTRI-2021-CALAISIS;O1;renovations;31/12/2021;10;;"),
            filename="a.csv",
            **chef,
        )
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["agent@example.org"]
    with django_capture_on_commit_callbacks(execute=True):
        # Even the entry an officer's file puts back under review is no news to the officers.
        progress_import(
            content=_csv("COTTRI-2021-CALAISIS;O1;renovations;30/06/2021;10;;soumise"),
            filename="a.csv",
            by=officer,
        )
    assert ProgressEntry.objects.get(date=datetime.date(2021, 6, 30)).status == (
        EntryStatus.SUBMITTED
    )
    assert len(mailoutbox) == 1


def test_the_contracts_changed_are_announced_after_the_commit_and_not_for_a_dry_run(
    indicator, officer, django_capture_on_commit_callbacks
):
    from indicators.signals import progress_changed

    announced = []

    def receiver(sender, contract_ids=(), **kwargs):
        announced.append((sender, set(contract_ids)))

    progress_changed.connect(receiver)
    try:
        content = _csv("COTTRI-2021-CALAISIS;O1;renovations;31/12/2021;10;;")
        with django_capture_on_commit_callbacks(execute=True):
            progress_import(content=content, filename="a.csv", by=officer, dry_run=True)
        assert announced == []
        with django_capture_on_commit_callbacks(execute=True):
            progress_import(content=content, filename="a.csv", by=officer)
    finally:
        progress_changed.disconnect(receiver)
    assert announced == [(ProgressEntry, {indicator.objective.contract_id})]


def test_a_refusal_of_the_database_is_reported_as_a_file_error(indicator, monkeypatch):
    from django.db import DatabaseError

    import exchange.progress_import as service

    def refuse(rows, *, by):
        raise DatabaseError("valeur trop longue")

    monkeypatch.setattr(service, "write_entries", refuse)
    assert _errors(_csv("COTTRI-2021-CALAISIS;O1;renovations;31/12/2021;10;;")) == [
        "fichier : refusé par la base de données : valeur trop longue"
    ]


def test_a_chef_cannot_write_in_a_locked_period(indicator, stranger, monkeypatch):
    from indicators import locks

    contract_id = indicator.objective.contract_id
    existing = ProgressEntryFactory(
        indicator=indicator, date=datetime.date(2022, 12, 31), status=EntryStatus.DRAFT
    )
    loaded, asked = [], []

    def provider(contract_ids):
        loaded.append(set(contract_ids))

        def reason(contract_id, date, entry_id):
            asked.append((contract_id, date, entry_id))
            return "campagne close" if date.year == 2021 else None

        return reason

    monkeypatch.setattr(locks, "_provider", provider)
    chef = {"by": stranger, "officer": False, "allowed_contract_ids": [contract_id]}
    content = _csv(
        "COTTRI-2021-CALAISIS;O1;renovations;31/12/2021;10;;",
        "COTTRI-2021-CALAISIS;O1;renovations;31/12/2022;10;;",
    )
    assert _errors(content, **chef) == ["ligne 2 : date : campagne close"]
    assert loaded == [{contract_id}]
    # The existing entry of the same date is named: the provider may know it (an unlock).
    assert asked == [
        (contract_id, datetime.date(2021, 12, 31), None),
        (contract_id, datetime.date(2022, 12, 31), existing.pk),
    ]
    # An officer writes in a closed campaign.
    result = progress_import(content=content, filename="a.csv")
    assert (result.created, result.updated) == (1, 1)


def test_a_chef_s_file_counts_every_unchanged_row_and_names_every_refused_one(indicator, stranger):
    for day in (datetime.date(2021, 3, 31), datetime.date(2021, 6, 30)):
        ProgressEntryFactory(indicator=indicator, date=day, value=Decimal("10"))
        ProgressEntryFactory(
            indicator=indicator,
            date=day.replace(year=2022),
            value=Decimal("10"),
            status=EntryStatus.SUBMITTED,
        )
    chef = {
        "by": stranger,
        "officer": False,
        "allowed_contract_ids": [indicator.objective.contract_id],
    }
    row = "COTTRI-2021-CALAISIS;O1;renovations;{};{};;"
    same = _csv(*(row.format(day, 10) for day in ("31/03/2021", "30/06/2021")))
    assert progress_import(content=same, filename="a.csv", **chef).unchanged == 2
    changed = _csv(*(row.format(day, 11) for day in ("31/03/2022", "30/06/2022", "31/03/2021")))
    assert _errors(changed, **chef) == [
        "ligne 2 : valeur : cette valeur est en cours de validation et ne peut plus changer ; "
        "l'agent peut vous la renvoyer pour correction",
        "ligne 3 : valeur : cette valeur est en cours de validation et ne peut plus changer ; "
        "l'agent peut vous la renvoyer pour correction",
        "ligne 4 : valeur : cette valeur est déjà validée et ne peut plus changer",
    ]


def test_an_officer_s_unchanged_row_does_not_stop_the_rows_after_it(indicator, officer):
    ProgressEntryFactory(indicator=indicator, value=Decimal("10"))
    content = _csv(
        "COTTRI-2021-CALAISIS;O1;renovations;31/12/2021;10;;",
        "COTTRI-2021-CALAISIS;O1;renovations;31/12/2022;12;;",
    )
    result = progress_import(content=content, filename="a.csv", by=officer)
    assert (result.created, result.updated, result.unchanged) == (1, 0, 1)
    assert [planned.line for planned in result.rows] == [3]


def test_a_file_without_a_comment_column_imported_back_leaves_the_entries_alone(indicator, officer):
    entry = ProgressEntryFactory(indicator=indicator, value=Decimal("10"), comment="")
    version = entry.version
    content = _csv(
        "COTTRI-2021-CALAISIS;O1;renovations;31/12/2021;10",
        "COTTRI-2021-CALAISIS;O1;renovations;31/12/2022;12",
        header="contract;objective;indicator;date;value\n",
    )
    result = progress_import(content=content, filename="a.csv", by=officer)
    assert (result.created, result.updated, result.unchanged) == (1, 0, 1)
    entry.refresh_from_db()
    assert entry.version == version
    assert _ours().get(date=datetime.date(2022, 12, 31)).comment == ""  # no comment, none made up


# Work per file -----------------------------------------------------------------------------------


def test_the_queries_of_an_import_do_not_grow_with_the_contracts_indicators(indicator):
    """The indicators of the file's contracts are read with their objective and contract at once:
    a contract of 1 or 31 indicators costs the same queries (docs/mutation.md, select_related)."""
    content = _csv("COTTRI-2021-CALAISIS;O1;renovations;31/12/2021;420;;")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            progress_import(content=content, filename="a.csv", dry_run=True)
        return len(captured)

    alone = queries()
    for n in range(30):
        objective = ObjectiveFactory(contract=indicator.objective.contract, code=f"X{n}")
        IndicatorFactory(objective=objective, code=f"autre-{n}")
    assert queries() == alone
    assert not _ours().exists()  # a dry run
