"""Extract events from stored stories: `manage.py extract [--all | --story ID ...] [--workers N] [--quiet]`.

Without options, extracts the stories not extracted yet. Thin: the work is
`events.event_writer.extract_stories`, spread over N processes by
`events.parallel` with --workers.
"""
import sys

from django.core.management.base import BaseCommand, CommandError

from events.event_writer import extract_stories
from events.models import Story


class Command(BaseCommand):
    help = "Extract events from stories (default: the stories not extracted yet)."

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--all", action="store_true", help="Re-extract every story (curated fields are kept).")
        which.add_argument("--story", type=int, nargs="+", metavar="ID", help="Extract these stories.")
        parser.add_argument("--quiet", action="store_true", help="No progress bar, summary only.")
        parser.add_argument(
            "--workers", type=int, default=1, metavar="N",
            help="Extract in N processes (default 1); about one per free core, each holds a database connection.",
        )

    def handle(self, *args, **options):
        stories = Story.objects.select_related("outlet").order_by("id")
        if options["story"]:
            missing = set(options["story"]) - set(stories.filter(pk__in=options["story"]).values_list("pk", flat=True))
            if missing:
                raise CommandError(f"no story with id {', '.join(map(str, sorted(missing)))}")
            stories = stories.filter(pk__in=options["story"])
        elif not options["all"]:
            stories = stories.filter(extracted_at__isnull=True)
        if options["workers"] < 1:
            raise CommandError("--workers must be at least 1")
        if options["workers"] > 1:
            from events.parallel import extract_in_pool

            bar = self._bar(stories, options["quiet"])
            ids = stories.values_list("pk", flat=True).iterator(chunk_size=2000)
            result = extract_in_pool(ids, options["workers"], on_done=bar.update if bar else None)
            if bar:
                bar.close()
        else:
            result = extract_stories(self._progress(stories, options["quiet"]))
        for failure in result.failures:
            self.stderr.write(f"story {failure.story_id} ({failure.headline}): {failure.reason}")
        self.stdout.write(result.summary())

    def _progress(self, stories, quiet):
        """The stories, with a progress bar on stderr when it is a terminal."""
        rows = stories.iterator(chunk_size=200)
        if quiet or not sys.stderr.isatty():
            return rows
        from tqdm import tqdm

        return tqdm(rows, total=stories.count(), unit="story", file=sys.stderr)

    def _bar(self, stories, quiet):
        """A progress bar on stderr when it is a terminal, for the worker pool to advance."""
        if quiet or not sys.stderr.isatty():
            return None
        from tqdm import tqdm

        return tqdm(total=stories.count(), unit="story", file=sys.stderr)
