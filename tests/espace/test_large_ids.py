"""Ids of 1 000 and more must not be rendered with a French thousands separator ("1 428")."""

from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.enums import EntryStatus
from indicators.models import ProgressEntry

pytestmark = pytest.mark.django_db


def test_officer_validates_an_entry_whose_id_is_above_one_thousand(client, officer, indicator_a):
    entry = ProgressEntry.objects.create(
        pk=1428,
        indicator=indicator_a,
        date="2022-06-30",
        value=Decimal("12.5"),
        status=EntryStatus.SUBMITTED,
    )
    client.force_login(officer)
    page = client.get(reverse("espace:queue")).content.decode()
    assert 'value="1428"' in page

    response = client.post(
        reverse("espace:queue"),
        {"entries": ["1428"], "action": "validate", "note": ""},
        follow=True,
    )
    assert "1 saisie validée." in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == EntryStatus.VALIDATED
