"""manage.py createcurator NAME: an admin account in the Curator group.

    python manage.py createcurator carol --email carol@example.org          # asks for a password
    CURATOR_PASSWORD=... python manage.py createcurator carol --no-input   # scripted
    python manage.py createcurator carol --no-input                        # no password: set one later
                                                                           # with `manage.py changepassword carol`
An existing account is made a curator (staff, in the group); its password is kept unless one is given.
"""

from __future__ import annotations

import getpass
import os

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from events.roles import CURATOR_GROUP, make_curator


class Command(BaseCommand):
    help = "Create a curator: a staff account in the Curator group (reviews and edits events; cannot manage users)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not prompt; the password comes from $CURATOR_PASSWORD, or the account gets none.",
        )

    def handle(self, username, email, interactive, **options):
        password = os.environ.get("CURATOR_PASSWORD") or None
        if password is None and interactive:
            password = self._ask_password(username)
        if password is not None:
            try:
                password_validation.validate_password(password)
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from None
        user, created = make_curator(username, email=email, password=password)
        verb = "Created" if created else "Made existing user"
        self.stdout.write(self.style.SUCCESS(f"{verb} {user.username!r} a curator (staff, group {CURATOR_GROUP!r})."))
        if not user.has_usable_password():
            self.stdout.write(f"No password set: run `python manage.py changepassword {user.username}`.")

    def _ask_password(self, username):
        for _ in range(3):
            first = getpass.getpass(f"Password for {username}: ")
            if not first:
                return None
            if first == getpass.getpass("Password (again): "):
                return first
            self.stderr.write("The passwords do not match.")
        raise CommandError("No password set after three tries.")
