"""`manage.py ingest`: what a user sees - summaries, one-line errors, exit status, options."""

from __future__ import annotations

import datetime as dt
import io
import json
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from events.models import IngestFailure, IngestRun, Story

SEEDS = Path(__file__).resolve().parents[2] / "fixtures" / "seeds"
STORY = "Rebels seize Kidal\n\nKIDAL (Reuters) – Rebels seized Kidal on Monday.\n\n(Reporting by Jane Roe)\n"

pytestmark = pytest.mark.django_db


def ingest(*args) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of one call."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("ingest", *map(str, args), "--no-extract", stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_seeds_are_stored_once_and_a_second_run_adds_nothing():
    assert ingest(SEEDS) == (0, "21 read, 14 new, 6 already known, 1 new version, 0 failed\n", "")
    assert ingest(SEEDS) == (0, "21 read, 0 new, 21 already known, 0 new versions, 0 failed\n", "")
    assert Story.objects.count() == 15
    first, second = IngestRun.objects.order_by("id")
    assert (first.stories_new, second.stories_duplicate, second.status) == (14, 21, "finished")
    assert first.options["max_bytes"] == 50 * 1024 * 1024 and str(SEEDS) in first.sources


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("binary.txt", b"GIF89a\x00\x00", "binary file (NUL byte at offset 6), not text"),
        ("latin.txt", b"caf\xe9 \x81", "not text in UTF-8 or cp1252 (byte 0x81 at offset 5)"),
        ("empty.txt", b"", "empty file"),
        ("headline.txt", b"Just a headline\n", "story has no body"),
    ],
)
def test_unreadable_input_gives_one_line_and_exit_1(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    code, out, err = ingest(path)
    line = f"{path}:1: {reason}\n" if name == "headline.txt" else f"{path}: {reason}\n"
    assert (code, err) == (1, line)
    assert out.endswith("0 new, 0 already known, 0 new versions, 1 failed\n")
    assert IngestFailure.objects.get().reason == reason


def test_missing_path(tmp_path):
    code, _, err = ingest(tmp_path / "nope.txt")
    assert (code, err) == (1, f"{tmp_path / 'nope.txt'}: no such file or folder\n")


def test_bad_json_line_names_its_line_and_the_rest_is_stored(tmp_path):
    path = tmp_path / "feed.jsonl"
    good = json.dumps({"headline": "Rebels seize Kidal", "body": "KIDAL (Reuters) – Rebels seized Kidal.", "id": "r-1"})
    path.write_text(good + '\n{"headline": "x" "body": "y"}\n', encoding="utf-8")
    code, out, err = ingest(path)
    assert (code, err) == (0, f"{path}:2: not valid JSON (Expecting ',' delimiter)\n")
    assert out == "2 read, 1 new, 0 already known, 0 new versions, 1 failed\n"
    assert Story.objects.get().extra["id"] == "r-1"
    assert IngestFailure.objects.get().source_line == 2


def test_file_over_the_size_limit(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text(STORY * 100, encoding="utf-8")
    code, _, err = ingest(path, "--max-size", "0.001")
    assert code == 1 and err == f"{path}: file is {path.stat().st_size} bytes, over the 1048 bytes limit (--max-size)\n"


def test_cp1252_file_is_read_and_its_encoding_recorded(tmp_path):
    path = tmp_path / "win.txt"
    path.write_bytes(STORY.encode("cp1252"))
    assert ingest(path)[0] == 0
    assert Story.objects.get().source_encoding == "cp1252"


def test_strict_fails_on_any_failure(tmp_path):
    (tmp_path / "good.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    assert ingest(tmp_path)[0] == 0
    assert ingest(tmp_path, "--strict")[0] == 1


def test_dry_run_lists_and_stores_nothing():
    code, out, err = ingest(SEEDS, "--dry-run")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[-1] == "dry run, nothing stored: 21 read, 14 new, 6 already known, 1 new version, 0 failed"
    assert lines[0].startswith("new      ") and "000_c12da3ac6ee20b99.txt:1  Mass killings" in lines[0]
    assert any(line.startswith("version ") and "001_" in line for line in lines)
    assert (Story.objects.count(), IngestRun.objects.count()) == (0, 0)


def test_published_and_outlet_options(tmp_path):
    path = tmp_path / "dump.txt"
    path.write_text(STORY, encoding="utf-8")
    assert ingest(path, "--published", "2016-07-19", "--outlet", "Wire Archive")[0] == 0
    story = Story.objects.get()
    assert (story.published, story.published_basis, story.outlet.name) == (dt.date(2016, 7, 19), "given", "Wire Archive")
    with pytest.raises(CommandError, match=r"--published '19/07/2016': not a date \(YYYY-MM-DD\)"):
        call_command("ingest", str(path), "--published", "19/07/2016")


def test_progress_bar_only_on_a_terminal_and_not_with_quiet(tmp_path, monkeypatch, capsys):
    (tmp_path / "a.txt").write_text(STORY, encoding="utf-8")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    call_command("ingest", str(tmp_path / "a.txt"), "--no-extract", stdout=io.StringIO())
    assert "ingest: 100%" in capsys.readouterr().err
    call_command("ingest", str(tmp_path / "a.txt"), "--no-extract", "--quiet", stdout=io.StringIO())
    assert capsys.readouterr().err == ""


def test_events_are_extracted_unless_no_extract(tmp_path, monkeypatch):
    from events import ingest as ingest_module

    seen = []
    monkeypatch.setattr(ingest_module, "run_extraction_for", lambda stories: seen.extend(s.headline for s in stories))
    (tmp_path / "a.txt").write_text(STORY, encoding="utf-8")
    call_command("ingest", str(tmp_path / "a.txt"), stdout=io.StringIO())
    assert seen == ["Rebels seize Kidal"]
