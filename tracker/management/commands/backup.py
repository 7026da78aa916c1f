from django.core.management.base import BaseCommand, CommandError

from tracker.backup import BackupError, backup


class Command(BaseCommand):
    help = "Copy the whole database, change history included, to FILE (a new file)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Where to write the backup; must not exist yet.")
        parser.add_argument("--database", default="default")

    def handle(self, *args, **options):
        try:
            path = backup(options["file"], using=options["database"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backed up to {path} ({path.stat().st_size} bytes).")
