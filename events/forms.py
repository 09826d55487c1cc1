"""Admin forms: the curator's event form (optimistic lock, place fill), merge and place forms."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from django import forms
from django.db import connection
from django.forms.models import model_to_dict

from .choices import CURATABLE_FIELDS, GeoPrecision, ReviewStatus
from .models import Event, Place

# What choosing a place writes into the event, unless the curator typed those fields too.
PLACE_FILLED_FIELDS = ("location", "admin1", "country", "country_code", "latitude", "longitude", "geo_precision")
EDITABLE_STATUSES = [(s.value, s.label) for s in ReviewStatus if s != ReviewStatus.MERGED]

# Gazetteer kinds that mean a region (ACLED geo_precision 3) or a small area (2).
REGION_KINDS = {"country", "province", "governorate", "region", "state", "admin1"}
AREA_KINDS = {"area", "district", "quarter", "neighbourhood", "neighborhood", "camp"}


@lru_cache(maxsize=1)
def gazetteer():
    """The shared gazetteer, loaded on first use (about a second)."""
    from extraction.places import Gazetteer

    return Gazetteer.load()


def geo_precision_for(kind: str) -> int:
    kind = (kind or "").lower()
    if kind in REGION_KINDS:
        return GeoPrecision.REGION
    if kind in AREA_KINDS:
        return GeoPrecision.NEAR_TOWN
    return GeoPrecision.TOWN


def place_values(place: Place) -> dict:
    """The event fields a place determines."""
    return {
        "location": place.name,
        "admin1": place.admin1,
        "country": place.country,
        "country_code": place.country_code,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "geo_precision": geo_precision_for(place.kind),
    }


def _as_data(value):
    """A model value as a browser would post it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


class EventChangeForm(forms.ModelForm):
    """The curator's event form.

    `lock_version` carries the version the form was loaded at. On save the
    row is locked and its version compared: when someone else saved in
    between, nothing is saved; the form comes back with their changes taken
    in wherever this curator did not touch the field, both values listed
    where both changed it, and a new lock version, so the next save is a
    deliberate one.
    """

    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    release_fields = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Release to the extractor",
        help_text="Ticked fields lose their curated lock and take the extractor's proposed value again.",
    )

    # Set by the admin's history (revert) view: the instance is an old version.
    reverting = False

    class Meta:
        model = Event
        fields = [*CURATABLE_FIELDS, "assoc_actors1", "assoc_actors2", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict = None  # {"user", "date", "taken": [...], "both": [...]} after a version conflict
        self.filled_from_place: list[str] = []
        if "status" in self.fields:
            self.fields["status"].choices = EDITABLE_STATUSES
        if self.instance.pk:
            version = self.instance.version
            if self.reverting:
                version = Event.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
            self.fields["lock_version"].initial = version
            curated = list(self.instance.curated_fields or [])
            self.fields["release_fields"].choices = [(f, Event._meta.get_field(f).verbose_name) for f in curated]
        if not self.fields["release_fields"].choices:
            self.fields["release_fields"].widget = forms.MultipleHiddenInput()
        for name in ("latitude", "longitude"):
            if name in self.fields:
                self.fields[name].widget.attrs.setdefault("step", "any")

    # --- validation ------------------------------------------------------------------

    def clean(self):
        cleaned = super().clean()
        self._fill_from_place(cleaned)
        self._check_version(cleaned)
        return cleaned

    def _fill_from_place(self, cleaned: dict) -> None:
        place = cleaned.get("place")
        if "place" not in self.changed_data or place is None:
            return
        for name, value in place_values(place).items():
            if name in self.fields and name not in self.changed_data:
                if value in (None, "") and name in ("location",):
                    continue
                cleaned[name] = value
                if getattr(self.instance, name) != value:
                    self.filled_from_place.append(name)

    def _check_version(self, cleaned: dict) -> None:
        if not self.instance.pk:
            return
        expected = cleaned.get("lock_version")
        rows = Event.objects.filter(pk=self.instance.pk)
        if connection.in_atomic_block:
            rows = rows.select_for_update()  # held until the admin's transaction ends, across save_model
        current = rows.values_list("version", flat=True).first()
        if current is None or expected == current:
            return
        self.conflict = self._merge_concurrent_changes(expected, current)
        raise forms.ValidationError(
            "Someone else saved this event while you were editing it. Nothing was saved: "
            "check the changes listed above, then save again.",
            code="stale",
        )

    def _merge_concurrent_changes(self, expected, current) -> dict:
        """Take in the other save's changes wherever this curator left the field alone."""
        history = self.instance.history
        latest = history.order_by("-history_date", "-history_id").first()
        base = history.filter(version=expected).order_by("-history_date", "-history_id").first() if expected else None
        conflict = {
            "user": getattr(latest, "history_user", None),
            "date": getattr(latest, "history_date", None),
            "taken": [],
            "both": [],
            "expected": expected,
            "current": current,
        }
        data = self.data.copy()
        data["lock_version"] = str(current)
        if base is not None and not self.reverting:
            fresh = Event.objects.get(pk=self.instance.pk)
            base_values = model_to_dict(base.instance, fields=CURATABLE_FIELDS)
            now_values = model_to_dict(fresh, fields=CURATABLE_FIELDS)
            for name in CURATABLE_FIELDS:
                if name not in self.fields or base_values.get(name) == now_values.get(name):
                    continue
                field = self.fields[name]
                label = str(field.label or name)
                mine = self[name].data
                entry = {"field": name, "label": label, "before": base_values.get(name), "theirs": now_values.get(name)}
                if field.has_changed(base_values.get(name), mine):
                    if field.has_changed(now_values.get(name), mine):
                        entry["mine"] = mine
                        conflict["both"].append(entry)
                else:
                    value = _as_data(now_values.get(name))
                    if isinstance(field.widget, forms.CheckboxInput) and not value:
                        data.pop(name, None)
                    else:
                        data[name] = value
                    conflict["taken"].append(entry)
        self.data = data
        return conflict

    # --- what the save changes --------------------------------------------------------

    def curation_changes(self) -> list[str]:
        """Model fields this save changes (typed by the curator or filled from the place)."""
        names = [*self.changed_data, *self.filled_from_place]
        return [n for n in dict.fromkeys(names) if n in CURATABLE_FIELDS or n == "status"]


class MergeForm(forms.Form):
    """Choose which of the selected events survives a merge."""

    survivor = forms.ModelChoiceField(queryset=Event.objects.none(), widget=forms.RadioSelect, empty_label=None)

    def __init__(self, *args, events=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survivor"].queryset = Event.objects.filter(pk__in=[e.pk for e in events or []])
        self.fields["survivor"].label_from_instance = lambda e: f"#{e.pk} {e}"


class PlaceForm(forms.ModelForm):
    """A place; a new name with no coordinates is looked up in the gazetteer on save."""

    lookup_gazetteer = forms.BooleanField(
        required=False,
        initial=True,
        label="Fill from the gazetteer",
        help_text="When coordinates are empty, look the name up (with the country code as a hint) and fill "
        "coordinates, admin1, country and gazetteer id.",
    )

    class Meta:
        model = Place
        fields = ["name", "aliases", "kind", "admin1", "country", "country_code", "latitude", "longitude", "gazetteer_id"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("lookup_gazetteer") and cleaned.get("name") and cleaned.get("latitude") is None:
            found = gazetteer().lookup(cleaned["name"], country_hint=cleaned.get("country_code") or None)
            if found is None:
                self.add_error("name", "The gazetteer does not know this name: enter the coordinates yourself.")
                return cleaned
            for name, value in resolution_values(found).items():
                if not cleaned.get(name) or name in ("latitude", "longitude"):
                    cleaned[name] = value
            taken = Place.objects.filter(gazetteer_id=cleaned.get("gazetteer_id")).exclude(pk=self.instance.pk)
            if cleaned.get("gazetteer_id") and taken.exists():
                self.add_error(None, f"The gazetteer place {cleaned['gazetteer_id']} is already stored as “{taken.first()}”.")
        return cleaned


def resolution_values(found) -> dict:
    """Place fields from an extraction.records.PlaceResolution."""
    return {
        "kind": found.kind,
        "admin1": found.admin1,
        "country": found.country,
        "country_code": found.iso2,
        "latitude": found.latitude,
        "longitude": found.longitude,
        "gazetteer_id": found.gazetteer_id,
    }
