"""Issue 10 item 7: any change to an evaluation's inputs re-evaluates the contract; a stale
evaluation is listed as such and cannot be decided; the confirmation counts pending entries."""

import datetime
import html
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cotri.celery import app
from funding.evaluations import contract_evaluate, evaluation_decide, evaluation_inputs_changed
from funding.models import Evaluation
from indicators.enums import EntryStatus
from indicators.models import Objective, ProgressEntry
from tests.factories import IndicatorFactory
from tests.funding.evaluation_builders import calaisis_contract, entry, indicator_of

pytestmark = pytest.mark.django_db
D = Decimal
STALE = "Les données ont changé depuis ce calcul : réévaluez d'abord."


@pytest.fixture(autouse=True)
def eager_celery(settings):
    """Evaluation tasks run in the test's thread; a private cache (no lock survives)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def _population(contract):
    contract.population = 160_000
    contract.save()


def _rule(contract):
    contract.bonus_objective_threshold = D("0.50")
    contract.save()


def _priority(contract):
    objective = Objective.objects.get(contract=contract, code="O2")
    objective.priority = True
    objective.save()


def _target(contract):
    indicator = indicator_of(contract, "renovations")
    indicator.target = D("1300")
    indicator.save()


def _new_indicator(contract):
    IndicatorFactory(objective=Objective.objects.get(contract=contract, code="O5"), code="bis")


def _objective_deleted(contract):
    objective = Objective.objects.get(contract=contract, code="O7")
    ProgressEntry.objects.filter(indicator__objective=objective).delete()
    objective.delete()


def _validated(contract):
    entry(indicator_of(contract, "renovations"), "100", on=datetime.date(2023, 9, 30))


def _submitted(contract):
    renovations = indicator_of(contract, "renovations")
    entry(renovations, "12.5", on=datetime.date(2023, 9, 30), status=EntryStatus.SUBMITTED)


CHANGES = [
    _population,
    _rule,
    _priority,
    _target,
    _new_indicator,
    _objective_deleted,
    _validated,
    _submitted,
]


# These tests commit for real: the scheduler's callbacks run on commit as in production. The
# contracts are not published, so that no fiche PDF is rendered on each commit.
COMMITS = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@COMMITS
@pytest.mark.parametrize("change", CHANGES, ids=lambda f: f.__name__.strip("_"))
def test_a_change_of_inputs_re_evaluates_and_marks_the_old_snapshot_stale(change):
    contract = calaisis_contract(published=False)  # each save committed: snapshots on the way
    first = contract_evaluate(contract=contract)  # the one of the built contract
    assert first not in Evaluation.objects.stale()
    assert first in Evaluation.objects.fresh()

    change(contract)

    latest = Evaluation.objects.filter(contract=contract).latest_first().first()
    assert latest.pk != first.pk  # re-evaluated at once (eager), a new snapshot
    assert first in Evaluation.objects.stale()
    assert list(Evaluation.objects.fresh()) == [latest]
    assert evaluation_inputs_changed(evaluation=first)
    assert not evaluation_inputs_changed(evaluation=latest)
    flags = dict(Evaluation.objects.with_staleness().values_list("pk", "is_stale"))
    assert (flags[first.pk], flags[latest.pk]) == (True, False)


@COMMITS
def test_the_new_snapshot_uses_the_new_population():
    contract = calaisis_contract(population=None, published=False)
    assert contract_evaluate(contract=contract).status == "configuration_error"
    contract.population = 152_371
    contract.save()
    latest = Evaluation.objects.filter(contract=contract).latest_first().first()
    assert (latest.status, latest.bonus_cap) == ("not_eligible", D("152371.00"))


@COMMITS
def test_a_change_that_leaves_the_inputs_alone_keeps_the_snapshot_fresh():
    contract = calaisis_contract(published=False)
    first = contract_evaluate(contract=contract)
    contract.summary = "Présentation revue"  # not an input of the evaluation
    contract.save()
    assert Evaluation.objects.filter(contract=contract).latest_first().first() == first
    assert list(Evaluation.objects.fresh()) == [first]


def test_a_draft_is_no_input():
    contract = calaisis_contract()
    first = contract_evaluate(contract=contract)
    entry(
        indicator_of(contract, "renovations"),
        "5",
        on=datetime.date(2023, 9, 30),
        status=EntryStatus.DRAFT,
    )
    assert not evaluation_inputs_changed(evaluation=first)


@pytest.mark.parametrize("change", [_population, _rule, _target, _validated, _submitted])
def test_deciding_a_stale_evaluation_is_refused(change, superuser):
    contract = calaisis_contract(renovations=("700", "800"), pending="")
    evaluation = contract_evaluate(contract=contract)
    change(contract)  # no commit in this test: no re-evaluation, the snapshot stays stale

    with pytest.raises(ValidationError) as refused:
        evaluation_decide(evaluation=evaluation, by=superuser)

    assert refused.value.messages == [STALE]
    assert not Evaluation.objects.decided().exists()  # none, the neighbour's neither
    fresh = contract_evaluate(contract=contract)
    assert evaluation_decide(evaluation=fresh, by=superuser).is_decided


def _decide_form(evaluation, **extra):
    return {
        "CHANGE_FORM-action": "decide",
        "_selected_action": str(evaluation.pk),
        "index": "0",
        **extra,
    }


@pytest.mark.parametrize(
    ("statuses", "text"),
    [
        ((), "Aucune saisie de ce contrat n'est en attente (soumise ou renvoyée)."),
        ((EntryStatus.SUBMITTED,), "1 saisie de ce contrat est encore soumise ou renvoyée"),
        (
            (EntryStatus.SUBMITTED, EntryStatus.RETURNED, EntryStatus.RETURNED),
            "3 saisies de ce contrat sont encore soumises ou renvoyées",
        ),
    ],
)
def test_the_confirmation_counts_entries_still_under_review(client, superuser, statuses, text):
    contract = calaisis_contract(pending="")
    renovations = indicator_of(contract, "renovations")
    for day, status in enumerate(statuses, start=1):  # one value per date
        entry(renovations, "3", on=datetime.date(2023, 6, day), status=status)
    entry(renovations, "3", on=datetime.date(2023, 6, 30), status=EntryStatus.DRAFT)
    evaluation = contract_evaluate(contract=contract)
    client.force_login(superuser)
    url = reverse("admin:funding_evaluation_change", args=[evaluation.pk])

    page = client.post(url, _decide_form(evaluation)).content.decode()

    assert text in page
    assert "réévaluez d'abord" not in page


def test_the_confirmation_and_the_decision_refuse_a_stale_evaluation(client, superuser):
    contract = calaisis_contract(pending="")
    evaluation = contract_evaluate(contract=contract)
    _population(contract)
    client.force_login(superuser)
    url = reverse("admin:funding_evaluation_change", args=[evaluation.pk])

    confirmation = html.unescape(client.post(url, _decide_form(evaluation)).content.decode())
    assert "Les données ont changé depuis ce calcul : réévaluez d'abord" in confirmation
    response = client.post(url, _decide_form(evaluation, confirmation="oui"), follow=True)
    assert STALE in html.unescape(response.content.decode())
    assert not Evaluation.objects.decided().exists()  # none, the neighbour's neither


@COMMITS
def test_the_evaluation_list_says_which_are_stale(client, superuser):
    contract = calaisis_contract(published=False)
    contract_evaluate(contract=contract)
    _population(contract)
    client.force_login(superuser)
    page = client.get(reverse("admin:funding_evaluation_changelist")).content.decode()
    assert page.count("modifiées depuis") == Evaluation.objects.stale().count() >= 1
    assert page.count('<td class="field-freshness_display">à jour') == 1
