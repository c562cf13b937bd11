"""Officers' admin for campaigns, reports, reminders and unlocks.

Campaigns are opened from /espace/campagnes/ (the service creates every contract's report); here
officers adjust a campaign (name, due date, reminder delay, expected indicators) and read the
history. Reports, reminders sent and unlocks are written by services only.
"""

from django.contrib import admin

from reporting.models import (
    Campaign,
    ContractReport,
    EntryUnlock,
    ReminderPreference,
    SentReminder,
)
from territories.admin import HistoryAdmin, ReadOnlyAdminMixin


class ContractReportInline(admin.TabularInline):
    model = ContractReport
    fields = ("contract", "status", "submitted_by", "submitted_at", "reviewed_by")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Campaign)
class CampaignAdmin(HistoryAdmin):
    list_display = ("name", "programme", "period_start", "period_end", "due_on", "status")
    list_filter = ("status", "programme")
    search_fields = ("name",)
    fields = (
        "name",
        "programme",
        "period_start",
        "period_end",
        "due_on",
        "remind_days_before",
        "expected_indicators",
        "status",
        "closed_at",
        "closed_by",
        "created_by",
    )
    readonly_fields = (
        "programme",
        "period_start",
        "period_end",
        "status",
        "closed_at",
        "closed_by",
        "created_by",
    )
    autocomplete_fields = ["expected_indicators"]
    inlines = [ContractReportInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("programme")

    def has_add_permission(self, request):
        return False  # opened from /espace/campagnes/nouvelle/ so that every report exists

    def has_delete_permission(self, request, obj=None):
        # A closed campaign locks values: reopen it first (its history says who did what).
        return super().has_delete_permission(request, obj) and (obj is None or not obj.is_closed)


@admin.register(ContractReport)
class ContractReportAdmin(ReadOnlyAdminMixin, HistoryAdmin):
    list_display = ("campaign", "contract", "status", "submitted_by", "submitted_at")
    list_filter = ("status", "campaign")
    search_fields = ("contract__reference", "campaign__name")
    list_select_related = ("campaign", "contract", "submitted_by")


@admin.register(SentReminder)
class SentReminderAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("day", "user", "subject", "sent_at")
    list_filter = ("day",)
    search_fields = ("user__username", "user__email", "subject")
    list_select_related = ("user",)


@admin.register(EntryUnlock)
class EntryUnlockAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("entry", "until", "by", "at", "reason")
    search_fields = ("reason", "entry__indicator__label")
    list_select_related = ("entry__indicator", "by")


@admin.register(ReminderPreference)
class ReminderPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "reminders_enabled")
    list_filter = ("reminders_enabled",)
    search_fields = ("user__username", "user__email")
    autocomplete_fields = ["user"]
