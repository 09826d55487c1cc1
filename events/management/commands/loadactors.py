"""Load the actor dictionary: add the actors that are missing, never touch existing ones.

`loaddata` would overwrite actors by primary key, and with them a curator's
edits; this command only inserts names the database does not know yet.
"""
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from events.models import Actor


def load_missing_actors(path: Path) -> tuple[int, int]:
    """Insert each actor of a Django-fixture-style file whose name is new. Returns (added, known)."""
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise CommandError(f"{path}: cannot read the actor dictionary ({exc})") from None
    known_names = set(Actor.objects.values_list("name", flat=True))
    new = []
    for entry in entries:
        fields = entry.get("fields", entry)
        if fields["name"] in known_names:
            continue
        known_names.add(fields["name"])
        new.append(
            Actor(
                name=fields["name"],
                aliases=list(fields.get("aliases", [])),
                actor_type=int(fields["actor_type"]),
                country=fields.get("country", ""),
            )
        )
    Actor.objects.bulk_create(new, ignore_conflicts=True)
    return len(new), len(entries) - len(new)


class Command(BaseCommand):
    help = "Add the actors of a dictionary file that the database does not have yet."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default="fixtures/actors.json")

    def handle(self, *args, **options):
        added, known = load_missing_actors(Path(options["path"]))
        self.stdout.write(f"{added} actors added, {known} already known")
