from django.contrib import admin

from participants.models import (
    FunctionAssignment,
    ImprovementWork,
    Invitation,
    Organisation,
    Participation,
    ProgressNote,
)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "county_name", "political_decision_on"]
    list_filter = ["kind", "county_name"]
    search_fields = ["name", "code"]


class FunctionAssignmentInline(admin.TabularInline):
    model = FunctionAssignment
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    list_display = ["organisation", "round", "role", "group", "completed_on", "withdrawn_on"]
    list_filter = ["round", "role", "willing_to_mentor"]
    search_fields = ["organisation__name", "organisation__code"]
    list_select_related = ["organisation", "round", "group"]
    inlines = [FunctionAssignmentInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["person", "participation", "created_at", "expires_at", "accepted_at"]
    list_select_related = ["person", "participation__organisation", "participation__round"]
    readonly_fields = ["token_hash"]


class ProgressNoteInline(admin.TabularInline):
    model = ProgressNote
    extra = 0


@admin.register(ImprovementWork)
class ImprovementWorkAdmin(admin.ModelAdmin):
    list_display = ["title", "participation", "phase", "chain_step", "level"]
    list_filter = ["phase", "chain_step", "level"]
    inlines = [ProgressNoteInline]
