"""The reporting pages: opening a campaign, the chef's to-do, marking complete, review, profile."""

import datetime

import pytest
from django.urls import reverse

from indicators.enums import EntryStatus
from reporting.enums import CampaignStatus, ReportStatus
from reporting.models import Campaign, ReminderPreference
from reporting.services import campaign_close, report_submit
from tests.factories import ProgressEntryFactory
from tests.reporting.conftest import report_of

pytestmark = pytest.mark.django_db
D = datetime.date


def test_an_officer_opens_a_campaign_for_a_programme(client, officer, contract_a, contract_b):
    client.force_login(officer)
    response = client.post(
        reverse("reporting:campaign_create"),
        {
            "name": "Bilan annuel 2022",
            "programme": contract_a.programme.pk,
            "period_start": "01/01/2022",
            "period_end": "31/12/2022",
            "due_on": "31/01/2023",
            "remind_days_before": "14",
        },
    )

    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:board", args=[campaign.pk])
    assert [r.contract for r in campaign.reports.all()] == [contract_a]


def test_a_bad_campaign_form_names_the_field_in_french(client, officer, contract_a):
    client.force_login(officer)
    response = client.post(
        reverse("reporting:campaign_create"),
        {
            "name": "Bilan",
            "contracts": [contract_a.pk],
            "period_start": "01/01/2022",
            "period_end": "31/12/2021",
            "due_on": "31/01/2023",
            "remind_days_before": "14",
        },
    )
    assert response.status_code == 200
    assert "La fin de la période précède son début." in response.content.decode()
    assert not Campaign.objects.exists()


def test_yearly_generation_from_the_page(client, officer, contract_a):
    client.force_login(officer)
    client.post(reverse("reporting:campaign_generate"), {"programme": contract_a.programme.pk})
    names = sorted(Campaign.objects.values_list("name", flat=True))
    assert names == ["Bilan annuel 2021", "Bilan annuel 2022", "Bilan annuel 2023"]


def test_the_chefs_todo_lists_campaigns_returned_entries_and_drafts(
    client, campaign, chef_a, indicator_a, neighbour
):
    ProgressEntryFactory(
        indicator=indicator_a,
        date=D(2022, 3, 31),
        status=EntryStatus.RETURNED,
        review_note="Joindre le PV de réception",
    )
    draft = ProgressEntryFactory(
        indicator=indicator_a, date=D(2022, 9, 30), status=EntryStatus.DRAFT
    )
    client.force_login(chef_a)

    page = client.get(reverse("espace:home")).content.decode()

    report_url = reverse("reporting:report", args=[campaign.pk, "COT-A"])
    assert f'href="{report_url}"' in page
    assert "Bilan annuel 2022 — COT-A" in page
    assert "à remettre au plus tard le 31/01/2023" in page
    assert "1 indicateur sur 1 sans valeur soumise" in page
    assert "Joindre le PV de réception" in page
    assert f'href="{reverse("espace:entry", args=[draft.pk])}"' in page
    assert "COT-B" not in page
    neighbour.assert_absent(page)  # nor the neighbour's returned entry and draft


def test_the_todo_is_empty_once_submitted_and_for_officers(client, campaign, chef_a, officer):
    report_submit(
        report=campaign.reports.get(contract__reference="COT-A"),
        by=chef_a,
    )
    client.force_login(chef_a)
    assert (
        "Rapports de campagne à remettre" not in client.get(reverse("espace:home")).content.decode()
    )
    client.force_login(officer)
    assert 'id="a-faire"' not in client.get(reverse("espace:home")).content.decode()


def test_the_chef_marks_complete_and_the_officer_validates(
    client, campaign, chef_a, officer, neighbour
):
    url = reverse("reporting:report", args=[campaign.pk, "COT-A"])
    client.force_login(chef_a)
    assert "Marquer le rapport comme complet" in client.get(url).content.decode()

    response = client.post(
        reverse("reporting:report_submit", args=[campaign.pk, "COT-A"]),
        {"message": "Valeurs 2022 complètes."},
    )
    assert response["Location"] == url
    page = client.get(url).content.decode()
    assert "Remis" in page and "Valeurs 2022 complètes." in page
    assert "Marquer le rapport comme complet" not in page
    neighbour.assert_absent(page)

    client.force_login(officer)
    client.post(
        reverse("reporting:report_review", args=[campaign.pk, "COT-A"]),
        {"action": "validate", "note": ""},
    )
    assert report_of(
        campaign, campaign.reports.get(contract__reference="COT-A").contract
    ).status == (ReportStatus.VALIDATED)


def test_a_return_without_note_is_refused(client, campaign, chef_a, officer):
    report_submit(report=campaign.reports.get(contract__reference="COT-A"), by=chef_a)
    client.force_login(officer)
    client.post(
        reverse("reporting:report_review", args=[campaign.pk, "COT-A"]),
        {"action": "return", "note": ""},
        follow=True,
    )
    assert campaign.reports.get(contract__reference="COT-A").status == ReportStatus.SUBMITTED


def test_closing_from_the_board(client, campaign, officer):
    client.force_login(officer)
    client.post(reverse("reporting:campaign_close", args=[campaign.pk]))
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.CLOSED


def test_the_unlock_page_needs_a_reason(client, campaign, officer, indicator_a, chef_a):
    entry = ProgressEntryFactory(
        indicator=indicator_a, date=D(2022, 6, 30), status=EntryStatus.DRAFT
    )
    campaign_close(campaign=campaign, by=officer)
    client.force_login(officer)
    url = reverse("reporting:entry_unlock", args=[entry.pk])

    assert client.post(url, {"reason": ""}).status_code == 200
    response = client.post(url, {"reason": "Erreur de virgule", "until": "2099-01-31"})

    assert response.status_code == 302
    assert entry.unlocks.get().reason == "Erreur de virgule"
    assert "Erreur de virgule" in client.get(url).content.decode()


def test_a_user_turns_reminders_off_and_on(client, chef_a):
    client.force_login(chef_a)
    url = reverse("reporting:profile")
    assert "checked" in client.get(url).content.decode()

    client.post(url, {})
    assert ReminderPreference.objects.get(user=chef_a).reminders_enabled is False
    client.post(url, {"reminders_enabled": "on"})
    assert ReminderPreference.objects.get(user=chef_a).reminders_enabled is True
