from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Negotiation tracker"

    def ready(self):
        from . import signals, timezones  # noqa: F401
