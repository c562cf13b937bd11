"""Which dates of a contract are locked for chefs de projet, and why (the one place it is decided).

A date is locked for a contract when it falls in the period of a **closed** campaign the contract
takes part in, or on or before the date of a **decided** bonus evaluation of the contract (from the
contract's start). An officer may unlock one entry (``EntryUnlock``) until a given day. Officers
themselves are never locked out (they correct through the admin, which keeps the history).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone

from french.output import format_date as date_fr
from funding.models import Evaluation
from reporting.enums import CampaignStatus
from reporting.models import ContractReport, EntryUnlock


def locked_periods(contract_ids: Iterable[int]):
    """``reason(contract_id, date, entry_id) -> str | None`` for these contracts (3 queries).

    The reason is a French sentence naming the campaign or the decision, meant for the chef.
    """
    ids = set(contract_ids)
    periods: dict[int, list[tuple[datetime.date, datetime.date, str]]] = {i: [] for i in ids}
    closed = ContractReport.objects.filter(
        contract_id__in=ids, campaign__status=CampaignStatus.CLOSED
    ).values_list("contract_id", "campaign__name", "campaign__period_start", "campaign__period_end")
    for contract_id, name, start, end in closed:
        periods[contract_id].append(
            (
                start,
                end,
                f"la période du {date_fr(start)} au {date_fr(end)} est close "
                f"(campagne « {name} ») : cette valeur ne peut plus être saisie, modifiée ni "
                "supprimée. Demandez à l'agent de la déverrouiller si elle doit changer.",
            )
        )
    decided = Evaluation.objects.filter(contract_id__in=ids, decided_at__isnull=False).values_list(
        "contract_id", "as_of"
    )
    for contract_id, as_of in decided:
        periods[contract_id].append(
            (
                datetime.date.min,
                as_of,
                f"le bonus du contrat a été décidé sur les valeurs au {date_fr(as_of)} : les "
                "valeurs datées de cette période ne peuvent plus être saisies, modifiées ni "
                "supprimées. Demandez à l'agent de déverrouiller cette valeur si elle doit "
                "changer.",
            )
        )
    today = timezone.localdate()
    unlocked = set(
        EntryUnlock.objects.filter(
            entry__indicator__objective__contract_id__in=ids, until__gte=today
        ).values_list("entry_id", flat=True)
    )

    def reason(contract_id: int, date: datetime.date, entry_id: int | None) -> str | None:
        if entry_id is not None and entry_id in unlocked:
            return None
        for start, end, message in periods.get(contract_id, ()):
            if start <= date <= end:
                return message[0].upper() + message[1:]
        return None

    return reason
