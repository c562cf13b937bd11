"""Locked periods: closed campaign or decided bonus; the form, the import and the API refuse."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from contracts.enums import MembershipRole
from contracts.models import ProjectMembership
from cotri.api.tokens import api_token_create
from exchange.progress_import import ProgressImportError, import_rights, progress_import
from funding.evaluations import contract_evaluate, evaluation_decide
from indicators.enums import EntryStatus
from indicators.services import entry_save_draft
from reporting.locks import locked_periods
from reporting.models import EntryUnlock
from reporting.services import campaign_close, campaign_reopen, entry_unlock
from tests.factories import ProgressEntryFactory
from tests.funding.evaluation_builders import calaisis_contract, indicator_of

pytestmark = pytest.mark.django_db
D = datetime.date


def _save(indicator, by, day, value="5", entry=None):
    return entry_save_draft(indicator=indicator, by=by, date=day, value=Decimal(value), entry=entry)


@pytest.fixture
def closed(campaign, officer):
    return campaign_close(campaign=campaign, by=officer)


@pytest.mark.parametrize("day", [D(2022, 1, 1), D(2022, 6, 30), D(2022, 12, 31)])
def test_a_chef_cannot_create_a_value_dated_in_a_closed_period(closed, indicator_a, chef_a, day):
    with pytest.raises(ValidationError) as error:
        _save(indicator_a, chef_a, day)

    message = error.value.messages[0]
    assert "La période du 01/01/2022 au 31/12/2022 est close" in message
    assert "« Bilan annuel 2022 »" in message
    assert error.value.code == "entry_period_locked"


@pytest.mark.parametrize("day", [D(2021, 12, 31), D(2023, 1, 1)])
def test_dates_outside_the_period_stay_open(closed, indicator_a, chef_a, day):
    assert _save(indicator_a, chef_a, day).status == EntryStatus.DRAFT


def test_a_draft_in_the_period_can_be_neither_changed_nor_moved_out(
    campaign, officer, indicator_a, chef_a
):
    draft = _save(indicator_a, chef_a, D(2022, 6, 30))
    campaign_close(campaign=campaign, by=officer)

    with pytest.raises(ValidationError, match="est close"):
        _save(indicator_a, chef_a, D(2022, 6, 30), value="9", entry=draft)
    with pytest.raises(ValidationError, match="est close"):
        _save(indicator_a, chef_a, D(2023, 3, 1), value="9", entry=draft)
    draft.refresh_from_db()
    assert (draft.value, draft.date) == (Decimal("5"), D(2022, 6, 30))


def test_reopening_the_campaign_unlocks(closed, officer, indicator_a, chef_a):
    campaign_reopen(campaign=closed, by=officer)
    assert _save(indicator_a, chef_a, D(2022, 6, 30)).pk


def test_another_contract_outside_the_campaign_is_not_locked(closed, chef_a, officer):
    from tests.factories import IndicatorFactory, ObjectiveFactory

    free = IndicatorFactory(
        objective=ObjectiveFactory(contract__territory=chef_a.project_memberships.get().territory)
    )
    assert _save(free, chef_a, D(2022, 6, 30)).pk


def test_an_officer_unlocks_one_entry_with_a_reason_kept_in_its_history(
    campaign, officer, indicator_a, chef_a
):
    entry = _save(indicator_a, chef_a, D(2022, 6, 30))
    other = _save(indicator_a, chef_a, D(2022, 9, 30))
    campaign_close(campaign=campaign, by=officer)
    with pytest.raises(ValidationError, match="Écrivez le motif"):
        entry_unlock(entry=entry, by=officer, reason="  ")
    with pytest.raises(PermissionDenied):
        entry_unlock(entry=entry, by=chef_a, reason="Erreur de saisie")

    unlock = entry_unlock(entry=entry, by=officer, reason="Erreur de saisie signalée par mail")

    assert unlock.until == timezone.localdate() + datetime.timedelta(days=30)
    changed = _save(indicator_a, chef_a, D(2022, 6, 30), value="7", entry=entry)
    assert changed.value == Decimal("7")
    reasons = list(entry.history.values_list("history_change_reason", flat=True))
    assert any(r and r.startswith("Déverrouillée par") and "Erreur de saisie" in r for r in reasons)
    with pytest.raises(ValidationError, match="est close"):  # only that one entry
        _save(indicator_a, chef_a, D(2022, 9, 30), value="7", entry=other)


def test_an_expired_unlock_locks_again(campaign, officer, indicator_a, chef_a):
    entry = _save(indicator_a, chef_a, D(2022, 6, 30))
    campaign_close(campaign=campaign, by=officer)
    EntryUnlock.objects.create(
        entry=entry, reason="ancien", by=officer, until=timezone.localdate() - datetime.timedelta(1)
    )
    with pytest.raises(ValidationError, match="est close"):
        _save(indicator_a, chef_a, D(2022, 6, 30), value="8", entry=entry)


def test_a_decided_bonus_locks_every_date_up_to_the_evaluation(officer, django_user_model):
    # The contract runs a year past the evaluation date, so later values are still allowed.
    contract = calaisis_contract(renovations=("700", "800"), pending="", end=D(2024, 12, 31))
    chef = django_user_model.objects.create_user("chefcalaisis", email="c@example.org")
    ProjectMembership.objects.create(
        user=chef, territory=contract.territory, role=MembershipRole.PROJECT_LEAD
    )
    evaluation = contract_evaluate(contract=contract, as_of=D(2023, 12, 31))
    evaluation_decide(evaluation=evaluation, by=officer)
    indicator = indicator_of(contract, "renovations")

    for day in (D(2021, 3, 1), D(2023, 12, 31)):
        with pytest.raises(
            ValidationError, match="Le bonus du contrat a été décidé sur les valeurs au 31/12/2023"
        ):
            _save(indicator, chef, day)
    assert _save(indicator, chef, D(2024, 1, 1)).pk
    reason = locked_periods([contract.pk])
    assert "31/12/2023" in reason(contract.pk, D(2022, 1, 1), None)


CSV = "contract;objective;indicator;date;value\r\n{ref};{obj};{ind};{date};3\r\n"


def _csv(indicator, day: str) -> bytes:
    objective = indicator.objective
    return CSV.format(
        ref=objective.contract.reference, obj=objective.code, ind=indicator.code, date=day
    ).encode()


def test_a_chefs_import_is_refused_with_the_line_and_why(closed, indicator_a, chef_a):
    with pytest.raises(ProgressImportError) as error:
        progress_import(
            content=_csv(indicator_a, "30/06/2022"),
            filename="avancement.csv",
            by=chef_a,
            **import_rights(chef_a),
        )

    (row,) = error.value.errors
    assert (row.line, row.column) == (2, "date")
    assert "est close" in row.message
    assert not indicator_a.entries.exists()
    # Outside the period the same file goes through.
    progress_import(
        content=_csv(indicator_a, "30/06/2023"),
        filename="avancement.csv",
        by=chef_a,
        **import_rights(chef_a),
    )
    assert indicator_a.entries.count() == 1


def test_an_officers_import_is_not_locked(closed, indicator_a, officer):
    progress_import(
        content=_csv(indicator_a, "30/06/2022"),
        filename="a.csv",
        by=officer,
        **import_rights(officer),
    )
    assert indicator_a.entries.get().status == EntryStatus.VALIDATED


def test_the_api_says_why_in_french(closed, indicator_a, chef_a, client):
    _, key = api_token_create(user=chef_a, name="tableur")
    objective = indicator_a.objective
    payload = {
        "contract": objective.contract.reference,
        "objective": objective.code,
        "indicator": indicator_a.code,
        "date": "2022-06-30",
        "value": "4",
    }

    response = client.post(
        "/api/progress/",
        payload,
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )

    assert response.status_code == 409
    assert "est close (campagne « Bilan annuel 2022 »)" in response.json()["detail"]
    assert not indicator_a.entries.exists()


def test_the_form_says_why_in_french(closed, indicator_a, chef_a, client):
    client.force_login(chef_a)
    response = client.post(
        reverse("espace:indicator", args=[indicator_a.pk]),
        {"date": "30/06/2022", "value": "4,5", "comment": "", "action": "draft"},
    )

    assert response.status_code == 200
    assert "est close (campagne « Bilan annuel 2022 »)" in response.content.decode()
    assert not indicator_a.entries.exists()


def test_a_submitted_entry_in_the_period_keeps_its_own_message(closed, indicator_a, chef_a):
    ProgressEntryFactory(indicator=indicator_a, date=D(2022, 6, 30), status=EntryStatus.VALIDATED)
    with pytest.raises(ValidationError):
        _save(indicator_a, chef_a, D(2022, 6, 30))


def test_a_draft_of_a_closed_period_cannot_be_submitted_either(
    campaign, officer, indicator_a, chef_a
):
    from indicators.services import entry_submit

    draft = _save(indicator_a, chef_a, D(2022, 6, 30))
    campaign_close(campaign=campaign, by=officer)

    with pytest.raises(ValidationError, match="est close"):
        entry_submit(entry=draft, by=chef_a)
    draft.refresh_from_db()
    assert draft.status == EntryStatus.DRAFT
