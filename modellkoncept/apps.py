from django.apps import AppConfig
from django.core import checks
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class ModellkonceptConfig(AppConfig):
    name = "modellkoncept"
    verbose_name = _("Modellkoncept")

    def ready(self):
        from modellkoncept import pagecache

        connection_created.connect(pagecache.install, dispatch_uid="pagecache.install")
        checks.register(pagecache.check_shared_cache, checks.Tags.caches, deploy=True)
