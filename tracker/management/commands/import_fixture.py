from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tracker.transfer import ImportRefused, apply_import, preview_import, read_fixture


class ProgressBar:
    """A plain text bar on stderr, redrawn in place; shown for big files only."""

    WIDTH = 30

    def __init__(self, stream, size):
        self.stream = stream
        self.size = size
        self.shown = None

    def __call__(self, stage, done, total):
        total = total or self.size
        fraction = min(1, done / total) if total else 1
        percent = int(fraction * 100)
        if (stage, percent) == self.shown:
            return
        self.shown = (stage, percent)
        filled = int(fraction * self.WIDTH)
        bar = "#" * filled + "." * (self.WIDTH - filled)
        count = f"{done:,}/{total:,} {'bytes' if stage == 'Reading' else 'objects'}"
        self.stream.write(f"\r{stage:<9}[{bar}] {percent:3d}% {count}", ending="")
        self.stream.flush()

    def finish(self):
        if self.shown:
            self.stream.write("")


class Command(BaseCommand):
    help = (
        "Import a JSON fixture of the tracker's data (natural keys; .json or .json.gz): "
        "check every object, print what changes (created, updated, unchanged; each object "
        "with -v 2), then apply it all in one transaction, recorded in the change history "
        "under --actor. Any problem: nothing changes and the exit status is non-zero."
    )
    # Files at least this big get a progress bar on stderr.
    PROGRESS_FROM_BYTES = 1024 * 1024

    def add_arguments(self, parser):
        parser.add_argument("file", help="The fixture: a path (a .json or .json.gz file).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and preview only; change nothing."
        )
        parser.add_argument(
            "--actor",
            default="import_fixture",
            metavar="NAME",
            help=(
                "User the history records the import under (created inactive, without a "
                "usable password, if missing). Default: import_fixture."
            ),
        )

    def handle(self, *args, file, dry_run=False, actor="import_fixture", **options):
        verbosity = options["verbosity"]
        try:
            stream = open(file, "rb")  # noqa: SIM115 (closed below)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from exc
        with stream:
            size = stream.seek(0, 2)
            stream.seek(0)
            big = verbosity > 0 and size >= self.PROGRESS_FROM_BYTES
            progress = ProgressBar(self.stderr, size) if big else None
            try:
                preview = self.run(stream, file, actor, dry_run, progress)
            except ImportRefused as exc:
                raise CommandError(f"{file} was not imported:\n" + "\n".join(exc.errors)) from exc
            finally:
                if progress:
                    progress.finish()
        self.report(preview, dry_run, verbosity)

    @staticmethod
    def run(stream, file, actor, dry_run, progress):
        name = file.rsplit("/", 1)[-1]
        entries = read_fixture(stream, progress)
        if dry_run:
            return preview_import(entries, name, progress=progress)
        with transaction.atomic():
            user = importing_user(actor)
            return apply_import(entries, name, user, progress=progress)

    def report(self, preview, dry_run, verbosity):
        if verbosity > 1:
            for change in preview.changes:
                mark = {"created": "+", "updated": "~", "unchanged": "="}[change.action]
                self.stdout.write(f"{mark} {change.label} {change.key}: {change.text}")
                for diff in change.fields:
                    self.stdout.write(f"    {diff.name}: {diff.old!r} -> {diff.new!r}")
        if verbosity > 0:
            for label, row in preview.counts.items():
                counts = ", ".join(f"{n} {action}" for action, n in row.items())
                self.stdout.write(f"{label}: {counts}")
        verb = "Dry run, nothing changed; would import" if dry_run else "Imported"
        if verbosity > 0:
            self.stdout.write(f"{verb} {preview.filename}: {preview.summary()}.")


def importing_user(name):
    User = get_user_model()
    user, created = User.objects.get_or_create(username=name, defaults={"is_active": False})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
