"""The rules every value obeys before it is stored or looked up, on either database.

One home for what SQLite and PostgreSQL both accept, applied by the edit forms, the
model's own validation (so the import, which runs ``full_clean``, gets them too) and
the query-parameter forms (``tracker/filters.py``):

- text holds no NUL character (PostgreSQL refuses it) and no unpaired surrogate such
  as ``"\\ud800"`` (no database can encode it);
- a text field without a length in the database still has one here;
- a whole number fits its column on every engine: SQLite stores 2**63 - 1 in any
  integer column, PostgreSQL's ``smallint`` stops at 32,767, so a number SQLite took
  would not load into PostgreSQL.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
    ProhibitNullCharactersValidator,
)
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations

# Text fields have no length limit in the database; these keep a pasted
# document from landing in a one-line summary.
TEXT_LIMITS = {"full_text": 200_000}
TEXT_LIMIT = 10_000

SURROGATE = re.compile("[\ud800-\udfff]")

no_null_characters = ProhibitNullCharactersValidator()


def no_surrogates(value):
    """No surrogate code point: JSON's escaped pairs ("\\ud83d\\ude00") decode to one
    character, so a surrogate left in the text is unpaired and no database can encode it."""
    if isinstance(value, str) and SURROGATE.search(value):
        raise ValidationError(
            "This text holds an invalid character (an unpaired UTF-16 surrogate).",
            code="surrogates",
        )


def valid_text(value):
    no_null_characters(value)
    no_surrogates(value)


def integer_range(model_field):
    """(lowest, highest) whole number the field's column holds on every supported engine.

    The generic ranges are PostgreSQL's (and MySQL's), narrower than SQLite's.
    """
    return BaseDatabaseOperations.integer_field_ranges[model_field.get_internal_type()]


def text_limit(model_field):
    return TEXT_LIMITS.get(model_field.name, TEXT_LIMIT)


def validators_for(model_field):
    """The validators the field's values obey here beyond Django's own for the field."""
    if isinstance(model_field, models.CharField | models.TextField):
        rules = [no_null_characters, no_surrogates]
        if isinstance(model_field, models.TextField):
            rules.append(MaxLengthValidator(text_limit(model_field)))
        return rules
    if isinstance(model_field, models.IntegerField) and not model_field.is_relation:
        lowest, highest = integer_range(model_field)
        return [MinValueValidator(lowest), MaxValueValidator(highest)]
    return []


def check(model_field, value):
    """Raise ValidationError listing every rule ``value`` breaks for ``model_field``."""
    errors = []
    if value is None:
        return
    for validator in validators_for(model_field):
        try:
            validator(value)
        except ValidationError as error:
            errors.extend(error.error_list)
    if errors:
        raise ValidationError(errors)
