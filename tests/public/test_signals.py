"""A change to a published contract's data renders its fiche PDF again after the commit."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.db.models.signals import post_delete, post_save

from cotri.public import signals
from cotri.public.storage import stored_fiche_pdf
from funding.models import Tranche

pytestmark = pytest.mark.django_db


@pytest.fixture
def fiche_signals():
    signals.connect_fiche_signals()
    yield
    for receiver in (signals.contract_changed, signals.part_changed, signals.entry_changed):
        for signal in (post_save, post_delete):
            for model in [*signals.CONTRACT_OF, signals.Contract, signals.ProgressEntry]:
                signal.disconnect(receiver, sender=model)


def test_a_funding_change_renders_the_pdf_after_commit(
    calaisis, fiche_signals, django_capture_on_commit_callbacks
):
    assert stored_fiche_pdf(contract=calaisis) is None
    with django_capture_on_commit_callbacks(execute=True):
        tranche = Tranche.objects.get(contract=calaisis, kind="fixed")
        tranche.planned_amount = Decimal("280000.00")
        tranche.save()
    path = stored_fiche_pdf(contract=calaisis)
    assert path is not None and Path(path).is_file()


def test_nothing_is_rendered_before_the_commit(calaisis, fiche_signals):
    calaisis.holder = "Autre porteur"
    calaisis.save()
    assert stored_fiche_pdf(contract=calaisis) is None
