from django.core.management.base import BaseCommand

from tracker.history import history_sizes


class Command(BaseCommand):
    help = "Print how many history records each tracked model has, and the Change index size."

    def handle(self, *args, **options):
        sizes = history_sizes()
        width = max(len(name) for name in sizes)
        for name, count in sizes.items():
            self.stdout.write(f"{name:<{width}}  {count:>10,}")
