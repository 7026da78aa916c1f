"""Loading the seed for the analysis pages' seed tests.

The seed is in the evidence model's shape (statements, codings, lineage
records); the tests assert what it records, so a seed that loses one of
those facts fails them rather than being skipped.
"""

from django.core.management import call_command


def load_seed():
    call_command("loaddata", "seed", verbosity=0)
