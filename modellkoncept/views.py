"""The pages of the site itself: about, the accessibility statement, the error pages. Each
role's start page is the rounds app's (`rounds.views.home`), as it draws on the apps below it."""

import datetime as dt

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render


@login_not_required
def about(request):
    return render(request, "about.html")


# When the site was last assessed: the day the accessibility crawl of the test suite
# (tests/e2e/test_crawl.py) last found nothing, with the manual checks beside it.
ACCESSIBILITY_ASSESSED_ON = dt.date(2026, 12, 6)


@login_not_required
def accessibility(request):
    """The accessibility statement (tillgänglighetsredogörelse) the law on accessible digital
    public services (2018:1937) asks for, public and linked from every page."""
    return render(
        request,
        "accessibility.html",
        {
            "contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL,
            "assessed_on": ACCESSIBILITY_ASSESSED_ON,
        },
    )


@login_not_required
def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


@login_not_required
def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)
