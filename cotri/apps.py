from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CotriConfig(AppConfig):
    name = "cotri"
    verbose_name = "cotri"

    def ready(self) -> None:
        from cotri.roles import officers_group_sync

        # After every migrate, the officers' group holds the permissions of new models too.
        post_migrate.connect(officers_group_sync, dispatch_uid="cotri.officers_group_sync")
