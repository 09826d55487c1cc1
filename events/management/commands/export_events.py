"""Export events: `manage.py export_events --format json|csv|geojson [-o FILE] [filters]`.

Thin: PostgreSQL writes the rows (`events.export_sql`); the columns are documented
in docs/export_schema.md. `--filter "country=SY&date_from=2016-01-01"` takes
the query string of the reader's list, `/events/export.*` and `/api/events/`
and goes through the same FilterSet, so the four can never disagree; the
other filter options are then mapped onto it (`--since` is `date_from`).
"""
import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.http import QueryDict

from events import export_sql, exporting
from events.choices import ReviewStatus
from events.filtersets import EventFilterSet
from events.models import Event

# --option -> FilterSet parameter, when --filter is given.
OPTION_PARAMETERS = {"country": "country", "since": "date_from", "until": "date_to", "status": "status"}


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
        parser.add_argument(
            "--filter", metavar="QUERY",
            help='The reader\'s filters as a query string, e.g. "country=SY&date_from=2016-01-01&actor=ISIS" '
                 "(the parameters of /events/, /events/export.* and /api/events/).",
        )
        parser.add_argument("--country", help="Alpha-2 code or country name.")
        parser.add_argument("--since", type=_date, help="First event date, inclusive (YYYY-MM-DD).")
        parser.add_argument("--until", type=_date, help="Last event date, inclusive (YYYY-MM-DD).")
        parser.add_argument("--status", help="A status or comma-separated statuses: " + ", ".join(ReviewStatus.values))

    def handle(self, *args, **options):
        statuses = [s.strip() for s in options["status"].split(",")] if options["status"] else None
        unknown = set(statuses or ()) - set(ReviewStatus.values)
        if unknown:
            raise CommandError(f"unknown status {', '.join(sorted(unknown))}; use {', '.join(ReviewStatus.values)}")
        if options["filter"] is not None:
            queryset = self.filtered(options, statuses)
        else:
            queryset = exporting.export_queryset(
                country=options["country"], since=options["since"], until=options["until"], status=statuses
            )
        chunks = export_sql.stream(queryset, options["format"])  # UTF-8, each chunk ends at a row's end
        if options["output"]:
            with open(options["output"], "wb") as out:
                out.writelines(chunks)
        else:
            for chunk in chunks:
                self.stdout.write(chunk.decode(), ending="")

    def filtered(self, options, statuses):
        """The events of the --filter query string (and the other options) through the reader's FilterSet."""
        data = QueryDict(options["filter"].lstrip("?"), mutable=True)
        for option, parameter in OPTION_PARAMETERS.items():
            value = options[option]
            if value is None:
                continue
            if parameter in data:
                raise CommandError(f"--{option} and {parameter}= in --filter say the same thing: give one")
            if option == "status":
                data.setlist(parameter, statuses)
            else:
                data[parameter] = value.isoformat() if isinstance(value, dt.date) else value
        filterset = EventFilterSet(data, queryset=Event.objects.all())
        if not filterset.is_valid():
            raise CommandError(f"--filter: {filterset.error_message()}")
        return exporting.filtered_queryset(filterset)
