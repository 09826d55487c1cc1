"""Stories out of files and folders, streamed, with a reason for everything that is not a story.

`iter_story_inputs(paths)` walks files and folders (recursively, in name
order, skipping hidden entries), picks the format per file (JSON lines for
.jsonl/.ndjson/.json or a first character "{", a wire dump otherwise) and
yields, in order, a StoryRecord for each story and a `Failure` for each thing
that could not be read: a missing path, a binary or undecodable or empty file,
a file over the size limit, a JSON line that does not parse, a story with no
body. Files are read line by line after a first pass that fixes the encoding
(see decoding.py), so memory stays flat however large the folder.
"""

from __future__ import annotations

import io
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Iterator, Optional, Union

from extraction.decoding import (
    UTF8_BOM,
    UTF16,
    DecodeError,
    decode_line,
    sniff_encoding,
)
from extraction.jsonlines import BadLine, parse_json_line, record_from_mapping
from extraction.records import StoryRecord
from extraction.splitter import split_lines

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
TEXT_SUFFIXES = frozenset({".txt", ".text"})
JSON_SUFFIXES = frozenset({".jsonl", ".ndjson", ".json"})
FOLDER_SUFFIXES = TEXT_SUFFIXES | JSON_SUFFIXES
EXCERPT = 300


@dataclass
class Failure:
    """Something that could not be stored, with where and why. `str()` is the one-line error."""

    source_name: str
    line: Optional[int]
    reason: str
    headline: str = ""
    excerpt: str = ""
    scope: str = "story"  # "story": one story lost; "file": a whole file (or path) could not be read

    def __str__(self) -> str:
        where = f"{self.source_name}:{self.line}" if self.line else self.source_name
        return f"{where}: {self.reason}" if where else self.reason


Item = Union[StoryRecord, Failure]
Progress = Optional[Callable[[int], None]]


def iter_story_inputs(
    paths: Iterable[Union[str, os.PathLike]], *, max_bytes: int = DEFAULT_MAX_BYTES, progress: Progress = None
) -> Iterator[Item]:
    """Every story (or failure) in the files under `paths`; `progress(n)` is told of bytes read."""
    for entry in iter_files(paths):
        if isinstance(entry, Failure):
            yield entry
            continue
        try:
            size = entry.stat().st_size
        except OSError as exc:
            yield Failure(str(entry), None, f"cannot read ({exc.strerror or exc})", scope="file")
            continue
        if size > max_bytes:
            yield _too_big(str(entry), size, max_bytes)
            if progress:
                progress(size)
            continue
        try:
            stream = open(entry, "rb")
        except OSError as exc:
            yield Failure(str(entry), None, f"cannot read ({exc.strerror or exc})", scope="file")
            continue
        with stream:
            yield from iter_stream(stream, source_name=str(entry), fmt=file_format(entry), max_bytes=max_bytes, progress=progress)


def iter_stream(
    stream: BinaryIO,
    *,
    source_name: str,
    fmt: Optional[str] = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: Progress = None,
) -> Iterator[Item]:
    """The stories of one seekable binary stream (a file, an upload): same rules as files.

    `fmt` is "jsonl", "text" or None (decided from the first character).
    """
    size = _size(stream)
    if size is not None and size > max_bytes:
        yield _too_big(source_name, size, max_bytes)
        return
    try:
        encoding = sniff_encoding(stream)
    except DecodeError as exc:
        yield Failure(source_name, None, str(exc), scope="file")
        if progress and size:
            progress(size)
        return
    except OSError as exc:
        yield Failure(source_name, None, f"cannot read ({exc.strerror or exc})", scope="file")
        return
    stream.seek(0)
    counter = _Lines(stream, encoding, progress)
    if fmt is None:
        fmt = "jsonl" if counter.first_character() in "{[" else "text"
    if fmt == "jsonl":
        items = _json_items(counter, source_name)
    else:
        items = split_lines(counter, source_name=source_name)
    yielded = False
    for item in items:
        if isinstance(item, StoryRecord):
            item.extra.setdefault("encoding", encoding)
            if not item.body.strip():
                item = _no_body(item)
        yielded = True
        counter.report()
        yield item
    counter.report()
    if not yielded:
        yield Failure(source_name, None, "no story in this file", scope="file")


def file_format(path: Path) -> Optional[str]:
    """ "jsonl" or "text" by the file's suffix; None to decide from its first character."""
    suffix = path.suffix.lower()
    if suffix in JSON_SUFFIXES:
        return "jsonl"
    if suffix in TEXT_SUFFIXES:
        return "text"
    return None


def iter_files(paths: Iterable[Union[str, os.PathLike]]) -> Iterator[Union[Path, Failure]]:
    """Files named or found under folders, in name order; a Failure for a missing or empty path."""
    for raw in paths:
        path = Path(raw)
        name = str(raw)
        if path.is_file():
            yield path
        elif path.is_dir():
            found = False
            for file in _walk(path):
                found = True
                yield file
            if not found:
                yield Failure(name, None, f"no {', '.join(sorted(FOLDER_SUFFIXES))} files in this folder", scope="file")
        elif path.exists():
            yield Failure(name, None, "not a regular file or folder", scope="file")
        else:
            yield Failure(name, None, "no such file or folder", scope="file")


def total_bytes(paths: Iterable[Union[str, os.PathLike]]) -> int:
    """Bytes in the files `iter_story_inputs` would read: the total for a progress bar."""
    total = 0
    for entry in iter_files(paths):
        if isinstance(entry, Path):
            try:
                total += entry.stat().st_size
            except OSError:
                pass
    return total


# --- Helpers --------------------------------------------------------------------------------


def _walk(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or Path(name).suffix.lower() not in FOLDER_SUFFIXES:
                continue
            yield Path(root) / name


class _Lines:
    """Decoded lines of a stream whose encoding is known, counting the bytes consumed."""

    def __init__(self, stream: BinaryIO, encoding: str, progress: Progress):
        self.encoding, self.progress = encoding, progress
        self.consumed = self.reported = 0
        if encoding == UTF16:  # rare and BOM-marked: decoded whole (the size limit bounds it)
            data = stream.read()
            self.consumed = len(data)
            self._raw: Iterator = iter(io.BytesIO(data.decode(UTF16).encode("utf-8")))
            self.encoding = "utf-8"
        else:
            self._raw = iter(stream)
        self._peeked: list[bytes] = []
        self._first = True

    def first_character(self) -> str:
        """The first non-blank character, without consuming it."""
        for raw in self._raw:
            self._peeked.append(raw)
            text = self._decode(raw, peek=True).strip()
            if text:
                return text[0]
        return ""

    def __iter__(self) -> Iterator[str]:
        while self._peeked:
            yield self._decode_counted(self._peeked.pop(0))
        for raw in self._raw:
            yield self._decode_counted(raw)

    def report(self) -> None:
        if self.progress and self.consumed > self.reported:
            self.progress(self.consumed - self.reported)
            self.reported = self.consumed

    def _decode_counted(self, raw: bytes) -> str:
        self.consumed += len(raw)
        return self._decode(raw)

    def _decode(self, raw: bytes, peek: bool = False) -> str:
        if self._first and self.encoding == UTF8_BOM and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        if not peek:
            self._first = False
        return decode_line(raw, self.encoding)


def _json_items(lines: Iterable[str], source_name: str) -> Iterator[Item]:
    """One item per non-blank line; a whole-file JSON array is accepted too."""
    iterator = iter(enumerate(lines, 1))
    first = True
    for number, line in iterator:
        text = line.strip()
        if not text:
            continue
        if first and text.startswith("["):
            yield from _json_array("\n".join([text, *(rest for _, rest in iterator)]), source_name, number)
            return
        first = False
        try:
            yield parse_json_line(text, source_name=source_name, line_number=number)
        except BadLine as exc:
            yield Failure(source_name, number, exc.reason, headline=exc.headline, excerpt=text[:EXCERPT])


def _json_array(text: str, source_name: str, first_line: int) -> Iterator[Item]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield Failure(source_name, first_line + text.count("\n", 0, exc.pos), f"not valid JSON ({exc.msg})", excerpt=text[:EXCERPT])
        return
    if not isinstance(data, list):
        yield Failure(source_name, first_line, "expected JSON lines or an array of objects", scope="file")
        return
    for index, obj in enumerate(data, 1):
        where = f"item {index}"
        if not isinstance(obj, dict):
            yield Failure(source_name, first_line, f"{where}: expected an object with headline and body")
            continue
        try:
            yield record_from_mapping(obj, source_name=source_name, line_number=first_line)
        except BadLine as exc:
            yield Failure(source_name, first_line, f"{where}: {exc.reason}", headline=exc.headline)


def _no_body(record: StoryRecord) -> Failure:
    shown = record.headline or record.credit or record.caption
    return Failure(record.source_name, record.source_line or None, "story has no body", headline=record.headline[:500], excerpt=shown[:EXCERPT])


def _too_big(source_name: str, size: int, max_bytes: int) -> Failure:
    return Failure(source_name, None, f"file is {_mb(size)}, over the {_mb(max_bytes)} limit (--max-size)", scope="file")


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n} bytes"


def _size(stream: BinaryIO) -> Optional[int]:
    try:
        here = stream.tell()
        end = stream.seek(0, os.SEEK_END)
        stream.seek(here)
        return end - here
    except (OSError, AttributeError, ValueError):
        return None
