"""Encodings: UTF-8, UTF-8 with BOM, UTF-16 with BOM, cp1252; refusing what is not text."""

import io

import pytest

from extraction.decoding import DecodeError, decode_bytes, sniff_encoding

TEXT = "Rebels seized Kidal – “we saw them”, he said. Café"


def sniff(data: bytes, **kw) -> str:
    return sniff_encoding(io.BytesIO(data), **kw)


def test_utf8():
    assert decode_bytes(TEXT.encode("utf-8")) == (TEXT, "utf-8")


def test_utf8_with_bom_drops_the_mark():
    assert decode_bytes(TEXT.encode("utf-8-sig")) == (TEXT, "utf-8-sig")


def test_cp1252_when_not_utf8():
    assert decode_bytes(TEXT.encode("cp1252")) == (TEXT, "cp1252")


def test_utf16_with_bom():
    assert decode_bytes(TEXT.encode("utf-16")) == (TEXT, "utf-16")


def test_a_character_cut_by_a_chunk_boundary_is_still_utf8():
    data = ("é" * 100).encode("utf-8")
    assert sniff(data, chunk_size=7) == "utf-8"


def test_utf8_error_late_in_the_file_falls_back_to_cp1252():
    data = b"plain ascii\n" * 1000 + "caf\u00e9".encode("cp1252")
    assert sniff(data, chunk_size=64) == "cp1252"


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty file"),
        (b" \n\n\t ", "empty file"),
        (b"\xef\xbb\xbf\n", "empty file"),
        (b"GIF89a\x00\x01\x02", "binary file (NUL byte at offset 6), not text"),
        (b"abc \x81 def", "not text in UTF-8 or cp1252 (byte 0x81 at offset 4)"),
        (b"\xef\xbb\xbfabc \xe9 def", "starts with a UTF-8 byte-order mark but is not valid UTF-8 (byte 0xe9 at offset 7)"),
    ],
)
def test_what_is_not_text_is_refused_in_one_line(data, message):
    with pytest.raises(DecodeError) as exc:
        sniff(data)
    assert str(exc.value) == message and "\n" not in message


def test_nul_byte_deep_in_a_file_is_found():
    with pytest.raises(DecodeError, match=r"NUL byte at offset 5000"):
        sniff(b"a" * 5000 + b"\x00", chunk_size=1024)


def test_control_bytes_mean_binary():
    with pytest.raises(DecodeError, match="binary"):
        sniff(bytes(range(1, 9)) * 50)


def test_utf8_cut_at_the_end_with_bytes_cp1252_lacks_is_refused():
    # Valid UTF-8 (U+008D) until a character cut at the very end; cp1252 has no 0x8d either.
    with pytest.raises(DecodeError, match="not text in UTF-8 or cp1252"):
        sniff_encoding(io.BytesIO(b"ab\xc2\x8d cd \xe2"))
