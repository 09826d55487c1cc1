"""Export events: `manage.py export_events --format json|csv|geojson [-o FILE] [filters]`.

Thin: the rows and writers are `events.exporting`; the columns are documented
in docs/export_schema.md.
"""
import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from events import exporting
from events.choices import ReviewStatus


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = "Export events with ACLED column names (default: all but rejected and merged events)."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=exporting.FORMATS, default="csv")
        parser.add_argument("-o", "--output", metavar="FILE", help="Write here instead of standard output.")
        parser.add_argument("--country", help="Alpha-2 code or country name.")
        parser.add_argument("--since", type=_date, help="First event date, inclusive (YYYY-MM-DD).")
        parser.add_argument("--until", type=_date, help="Last event date, inclusive (YYYY-MM-DD).")
        parser.add_argument("--status", help="A status or comma-separated statuses: " + ", ".join(ReviewStatus.values))

    def handle(self, *args, **options):
        statuses = [s.strip() for s in options["status"].split(",")] if options["status"] else None
        unknown = set(statuses or ()) - set(ReviewStatus.values)
        if unknown:
            raise CommandError(f"unknown status {', '.join(sorted(unknown))}; use {', '.join(ReviewStatus.values)}")
        queryset = exporting.export_queryset(
            country=options["country"], since=options["since"], until=options["until"], status=statuses
        )
        chunks = exporting.stream(queryset, options["format"])
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8", newline="") as out:
                out.writelines(chunks)
        else:
            for chunk in chunks:
                self.stdout.write(chunk, ending="")
