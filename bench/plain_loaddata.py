"""Stock ``loaddata``: the tracker's recording of fixture loads switched off.

    DATABASE_URL=... python -m bench.plain_loaddata FILE

The benchmark's baseline for import_fixture. The tracker's own ``loaddata``
writes a history record and a Change row per object (so that no write goes
unrecorded), which makes it several times slower than Django's; comparing
import_fixture with that would flatter it. Never use this on real data.
"""

import sys

import django


def main():
    django.setup()
    from django.core.management import call_command
    from django.db.models.signals import post_save

    from tracker.history import TRACKED

    for model in TRACKED.values():
        post_save.disconnect(sender=model, dispatch_uid=f"raw-history-{model}")
    call_command("loaddata", *sys.argv[1:])


if __name__ == "__main__":
    main()
