"""The objectives' workbooks: kept by the territory's chefs de projet, with history; officers
read what changed since their last visit; objectives themselves stay the officers'."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from indicators.enums import ActionStatus
from indicators.models import Action, Actor, Means, Objective
from indicators.workbook import objective_workbook_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def objective_a(indicator_a):
    objective = indicator_a.objective
    objective.findings = ["Ingénierie limitée (conseillers FAIRE)"]
    objective.save()
    Action.objects.create(objective=objective, title="Guichet unique", lead="GCT&M")
    return objective


def _url(objective):
    return reverse("espace:workbook", args=[objective.contract.reference, objective.code])


def _management(prefix, total, initial):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def _post_data(objective, **extra):
    action = objective.actions.order_by("order", "pk").first()
    data = {
        "findings": "Ingénierie limitée (conseillers FAIRE)\nCommunication disparate",
        **_management("actions", 2, 1),
        "actions-0-id": str(action.pk),
        "actions-0-title": "Guichet unique de la rénovation",
        "actions-0-lead": "GCT&M",
        "actions-0-status": "en_cours",
        "actions-0-starts_on": "01/03/2022",
        "actions-0-ends_on": "",
        "actions-0-scheme": "Démarche REV 3 (GCT&M)",
        "actions-1-id": "",
        "actions-1-title": "Défi familles à énergie positive",
        "actions-1-lead": "SyMPaC",
        "actions-1-status": "envisagee",
        "actions-1-scheme": "",
        **_management("actors", 2, 0),
        "actors-0-organisation": "ADEME",
        "actors-0-role": "financeur",
        "actors-0-quadrant": "engager",
        "actors-1-organisation": "",
        "actors-1-role": "chef_de_file",
        "actors-1-quadrant": "",
        **_management("means", 1, 0),
        "means-0-kind": "ingenierie",
        "means-0-organisation": "",
        "means-0-detail": "",
    }
    data.update(extra)
    return data


def test_chef_edits_the_workbook_and_history_keeps_who_before_after(client, chef_a, objective_a):
    client.force_login(chef_a)

    response = client.post(_url(objective_a), _post_data(objective_a))

    assert response.status_code == 302, (
        response.context and response.context["findings_form"].errors
    )
    objective_a.refresh_from_db()
    assert objective_a.findings == [
        "Ingénierie limitée (conseillers FAIRE)",
        "Communication disparate",
    ]
    actions = list(objective_a.actions.order_by("order"))
    assert [(a.title, a.status, a.starts_on) for a in actions] == [
        ("Guichet unique de la rénovation", "en_cours", datetime.date(2022, 3, 1)),
        ("Défi familles à énergie positive", "envisagee", None),
    ]
    assert list(objective_a.actors.values_list("organisation", "role", "quadrant")) == [
        ("ADEME", "financeur", "engager")
    ]
    assert not objective_a.means.exists()  # the untouched empty form adds nothing
    change = actions[0].history.latest()
    assert change.history_user == chef_a and change.history_type == "~"
    assert change.prev_record.title == "Guichet unique"
    assert objective_a.history.latest().history_user == chef_a


def test_the_journal_shows_before_and_after(client, chef_a, objective_a, neighbour):
    client.force_login(chef_a)
    client.post(_url(objective_a), _post_data(objective_a))

    text = client.get(reverse("espace:workbook_journal", args=["COT-A"])).content.decode()

    assert "Action « Guichet unique de la rénovation » modifiée" in text
    assert "action : Guichet unique → Guichet unique de la rénovation" in text
    assert "état : Envisagée → En cours" in text
    assert "Acteur « ADEME » ajouté" in text
    assert "État des lieux modifié" in text
    neighbour.assert_absent(text)


def test_officer_sees_only_what_changed_since_their_last_visit(
    client, chef_a, officer, objective_a
):
    journal = reverse("espace:workbook_journal", args=["COT-A"])
    client.force_login(officer)
    first = client.get(journal)
    assert "Première visite" in first.content.decode()
    client.force_login(chef_a)
    client.post(_url(objective_a), _post_data(objective_a))

    client.force_login(officer)
    second = client.get(journal).content.decode()
    third = client.get(journal).content.decode()

    assert "depuis votre dernière visite" in second
    assert "Acteur « ADEME » ajouté" in second
    assert "Acteur « ADEME » ajouté" not in third
    assert "Rien n'a changé depuis votre dernière visite" in third


def test_an_action_can_be_abandoned_and_removed(client, chef_a, objective_a):
    client.force_login(chef_a)
    data = _post_data(objective_a, **{"actions-0-status": "abandonnee"})
    client.post(_url(objective_a), data)
    assert objective_a.actions.get(title__startswith="Guichet").status == ActionStatus.ABANDONED

    first = objective_a.actions.get(title__startswith="Guichet")
    client.post(_url(objective_a), _post_data(objective_a, **{"actions-0-DELETE": "on"}))

    assert not Action.objects.filter(pk=first.pk).exists()
    assert Action.history.filter(id=first.pk, history_type="-").get().history_user == chef_a


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("actions-0-ends_on", "01/01/2022", "La fin précède le début"),
        ("actions-0-status", "peut-etre", "Sélectionnez un choix valide"),
        ("actors-0-quadrant", "partout", "Sélectionnez un choix valide"),
        ("actions-0-title", "", "Ce champ est obligatoire"),
    ],
)
def test_bad_input_saves_nothing(client, chef_a, objective_a, field, value, message):
    client.force_login(chef_a)
    before = (list(objective_a.actions.values()), Actor.objects.count(), objective_a.findings)

    response = client.post(_url(objective_a), _post_data(objective_a, **{field: value}))

    assert response.status_code == 200
    assert message in response.content.decode()
    objective_a.refresh_from_db()
    after = (list(objective_a.actions.values()), Actor.objects.count(), objective_a.findings)
    assert after == before


def test_an_item_of_another_objective_is_refused_and_nothing_is_saved(chef_a, objective_a):
    other = Objective.objects.create(
        contract=objective_a.contract, incontournable=objective_a.incontournable, code="A2"
    )
    foreign = Means.objects.create(objective=other, kind="ingenierie", organisation="SPEE")

    with pytest.raises(ValidationError, match="Moyen n° 1 : élément inconnu"):
        objective_workbook_update(
            objective=objective_a,
            by=chef_a,
            findings=["Nouveau constat"],
            actions=[],
            actors=[],
            means=[{"id": foreign.pk, "kind": "financement", "organisation": "Région"}],
        )

    objective_a.refresh_from_db()
    foreign.refresh_from_db()
    assert objective_a.findings == ["Ingénierie limitée (conseillers FAIRE)"]
    assert foreign.kind == "ingenierie"


def test_chef_cannot_change_the_contract_part_of_the_objective(client, chef_a, objective_a):
    client.force_login(chef_a)
    data = _post_data(objective_a, title="Autre titre", priority="", code="ZZ")

    client.post(_url(objective_a), data)

    objective_a.refresh_from_db()
    assert (objective_a.code, objective_a.priority) == ("A1", True)
    assert objective_a.title != "Autre titre"


@pytest.mark.parametrize("persona", ["chef_b", "reader_a", "officer", "superuser"])
def test_only_the_territory_chefs_edit(request, persona, objective_a, chef_b):
    user = request.getfixturevalue(persona)

    with pytest.raises(PermissionDenied):
        objective_workbook_update(
            objective=objective_a, by=user, findings=["x"], actions=[], actors=[], means=[]
        )


def test_reader_sees_the_workbook_read_only(client, reader_a, objective_a, neighbour):
    client.force_login(reader_a)

    response = client.get(_url(objective_a))

    text = response.content.decode()
    assert "Lecture seule" in text and "Guichet unique" in text
    assert '<form method="post">' not in text
    neighbour.assert_absent(text)
    assert client.post(_url(objective_a), _post_data(objective_a)).status_code == 403


def test_the_journal_queries_do_not_grow_with_changes(client, chef_a, objective_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(chef_a)
    journal = reverse("espace:workbook_journal", args=["COT-A"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(journal).status_code == 200
        return len(context)

    client.post(_url(objective_a), _post_data(objective_a))
    few = queries()
    for n in range(4):
        data = _post_data(objective_a, **{"actions-0-lead": f"Porteur {n}", "findings": f"C{n}"})
        client.post(_url(objective_a), data)

    assert queries() == few
