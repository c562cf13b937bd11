"""Admin actions for the officers' queue of submitted entries (same services as /espace/).

To wire into indicators/admin.py ProgressEntryAdmin: ``actions = [validate_entries]``. Returning
needs a note for the chef de projet: the admin links to /espace/validation/ for that.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError

from french.output import agree, format_count
from indicators.enums import EntryStatus
from indicators.services import entry_validate


@admin.action(description="Valider les saisies soumises choisies", permissions=["change"])
def validate_entries(modeladmin, request, queryset) -> None:
    done, refused = 0, []
    skipped = queryset.exclude(status=EntryStatus.SUBMITTED).count()
    entries = queryset.select_related("indicator").order_by("pk")
    for entry in entries.filter(status=EntryStatus.SUBMITTED):
        try:
            entry_validate(entry=entry, by=request.user)
        except (ValidationError, PermissionDenied) as exc:
            refused.append(f"{entry} : {' '.join(getattr(exc, 'messages', [str(exc)]))}")
        else:
            done += 1
    if done:
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
    for refusal in refused:
        modeladmin.message_user(request, refusal, messages.ERROR)
