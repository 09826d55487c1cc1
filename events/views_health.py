"""A health check for load balancers and for `scripts/run`: is the database reachable?"""
from django.db import connection
from django.http import JsonResponse


def health(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure means "not healthy"
        return JsonResponse({"status": "error", "database": str(exc).splitlines()[0]}, status=503)
    return JsonResponse({"status": "ok"})
