"""Ingest stories: `manage.py ingest PATH [PATH ...] [--published DATE] [--outlet NAME] [--dry-run] [--workers N]`.

Thin: paths are read by `extraction.sources`, stories stored by `events.ingest`
(in N processes, `events.parallel`, with --workers).
Errors go to stderr one line each ("path:line: reason"), the summary to
stdout; the exit status is 1 when nothing could be read (or, with --strict,
when anything failed).
"""

from __future__ import annotations

import datetime as dt
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from conflictdb.preload import freeze_loaded
from events.choices import IngestStatus
from events.ingest import (
    DUPLICATE,
    FAILED,
    NEW,
    NEW_VERSION,
    finish_run,
    ingest_records,
    start_run,
)
from extraction.sources import Failure, iter_story_inputs, total_bytes

LABELS = {NEW: "new", DUPLICATE: "known", NEW_VERSION: "version", FAILED: "failed"}


def iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--published {value!r}: not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = "Ingest stories from wire dumps (.txt) and JSON lines (.jsonl), files or folders (recursively)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="Files or folders (read recursively).")
        parser.add_argument("--published", type=iso_date, metavar="DATE", help="Publication date (YYYY-MM-DD) for stories that carry none.")
        parser.add_argument("--outlet", metavar="NAME", help="Outlet for stories that name none (default: the agency of the dateline).")
        parser.add_argument("--dry-run", action="store_true", help="Show what would be stored; store nothing.")
        parser.add_argument("--quiet", action="store_true", help="No progress bar (also off when stderr is not a terminal).")
        parser.add_argument("--no-extract", action="store_true", help="Store stories without extracting events from them.")
        parser.add_argument(
            "--max-size", type=float, metavar="MB", default=settings.INGEST_MAX_FILE_BYTES / 1024 / 1024,
            help="Refuse files larger than this many megabytes (default %(default)g).",
        )
        parser.add_argument("--strict", action="store_true", help="Exit with status 1 when any story or file failed.")
        parser.add_argument(
            "--workers", type=int, default=1, metavar="N",
            help="Store and extract in N processes (default 1; a dry run uses one). About one per free core.",
        )

    def handle(self, *args, **options):
        paths, dry_run = options["paths"], options["dry_run"]
        if options["workers"] < 1:
            raise CommandError("--workers must be at least 1")
        max_bytes = int(options["max_size"] * 1024 * 1024)
        run_options = {
            "published": options["published"].isoformat() if options["published"] else None,
            "outlet": options["outlet"], "dry_run": dry_run, "max_bytes": max_bytes, "extract": not options["no_extract"],
        }
        freeze_loaded()  # a long run: the collector need not walk what is loaded (conflictdb/preload.py)
        run = start_run(paths, options=run_options, dry_run=dry_run)
        bar = self._progress_bar(paths, options["quiet"])
        items = iter_story_inputs(paths, max_bytes=max_bytes, progress=bar.update if bar else None)
        try:
            if options["workers"] > 1 and not dry_run:
                from events.parallel import ingest_in_pool

                result = ingest_in_pool(
                    items, run=run, workers=options["workers"], outlet=options["outlet"],
                    published=options["published"], extract=not options["no_extract"],
                )
                for failure in result.failures:  # the workers stored them; one line each, as without workers
                    (bar.write(str(failure), file=sys.stderr) if bar else self.stderr.write(str(failure)))
            else:
                result = ingest_records(
                    items, run=run, outlet=options["outlet"], published=options["published"], dry_run=dry_run,
                    extract=not options["no_extract"], on_item=self._reporter(dry_run, bar),
                )
        except BaseException as exc:  # interrupted or the database went away: say so on the run
            if bar:
                bar.close()
            if run.pk:
                run.status, run.message = IngestStatus.FAILED, f"stopped: {type(exc).__name__}: {exc}"[:2000]
                run.save(update_fields=["status", "message"])
            raise
        if bar:
            bar.close()
        finish_run(run, result)
        self.stdout.write(("dry run, nothing stored: " if dry_run else "") + result.summary())
        if result.nothing_read or (options["strict"] and result.failed):
            sys.exit(1)

    def _reporter(self, dry_run, bar):
        def report(status, item, story):
            if isinstance(item, Failure):
                (bar.write(str(item), file=sys.stderr) if bar else self.stderr.write(str(item)))
            elif dry_run:
                where = f"{item.source_name}:{item.source_line}" if item.source_line else item.source_name
                date = f"{item.published} ({item.published_basis})" if item.published else "date unknown"
                line = f"{LABELS[status]:8} {where}  {item.headline[:80]}  [{date}]"
                (bar.write(line) if bar else self.stdout.write(line))

        return report

    def _progress_bar(self, paths, quiet):
        """A byte-counting bar on stderr when it is a terminal and --quiet is not given."""
        if quiet or not sys.stderr.isatty():
            return None
        from tqdm import tqdm

        return tqdm(total=total_bytes(paths), unit="B", unit_scale=True, unit_divisor=1024, file=sys.stderr, desc="ingest")
