"""Admin actions for the officers' queue of submitted entries (same service as /espace/).

Wired into indicators/admin.py ProgressEntryAdmin. Returning needs a note for the chef de projet:
the admin links to /espace/validation/ for that.
"""

from django.contrib import admin, messages

from french.output import agree, format_count
from indicators.enums import EntryStatus
from indicators.services import EntriesRefused, entries_review


def refused_summary(asked: int, *, action: str) -> str:
    """The first line of a refused review action (the refused entries are listed after it).

    ``asked``: number of entries chosen; ``action``: ``"validate"`` or ``"return"``.
    """
    verb = "validée" if action == "validate" else "renvoyée"
    if asked == 1:
        return f"La saisie choisie n'a pas été {verb} :"
    return (
        f"Aucune des {format_count(asked, 'saisie')} choisies n'a été {verb} : la décision "
        "s'applique à toutes ou à aucune. Retirez de la sélection :"
    )


# Beyond this, refusals are summed up in one message rather than listed.
MAX_REFUSALS_LISTED = 20


@admin.action(description="Valider les saisies soumises choisies", permissions=["change"])
def validate_entries(modeladmin, request, queryset) -> None:
    """Validate the chosen submitted entries in one go (one transaction, bounded queries), all or
    none: one refused entry (four eyes, changed meanwhile) refuses the action, naming it."""
    submitted = list(queryset.filter(status=EntryStatus.SUBMITTED).values_list("pk", flat=True))
    skipped = queryset.exclude(status=EntryStatus.SUBMITTED).count()
    try:
        outcome = entries_review(
            entry_ids=submitted, by=request.user, to_status=EntryStatus.VALIDATED
        )
    except EntriesRefused as refused:
        modeladmin.message_user(
            request, refused_summary(len(submitted), action="validate"), messages.ERROR
        )
        for line in refused.messages[:MAX_REFUSALS_LISTED]:
            modeladmin.message_user(request, line, messages.ERROR)
        if len(refused.messages) > MAX_REFUSALS_LISTED:
            others = format_count(
                len(refused.messages) - MAX_REFUSALS_LISTED, "autre refus", "autres refus"
            )
            modeladmin.message_user(request, f"… et {others}.", messages.ERROR)
        return
    if done := len(outcome.reviewed):
        modeladmin.message_user(
            request, f"{format_count(done, 'saisie')} {agree(done, 'validée')}.", messages.SUCCESS
        )
    if skipped:
        modeladmin.message_user(
            request,
            f"{format_count(skipped, 'saisie')} non {agree(skipped, 'soumise')} "
            f"{agree(skipped, 'laissée')} {agree(skipped, 'telle quelle', 'telles quelles')}.",
            messages.WARNING,
        )
