"""Wire dumps (several stories pasted one after another) into StoryRecords.

A dump is a run of paragraphs separated by blank lines. A story reads:

    headline
    photo caption                       (optional, may be the headline again)
    By Name and Name                    (optional byline)
    CITY[/CITY][, date] (Agency) – first paragraph ...
    paragraphs, ALL-CAPS SUBHEADS, (editor's notes)
    (Reporting by ...; Editing by ...)  (credit; may be missing at the end of a file)

The credit is the reliable end of a story, so stories are cut after credits
first. A stretch that still holds two datelines (a credit went missing) is cut
before the header of the second one: the byline, then up to three short lines
that read like a headline or caption rather than the end of a paragraph.

Nothing is dropped: every paragraph ends up in a field (headline, caption,
byline, body, credit) or in `extra` (editor's notes, boilerplate trailers, a
repeated headline), which the fuzz tests check word for word. `body` keeps the
dateline paragraph whole and the subheads, joined by blank lines, so evidence
offsets point into it and the event pipeline can see the dateline.

Works on a stream of lines (`split_lines`) holding one story at a time, so a
large file is never held in memory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Iterator, Optional

from extraction.dates import infer_publication_date
from extraction.fingerprint import headline_key
from extraction.records import StoryRecord

# A headline (plus a repeat), two caption lines, a byline and a note fit in here.
MAX_HEADER = 6
# Header-like lines a missing-credit cut may take above a dateline (headline + caption).
MAX_WALK = 3
SHORT = 300

_DASH = "-\u2010\u2011\u2012\u2013\u2014\u2015"
_DATELINE = re.compile(
    rf"^(?P<place>[^\s(][^()\n]{{0,90}}?)\s*\((?P<agency>[^()\n]{{2,60}})\)\s*(?:[{_DASH}]{{1,3}}|:)\s*(?P<rest>\S)",
)
_KNOWN_AGENCY = re.compile(
    r"\b(?:Reuters|AFP|AP|Associated Press|Agence France[- ]Presse|Xinhua|dpa|DPA|Anadolu|UPI|Bloomberg|IRIN|"
    r"Al Jazeera|BBC|ANSA|EFE|Kyodo|Yonhap|TASS|Interfax|SANA|IRNA|Bernama|PTI|IANS|CNA)\b"
)
_BYLINE = re.compile(r"^By\s+[^\W\d_][^\n]{0,180}$")
_CREDIT_KEY = (
    r"(?:additional\s+|further\s+|other\s+)?(?:reporting|writing|written|editing|edited|compiled|compiling|"
    r"research|researched|translation|translated|production|produced|graphics|text|photos?)\b"
)
_CREDIT_PAREN = re.compile(rf"^\(\s*{_CREDIT_KEY}[^\n]*?\bby\b[^\n]*\)\W*$", re.I)
_CREDIT_BARE = re.compile(r"^(?:Additional\s+)?(?:Reporting|Writing|Editing|Compiled)\s+by\s+[^\W\d_][^\n]{0,400}$")
_NOTE = re.compile(
    r"^\(\s*(?:this\s+(?:version|story|article|item|report)|corrects?|correcting|correction|corrected|refiles?|refiling|"
    r"updates?|updating|adds|recasts?|repeats?|fixes|removes|changes|clarifies|editor'?s?\s+note|story\s+corrects|"
    r"story\s+refiled|embargoed)\b[^\n]*\)\s*$",
    re.I,
)
_TRAILER = re.compile(r"^(?:Our Standards\b|©|Copyright\b|\(c\)\s*\d{4}|All rights reserved\b)", re.I)
_SENTENCE_END = re.compile(r"[.!?\u2026][\"'\u201d\u2019)\]]*\s*$")
_SPACE = re.compile(r"\s+")


@dataclass(slots=True)
class Paragraph:
    text: str
    line: int  # 1-based line of its first line in the source


# --- Public API ----------------------------------------------------------------------


def split_dump(text: str, *, source_name: str = "") -> Iterator[StoryRecord]:
    """Every story of a dump, in order. Never raises on text; a story without a body has body ""."""
    return split_lines(text.splitlines(), source_name=source_name)


def split_lines(lines: Iterable[str], *, source_name: str = "", first_line: int = 1) -> Iterator[StoryRecord]:
    """`split_dump` over a stream of lines (a file object works), one story in memory at a time."""
    cutter = _Cutter()
    for paragraph in paragraphs(lines, first_line=first_line):
        for segment in cutter.feed(paragraph):
            yield from _records(segment, source_name)
    for segment in cutter.finish():
        yield from _records(segment, source_name)


def parse_story(text: str, *, source_name: str = "") -> StoryRecord:
    """One pasted story, parsed into its parts; never cut in two."""
    paras = list(paragraphs(text.splitlines()))
    dateline = next((i for i, p in enumerate(paras) if is_dateline(p.text)), None)
    if dateline is not None and dateline > MAX_HEADER:
        dateline = None  # a dateline deep in the text is not this story's opening
    return infer_published(_record(paras, dateline, source_name))


def parse_body(text: str) -> StoryRecord:
    """A body given on its own (a JSON line's "body"): its dateline, subheads and credit are read.

    No headline is looked for and no date inferred: the caller has those.
    """
    paras = list(paragraphs(text.splitlines()))
    dateline = 0 if paras and is_dateline(paras[0].text) else None
    return _record(paras, dateline, "", has_header=False)


def paragraphs(lines: Iterable[str], *, first_line: int = 1) -> Iterator[Paragraph]:
    """Blank-line separated paragraphs; a block of short unrelated lines gives one paragraph per line."""
    block: list[tuple[int, str]] = []
    number = first_line
    for raw in lines:
        for piece in raw.splitlines() or [""]:
            text = piece.strip()
            if text:
                block.append((number, text))
            elif block:
                yield from _block_paragraphs(block)
                block = []
        number += 1
    if block:
        yield from _block_paragraphs(block)


# --- What a paragraph is -------------------------------------------------------------------


def dateline_parts(text: str) -> Optional[tuple[str, str, str]]:
    """(place as printed, date or "" , agency) when `text` opens with a dateline, else None."""
    m = _DATELINE.match(text)
    if not m:
        return None
    place, agency = m.group("place").strip(" ,"), m.group("agency").strip()
    place, _, when = place.partition(",")
    place, when = place.strip(), when.strip()
    words = agency.split()
    if not words or len(words) > 6 or not words[0][0].isupper():
        return None
    known = bool(_KNOWN_AGENCY.search(agency))
    if not known and (len(words) > 3 or any(not w[0].isupper() for w in words)):
        return None
    parts = [p.strip() for p in place.split("/")]
    if not all(parts) or any(len(p.split()) > 5 for p in parts) or len(parts) > 6:
        return None
    if not _all_caps(place) and not (known and all(w[0].isupper() for p in parts for w in p.split())):
        return None
    if len(when) > 40:
        return None
    return place, when, agency


def is_dateline(text: str) -> bool:
    return dateline_parts(text) is not None


def is_byline(text: str) -> bool:
    return bool(_BYLINE.match(text)) and len(text.split()) <= 16 and not text.rstrip().endswith((".", "!", "?", ":"))


def is_credit(text: str) -> bool:
    return bool(_CREDIT_PAREN.match(text)) or (len(text) <= 400 and bool(_CREDIT_BARE.match(text)))


def is_note(text: str) -> bool:
    return bool(_NOTE.match(text))


def is_trailer(text: str) -> bool:
    return len(text) <= SHORT and bool(_TRAILER.match(text))


def is_subhead(text: str) -> bool:
    """An ALL-CAPS line inside a body ("REPAIRS NEEDED")."""
    return (
        len(text) <= 80
        and len(text.split()) <= 10
        and not text.startswith("(")
        and _all_caps(text)
        and not is_dateline(text)
    )


def _all_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(not c.islower() for c in letters) and sum(c.isupper() for c in letters) >= 2


def _ends_sentence(text: str) -> bool:
    return bool(_SENTENCE_END.search(text))


def _header_like(text: str) -> bool:
    return (
        len(text) <= SHORT
        and not is_dateline(text)
        and not is_subhead(text)
        and not is_credit(text)
        and not is_byline(text)
        and not is_note(text)
    )


def _closing(text: str) -> bool:
    return is_credit(text) or is_trailer(text) or is_note(text)


# --- Cutting a stream of paragraphs into stories ---------------------------------------------


class _Cutter:
    """Buffers the paragraphs of the current story and hands out complete stories.

    A segment is a list of paragraphs plus the index of its dateline (or None).
    """

    def __init__(self) -> None:
        self.segment: list[Paragraph] = []
        self.dateline: Optional[int] = None
        self.closed = False  # a credit was seen: the next non-closing paragraph starts a story

    def feed(self, paragraph: Paragraph) -> list[tuple[list[Paragraph], Optional[int]]]:
        out = []
        text = paragraph.text
        if self.closed and not _closing(text):
            out += self.finish()
        if is_dateline(text):
            index = len(self.segment)
            if self.dateline is None:
                self.dateline = index
            else:
                start = _header_start(self.segment, index, self.dateline + 1)
                if start < index:  # a new story whose credit went missing
                    out.append((self.segment[:start], self.dateline))
                    self.segment = self.segment[start:]
                    self.dateline = index - start
        self.segment.append(paragraph)
        if is_credit(text) or (self.closed and _closing(text)):
            self.closed = True
        return out

    def finish(self) -> list[tuple[list[Paragraph], Optional[int]]]:
        out = []
        if self.segment:
            segment, dateline = self.segment, self.dateline
            if dateline is not None and dateline > MAX_HEADER:
                # Paragraphs before this story's header: a story without a dateline.
                start = _header_start(segment, dateline, 0)
                if start > 0:
                    out.append((segment[:start], None))
                    segment, dateline = segment[start:], dateline - start
            out.append((segment, dateline))
        self.segment, self.dateline, self.closed = [], None, False
        return out


def _header_start(paras: list[Paragraph], dateline: int, floor: int) -> int:
    """Index where the header (headline, caption, byline) above `dateline` starts; `dateline` if none."""
    k = dateline - 1
    while k >= floor and (is_byline(paras[k].text) or is_note(paras[k].text)):
        k -= 1
    start, taken = k + 1, 0
    while k >= floor and taken < MAX_WALK:
        text = paras[k].text
        if not _header_like(text):
            break
        if _ends_sentence(text):
            # Only a caption may end like a sentence, and only under a headline.
            above = paras[k - 1].text if k - 1 >= floor else ""
            if taken or not above or not _header_like(above) or _ends_sentence(above):
                break
        start, taken, k = k, taken + 1, k - 1
    if taken:
        key = _key(paras[start].text)
        while k >= floor and _key(paras[k].text) == key:
            start, k = k, k - 1
    return start


def _records(segment: tuple[list[Paragraph], Optional[int]], source_name: str) -> Iterator[StoryRecord]:
    paras, dateline = segment
    if paras:
        yield infer_published(_record(paras, dateline, source_name))


# --- One story's parts -------------------------------------------------------------------------


def _record(paras: list[Paragraph], dateline: Optional[int], source_name: str, *, has_header: bool = True) -> StoryRecord:
    extra: dict = {}
    first_line = paras[0].line if paras else 0
    paras = list(paras)
    credit: list[str] = []
    trailer: list[str] = []
    while paras and (is_credit(paras[-1].text) or is_trailer(paras[-1].text) or is_note(paras[-1].text)):
        last = paras.pop()
        if is_credit(last.text):
            credit.insert(0, last.text)
        elif is_trailer(last.text):
            trailer.insert(0, last.text)
        else:
            extra.setdefault("editor_notes", []).insert(0, last.text)
    if dateline is not None and dateline >= len(paras):
        dateline = None
    notes = [p.text for p in paras if is_note(p.text)]
    if notes:
        extra["editor_notes"] = notes + extra.get("editor_notes", [])
    if dateline is not None:
        header, body = paras[:dateline], paras[dateline:]
    elif has_header:
        header, body = _dateless_header(paras)
    else:
        header, body = [], paras
    header = [p for p in header if not is_note(p.text)]
    body = [p for p in body if not is_note(p.text)]

    bylines = [p.text for p in header if is_byline(p.text)]
    rest = [p.text for p in header if not is_byline(p.text)]
    headline = rest[0] if rest else ""
    captions, repeats = [], []
    for text in rest[1:]:
        (repeats if headline and _key(text) == _key(headline) else captions).append(text)
    if repeats:
        extra["repeated_headline"] = repeats
    if trailer:
        extra["trailer"] = trailer

    record = StoryRecord(
        headline=headline,
        body="\n\n".join(p.text for p in body),
        caption="\n".join(captions),
        byline="\n".join(bylines),
        credit="\n".join(credit),
        source_name=source_name,
        source_line=first_line,
    )
    if dateline is not None and body:
        place, when, agency = dateline_parts(body[0].text)
        record.dateline, record.agency = place, agency
        record.dateline_places = [p.strip() for p in place.split("/")]
        if when:
            extra["dateline_date"] = when
    subheads = [p.text for p in body[1:] if is_subhead(p.text)]
    if subheads:
        extra["subheads"] = subheads
    record.extra = extra
    return record


def _dateless_header(paras: list[Paragraph]) -> tuple[list[Paragraph], list[Paragraph]]:
    """Header and body of a story with no dateline: a short first line is its headline."""
    if not paras:
        return [], []
    first = paras[0].text
    if len(paras) == 1:
        return ([paras[0]], []) if len(first) <= SHORT and not _ends_sentence(first) else ([], paras)
    if len(first) > SHORT:
        return [], paras
    header = [paras[0]]
    if is_byline(paras[1].text):
        header.append(paras[1])
    return header, paras[len(header):]


def infer_published(record: StoryRecord) -> StoryRecord:
    """Fill `published` from dates written in the caption or body when none was given; say so."""
    if record.published is not None:
        if record.published_basis == "unknown":
            record.published_basis = "given"
        return record
    when = record.extra.get("dateline_date", "")
    dated, phrase = infer_publication_date(when) if when else (None, "")
    if dated is not None:  # "KABUL, June 20, 2017 (AFP)": the date the story was filed
        record.published, record.published_basis, record.published_evidence = dated, "given", f"dateline '{when}'"[:500]
        return record
    text = record.caption + "\n\n" + record.body if record.caption else record.body
    found, phrase = infer_publication_date(text)
    if found is not None:
        record.published, record.published_basis, record.published_evidence = found, "inferred", phrase[:500]
    else:
        record.published_basis, record.published_evidence = "unknown", ""
    return record


def _key(text: str) -> str:
    return headline_key(text)


def _block_paragraphs(block: list[tuple[int, str]]) -> Iterator[Paragraph]:
    """A block of lines is one hard-wrapped paragraph, or one paragraph per line."""
    if len(block) == 1:
        yield Paragraph(block[0][1], block[0][0])
        return
    texts = [t for _, t in block]
    wrapped = (
        max(len(t) for t in texts) <= 100
        and min(len(t) for t in texts[:-1]) >= 40
        and not any(_structural(t) for t in texts[1:])
    )
    if wrapped:
        yield Paragraph(" ".join(texts), block[0][0])
    else:
        for number, text in block:
            yield Paragraph(text, number)


def _structural(text: str) -> bool:
    return is_dateline(text) or is_byline(text) or is_credit(text) or is_subhead(text) or is_note(text) or is_trailer(text)
