"""JSON lines (one story per line) into StoryRecords.

Known keys fill the record: `headline`, `body` (or `text`), `published` (an
ISO date or date-time), `url`, `outlet`, `caption`, `byline`, and, when a
feed has them, `dateline`, `agency`, `credit`. Every other key is kept in
`StoryRecord.extra` as given, because a feed's ids and tags matter to whoever
sent them. (`extra["encoding"]` is where the file's encoding is recorded; a
feed's own "encoding" key is kept as "encoding_field".)

The body is read like a dump's body: a leading dateline and a closing credit
are recognised, so the same story from a dump and from a feed has the same
fingerprint.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from extraction.records import StoryRecord
from extraction.splitter import infer_published, parse_body

KNOWN_KEYS = frozenset({"headline", "body", "text", "published", "url", "outlet", "caption", "byline", "dateline", "agency", "credit"})
RESERVED_EXTRA = {"encoding": "encoding_field"}


class BadLine(ValueError):
    """A line that cannot become a story; the message is one line, without the location."""

    def __init__(self, reason: str, headline: str = ""):
        super().__init__(reason)
        self.reason, self.headline = reason, headline


def parse_json_line(line: str, *, source_name: str = "", line_number: int = 0) -> StoryRecord:
    """The story on one line; raises BadLine (not valid JSON, not an object, bad field, no body)."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise BadLine(f"not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise BadLine("not valid JSON (nested too deeply)") from None
    if not isinstance(data, dict):
        raise BadLine(f"expected a JSON object with headline and body, got {_json_type(data)}")
    return record_from_mapping(data, source_name=source_name, line_number=line_number)


def record_from_mapping(data: dict[str, Any], *, source_name: str = "", line_number: int = 0) -> StoryRecord:
    """A StoryRecord from one decoded JSON object; raises BadLine."""
    headline = _text(data, "headline")
    if "body" in data and "text" in data and data["body"] and data["text"]:
        raise BadLine("has both body and text; give one", headline)
    body_key = "body" if data.get("body") not in (None, "") else "text"
    body = _text(data, body_key)
    if not body.strip():
        raise BadLine("story has no body (body or text is missing or empty)", headline)

    parsed = parse_body(body)
    extra = dict(parsed.extra)
    if _text(data, "credit") and parsed.credit and _text(data, "credit") != parsed.credit:
        extra["body_credit"] = parsed.credit
    for key, value in data.items():
        if key not in KNOWN_KEYS:
            extra[RESERVED_EXTRA.get(key, key)] = value
    record = StoryRecord(
        headline=headline.strip(),
        body=parsed.body,
        caption=_text(data, "caption").strip(),
        byline=_text(data, "byline").strip(),
        dateline=_text(data, "dateline").strip() or parsed.dateline,
        agency=_text(data, "agency").strip() or parsed.agency,
        credit=_text(data, "credit").strip() or parsed.credit,
        outlet=_text(data, "outlet").strip(),
        url=_text(data, "url").strip(),
        published=_published(data.get("published"), headline),
        extra=extra,
        source_name=source_name,
        source_line=line_number,
    )
    record.dateline_places = [p.strip() for p in record.dateline.split("/") if p.strip()]
    if record.published is not None:
        record.published_basis, record.published_evidence = "given", ""
    return infer_published(record)


def _text(data: dict, key: str) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BadLine(f"{key} must be a string, got {_json_type(value)}", data.get("headline") if isinstance(data.get("headline"), str) else "")
    return value


def _published(value: Any, headline: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        text = value.strip()
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
        try:
            return dt.datetime.fromisoformat(text).date()
        except ValueError:
            pass
    raise BadLine(f"published is not an ISO date (YYYY-MM-DD): {value!r}"[:200], headline)


def _json_type(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "true/false", type(None): "null"}.get(
        type(value), "a number"
    )
