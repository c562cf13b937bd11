"""Opening, generating, closing campaigns; submitting and reviewing a contract's report."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from contracts.enums import ContractStatus
from reporting.enums import CampaignStatus, ReportStatus
from reporting.models import Campaign, ContractReport
from reporting.services import (
    campaign_close,
    campaign_open,
    campaigns_generate_yearly,
    report_return,
    report_submit,
    report_validate,
)
from tests.factories import ContractFactory, IndicatorFactory, ObjectiveFactory, ProgrammeFactory
from tests.reporting.conftest import Y2022, report_of

pytestmark = pytest.mark.django_db
D = datetime.date


def test_a_programme_campaign_takes_every_active_contract_of_the_programme(officer):
    programme = ProgrammeFactory()
    active = [ContractFactory(programme=programme) for _ in range(3)]
    ContractFactory(programme=programme, status=ContractStatus.CLOSED)
    ContractFactory(status=ContractStatus.ACTIVE)  # another programme

    campaign = campaign_open(name="Bilan annuel 2022", programme=programme, by=officer, **Y2022)

    assert {r.contract for r in campaign.reports.all()} == set(active)
    assert set(campaign.reports.values_list("status", flat=True)) == {ReportStatus.PENDING}
    assert campaign.created_by == officer
    assert campaign.history.first().history_user == officer


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"period_end": D(2021, 12, 31)}, "period_end", "précède son début"),
        ({"due_on": D(2021, 6, 30)}, "due_on", "date limite précède"),
        ({"name": "  "}, "name", "Donnez un nom"),
        ({"contracts": []}, "contracts", "Aucun contrat"),
    ],
)
def test_a_bad_campaign_is_refused_in_french_and_nothing_is_saved(
    officer, contract_a, changes, field, words
):
    kwargs = {"name": "Bilan", "contracts": [contract_a], "by": officer, **Y2022, **changes}

    with pytest.raises(ValidationError) as error:
        campaign_open(**kwargs)

    assert words in " ".join(error.value.message_dict[field])
    assert not Campaign.objects.exists()
    assert not ContractReport.objects.exists()


def test_expected_indicators_must_belong_to_the_campaign_contracts(officer, contract_a):
    elsewhere = IndicatorFactory(label="Km ailleurs")

    with pytest.raises(ValidationError) as error:
        campaign_open(
            name="Bilan",
            contracts=[contract_a],
            expected_indicators=[elsewhere],
            by=officer,
            **Y2022,
        )

    assert "Km ailleurs" in error.value.message_dict["expected_indicators"][0]


def test_only_officers_open_campaigns(chef_a, contract_a):
    with pytest.raises(PermissionDenied):
        campaign_open(name="Bilan", contracts=[contract_a], by=chef_a, **Y2022)


def test_yearly_campaigns_follow_each_contracts_dates_and_are_not_created_twice(officer):
    programme = ProgrammeFactory()
    early = ContractFactory(programme=programme, start=D(2021, 1, 1), end=D(2023, 12, 31))
    late = ContractFactory(programme=programme, start=D(2022, 7, 1), end=D(2024, 6, 30))

    created = campaigns_generate_yearly(programme=programme, by=officer)

    by_name = {c.name: c for c in created}
    assert sorted(by_name) == [f"Bilan annuel {y}" for y in (2021, 2022, 2023, 2024)]
    contracts = {n: {r.contract for r in c.reports.all()} for n, c in by_name.items()}
    assert contracts["Bilan annuel 2021"] == {early}
    assert contracts["Bilan annuel 2022"] == {early, late}
    assert contracts["Bilan annuel 2024"] == {late}
    assert by_name["Bilan annuel 2022"].due_on == D(2023, 1, 31)
    assert by_name["Bilan annuel 2022"].period_start == D(2022, 1, 1)
    assert campaigns_generate_yearly(programme=programme, by=officer) == []


def test_a_chef_submits_an_officer_validates_with_history(campaign, contract_a, chef_a, officer):
    report = report_of(campaign, contract_a)

    report = report_submit(report=report, by=chef_a, message="Tout est saisi.")
    assert (report.status, report.submitted_by, report.message) == (
        ReportStatus.SUBMITTED,
        chef_a,
        "Tout est saisi.",
    )
    report = report_validate(report=report, by=officer)

    assert report.status == ReportStatus.VALIDATED
    statuses = list(report.history.order_by("history_id").values_list("status", flat=True))
    assert statuses == ["pending", "submitted", "validated"]


def test_another_territorys_chef_cannot_submit(campaign, contract_a, chef_b, reader_a):
    report = report_of(campaign, contract_a)
    for user in (chef_b, reader_a):
        with pytest.raises(PermissionDenied):
            report_submit(report=report, by=user)


def test_returning_needs_a_note_and_the_chef_submits_again(campaign, contract_a, chef_a, officer):
    report = report_submit(report=report_of(campaign, contract_a), by=chef_a)
    with pytest.raises(ValidationError, match="Indiquez au chef de projet"):
        report_return(report=report, by=officer, note=" ")

    report = report_return(report=report, by=officer, note="Il manque les km 2022.")
    assert report.status == ReportStatus.RETURNED
    assert report_submit(report=report, by=chef_a).status == ReportStatus.SUBMITTED


def test_a_report_cannot_be_submitted_twice_nor_after_closing(
    campaign, contract_a, chef_a, officer
):
    report = report_submit(report=report_of(campaign, contract_a), by=chef_a)
    with pytest.raises(ValidationError, match="ne peut pas passer"):
        report_submit(report=report, by=chef_a)

    other = report_of(campaign, campaign.reports.exclude(contract=contract_a).get().contract)
    campaign_close(campaign=campaign, by=officer)
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.CLOSED
    with pytest.raises(ValidationError, match="déjà close"):
        campaign_close(campaign=campaign, by=officer)
    report_return(report=report, by=officer, note="À revoir")
    with pytest.raises(ValidationError, match="est close"):
        report_submit(report=report_of(campaign, contract_a), by=chef_a)
    assert other.status == ReportStatus.PENDING


def test_indicators_of_the_campaign_can_be_chosen(officer, contract_a):
    objective = ObjectiveFactory(contract=contract_a)
    chosen = IndicatorFactory(objective=objective)
    IndicatorFactory(objective=objective)

    campaign = campaign_open(
        name="Bilan", contracts=[contract_a], expected_indicators=[chosen], by=officer, **Y2022
    )

    assert list(campaign.expected_indicators.all()) == [chosen]
