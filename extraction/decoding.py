"""Which encoding a file is in, decided before any story is read from it.

Wire dumps arrive as UTF-8, as UTF-8 with a byte-order mark (Windows tools),
as UTF-16 with a BOM ("Unicode" in Notepad) or as cp1252 (old Windows
exports). A file must be decoded with one encoding from start to end, and a
story must not be stored before we know the end of the file decodes, so the
whole file is scanned first, in chunks (constant memory), then streamed again
line by line. Anything else - NUL bytes, bytes no encoding accepts, nothing
but white space - is refused with a one-line reason.
"""

from __future__ import annotations

import codecs
import re
from typing import BinaryIO

CHUNK = 1 << 20

UTF8, UTF8_BOM, UTF16, CP1252 = "utf-8", "utf-8-sig", "utf-16", "cp1252"
_CONTROL = re.compile(rb"[\x01-\x08\x0e-\x1a\x1c-\x1f]")


class DecodeError(ValueError):
    """A file that is not text we can read; the message is one line."""


def sniff_encoding(stream: BinaryIO, *, chunk_size: int = CHUNK) -> str:
    """The encoding of a whole binary stream: "utf-8", "utf-8-sig", "utf-16" or "cp1252".

    Reads the stream to its end (in chunks) and leaves it there. Raises
    DecodeError for an empty or blank file, a binary file, or bytes that are
    neither UTF-8 nor cp1252.
    """
    first = stream.read(chunk_size)
    if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _check_utf16(first + stream.read())
    bom = first.startswith(codecs.BOM_UTF8)
    _check_not_binary(first, 0)
    utf8 = codecs.getincrementaldecoder("utf-8")()
    cp1252_error: str | None = None
    utf8_ok, blank, offset, chunk = True, True, 0, first[3:] if bom else first
    base = 3 if bom else 0
    while chunk:
        if offset:
            _check_not_binary(chunk, base + offset)
        if blank and chunk.strip():
            blank = False
        if utf8_ok:
            pending = len(utf8.getstate()[0])
            try:
                utf8.decode(chunk)
            except UnicodeDecodeError as exc:
                if bom:
                    raise DecodeError(
                        f"starts with a UTF-8 byte-order mark but is not valid UTF-8 (byte 0x{exc.object[exc.start]:02x} at offset {base + offset - pending + exc.start})"
                    ) from None
                utf8_ok = False
        if cp1252_error is None:  # every chunk: UTF-8 may still fail at the very end (a cut character)
            try:
                chunk.decode(CP1252)
            except UnicodeDecodeError as exc:
                cp1252_error = f"byte 0x{chunk[exc.start]:02x} at offset {base + offset + exc.start}"
        offset += len(chunk)
        chunk = stream.read(chunk_size)
    if utf8_ok:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8_ok = False
            if bom:
                raise DecodeError("starts with a UTF-8 byte-order mark but ends in a cut UTF-8 character") from None
    if blank:
        raise DecodeError("empty file")
    if utf8_ok:
        return UTF8_BOM if bom else UTF8
    if cp1252_error:
        raise DecodeError(f"not text in UTF-8 or cp1252 ({cp1252_error})")
    return CP1252


def decode_bytes(data: bytes) -> tuple[str, str]:
    """(text, encoding) of bytes held in memory, e.g. an upload; same rules as sniff_encoding."""
    import io

    encoding = sniff_encoding(io.BytesIO(data))
    return data.decode(encoding), encoding


def decode_line(raw: bytes, encoding: str) -> str:
    """One line of a file whose encoding was sniffed; UTF-8/cp1252 never split a character at b"\\n"."""
    return raw.decode(UTF8 if encoding == UTF8_BOM else encoding)


def _check_not_binary(chunk: bytes, offset: int) -> None:
    nul = chunk.find(b"\x00")
    if nul >= 0:
        raise DecodeError(f"binary file (NUL byte at offset {offset + nul}), not text")
    if offset == 0 and len(chunk) >= 64 and len(_CONTROL.findall(chunk[:8192])) > len(chunk[:8192]) // 20:
        raise DecodeError("binary file (control bytes), not text")


def _check_utf16(data: bytes) -> str:
    try:
        text = data.decode(UTF16)
    except UnicodeDecodeError as exc:
        raise DecodeError(f"starts with a UTF-16 byte-order mark but is not valid UTF-16 (offset {exc.start})") from None
    if "\x00" in text:
        raise DecodeError("binary file (NUL character in UTF-16 text), not text")
    if not text.strip():
        raise DecodeError("empty file")
    return UTF16
