"""One value per indicator and date (issue 16.2), dated within the contract (issue 10.6).

Every door is tried: the front-office form, the service, the file import (admin, command and
front office share it), the API, the admin's change form and the contract document.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cotri.api.tokens import api_token_create
from exchange.documents.checks import CheckedDocument, _check_progress
from exchange.progress_import import ProgressImportError, progress_import
from indicators.entry_rules import date_error
from indicators.enums import EntryStatus
from indicators.models import ProgressEntry
from indicators.services import entry_save_draft
from tests.factories import ContractFactory, IndicatorFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def _form(**overrides):
    data = {"date": "31/12/2022", "value": "4", "comment": "", "action": "submit"}
    data.update(overrides)
    return data


# --- One value per indicator and date ----------------------------------------------------------


def test_posting_the_form_twice_keeps_one_entry_and_says_why(client, chef_a, indicator_a):
    client.force_login(chef_a)
    url = reverse("espace:indicator", args=[indicator_a.pk])

    assert client.post(url, _form(value="7", date="30/06/2022")).status_code == 302
    assert client.post(url, _form(value="4")).status_code == 302
    again = client.post(url, _form(value="4"))

    assert again.status_code == 200
    assert "une valeur existe déjà au 31/12/2022 : modifiez-la" in again.content.decode()
    assert sorted(indicator_a.entries.values_list("value", flat=True)) == [Decimal(4), Decimal(7)]


def test_the_service_refuses_a_second_entry_and_a_move_onto_a_taken_date(chef_a, indicator_a):
    first = entry_save_draft(indicator=indicator_a, by=chef_a, date=D(2022, 12, 31), value=1)
    other = entry_save_draft(indicator=indicator_a, by=chef_a, date=D(2023, 3, 31), value=2)

    for date in (D(2022, 12, 31), D(2023, 3, 31)):
        with pytest.raises(ValidationError) as refused:
            entry_save_draft(indicator=indicator_a, by=chef_a, date=date, value=3)
        assert refused.value.message_dict == {
            "date": [f"une valeur existe déjà au {date:%d/%m/%Y} : modifiez-la"]
        }
    with pytest.raises(ValidationError, match="existe déjà au 31/12/2022"):
        entry_save_draft(
            indicator=indicator_a, by=chef_a, entry=other, date=D(2022, 12, 31), value=2
        )
    # Its own date is not a duplicate; another indicator's date is free.
    entry_save_draft(indicator=indicator_a, by=chef_a, entry=first, date=first.date, value=5)
    assert ProgressEntry.objects.filter(indicator=indicator_a).count() == 2


def test_the_database_refuses_a_second_row_whatever_the_code(indicator_a):
    ProgressEntry.objects.create(indicator=indicator_a, date=D(2022, 12, 31), value=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressEntry.objects.create(indicator=indicator_a, date=D(2022, 12, 31), value=2)
    ProgressEntry.objects.create(indicator=indicator_a, date=D(2022, 12, 30), value=2)


def test_the_admin_refuses_a_taken_date_in_french(client, officer, indicator_a, chef_a):
    entry_save_draft(indicator=indicator_a, by=chef_a, date=D(2022, 12, 31), value=1)
    client.force_login(officer)
    data = {
        "indicator": indicator_a.pk,
        "date": "31/12/2022",
        "value": "2",
        "comment": "",
        "evidence-TOTAL_FORMS": "0",
        "evidence-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:indicators_progressentry_add"), data)

    assert response.status_code == 200
    assert "une valeur existe déjà au 31/12/2022 : modifiez-la" in response.content.decode()
    assert indicator_a.entries.count() == 1


def test_an_import_corrects_the_entry_typed_by_hand_in_place(chef_a, officer, indicator_a):
    typed = entry_save_draft(indicator=indicator_a, by=chef_a, date=D(2022, 12, 31), value=1)
    code = indicator_a.code
    content = f"contract;objective;indicator;date;value\nCOT-A;A1;{code};31/12/2022;9\n".encode()

    result = progress_import(content=content, filename="a.csv", by=officer)

    assert (result.created, result.updated) == (0, 1)
    typed.refresh_from_db()
    assert (typed.value, indicator_a.entries.count()) == (Decimal(9), 1)


def test_a_document_with_two_values_on_the_same_date_names_the_second(contract_a):
    document = {
        "start": "2021-01-01",
        "end": "2023-12-31",
        "objectives": [{"code": "O1", "indicators": [{"code": "km"}]}],
        "progress": [
            {"objective": "O1", "indicator": "km", "date": "2022-06-30", "value": "1"},
            {"objective": "O1", "indicator": "km", "date": "2022-06-30", "value": "2"},
            {"objective": "O1", "indicator": "km", "date": "2024-06-30", "value": "3"},
        ],
    }
    checked = CheckedDocument(name="c.json", document=document)

    _check_progress(checked)

    assert checked.errors == [
        (
            ["progress", 1, "date"],
            "une valeur existe déjà au 30/06/2022 : modifiez-la (même indicateur et même date "
            "que $.progress[0])",
        ),
        (["progress", 2, "date"], "date hors de la période du contrat (01/01/2021 – 31/12/2023)"),
    ]


# --- A value's date lies within its contract's period ------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "date", "expected"),
    [
        (D(2024, 1, 1), D(2026, 12, 31), D(2204, 12, 31), "(01/01/2024 – 31/12/2026)"),
        (D(2024, 1, 1), D(2026, 12, 31), D(2014, 6, 30), "(01/01/2024 – 31/12/2026)"),
        (D(2021, 1, 1), D(2023, 12, 31), D(2024, 3, 31), "(01/01/2021 – 31/12/2023)"),
        (D(2021, 1, 1), D(2023, 12, 31), D(2020, 12, 31), "(01/01/2021 – 31/12/2023)"),
        (D(2021, 1, 1), D(2023, 12, 31), D(2021, 1, 1), None),  # bounds are inclusive
        (D(2021, 1, 1), D(2023, 12, 31), D(2023, 12, 31), None),
        (None, D(2023, 12, 31), D(1990, 1, 1), None),  # a missing bound does not limit
        (D(2021, 1, 1), None, D(2027, 6, 30), "(01/01/2021 – …)"),  # after "today" below
    ],
)
def test_the_period_rule(start, end, date, expected):
    contract = ContractFactory.build(start=start, end=end)
    message = date_error(contract=contract, date=date, today=D(2026, 11, 30))
    if expected is None:
        assert message is None
    else:
        assert message.startswith(f"date hors de la période du contrat {expected}")


def test_a_date_after_today_is_refused_even_within_the_period(chef_a, contract_a):
    today = timezone.localdate()
    contract_a.start, contract_a.end = (
        today - datetime.timedelta(days=400),
        D(today.year + 2, 12, 31),
    )
    contract_a.save()
    indicator = IndicatorFactory(objective=ObjectiveFactory(contract=contract_a, code="F1"))
    tomorrow = today + datetime.timedelta(days=1)

    with pytest.raises(ValidationError) as refused:
        entry_save_draft(indicator=indicator, by=chef_a, date=tomorrow, value=1)

    (message,) = refused.value.message_dict["date"]
    assert message.startswith("date hors de la période du contrat (")
    assert f"après aujourd'hui ({today:%d/%m/%Y})" in message
    assert entry_save_draft(indicator=indicator, by=chef_a, date=today, value=1).pk


def test_the_form_puts_the_refusal_under_the_date_field(client, chef_a, indicator_a):
    client.force_login(chef_a)
    url = reverse("espace:indicator", args=[indicator_a.pk])

    for date in ("31/03/2024", "30/06/2014", "31/12/2204"):
        response = client.post(url, _form(date=date))
        assert response.status_code == 200
        assert response.context["form"].errors["date"] == [
            "date hors de la période du contrat (01/01/2021 – 31/12/2023)"
        ]
    assert not indicator_a.entries.exists()


def test_the_import_names_the_row(officer, indicator_a):
    code = indicator_a.code
    content = (
        "contract;objective;indicator;date;value\n"
        f"COT-A;A1;{code};31/12/2022;9\n"
        f"COT-A;A1;{code};31/03/2024;9\n"
        f"COT-A;A1;{code};2014-06-30;9\n"
    ).encode()

    with pytest.raises(ProgressImportError) as refused:
        progress_import(content=content, filename="a.csv", by=officer)

    assert [str(e) for e in refused.value.errors] == [
        "ligne 3 : date : date hors de la période du contrat (01/01/2021 – 31/12/2023)",
        "ligne 4 : date : date hors de la période du contrat (01/01/2021 – 31/12/2023)",
    ]
    assert not indicator_a.entries.exists()  # all rows or none


def test_the_api_answers_422_naming_the_field(client, chef_a, indicator_a, neighbour):
    _, key = api_token_create(user=chef_a, name="tableur")
    payload = {
        "contract": "COT-A",
        "objective": "A1",
        "indicator": indicator_a.code,
        "date": "2024-03-31",
        "value": "1",
    }

    response = client.post(
        "/api/progress/",
        payload,
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )

    assert response.status_code == 422
    assert response.json() == {
        "detail": "Paramètres invalides.",
        "erreurs": [
            {
                "champ": "payload.date",
                "message": "date hors de la période du contrat (01/01/2021 – 31/12/2023)",
            }
        ],
    }
    assert not ProgressEntry.objects.filter(indicator=indicator_a).exists()
    ok = client.post(
        "/api/progress/",
        {**payload, "date": "2023-12-31"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert ok.status_code == 201
    assert ProgressEntry.objects.get(indicator=indicator_a).status == EntryStatus.SUBMITTED
    neighbour.assert_unchanged()
