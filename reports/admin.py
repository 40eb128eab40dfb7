from django.contrib import admin

from reports.models import ReportBatch, ReportJob


@admin.register(ReportBatch)
class ReportBatchAdmin(admin.ModelAdmin):
    list_display = ["round", "requested_by", "created_at"]


@admin.register(ReportJob)
class ReportJobAdmin(admin.ModelAdmin):
    list_display = ["kind", "round", "status", "attempts", "created_at", "finished_at"]
    list_filter = ["kind", "status"]
