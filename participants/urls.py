from django.urls import path

from participants import views

app_name = "participants"

urlpatterns = [
    path(
        "rounds/<slug:round_slug>/organisations/<str:code>/",
        views.ParticipationDetailView.as_view(),
        name="participation_detail",
    ),
    path(
        "rounds/<slug:round_slug>/organisations/<str:code>/edit/",
        views.OrganisationUpdateView.as_view(),
        name="organisation_update",
    ),
    path(
        "rounds/<slug:round_slug>/organisations/<str:code>/people/<int:person_pk>/edit/",
        views.PersonUpdateView.as_view(),
        name="person_update",
    ),
    path(
        "rounds/<slug:round_slug>/organisations/<str:code>/invitations/<int:pk>/",
        views.InvitationActionView.as_view(),
        name="invitation_action",
    ),
    path(
        "rounds/<slug:round_slug>/organisations/<str:code>/invite/",
        views.PersonInviteView.as_view(),
        name="person_invite",
    ),
    path(
        "rounds/<slug:round_slug>/organisations/<str:code>/work/new/",
        views.ImprovementWorkCreateView.as_view(),
        name="improvement_work_create",
    ),
    path("work/<int:pk>/", views.ImprovementWorkDetailView.as_view(), name="improvement_work"),
    path(
        "work/<int:pk>/edit/",
        views.ImprovementWorkUpdateView.as_view(),
        name="improvement_work_update",
    ),
    path("work/<int:pk>/notes/", views.ProgressNoteCreateView.as_view(), name="progress_note_add"),
    path(
        "work/<int:pk>/sharing/",
        views.ImprovementWorkShareView.as_view(),
        name="improvement_work_share",
    ),
    path(
        "work/<int:pk>/approval/",
        views.ImprovementWorkApprovalView.as_view(),
        name="improvement_work_approval",
    ),
    path("library/", views.LibraryView.as_view(), name="library"),
    path("library/approvals/", views.ApprovalQueueView.as_view(), name="approval_queue"),
    path(
        "rounds/<slug:round_slug>/organisations/<str:code>/withdraw/",
        views.ParticipationWithdrawView.as_view(),
        name="participation_withdraw",
    ),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("apply/", views.application_rounds, name="application_rounds"),
    path("apply/<slug:round_slug>/", views.application_create, name="application_create"),
    path(
        "rounds/<slug:round_slug>/applications/",
        views.ApplicationListView.as_view(),
        name="application_list",
    ),
    path(
        "rounds/<slug:round_slug>/applications/<int:pk>/",
        views.ApplicationDecideView.as_view(),
        name="application_decide",
    ),
    path(
        "rounds/<slug:round_slug>/fees/",
        views.ParticipationFeesView.as_view(),
        name="participation_fees",
    ),
]
