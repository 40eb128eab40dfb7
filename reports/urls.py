from django.urls import path

from reports import views
from reports.summary import views as summary_views

app_name = "reports"

urlpatterns = [
    path("rounds/<slug:round_slug>/", views.RoundReportsView.as_view(), name="round_reports"),
    path("rounds/<slug:round_slug>/all/", views.BatchCreateView.as_view(), name="batch_create"),
    path(
        "rounds/<slug:round_slug>/scores.csv",
        views.RoundScoresExportView.as_view(fmt="csv"),
        name="round_scores_csv",
    ),
    path(
        "rounds/<slug:round_slug>/scores.xlsx",
        views.RoundScoresExportView.as_view(fmt="xlsx"),
        name="round_scores_xlsx",
    ),
    path(
        "rounds/<slug:round_slug>/fees.csv",
        views.RoundFeesExportView.as_view(),
        name="round_fees_csv",
    ),
    path(
        "rounds/<slug:round_slug>/organisations/<str:code>/",
        views.OrganisationReportsView.as_view(),
        name="organisation_reports",
    ),
    path(
        "rounds/<slug:round_slug>/organisations/<str:code>/scores.csv",
        views.OrganisationScoresExportView.as_view(fmt="csv"),
        name="organisation_scores_csv",
    ),
    path(
        "rounds/<slug:round_slug>/organisations/<str:code>/scores.xlsx",
        views.OrganisationScoresExportView.as_view(fmt="xlsx"),
        name="organisation_scores_xlsx",
    ),
    path(
        "rounds/<slug:round_slug>/organisations/<str:code>/summary/",
        summary_views.SummaryView.as_view(),
        name="organisation_summary",
    ),
    path(
        "rounds/<slug:round_slug>/organisations/<str:code>/summary/next-steps/",
        summary_views.NextStepsView.as_view(),
        name="summary_next_steps",
    ),
    path(
        "rounds/<slug:round_slug>/organisations/<str:code>/summary/print/",
        summary_views.SummaryPrintView.as_view(),
        name="summary_print",
    ),
    path(
        "rounds/<slug:round_slug>/groups/<int:pk>/",
        views.GroupReportsView.as_view(),
        name="group_reports",
    ),
    path("batches/<int:pk>/", views.BatchDetailView.as_view(), name="batch_detail"),
    path("batches/<int:pk>/progress/", views.BatchProgressView.as_view(), name="batch_progress"),
    path("jobs/<int:pk>/download/", views.JobDownloadView.as_view(), name="job_download"),
    path("jobs/<int:pk>/rerun/", views.JobRerunView.as_view(), name="job_rerun"),
]
