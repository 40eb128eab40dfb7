from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from modellkoncept import views
from rounds.views.home import home

urlpatterns = [
    path("", home, name="home"),
    path("about/", views.about, name="about"),
    path("accessibility/", views.accessibility, name="accessibility"),
    # Django's own view is not marked public; switching language must work signed out too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("accounts/", include("accounts.urls")),
    path("", include("participants.urls")),
    path("", include("rounds.urls")),
    path("checklist/", include("checklist.urls")),
    path("reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "modellkoncept.views.permission_denied"
handler404 = "modellkoncept.views.page_not_found"
