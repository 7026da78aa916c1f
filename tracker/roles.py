"""The tracker's roles, as Django groups holding model permissions."""

from django.contrib.auth.models import Group, Permission

VIEWER = "Viewer"
ANALYST = "Analyst"


def role_permissions():
    from .models import tracked_models

    names = [model._meta.model_name for model in tracked_models()]
    viewer = [f"view_{name}" for name in names] + ["view_change"]
    analyst = viewer + [
        f"{action}_{name}" for name in names for action in ("add", "change", "delete")
    ]
    analyst += ["restore_version", "import_fixture"]
    return {VIEWER: viewer, ANALYST: analyst}


def ensure_roles(using="default"):
    """Create or update the groups; safe to run any number of times."""
    for name, codenames in role_permissions().items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        permissions = Permission.objects.using(using).filter(
            content_type__app_label="tracker", codename__in=codenames
        )
        group.permissions.set(permissions)
