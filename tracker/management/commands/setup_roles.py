from django.core.management.base import BaseCommand

from tracker.roles import ensure_roles


class Command(BaseCommand):
    help = "Create or update the Viewer and Analyst groups and their permissions."

    def handle(self, *args, **options):
        ensure_roles()
        self.stdout.write("Roles are up to date: Viewer, Analyst.")
