"""Export: every tracked model, or the chosen plans and what they need, as one fixture."""

import functools
import json

from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from ..models import Event, Plan, Source
from .keys import LOCAL_FIELDS, MODELS, key_parts, key_relations, relations, tracked_relation


class ExportError(Exception):
    pass


def exported_fields(model, include_full_text=True):
    """Every field of the record; no bookkeeping, no users (Position.coded_by).

    Derived copies (Position.party, Position.stated_on) are written, so that
    plain ``loaddata`` can load the file, and recomputed on import.
    """
    names = [
        f.name
        for f in model._meta.get_fields()
        if (f.concrete or f.many_to_many)
        and not f.auto_created
        and not f.primary_key
        and f.name not in LOCAL_FIELDS
        and (not f.is_relation or tracked_relation(f))
    ]
    if model is Source and not include_full_text:
        names.remove("full_text")
    return names


def _load(model):
    """Every object, with what its and its references' natural keys need: one
    query, and one per many-to-many field."""
    select = list(key_relations(model))
    prefetch = []
    for relation in relations(model):
        target = relation.related_model
        if relation.many_to_many:
            queryset = target.objects.select_related(*key_relations(target))
            prefetch.append(models.Prefetch(relation.name, queryset=queryset))
        else:
            select += [relation.name, *(f"{relation.name}__{r}" for r in key_relations(target))]
    return list(model.objects.select_related(*select).prefetch_related(*prefetch))


def _referenced(obj, relation):
    if relation.many_to_many:
        return [related.pk for related in getattr(obj, relation.name).all()]
    value = getattr(obj, relation.attname)
    return [] if value is None else [value]


def parents(model):
    """The foreign keys an object is deleted with: Point.plan, Translation.statement."""
    return [
        f
        for f in model._meta.concrete_fields
        if f.many_to_one and tracked_relation(f) and f.remote_field.on_delete is models.CASCADE
    ]


@functools.cache
def in_plan(model):
    """A part of a plan's text (the plan, its components, points, provisions):
    its natural key runs through the plan."""
    return model is Plan or any("plan__" in lookup for lookup, _ in key_parts(model))


def _select_plans(objects, slugs):
    """The chosen plans with their contents, and everything those refer to.

    A plan brings what is deleted with it or with its parts: components,
    points, provisions, texts, statuses, lineage links, authors and the
    positions on any of them. Then, until nothing new is added: every object
    referred to (a statement, a party, a speaker, a source, the plan or point
    something derives from; a referred plan comes without its contents); the
    details of what is included (a statement's translations, an actor's
    roles, an event's delegations: records outside the plans' text whose
    containers are all included); and the events whose source is included.
    """
    by_pk = {model: {obj.pk: obj for obj in objects[model]} for model in MODELS}
    plans = {p.pk for p in objects[Plan] if p.slug in slugs}
    missing = set(slugs) - {by_pk[Plan][pk].slug for pk in plans}
    if missing:
        raise ExportError(f"No plan with slug {', '.join(sorted(missing))}.")
    chosen = {model: set() for model in MODELS}
    chosen[Plan] = set(plans)

    def held(model, obj, every):
        ids = [(f.related_model, getattr(obj, f.attname)) for f in parents(model)]
        # The contents go by their plan parts only, the details by every container.
        ids = [(m, pk) for m, pk in ids if pk is not None and (every or in_plan(m))]
        found = [pk in chosen[m] for m, pk in ids]
        return bool(found) and (all(found) if every else any(found))

    def grow(step):
        while True:
            size = sum(len(pks) for pks in chosen.values())
            step()
            if sum(len(pks) for pks in chosen.values()) == size:
                return

    def contents():
        for model in MODELS:
            chosen[model] |= {obj.pk for obj in objects[model] if held(model, obj, every=False)}

    def references():
        chosen[Event] |= {e.pk for e in objects[Event] if e.source_id in chosen[Source]}
        for model in MODELS:
            for relation in relations(model):
                for pk in list(chosen[model]):
                    chosen[relation.related_model].update(_referenced(by_pk[model][pk], relation))
            if not in_plan(model) and parents(model):
                chosen[model] |= {obj.pk for obj in objects[model] if held(model, obj, True)}

    grow(contents)
    grow(references)
    return {model: [obj for obj in objects[model] if obj.pk in chosen[model]] for model in MODELS}


def _dump(model, objects, include_full_text):
    data = serializers.serialize(
        "python",
        objects,
        use_natural_foreign_keys=True,
        use_natural_primary_keys=True,
        fields=exported_fields(model, include_full_text),
    )
    many = [f.name for f in model._meta.many_to_many]
    for item in data:
        for name in many:
            if name in item["fields"]:
                item["fields"][name] = sorted(item["fields"][name])
    return data


def export_fixture(plans=None, include_full_text=True):
    """The fixture as an iterator of text chunks (check the plans before iterating).

    The chunks join to exactly ``json.dumps(objects, indent=2)`` plus a final
    newline, written one object at a time so the web download can stream.
    """
    objects = {model: _load(model) for model in MODELS}
    if plans:
        objects = _select_plans(objects, set(plans))
    return _chunks(objects, include_full_text)


def _chunks(objects, include_full_text):
    yield "["
    first = True
    for model in MODELS:
        ordered = sorted(objects[model], key=lambda obj: obj.natural_key())
        for item in _dump(model, ordered, include_full_text):
            text = json.dumps(item, indent=2, ensure_ascii=False, cls=DjangoJSONEncoder)
            # Not textwrap.indent: it also breaks lines at U+2028, U+2029 and U+0085,
            # which json.dumps leaves in strings, and would indent inside the text.
            yield ("\n" if first else ",\n") + "  " + text.replace("\n", "\n  ")
            first = False
    yield "]\n" if first else "\n]\n"


def csv_safe(value):
    """Keep a spreadsheet from reading user text as a formula (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
