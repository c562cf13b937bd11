"""Every model of the four apps is in the admin, and only staff reach it."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from simple_history.models import HistoricalChanges

from tests.admin.conftest import ADMIN_APPS


def _models():
    return [
        model
        for app_label in ADMIN_APPS
        for model in apps.get_app_config(app_label).get_models()
        if not issubclass(model, HistoricalChanges)
    ]


def _url(model, view):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}")


def test_every_model_of_the_four_apps_is_registered():
    missing = [model.__name__ for model in _models() if not admin.site.is_registered(model)]
    assert missing == []


def test_models_with_history_show_the_history_view():
    from simple_history.admin import SimpleHistoryAdmin

    with_history = [m for m in _models() if hasattr(m, "history")]
    assert {m.__name__ for m in with_history} >= {
        "Contract",
        "Objective",
        "Indicator",
        "ProgressEntry",
        "Tranche",
    }
    for model in with_history:
        assert isinstance(admin.site.get_model_admin(model), SimpleHistoryAdmin), model


def _neighbour_rows(neighbour) -> dict:
    contract = neighbour.contract
    return {
        type(contract.territory): [contract.territory_id],
        type(contract): [contract.pk],
        type(neighbour.objective): [neighbour.objective.pk],
        type(neighbour.indicator): [neighbour.indicator.pk],
        type(neighbour.entries[next(iter(neighbour.entries))]): [
            entry.pk for entry in neighbour.entries.values()
        ],
        contract.tranches.model: list(contract.tranches.values_list("pk", flat=True)),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("model", _models(), ids=lambda m: m.__name__)
def test_officer_opens_the_list_and_the_add_page(officer_client, officer, neighbour, model):
    response = officer_client.get(_url(model, "changelist"))
    assert response.status_code == 200
    # Officers list every territory's rows: the neighbour's are there.
    listed = {row.pk for row in response.context["cl"].result_list}
    assert set(_neighbour_rows(neighbour).get(model, ())) <= listed
    model_admin = admin.site.get_model_admin(model)
    request = response.wsgi_request
    if model_admin.has_add_permission(request):
        assert officer_client.get(_url(model, "add")).status_code == 200
    else:
        # Transition logs are written by the lifecycle services only.
        assert officer_client.get(_url(model, "add")).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("model", _models(), ids=lambda m: m.__name__)
def test_anonymous_is_sent_to_the_login_page(client, model):
    response = client.get(_url(model, "changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.django_db
def test_a_user_who_is_not_staff_is_sent_to_the_login_page(client, stranger):
    client.force_login(stranger)
    for view in ("index", "contracts_contract_changelist", "indicators_progressentry_import"):
        response = client.get(reverse(f"admin:{view}"))
        assert response.status_code == 302, view
        assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.django_db
def test_the_admin_index_is_in_french(officer_client):
    content = officer_client.get(reverse("admin:index")).content.decode()
    for label in (
        "Territoires",
        "Contrats",
        "Saisies d&#x27;avancement",
        "Tranches de financement",
    ):
        assert label in content
