from django.contrib import admin

from checklist.models import (
    Answer,
    ChecklistItem,
    ChecklistPart,
    ChecklistVersion,
    ScaleStep,
    SelfAssessment,
)


class ScaleStepInline(admin.TabularInline):
    model = ScaleStep
    extra = 0


class ChecklistPartInline(admin.TabularInline):
    model = ChecklistPart
    extra = 0


class ChecklistItemInline(admin.StackedInline):
    model = ChecklistItem
    extra = 0


@admin.register(ChecklistVersion)
class ChecklistVersionAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_sv", "level", "scale_min", "scale_max"]
    inlines = [ScaleStepInline, ChecklistPartInline, ChecklistItemInline]


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0


@admin.register(SelfAssessment)
class SelfAssessmentAdmin(admin.ModelAdmin):
    # In the order the model declared them before `Submittable` took its share (the fields an
    # abstract base declares come first).
    fields = [
        "participation",
        "meeting",
        "level",
        "status",
        "submitted_at",
        "submitted_by",
        "locked_at",
        "reopened_at",
        "reopened_by",
        "reopened_reason",
        "draft_answers",
        "revision",
    ]
    list_display = ["participation", "meeting", "status", "submitted_at", "locked_at"]
    list_filter = ["status", "meeting__round"]
    list_select_related = ["participation__organisation", "meeting"]
    inlines = [AnswerInline]
