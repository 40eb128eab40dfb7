from django.urls import path

from rounds import learning_views, views
from rounds.views import result_reports as result_report_views

app_name = "rounds"

urlpatterns = [
    path("rounds/", views.RoundListView.as_view(), name="round_list"),
    # Not under rounds/, where "new" would be taken for a round's short name.
    path("new-round/", views.RoundCreateView.as_view(), name="round_create"),
    path("rounds/<slug:slug>/", views.RoundDetailView.as_view(), name="round_detail"),
    path(
        "rounds/<slug:round_slug>/groups/",
        views.RoundGroupListView.as_view(),
        name="group_list",
    ),
    path(
        "rounds/<slug:round_slug>/groups/<int:pk>/",
        views.GroupDetailView.as_view(),
        name="group_detail",
    ),
    path(
        "rounds/<slug:round_slug>/groups/proposal/",
        views.GroupProposalView.as_view(),
        name="group_proposal",
    ),
    path(
        "rounds/<slug:round_slug>/meetings/",
        views.RoundMeetingListView.as_view(),
        name="meeting_list",
    ),
    path(
        "rounds/<slug:round_slug>/meetings/<int:pk>/",
        views.MeetingDetailView.as_view(),
        name="meeting_detail",
    ),
    path(
        "rounds/<slug:round_slug>/mentors/",
        views.MentorProposalView.as_view(),
        name="mentor_proposal",
    ),
    path(
        "rounds/<slug:round_slug>/mentors/<int:pk>/",
        views.MentorSetView.as_view(),
        name="mentor_set",
    ),
    path("mentors/pool/", views.MentorPoolView.as_view(), name="mentor_pool"),
    path("mentor/", views.MentorWorkspaceView.as_view(), name="mentor_workspace"),
    path(
        "rounds/<slug:round_slug>/export/",
        views.RoundExportView.as_view(),
        name="round_export",
    ),
    # Not under rounds/, where the name would be taken for a round's short name.
    path("import-round/", views.RoundImportView.as_view(), name="round_import"),
    path("rounds/<slug:round_slug>/edit/", views.RoundUpdateView.as_view(), name="round_update"),
    path("rounds/<slug:round_slug>/status/", views.RoundStatusView.as_view(), name="round_status"),
    path(
        "rounds/<slug:round_slug>/schedule/",
        views.ScheduleGenerateView.as_view(),
        name="schedule_generate",
    ),
    path(
        "rounds/<slug:round_slug>/meetings/new/",
        views.MeetingCreateView.as_view(),
        name="meeting_create",
    ),
    path(
        "rounds/<slug:round_slug>/meetings/<int:pk>/edit/",
        views.MeetingUpdateView.as_view(),
        name="meeting_update",
    ),
    path(
        "rounds/<slug:round_slug>/meetings/<int:pk>/delete/",
        views.MeetingDeleteView.as_view(),
        name="meeting_delete",
    ),
    path(
        "rounds/<slug:round_slug>/meetings/<int:pk>/calendar.ics",
        views.MeetingCalendarView.as_view(),
        name="meeting_calendar",
    ),
    path(
        "rounds/<slug:round_slug>/meetings/<int:pk>/attendance/",
        views.AttendanceView.as_view(),
        name="attendance",
    ),
    path(
        "rounds/<slug:round_slug>/groups/new/",
        views.GroupCreateView.as_view(),
        name="group_create",
    ),
    path(
        "rounds/<slug:round_slug>/groups/<int:pk>/edit/",
        views.GroupUpdateView.as_view(),
        name="group_update",
    ),
    path(
        "rounds/<slug:round_slug>/groups/<int:pk>/delete/",
        views.GroupDeleteView.as_view(),
        name="group_delete",
    ),
    path(
        "rounds/<slug:round_slug>/groups/<int:pk>/mentors/add/",
        views.MentorAddView.as_view(),
        name="mentor_add",
    ),
    path(
        "rounds/<slug:round_slug>/groups/<int:pk>/mentors/<int:mentorship_pk>/remove/",
        views.MentorRemoveView.as_view(),
        name="mentor_remove",
    ),
    path("rounds/<slug:round_slug>/history/", views.RoundAuditView.as_view(), name="round_audit"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    # The learning loop (rounds/learning_views.py).
    path(
        "rounds/<slug:round_slug>/meetings/<int:pk>/material/",
        learning_views.MeetingMaterialView.as_view(),
        name="meeting_material",
    ),
    path(
        "rounds/<slug:round_slug>/meetings/<int:pk>/material/<int:material_pk>/",
        learning_views.MaterialDownloadView.as_view(),
        name="material_download",
    ),
    path(
        "rounds/<slug:round_slug>/meetings/<int:pk>/material/<int:material_pk>/delete/",
        learning_views.MaterialDeleteView.as_view(),
        name="material_delete",
    ),
    path(
        "programme-material/",
        learning_views.ProgrammeLibraryView.as_view(),
        name="programme_library",
    ),
    path(
        "programme-material/<int:pk>/",
        learning_views.ProgrammeDocumentDownloadView.as_view(),
        name="programme_document",
    ),
    path(
        "programme-material/<int:pk>/delete/",
        learning_views.ProgrammeDocumentDeleteView.as_view(),
        name="programme_document_delete",
    ),
    path(
        "rounds/<slug:round_slug>/groups/<int:pk>/notes/",
        learning_views.GroupNotesView.as_view(),
        name="group_notes",
    ),
    path("mentor/role/", learning_views.MentorRoleView.as_view(), name="mentor_role"),
    path(
        "rounds/<slug:round_slug>/meetings/<int:pk>/evaluation/",
        learning_views.EvaluationAnswerView.as_view(),
        name="evaluation_answer",
    ),
    path(
        "rounds/<slug:round_slug>/evaluations/",
        learning_views.EvaluationResultsView.as_view(),
        name="evaluation_results",
    ),
    path(
        "evaluation-statements/",
        learning_views.EvaluationStatementsView.as_view(),
        name="evaluation_statements",
    ),
    # The participants' result reports (rounds/views/result_reports.py).
    path(
        "rounds/<slug:round_slug>/result-reports/",
        result_report_views.ResultReportOverviewView.as_view(),
        name="result_reports",
    ),
    path(
        "rounds/<slug:round_slug>/organisations/<str:code>/result-report/<int:year>/",
        result_report_views.ResultReportStartView.as_view(),
        name="result_report_start",
    ),
    path(
        "result-reports/<int:pk>/",
        result_report_views.ResultReportView.as_view(),
        name="result_report",
    ),
    path(
        "result-reports/<int:pk>/save/",
        result_report_views.ResultReportSaveView.as_view(),
        name="result_report_save",
    ),
    path(
        "result-reports/<int:pk>/submit/",
        result_report_views.ResultReportSubmitView.as_view(),
        name="result_report_submit",
    ),
    path(
        "result-reports/<int:pk>/reopen/",
        result_report_views.ResultReportReopenView.as_view(),
        name="result_report_reopen",
    ),
    path(
        "result-reports/<int:pk>/comments/",
        result_report_views.ResultReportCommentView.as_view(),
        name="result_report_comment",
    ),
]
