"""One error shape for the whole API: `{"error": "one line"}`, plus `"errors"` per parameter for a 400.

The export views (events/views_export.py) answer a bad query string with
the same shape, so a client handles both the same way.
"""

from __future__ import annotations

from django.db import OperationalError
from psycopg.errors import QueryCanceled
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler

TOO_SLOW = (
    "The query ran past the database's time limit (DB_STATEMENT_TIMEOUT_MS). "
    "Narrow it: a date range, a country, a rarer search word."
)


def api_exception_handler(exc, context):
    """DRF's handler, with its `{"detail": ...}` and `{field: [...]}` bodies reshaped.

    A query cancelled by the statement timeout is the server's limit, not a
    crash: 503 with what to do, instead of a 500.
    """
    if isinstance(exc, OperationalError) and isinstance(exc.__cause__, QueryCanceled):
        return Response({"error": TOO_SLOW}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
    response = exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(exc, ValidationError):
        errors = data if isinstance(data, dict) else {"non_field_errors": data}
        response.data = {"error": one_line(errors), "errors": errors}
    elif isinstance(data, dict) and "detail" in data:
        response.data = {"error": str(data["detail"])}
    return response


def one_line(errors: dict) -> str:
    """`country: Unknown country 'Atlantis' ...; limit: Give a whole number ...`"""
    return "; ".join(f"{field}: {' '.join(str(m) for m in messages)}" for field, messages in errors.items())
