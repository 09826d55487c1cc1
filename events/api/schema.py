"""The OpenAPI parameters of the event filters say what the FilterSet accepts.

drf-spectacular reads a filter's type from the model; the limits live on
the filter's form field (max_length, min_value, max_value, no NUL byte).
Copying them into the schema lets a client, or a fuzzer, know a valid query
string from an invalid one without asking the server.
"""

from __future__ import annotations

from drf_spectacular.contrib.django_filters import DjangoFilterExtension

NO_NUL = "^[^\\u0000]*$"  # Django's form fields refuse NUL bytes (PostgreSQL cannot store them)


class FilterLimitsExtension(DjangoFilterExtension):
    """DjangoFilterExtension, plus each form field's limits on its parameter."""

    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(auto_schema, model, filterset_class, field_name, filter_field)
        field = filter_field.field
        for parameter in parameters:
            schema = parameter["schema"]
            if not parameter.get("explode"):
                parameter["allowEmptyValue"] = True  # an empty field of the reader's form means "any", as here
            schema = schema.get("items", schema)
            if schema.get("type") == "string" and "enum" not in schema and "format" not in schema:
                schema["pattern"] = NO_NUL
                if getattr(field, "max_length", None):
                    schema["maxLength"] = field.max_length
            if schema.get("type") in ("integer", "number"):
                for bound, attribute in (("minimum", "min_value"), ("maximum", "max_value")):
                    if getattr(field, attribute, None) is not None:
                        schema[bound] = field_limit(getattr(field, attribute))
        return parameters


def field_limit(value):
    return int(value) if float(value).is_integer() else float(value)
