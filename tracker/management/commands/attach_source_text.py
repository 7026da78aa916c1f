from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tracker.models import Source

MAX_BYTES = 5_000_000


class Command(BaseCommand):
    help = (
        "Store a local file's text as a source's full text, so that quotes can be "
        "checked against it. The text stays in the database, never in the repository."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The source's slug.")
        parser.add_argument("file", help="A UTF-8 text file with the source's full text.")

    def handle(self, slug, file, **options):
        try:
            source = Source.objects.get(slug=slug)
        except Source.DoesNotExist:
            raise CommandError(f"No source with the slug {slug!r}.") from None
        path = Path(file)
        try:
            if path.stat().st_size > MAX_BYTES:
                raise CommandError(f"{file} is over {MAX_BYTES:,} bytes.")
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {file} as UTF-8 text: {error}") from None
        if not text.strip():
            raise CommandError(f"{file} is empty.")
        source.full_text = text
        source.save_checked(
            source.version, summary=f"Full text attached from {path.name} (attach_source_text)"
        )
        self.stdout.write(f"Attached {len(text.split())} words to {source.slug}.")
