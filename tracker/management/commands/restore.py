from django.core.management.base import BaseCommand, CommandError

from tracker.backup import BackupError, restore


class Command(BaseCommand):
    help = "Replace the whole database with a backup made by the backup command."

    def add_arguments(self, parser):
        parser.add_argument("file", help="A backup made by `manage.py backup`.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Restore even though the database already holds data (it is replaced).",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, **options):
        try:
            restore(options["file"], using=options["database"], force=options["force"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored from {options['file']}.")
