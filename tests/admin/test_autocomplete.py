"""Foreign keys to big tables are picked by typing (autocomplete), in a stable order."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import (
    ContractFactory,
    IndicatorFactory,
    ObjectiveFactory,
    ProgressEntryFactory,
    TerritoryFactory,
)


def _search(client, app_label, model_name, field_name, term):
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": term},
    )
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


def test_the_territory_of_a_contract_is_found_by_typing_its_name(officer_client):
    TerritoryFactory(name="Pays du Calaisis", code="PAYS-CALAISIS")
    TerritoryFactory(name="Pays Boulonnais", code="PAYS-BOULONNAIS")

    found = _search(officer_client, "contracts", "contract", "territory", "calai")

    assert found == ["Pays du Calaisis (PAYS-CALAISIS)"]


@pytest.mark.parametrize(
    ("app_label", "model_name", "field_name", "make", "term"),
    [
        ("indicators", "objective", "contract", lambda: ContractFactory(), "TEST"),
        ("funding", "tranche", "contract", lambda: ContractFactory(), "TEST"),
        ("indicators", "indicator", "objective", lambda: ObjectiveFactory(), "O"),
        ("indicators", "progressentry", "indicator", lambda: IndicatorFactory(), "ind"),
        ("indicators", "evidence", "entry", lambda: ProgressEntryFactory(), "ind"),
        ("territories", "territory", "parent", lambda: TerritoryFactory(), "CC"),
    ],
)
def test_autocomplete_lists_answer_for_every_big_foreign_key(
    officer_client, app_label, model_name, field_name, make, term
):
    for _ in range(3):
        make()
    assert len(_search(officer_client, app_label, model_name, field_name, term)) >= 3


def test_users_are_never_a_plain_select_of_every_account(rf, officer):
    from django.contrib.auth import get_user_model

    request = rf.get("/admin/")
    request.user = officer
    user_model = get_user_model()
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in ("territories", "contracts", "indicators", "funding"):
            continue
        if not model_admin.has_add_permission(request):
            continue  # logs and snapshots: nothing is typed
        for field in model._meta.get_fields():
            if getattr(field, "many_to_one", False) and field.related_model is user_model:
                assert (
                    field.name in model_admin.raw_id_fields
                    or field.name in model_admin.autocomplete_fields
                    or field.name in model_admin.get_readonly_fields(request)
                ), f"{model.__name__}.{field.name}"
