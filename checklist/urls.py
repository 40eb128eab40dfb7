from django.urls import path

from checklist import views

app_name = "checklist"

urlpatterns = [
    path("versions/", views.ChecklistVersionListView.as_view(), name="version_list"),
    path("versions/new/", views.ChecklistVersionCreateView.as_view(), name="version_create"),
    path("versions/import/", views.ChecklistVersionImportView.as_view(), name="version_import"),
    path("versions/<slug:slug>/", views.ChecklistVersionDetailView.as_view(), name="version"),
    path(
        "versions/<slug:slug>/export/",
        views.ChecklistVersionExportView.as_view(),
        name="version_export",
    ),
    path(
        "rounds/<slug:round_slug>/checklist/",
        views.RoundChecklistView.as_view(),
        name="round_checklist",
    ),
    path("assessments/<int:pk>/", views.AssessmentDetailView.as_view(), name="assessment"),
    path("assessments/<int:pk>/save/", views.AssessmentSaveView.as_view(), name="assessment_save"),
    path(
        "assessments/<int:pk>/submit/",
        views.AssessmentSubmitView.as_view(),
        name="assessment_submit",
    ),
    path("assessments/<int:pk>/lock/", views.AssessmentLockView.as_view(), name="assessment_lock"),
    path(
        "assessments/<int:pk>/reopen/",
        views.AssessmentReopenView.as_view(),
        name="assessment_reopen",
    ),
    path(
        "assessments/<int:pk>/remarks/",
        views.AssessmentRemarkView.as_view(),
        name="assessment_remark",
    ),
    path(
        "assessments/<int:pk>/history/",
        views.AssessmentHistoryView.as_view(),
        name="assessment_history",
    ),
    path(
        "rounds/<slug:round_slug>/organisations/<str:code>/meetings/<int:meeting_pk>/",
        views.AssessmentStartView.as_view(),
        name="assessment_start",
    ),
    path(
        "rounds/<slug:round_slug>/import/",
        views.AssessmentImportView.as_view(),
        name="assessment_import",
    ),
]
