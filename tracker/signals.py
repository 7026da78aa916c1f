from django.contrib.auth.models import Group, Permission, User
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_migrate,
    post_save,
    pre_delete,
    pre_save,
)
from django.dispatch import receiver
from simple_history.signals import post_create_historical_record, pre_create_historical_record

from .history import (
    TRACKED,
    fill_attribution,
    index_history_record,
    record_raw_save,
    remember_name,
)
from .models import ChangeMarker
from .roles import ensure_roles


@receiver(pre_create_historical_record)
def attribute_change(sender, history_instance, **kwargs):
    fill_attribution(history_instance)


@receiver(post_create_historical_record)
def index_change(sender, history_instance, instance=None, **kwargs):
    index_history_record(history_instance, instance)


def record_fixture_load(sender, instance, created, raw=False, **kwargs):
    """simple-history skips raw saves (fixture loads): record them here."""
    if raw:
        record_raw_save(sender, instance, created)


def name_before_delete(sender, instance, **kwargs):
    remember_name(instance)


def hold_change_marker(sender, using="default", **kwargs):
    """Writers lock the change marker before their first tracked row (see ChangeMarker)."""
    ChangeMarker.hold(using=using)


for tracked in TRACKED.values():
    post_save.connect(record_fixture_load, sender=tracked, dispatch_uid=f"raw-history-{tracked}")
    pre_delete.connect(name_before_delete, sender=tracked, dispatch_uid=f"name-{tracked}")
    pre_save.connect(hold_change_marker, sender=tracked, dispatch_uid=f"marker-save-{tracked}")
    pre_delete.connect(hold_change_marker, sender=tracked, dispatch_uid=f"marker-del-{tracked}")


@receiver(post_migrate)
def create_roles(sender, app_config=None, using="default", **kwargs):
    if app_config is not None and app_config.label == "tracker":
        ensure_roles(using=using)


@receiver(m2m_changed, sender=User.groups.through)
@receiver(m2m_changed, sender=User.user_permissions.through)
@receiver(m2m_changed, sender=Group.permissions.through)
@receiver(post_delete, sender=User)
@receiver(post_delete, sender=Group)
@receiver(post_delete, sender=Permission)
def count_access_change(sender, using="default", action=None, **kwargs):
    """Who may see or do what changed: pages' ETags carry this count (tracker/revalidation.py)."""
    if action is None or action.startswith("post_"):
        ChangeMarker.bump_access(using=using)


@receiver(post_save, sender=User)
def count_user_change(sender, update_fields=None, using="default", **kwargs):
    """A user saved (name, superuser, active...); signing in only stamps last_login."""
    if update_fields is None or set(update_fields) != {"last_login"}:
        ChangeMarker.bump_access(using=using)
