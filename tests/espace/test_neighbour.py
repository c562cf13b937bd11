"""The chefs de projet's space keeps everyone to their own: the neighbour's contract, objectives
and entries never show on another territory's pages, and the validation queue offers submitted
entries only, filtered as asked."""

import pytest
from django.urls import reverse

from indicators.enums import EntryStatus

pytestmark = pytest.mark.django_db


def _offered(response) -> set[int]:
    """Ids of the entries the queue offers to tick."""
    return {entry.pk for entry in response.context["entries"]}


def test_a_contract_page_lists_its_own_objectives_only(client, chef_a, indicator_a, neighbour):
    client.force_login(chef_a)

    response = client.get(
        reverse("espace:contract", args=[indicator_a.objective.contract.reference])
    )

    assert response.status_code == 200
    assert "Km de pistes cyclables" in response.content.decode()
    neighbour.assert_absent(response.content)


def test_the_home_page_lists_the_chefs_contracts_only(client, chef_a, indicator_a, neighbour):
    client.force_login(chef_a)

    response = client.get(reverse("espace:home"))

    assert indicator_a.objective.contract.reference in response.content.decode()
    neighbour.assert_absent(response.content)


def test_the_queue_offers_submitted_entries_only(client, officer, submitted_a, draft_a, neighbour):
    client.force_login(officer)

    response = client.get(reverse("espace:queue"))

    assert _offered(response) == {submitted_a.pk, neighbour.entries[EntryStatus.SUBMITTED].pk}


def test_the_queue_filtered_by_territory_or_programme_shows_that_ones_only(
    client, officer, submitted_a, neighbour
):
    client.force_login(officer)
    contract = submitted_a.indicator.objective.contract

    by_territory = client.get(reverse("espace:queue"), {"territory": contract.territory_id})
    by_programme = client.get(reverse("espace:queue"), {"programme": contract.programme_id})
    other = client.get(reverse("espace:queue"), {"territory": neighbour.contract.territory_id})

    assert _offered(by_territory) == {submitted_a.pk}
    assert _offered(by_programme) == {submitted_a.pk}
    assert _offered(other) == {neighbour.entries[EntryStatus.SUBMITTED].pk}


def test_validating_from_the_queue_changes_the_ticked_entry_only(
    client, officer, submitted_a, neighbour
):
    client.force_login(officer)

    response = client.post(
        reverse("espace:queue"), {"entries": [submitted_a.pk], "action": "validate", "note": ""}
    )

    assert response.status_code in (200, 302)
    submitted_a.refresh_from_db()
    assert submitted_a.status == EntryStatus.VALIDATED
    neighbour.assert_unchanged()


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
@pytest.mark.parametrize(
    "name", ["espace:home", "espace:contract", "espace:indicator", "espace:entry", "espace:queue"]
)
def test_other_methods_than_get_and_post_are_refused(client, chef_a, draft_a, method, name):
    args = {
        "espace:contract": [draft_a.indicator.objective.contract.reference],
        "espace:indicator": [draft_a.indicator.pk],
        "espace:entry": [draft_a.pk],
    }.get(name, [])
    client.force_login(chef_a)

    response = getattr(client, method)(reverse(name, args=args))

    assert response.status_code == 405
    draft_a.refresh_from_db()
    assert draft_a.status == EntryStatus.DRAFT


@pytest.mark.parametrize("status", [EntryStatus.DRAFT, EntryStatus.VALIDATED, EntryStatus.RETURNED])
def test_an_entry_not_submitted_cannot_be_validated_through_the_queue(
    client, officer, neighbour, status
):
    client.force_login(officer)

    client.post(
        reverse("espace:queue"),
        {"entries": [neighbour.entries[status].pk], "action": "validate", "note": ""},
    )

    neighbour.assert_unchanged()
