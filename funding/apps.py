from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = "Financements"

    def ready(self):
        # funding is the top app: it may listen to indicators (never the reverse).
        from contracts.models import Contract
        from indicators.models import Indicator, Objective, ProgressEntry

        from . import admin_evaluation, signals  # noqa: F401 - registers the evaluations' admin

        for signal in (post_save, post_delete):
            signal.connect(signals.entry_changed, sender=ProgressEntry, dispatch_uid="eval-entry")
            signal.connect(signals.objective_changed, sender=Objective, dispatch_uid="eval-obj")
            signal.connect(signals.indicator_changed, sender=Indicator, dispatch_uid="eval-ind")
        post_save.connect(signals.contract_changed, sender=Contract, dispatch_uid="eval-contract")
        # Bulk changes (indicators.signals.progress_changed) are handled by cotri.refresh: one
        # task per action for the evaluations and the fiches together.
