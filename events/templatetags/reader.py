"""Template filters of the reader's pages: figures with their range, precision in words."""

from __future__ import annotations

from django import template

from extraction.gazetteer import country_name

from ..event_detail import GEO_PRECISION_MEANING, TIME_PRECISION_MEANING, figures

register = template.Library()

TIME_PRECISION_SHORT = {1: "", 2: "week", 3: "month"}
GEO_PRECISION_SHORT = {1: "", 2: "near", 3: "region"}


@register.filter
def fatalities(event) -> str:
    """ "43", "43 (40–50)" when the sources disagree, "–" when not reported."""
    shown = figures(event, "fatalities")
    return shown.text if shown.reported else "–"


@register.filter
def fatalities_range(event) -> bool:
    return figures(event, "fatalities").is_range


@register.filter
def time_precision_short(code) -> str:
    """Nothing for a known day; "week" or "month" when only that is known."""
    return TIME_PRECISION_SHORT.get(code, "")


@register.filter
def time_precision_meaning(code) -> str:
    return TIME_PRECISION_MEANING.get(code, "")


@register.filter
def geo_precision_short(code) -> str:
    return GEO_PRECISION_SHORT.get(code, "")


@register.filter
def geo_precision_meaning(code) -> str:
    return GEO_PRECISION_MEANING.get(code, "")


@register.filter
def country_label(event) -> str:
    """The country as stored, else the name of its ISO code, else a dash."""
    return event.country or (country_name(event.country_code) if event.country_code else "") or "–"
