from django.db.models.signals import post_migrate
from django.dispatch import receiver
from simple_history.signals import post_create_historical_record

from .history import index_history_record
from .roles import ensure_roles


@receiver(post_create_historical_record)
def index_change(sender, history_instance, **kwargs):
    index_history_record(history_instance)


@receiver(post_migrate)
def create_roles(sender, app_config=None, using="default", **kwargs):
    if app_config is not None and app_config.label == "tracker":
        ensure_roles(using=using)
