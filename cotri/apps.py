from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


class CotriConfig(AppConfig):
    name = "cotri"
    verbose_name = "cotri"

    def ready(self) -> None:
        from django.contrib import admin

        from cotri.admin_french import install as install_admin_french
        from cotri.public.place_search import register_sqlite_fold
        from cotri.public.signals import connect_fiche_signals
        from cotri.roles import officers_group_sync

        # The admin shows and reads numbers and dates the French way (after it registered).
        install_admin_french(admin.site)

        # A published contract's data change re-renders its PDF fiche (coalesced, after commit).
        connect_fiche_signals()

        # After every migrate, the officers' group holds the permissions of new models too.
        post_migrate.connect(officers_group_sync, dispatch_uid="cotri.officers_group_sync")

        # Search by place folds names in SQL; SQLite gets the fold as a function.
        connection_created.connect(register_sqlite_fold, dispatch_uid="cotri.sqlite_fold")
