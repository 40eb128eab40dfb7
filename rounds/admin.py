from django.contrib import admin

from rounds.models import Attendance, BenchmarkingGroup, GroupMentor, Meeting, Round


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "status", "starts_on", "ends_on", "checklist_version"]
    list_filter = ["kind", "status"]
    prepopulated_fields = {"slug": ["name"]}


class GroupMentorInline(admin.TabularInline):
    model = GroupMentor
    extra = 0


@admin.register(BenchmarkingGroup)
class BenchmarkingGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "round", "theme"]
    list_filter = ["round"]
    inlines = [GroupMentorInline]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "round", "group", "kind", "starts_at", "assessment_due"]
    list_filter = ["round", "kind", "assessment_due"]
    list_select_related = ["round", "group"]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["meeting", "person", "participation", "attended"]
    list_select_related = ["meeting", "person", "participation__organisation"]
