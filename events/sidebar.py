"""The reader's filter sidebar: EventFilterSet's own form, with widgets fit for a sidebar.

The filterset decides what each parameter means and how it is validated;
this module only changes how its fields are drawn (checkboxes instead of
multiple selects, date pickers, suggestion lists), in which groups, and how
the filters in use and the problems with them are worded above the results.
Suggestions never read the events' rows: countries come from an index
skip-scan, actors and outlets from their own small tables, all cached.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.core.cache import cache

from extraction import taxonomy
from extraction.gazetteer import country_name

from .admin.filters import distinct_country_codes
from .models import Actor, Outlet

SUGGESTIONS_CACHE_SECONDS = 300
MAX_SUGGESTIONS = 1000  # beyond this a datalist costs more page than it saves typing

GROUPS = (
    ("Full text", ("q",)),
    ("When", ("date_from", "date_to", "time_precision")),
    ("Where", ("country", "admin1", "place", "geo_precision")),
    ("Who", ("actor",)),
    ("What", ("event_type", "sub_event_type", "civilian_targeting", "fatalities_min", "fatalities_max")),
    ("Review and sources", ("verified", "status", "outlet")),
    ("Order", ("sort",)),
)
# Parameters the sidebar does not draw but keeps when the form is sent again.
KEPT_HIDDEN = ("updated_since", "uid")
DATALISTS = {"country": "country-options", "actor": "actor-options", "outlet": "outlet-options"}


class YesCheckbox(forms.CheckboxInput):
    """A checkbox for a yes/no filter. The value goes to the filterset's field as typed, so that
    `verified=1` or `verified=maybe` mean here exactly what they mean to the exports and the API."""

    def __init__(self, field: forms.Field, attrs=None):
        def checked(value) -> bool:
            try:
                return field.to_python(value) is True
            except forms.ValidationError:
                return False

        super().__init__(attrs, check_test=checked)

    def format_value(self, value):
        return "true"  # what a ticked box sends, whatever the link said

    def value_from_datadict(self, data, files, name):
        return data.get(name)


class AnyYesNoSelect(forms.Select):
    """Any / Yes / No for a yes/no filter; "Any" sends nothing; the value goes to the field as typed."""

    def __init__(self, field: forms.Field, attrs=None):
        super().__init__(attrs, choices=[("", "Any"), ("true", "Yes"), ("false", "No")])
        self.field = field

    def format_value(self, value):
        try:
            parsed = self.field.to_python(value)
        except forms.ValidationError:
            parsed = None
        return [{True: "true", False: "false"}.get(parsed, "")]

    def value_from_datadict(self, data, files, name):
        return data.get(name)


@dataclass
class FieldGroup:
    legend: str
    fields: list  # BoundFields
    open: bool


@dataclass
class Checkbox:
    value: str
    label: str
    id: str
    checked: bool


# Drawn by the sidebar's own template: Django's widget templates (three per box) cost more than the query.
CHECKBOX_FIELDS = ("event_type", "sub_event_type", "time_precision", "geo_precision", "status")


def checkbox_groups(bound) -> list[tuple[str, list[Checkbox]]]:
    """[(group label or "", [Checkbox, ...]), ...] for a multiple-choice field, ticked as the query string says."""
    chosen = {str(v) for v in (bound.value() or [])}
    groups, index = [], 0
    for group, options, _ in bound.field.widget.optgroups(bound.html_name, []):
        boxes = []
        for option in options:
            value = str(option["value"])
            boxes.append(Checkbox(value, str(option["label"]), f"{bound.auto_id}_{index}", value in chosen))
            index += 1
        groups.append((group or "", boxes))
    return groups


def prepare_form(form: forms.Form) -> forms.Form:
    """Swap the filterset form's widgets for sidebar ones; validation stays the filterset's."""
    form.label_suffix = ""
    fields = form.fields
    for name in ("date_from", "date_to"):
        fields[name].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    for name in ("event_type", "time_precision", "geo_precision", "status"):
        fields[name].widget = forms.CheckboxSelectMultiple(choices=fields[name].choices)
    # Sub-types grouped under their type, as in ACLED's codebook.
    fields["sub_event_type"].widget = forms.CheckboxSelectMultiple(
        choices=[(etype, [(s, s) for s in subs]) for etype, subs in taxonomy.TAXONOMY.items()]
    )
    fields["verified"].widget = YesCheckbox(fields["verified"])
    fields["civilian_targeting"].widget = AnyYesNoSelect(fields["civilian_targeting"])
    for name in ("fatalities_min", "fatalities_max"):
        fields[name].widget.attrs.update({"min": 0, "step": 1, "inputmode": "numeric"})
    fields["q"].widget = forms.TextInput(attrs={"type": "search", "maxlength": fields["q"].max_length})
    fields["sort"].choices = [("", "Newest first (default)"), *list(fields["sort"].choices)[1:]]
    for name, datalist in DATALISTS.items():
        fields[name].widget.attrs.update({"list": datalist, "autocomplete": "off"})
    return form


def show_rejected_values(form: forms.Form) -> None:
    """A date picker cannot show a malformed date: a field in error becomes a text box holding what was typed."""
    for name in ("date_from", "date_to"):
        if name in form.errors:
            form.fields[name].widget = forms.TextInput(attrs={"placeholder": "YYYY-MM-DD"})


@dataclass
class Problem:
    """One thing wrong with the query string: where (label and parameter), what, and the field to fix."""

    where: str
    message: str
    field_id: str = ""

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        return text if text.endswith(".") else text + "."


def problems(filterset) -> list[Problem]:
    """Each invalid parameter, by its label and name: "From (date_from): Enter a valid date."."""
    found = []
    for name, errors in filterset.errors.items():
        label = filterset.filters[name].label if name in filterset.filters else ""
        where = f"{label} ({name})" if label and label != name else name
        field_id = f"id_{name}" if name in filterset.form.fields else ""
        found.append(Problem(where, " ".join(errors), field_id))
    return found


def error_message(filterset) -> str:
    return " ".join(str(p) for p in problems(filterset))


def field_groups(form: forms.Form, data) -> list[FieldGroup]:
    """The sidebar's fieldsets; a group opens when one of its filters is in use (or has an error)."""
    show_rejected_values(form)
    groups = []
    any_error = bool(form.errors)
    for legend, names in GROUPS:
        bound = [form[name] for name in names]
        for field in bound:
            field.checkbox_groups = checkbox_groups(field) if field.name in CHECKBOX_FIELDS else None
        in_use = any(data.get(name) for name in names) or any(form.errors.get(name) for name in names)
        # With an error, only the groups in use are open, so that the field to correct is in sight.
        usual = not any_error and legend in ("Full text", "When", "Where")
        groups.append(FieldGroup(legend=legend, fields=bound, open=in_use or usual))
    return groups


def active_filters(filterset, filters) -> list[tuple[str, str, str]]:
    """(label, value, query string without that filter) for each filter in use, as the filterset words them."""
    names = {str(f.label or name): name for name, f in filterset.filters.items()}
    shown = []
    for label, value in filterset.active_filters():
        rest = filters.copy()
        rest.pop(names.get(label, label), None)
        shown.append((label, value, f"?{rest.urlencode()}" if rest else "?"))
    return shown


def hidden_parameters(data) -> list[tuple[str, str]]:
    """(name, value) of the parameters the sidebar keeps without drawing them."""
    return [(name, value) for name in KEPT_HIDDEN for value in data.getlist(name) if value]


def suggestions() -> dict[str, list[str]]:
    """Values for the country, actor and outlet suggestion lists, cached for a few minutes."""
    cached = cache.get("conflictdb:reader:suggestions")
    if cached is None:
        countries = sorted({country_name(code) for code in distinct_country_codes() if code})
        actors = list(Actor.objects.order_by("name").values_list("name", flat=True)[: MAX_SUGGESTIONS + 1])
        outlets = list(Outlet.objects.order_by("name").values_list("name", flat=True)[: MAX_SUGGESTIONS + 1])
        cached = {
            DATALISTS["country"]: countries,
            DATALISTS["actor"]: actors if len(actors) <= MAX_SUGGESTIONS else [],
            DATALISTS["outlet"]: outlets if len(outlets) <= MAX_SUGGESTIONS else [],
        }
        cache.set("conflictdb:reader:suggestions", cached, SUGGESTIONS_CACHE_SECONDS)
    return cached
