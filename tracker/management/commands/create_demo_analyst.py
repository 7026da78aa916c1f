import secrets

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError

from tracker.roles import ANALYST, ensure_roles


class Command(BaseCommand):
    help = "Create (or reset) the local demo analyst login and print it. Refused in production."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("The demo login is for local use only; refused in production.")
        ensure_roles()
        password = secrets.token_urlsafe(9)
        user, _ = User.objects.get_or_create(username="analyst")
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=ANALYST))
        self.stdout.write(self.style.SUCCESS(f"Demo analyst login: analyst / {password}"))
