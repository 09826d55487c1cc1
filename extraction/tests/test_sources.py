"""Walking paths and streaming stories out of files, with a one-line reason for each failure."""

import io
import json

import pytest

from extraction.records import StoryRecord
from extraction.sources import Failure, iter_story_inputs, iter_stream, total_bytes

STORY = "Rebels seize Kidal\n\nKIDAL (Reuters) – Rebels seized Kidal on June 26, 2016.\n\n(Reporting by Jane Roe)\n"


def items(*paths, **kw):
    return list(iter_story_inputs([str(p) for p in paths], **kw))


def failures(found):
    return [str(f) for f in found if isinstance(f, Failure)]


def test_folders_are_walked_recursively_in_name_order_skipping_hidden_and_other_files(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text(STORY.replace("Kidal", "Gao"), encoding="utf-8")
    (tmp_path / "a.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text(STORY.replace("Kidal", "Hidden"), encoding="utf-8")
    (tmp_path / "notes.md").write_text("# notes", encoding="utf-8")
    found = items(tmp_path)
    assert [r.headline for r in found] == ["Rebels seize Kidal", "Rebels seize Gao"]
    assert found[1].source_name == str(tmp_path / "b" / "2.txt")


def test_the_encoding_of_each_file_is_recorded(tmp_path):
    (tmp_path / "bom.txt").write_bytes(STORY.encode("utf-8-sig"))
    (tmp_path / "win.txt").write_bytes(STORY.encode("cp1252"))
    (tmp_path / "utf8.txt").write_bytes(STORY.encode("utf-8"))
    found = items(tmp_path)
    assert [r.extra["encoding"] for r in found] == ["utf-8-sig", "utf-8", "cp1252"]
    assert {r.headline for r in found} == {"Rebels seize Kidal"} and len({r.fingerprint for r in found}) == 1


def test_json_lines_with_a_bad_line_give_its_number(tmp_path):
    path = tmp_path / "x.jsonl"
    good = json.dumps({"headline": "H", "body": "KIDAL (Reuters) – Rebels seized Kidal."})
    path.write_text(f"{good}\n\n{{\"headline\": \"H\" \"body\": 1}}\n{good.replace('Kidal.', 'Gao.')}\n", encoding="utf-8")
    found = items(path)
    assert [type(i).__name__ for i in found] == ["StoryRecord", "Failure", "StoryRecord"]
    assert failures(found) == [f"{path}:3: not valid JSON (Expecting ',' delimiter)"]
    assert found[1].excerpt.startswith('{"headline"')


def test_a_json_array_file_is_read_too(tmp_path):
    path = tmp_path / "x.json"
    path.write_text(json.dumps([{"headline": "A", "body": "One."}, {"headline": "B"}]), encoding="utf-8")
    found = items(path)
    assert found[0].headline == "A"
    assert failures(found) == [f"{path}:1: item 2: story has no body (body or text is missing or empty)"]


def test_format_is_sniffed_for_other_suffixes(tmp_path):
    path = tmp_path / "feed.dat"
    path.write_text('{"headline": "A", "body": "One."}\n', encoding="utf-8")
    (tmp_path / "dump.dat").write_text(STORY, encoding="utf-8")
    assert [r.headline for r in items(path, tmp_path / "dump.dat")] == ["A", "Rebels seize Kidal"]


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file (NUL byte at offset 8), not text"),
        (b"abc \x81\x8d", "not text in UTF-8 or cp1252 (byte 0x81 at offset 4)"),
    ],
)
def test_unreadable_files_are_file_failures(tmp_path, content, reason):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    (found,) = items(path)
    assert (str(found), found.scope) == (f"{path}: {reason}", "file")


def test_missing_path_and_empty_folder(tmp_path):
    (tmp_path / "empty").mkdir()
    found = items(tmp_path / "missing.txt", tmp_path / "empty")
    assert failures(found) == [
        f"{tmp_path / 'missing.txt'}: no such file or folder",
        f"{tmp_path / 'empty'}: no .json, .jsonl, .ndjson, .text, .txt files in this folder",
    ]


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text(STORY * 10, encoding="utf-8")
    (found,) = items(path, max_bytes=100)
    assert str(found) == f"{path}: file is {path.stat().st_size} bytes, over the 100 bytes limit (--max-size)"


def test_a_story_with_no_body_is_a_story_failure_with_its_line(tmp_path):
    path = tmp_path / "dump.txt"
    path.write_text(STORY + "\nA headline with nothing after it\n", encoding="utf-8")
    story, failure = items(path)
    assert isinstance(story, StoryRecord)
    assert (str(failure), failure.scope, failure.headline) == (f"{path}:7: story has no body", "story", "A headline with nothing after it")


def test_progress_is_told_every_byte(tmp_path):
    (tmp_path / "a.txt").write_text(STORY * 3, encoding="utf-8")
    (tmp_path / "b.jsonl").write_text('{"headline": "A", "body": "One."}\n' * 4, encoding="utf-8")
    seen = []
    found = items(tmp_path, progress=seen.append)
    assert len(found) == 7 and sum(seen) == total_bytes([tmp_path])


def test_an_upload_stream_reads_like_a_file():
    found = list(iter_stream(io.BytesIO(STORY.encode("cp1252", errors="replace")), source_name="upload.txt"))
    assert [r.headline for r in found] == ["Rebels seize Kidal"]
    assert list(map(str, iter_stream(io.BytesIO(b""), source_name="up.txt"))) == ["up.txt: empty file"]


def test_stories_stream_out_before_later_files_are_opened(tmp_path):
    (tmp_path / "1.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "2.txt").write_text(STORY, encoding="utf-8")
    stream = iter_story_inputs([tmp_path])
    assert next(stream).source_name.endswith("1.txt")
    (tmp_path / "2.txt").write_bytes(b"\x00")  # changed after the first story was handed out
    assert str(next(stream)).endswith("2.txt: binary file (NUL byte at offset 0), not text")


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400), st.sampled_from(["text", "jsonl", None]))
def test_fuzz_any_bytes_give_stories_or_failures_never_an_exception(data, fmt):
    found = list(iter_stream(io.BytesIO(data), source_name="fuzz", fmt=fmt))
    assert found and all(isinstance(i, (StoryRecord, Failure)) for i in found)
    assert all("\n" not in str(i) for i in found if isinstance(i, Failure))
