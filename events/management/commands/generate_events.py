"""Synthetic events for benchmarks: `manage.py generate_events N [--seed S] [--batch B] [--force]`.

Thin: the rows are drawn and written by `events.synthetic`. Use a database of
its own (`DATABASE_URL=.../cdb_bench`); the command refuses a database that
holds real stories unless --force.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from events import synthetic


class Command(BaseCommand):
    help = "Add N synthetic events (with stories and sources) for benchmarks and load tests; deterministic per --seed."

    def add_arguments(self, parser):
        parser.add_argument("count", type=int, metavar="N", help="Number of events to add.")
        parser.add_argument("--seed", type=int, default=synthetic.DEFAULT_SEED, help="Same seed, same database: same rows (default %(default)s).")
        parser.add_argument("--batch", type=int, default=synthetic.DEFAULT_BATCH, metavar="EVENTS", help="Events per COPY batch (default %(default)s).")
        parser.add_argument("--force", action="store_true", help="Also write into a database that holds real stories.")
        parser.add_argument("--no-vacuum", action="store_true", help="Skip VACUUM ANALYZE afterwards.")
        parser.add_argument("--quiet", action="store_true", help="No progress lines.")

    def handle(self, *args, count, seed, batch, force, no_vacuum, quiet, **options):
        if count < 0 or batch < 1:
            raise CommandError("N must be 0 or more and --batch at least 1")
        progress = None if quiet else self._progress
        try:
            result = synthetic.generate(count, seed=seed, batch_size=batch, force=force, vacuum=not no_vacuum, progress=progress)
        except synthetic.RealDataError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(result.summary())

    def _progress(self, line: str) -> None:
        self.stderr.write(f"generate_events: {line}")
