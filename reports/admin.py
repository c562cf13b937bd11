from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import AnnualReport, ReportDocument


class ReportDocumentInline(admin.TabularInline):
    model = ReportDocument
    extra = 0
    can_delete = False
    fields = ["status", "progress", "requested_at", "generated_at", "generated_by", "error"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AnnualReport)
class AnnualReportAdmin(SimpleHistoryAdmin):
    list_display = ["contract", "year", "updated_at"]
    list_filter = ["year"]
    search_fields = ["contract__reference", "contract__territory__name"]
    autocomplete_fields = ["contract"]
    readonly_fields = ["updated_at", "updated_by"]
    inlines = [ReportDocumentInline]
