"""What the change page shows beside the form: sources with highlighted evidence, proposed values."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from ..choices import CURATABLE_FIELDS
from ..models import Actor, Event, EventSource, Place

# Evidence `field` names (what the extractor read) -> the form fields they support.
EVIDENCE_FIELDS = {
    "date": ("event_date", "date_start", "date_end", "time_precision"),
    "event_date": ("event_date", "date_start", "date_end", "time_precision"),
    "place": ("place", "location", "admin1", "country", "country_code", "latitude", "longitude", "geo_precision"),
    "location": ("place", "location", "admin1", "country", "country_code", "latitude", "longitude", "geo_precision"),
    "event_type": ("event_type", "sub_event_type"),
    "sub_event_type": ("event_type", "sub_event_type"),
    "actor1": ("actor1", "assoc_actors1"),
    "actor2": ("actor2", "assoc_actors2"),
    "fatalities": ("fatalities_best", "fatalities_low", "fatalities_high"),
    "injured": ("injured_best", "injured_low", "injured_high"),
    "civilian_targeting": ("civilian_targeting",),
}

FIGURES = ("fatalities", "injured")


def highlighted(text: str, start: int, spans: list[tuple[int, int]]) -> SafeString:
    """`text` (which starts at offset `start` of the body) with the body spans wrapped in <mark>."""
    parts, cursor = [], 0
    for span_start, span_end in sorted(spans):
        a, b = span_start - start, span_end - start
        if a < cursor or b <= a or b > len(text):
            continue
        parts.append(format_html("{}<mark>{}</mark>", text[cursor:a], text[a:b]))
        cursor = b
    parts.append(format_html("{}", text[cursor:]))
    return mark_safe("".join(parts))


def evidence_item(body: str, item: dict) -> dict:
    """One piece of evidence: the sentence with its span marked, located in the body when offsets agree."""
    sentence = item.get("sentence") or ""
    start, end = item.get("start", -1), item.get("end", -1)
    span = (item.get("span_start", -1), item.get("span_end", -1))
    if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(body) and (
        not sentence or body[start:end] == sentence
    ):
        sentence = body[start:end]
    else:
        # The body changed since extraction: fall back to the sentence text as stored.
        found = body.find(sentence) if sentence else -1
        if found >= 0 and span[0] >= 0:
            shift = found - start if isinstance(start, int) and start >= 0 else 0
            span = (span[0] + shift, span[1] + shift)
        start = found if found >= 0 else 0
    spans = [span] if span[0] is not None and span[0] >= 0 and span[1] > span[0] else []
    field = item.get("field") or ""
    return {
        "field": field,
        "targets": " ".join(EVIDENCE_FIELDS.get(field, (field,))),
        "html": highlighted(sentence, start, spans),
        "confidence": item.get("confidence"),
        "note": item.get("note") or "",
        "has_span": bool(spans),
    }


def body_with_spans(body: str, evidence: list[dict]) -> SafeString:
    spans = [
        (e.get("span_start"), e.get("span_end"))
        for e in evidence
        if isinstance(e.get("span_start"), int) and e.get("span_start", -1) >= 0 and e.get("span_end", -1) > e["span_start"]
    ]
    merged: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return highlighted(body, 0, merged)


def figures_text(obj, prefix: str) -> str:
    low, best, high = (getattr(obj, f"{prefix}_{k}") for k in ("low", "best", "high"))
    if best is None and low is None and high is None:
        return "–"
    if low in (None, best) and high in (None, best):
        return str(best)
    return f"{best} ({low if low is not None else '?'}–{high if high is not None else '?'})"


def source_panels(event: Event) -> list[dict]:
    """Each source story with its metadata, figures and evidence, for the change page."""
    sources = (
        EventSource.objects.filter(event=event)
        .select_related("story", "story__outlet")
        .order_by("story__published", "id")
    )
    panels = []
    for source in sources:
        story = source.story
        items = [evidence_item(story.body, item) for item in source.evidence or [] if isinstance(item, dict)]
        panels.append(
            {
                "source": source,
                "story": story,
                "story_admin_url": reverse("admin:events_story_change", args=[story.pk]),
                "split_url": reverse("admin:events_event_split", args=[event.pk, source.pk]),
                "items": items,
                "fatalities": figures_text(source, "fatalities"),
                "injured": figures_text(source, "injured"),
                "body": body_with_spans(story.body, source.evidence or []),
            }
        )
    bests = {p: {getattr(x["source"], f"{p}_best") for x in panels} - {None} for p in FIGURES}
    for prefix in FIGURES:
        disagree = len(bests[prefix]) > 1
        for panel in panels:
            panel[f"{prefix}_disagree"] = disagree
    return panels


def _display(event: Event, name: str, value, labels: dict) -> str:
    """A field value as a curator reads it: labels for choices, names for actors and places."""
    if value in (None, ""):
        return "—"
    field = Event._meta.get_field(name)
    if name in ("actor1", "actor2"):
        return labels.get(name) or str(Actor.objects.filter(pk=value).first() or f"actor #{value}")
    if name == "place":
        return labels.get(name) or str(Place.objects.filter(pk=value).first() or f"place #{value}")
    if field.choices:
        flat = dict(field.flatchoices)
        try:
            return str(flat.get(field.to_python(value), value))
        except Exception:  # noqa: BLE001 - an unexpected proposal is shown as stored
            return str(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def proposals(event: Event) -> dict:
    """For each curatable field: the extractor's value, the current one, and whether they differ."""
    extracted = event.extracted or {}
    labels = extracted.get("labels") or {}
    rows = {}
    curated = set(event.curated_fields or ())
    for name in CURATABLE_FIELDS:
        field = Event._meta.get_field(name)
        current = getattr(event, field.attname)
        has_proposal = name in extracted
        proposed = extracted.get(name)
        try:
            proposed_value = field.to_python(proposed) if proposed is not None else None
        except Exception:  # noqa: BLE001
            proposed_value = proposed
        current_labels = {"actor1": str(event.actor1 or ""), "actor2": str(event.actor2 or ""), "place": str(event.place or "")}
        rows[name] = {
            "has_proposal": has_proposal,
            "proposed": _display(event, name, proposed_value, labels) if has_proposal else "",
            "proposed_raw": "" if proposed_value is None else (proposed_value.isoformat() if hasattr(proposed_value, "isoformat") else proposed_value),
            "current": _display(event, name, current, current_labels),
            "differs": has_proposal and proposed_value != current and not (proposed_value in (None, "") and current in (None, "")),
            "curated": name in curated,
        }
    return rows


def review_reasons_html(event: Event) -> SafeString:
    reasons = (event.extracted or {}).get("review_reasons") or []
    if not reasons:
        return mark_safe("")
    return format_html_join("", "<li>{}</li>", ((r,) for r in reasons))
