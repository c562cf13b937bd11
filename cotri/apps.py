from django.apps import AppConfig


class CotriConfig(AppConfig):
    name = "cotri"
    verbose_name = "cotri"
