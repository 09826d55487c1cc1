"""Roles: who may do what in the admin.

* Curator - staff, in the "Curator" group: reviews and edits events, actors,
  places and stories (and the sources linking them); sees ingest runs.
  Cannot delete events (they are rejected instead), and cannot see or
  manage users or groups.
* Reader  - an account without staff status: no admin access at all.
* Superuser - everything, including users.

The permission list below is the single place the Curator role is defined;
the `curator_group` migration and `manage.py createcurator` both apply it.
"""

from __future__ import annotations

from typing import Optional

CURATOR_GROUP = "Curator"

# app label -> model -> actions
CURATOR_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "events": {
        "event": ("view", "add", "change"),
        "eventsource": ("view", "add", "change", "delete"),
        "story": ("view", "add", "change"),
        "actor": ("view", "add", "change"),
        "place": ("view", "add", "change"),
        "outlet": ("view", "add", "change"),
        "ingestrun": ("view", "add"),
        "ingestfailure": ("view",),
    },
}


def curator_codenames() -> list[tuple[str, str]]:
    """(app_label, codename) pairs of the Curator group's permissions."""
    return [
        (app, f"{action}_{model}")
        for app, models in CURATOR_PERMISSIONS.items()
        for model, actions in models.items()
        for action in actions
    ]


def ensure_curator_group(apps=None):
    """Create or update the Curator group with exactly its permissions; returns the group.

    `apps` is a migration's app registry (historical models) or None for the
    live one. Permissions are created first: on a fresh database they do not
    exist yet while migrations run.
    """
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    registry = apps or global_apps
    for app_config in registry.get_app_configs():
        app_config.models_module = True  # historical app configs have none; create_permissions needs it set
        create_permissions(app_config, apps=registry, verbosity=0)
    Group = registry.get_model("auth", "Group")
    Permission = registry.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=CURATOR_GROUP)
    wanted = []
    for app_label, codename in curator_codenames():
        permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
        if permission is None:
            raise LookupError(f"permission {app_label}.{codename} does not exist")
        wanted.append(permission)
    group.permissions.set(wanted)
    return group


def make_curator(username: str, *, email: str = "", password: Optional[str] = None):
    """Create (or promote) a staff user in the Curator group. Returns (user, created)."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    group = ensure_curator_group()
    user, created = User.objects.get_or_create(username=username, defaults={"email": email})
    if email and user.email != email:
        user.email = email
    user.is_staff = True
    user.is_active = True
    if password is not None:
        user.set_password(password)
    elif created:
        user.set_unusable_password()
    user.save()
    user.groups.add(group)
    return user, created
