from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Campagnes de suivi"

    def ready(self) -> None:
        # indicators (lower) checks period locks on every write; reporting (higher) decides them.
        from indicators.locks import set_lock_provider
        from reporting.locks import locked_periods

        set_lock_provider(locked_periods)
