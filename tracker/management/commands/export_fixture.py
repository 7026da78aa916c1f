from django.core.management.base import BaseCommand, CommandError

from tracker.transfer import ExportError, export_fixture


class Command(BaseCommand):
    help = (
        "Write the tracker's data (every tracked model; no users, sessions or permissions) "
        "as a JSON fixture with natural keys, in dependency order, each model sorted by "
        "natural key and indented, so that two exports of the same data are byte-identical. "
        "version and updated_at are left out: they are this database's bookkeeping."
    )

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", metavar="FILE", help="Write here, not to stdout.")
        parser.add_argument(
            "--plan",
            action="append",
            dest="plans",
            metavar="SLUG",
            help=(
                "Only this plan (repeatable) and what it needs: its components, points and "
                "the records on them (texts, statuses, lineage, authors, codings), the statements, "
                "parties, speakers and sources those refer to, "
                "the plans and points they derive from, and the events whose source is "
                "included (with those events' parties)."
            ),
        )

    def handle(self, *args, output=None, plans=None, **options):
        try:
            chunks = export_fixture(plans)
        except ExportError as exc:
            raise CommandError(str(exc)) from exc
        if output is None:
            for chunk in chunks:
                self.stdout.write(chunk, ending="")
            return
        with open(output, "w", encoding="utf-8", newline="\n") as out:
            out.writelines(chunks)
        if options["verbosity"] > 1:
            self.stderr.write(f"Wrote {output}.")
