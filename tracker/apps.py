from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Negotiation tracker"

    def ready(self):
        from . import following, signals, timezones  # noqa: F401
