"""The README's diagram of the model is drawn from the models: a relation
added, removed or renamed in code fails here until the diagram says so too."""

import re
from pathlib import Path

from tracker.models import tracked_models

README = Path(__file__).resolve().parent.parent / "README.md"


def relation_lines():
    """One mermaid erDiagram line per relation between tracked models."""
    tracked = set(tracked_models())
    lines = set()
    for model in tracked:
        for field in model._meta.get_fields():
            if not field.is_relation or field.auto_created or field.related_model not in tracked:
                continue
            target = field.related_model.__name__
            if field.many_to_many:
                shape = "}o--o{"
            elif field.null:
                shape = "}o--o|"
            else:
                shape = "}o--||"
            lines.add(f"{model.__name__} {shape} {target} : {field.name}")
    return lines


def diagram_lines():
    text = README.read_text(encoding="utf-8")
    match = re.search(r"```mermaid\nerDiagram\n(.*?)```", text, re.S)
    assert match, "README.md has no ```mermaid erDiagram block"
    return {line.strip() for line in match.group(1).splitlines() if " : " in line}


def test_the_readme_diagram_shows_every_relation_between_the_models():
    expected, drawn = relation_lines(), diagram_lines()
    missing = "\n".join(sorted(expected - drawn))
    stale = "\n".join(sorted(drawn - expected))
    assert expected == drawn, (
        f"Add to the README diagram:\n{missing}\nRemove from it:\n{stale}\n"
        "The whole block:\n    " + "\n    ".join(sorted(expected))
    )
