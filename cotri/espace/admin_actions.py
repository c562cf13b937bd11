"""Admin actions for the officers' queue of submitted entries (same service as /espace/).

Wired into indicators/admin.py ProgressEntryAdmin. Returning needs a note for the chef de projet:
the admin links to /espace/validation/ for that.
"""

from django.contrib import admin, messages

from french.output import agree, format_count
from indicators.enums import EntryStatus
from indicators.services import entries_review

# Beyond this, refusals are summed up in one message rather than listed.
MAX_REFUSALS_LISTED = 20


@admin.action(description="Valider les saisies soumises choisies", permissions=["change"])
def validate_entries(modeladmin, request, queryset) -> None:
    """Validate the chosen submitted entries in one go (one transaction, bounded queries)."""
    submitted = list(queryset.filter(status=EntryStatus.SUBMITTED).values_list("pk", flat=True))
    skipped = queryset.exclude(status=EntryStatus.SUBMITTED).count()
    outcome = entries_review(entry_ids=submitted, by=request.user, to_status=EntryStatus.VALIDATED)
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
    for entry, refusal in outcome.refused[:MAX_REFUSALS_LISTED]:
        modeladmin.message_user(request, f"{entry} : {' '.join(refusal.messages)}", messages.ERROR)
    if len(outcome.refused) > MAX_REFUSALS_LISTED:
        others = len(outcome.refused) - MAX_REFUSALS_LISTED
        modeladmin.message_user(
            request, f"… et {format_count(others, 'autre refus', 'autres refus')}.", messages.ERROR
        )
