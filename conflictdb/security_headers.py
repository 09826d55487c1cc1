"""The Permissions-Policy header, which Django 5.2 and django-csp do not send.

Browsers read it to deny powerful features (camera, geolocation ...) to the
page and to anything it embeds; settings.PERMISSIONS_POLICY lists each
feature with the origins allowed to use it (an empty list denies it).
"""

from __future__ import annotations

from django.conf import settings


def permissions_policy_header(policy: dict[str, list[str]]) -> str:
    """{"camera": [], "fullscreen": ["self"]} -> 'camera=(), fullscreen=(self)'."""
    parts = []
    for feature, origins in policy.items():
        allowed = " ".join(origin if origin in ("self", "*") else f'"{origin}"' for origin in origins)
        parts.append(f"{feature}=({allowed})" if allowed != "*" else f"{feature}=*")
    return ", ".join(parts)


class PermissionsPolicyMiddleware:
    """Add Permissions-Policy to every response that has not set its own."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = permissions_policy_header(getattr(settings, "PERMISSIONS_POLICY", {}))

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response
