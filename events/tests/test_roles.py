"""Roles: a curator reviews and edits, cannot manage users; a reader has no admin access."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.urls import reverse

from events.roles import CURATOR_GROUP, curator_codenames, ensure_curator_group
from events.tests.personas import CAROL_PASSWORD, carol, make_event  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_migration_created_the_curator_group_with_its_permissions():
    group = Group.objects.get(name=CURATOR_GROUP)
    have = {(p.content_type.app_label, p.codename) for p in group.permissions.select_related("content_type")}
    assert have == set(curator_codenames())
    assert ("events", "change_event") in have and ("events", "change_place") in have
    assert not any(app == "auth" for app, _ in have)
    assert ("events", "delete_event") not in have


def test_ensure_curator_group_is_idempotent_and_repairs_the_group():
    group = ensure_curator_group()
    group.permissions.add(Permission.objects.get(codename="delete_user"))
    ensure_curator_group()
    assert not group.permissions.filter(codename="delete_user").exists()
    assert Group.objects.filter(name=CURATOR_GROUP).count() == 1


@pytest.mark.parametrize("model", ["event", "actor", "place", "story", "eventsource"])
def test_curator_may_review_and_edit(carol, model):
    assert carol.has_perm(f"events.view_{model}")
    assert carol.has_perm(f"events.change_{model}")


@pytest.mark.parametrize("perm", ["auth.view_user", "auth.change_user", "auth.add_user", "auth.change_group", "events.delete_event"])
def test_curator_may_not_manage_users_or_delete_events(carol, perm):
    assert not carol.has_perm(perm)


def test_curator_can_log_in_and_work_in_the_admin(client, carol):
    assert client.login(username="carol", password=CAROL_PASSWORD)
    event = make_event()
    for url in (
        reverse("admin:events_event_changelist"),
        reverse("admin:events_event_change", args=[event.pk]),
        reverse("admin:events_actor_changelist"),
        reverse("admin:events_place_changelist"),
        reverse("admin:events_story_changelist"),
        reverse("admin:events_event_history", args=[event.pk]),
    ):
        assert client.get(url).status_code == 200, url


def test_curator_is_refused_user_management(client, carol, alice):
    client.force_login(carol)
    for url in (
        reverse("admin:auth_user_changelist"),
        reverse("admin:auth_user_change", args=[alice.pk]),
        reverse("admin:auth_group_changelist"),
    ):
        assert client.get(url).status_code == 403, url
    index = client.get(reverse("admin:index")).content.decode()
    assert "/admin/auth/user/" not in index


def test_curator_cannot_delete_an_event(client, carol):
    client.force_login(carol)
    event = make_event()
    assert client.get(reverse("admin:events_event_delete", args=[event.pk])).status_code == 403
    page = client.get(reverse("admin:events_event_changelist")).content.decode()
    assert "delete_selected" not in page


def test_reader_has_no_admin_access(client, rita):
    client.force_login(rita)
    response = client.get(reverse("admin:events_event_changelist"))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]
    response = client.post(reverse("admin:login"), {"username": "rita", "password": "rita-pass-123"})
    assert response.status_code == 200  # refused: not a staff account
    assert "staff account" in response.content.decode()


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(reverse("admin:events_event_changelist"))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


def test_superuser_manages_users(client, alice):
    client.force_login(alice)
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 200


# --- manage.py createcurator ----------------------------------------------------------------


def test_createcurator_makes_a_staff_curator(django_user_model, monkeypatch, capsys):
    monkeypatch.setenv("CURATOR_PASSWORD", "a-long-curator-pass-9")
    call_command("createcurator", "dana", "--email", "dana@example.org", "--no-input")
    dana = django_user_model.objects.get(username="dana")
    assert dana.is_staff and not dana.is_superuser and dana.email == "dana@example.org"
    assert dana.groups.filter(name=CURATOR_GROUP).exists()
    assert dana.check_password("a-long-curator-pass-9")
    assert dana.has_perm("events.change_event") and not dana.has_perm("auth.change_user")
    assert "curator" in capsys.readouterr().out


def test_createcurator_without_password_leaves_it_unusable(django_user_model, monkeypatch, capsys):
    monkeypatch.delenv("CURATOR_PASSWORD", raising=False)
    call_command("createcurator", "erin", "--no-input")
    erin = django_user_model.objects.get(username="erin")
    assert not erin.has_usable_password()
    assert "changepassword erin" in capsys.readouterr().out


def test_createcurator_promotes_an_existing_account_and_keeps_its_password(rita, monkeypatch):
    monkeypatch.delenv("CURATOR_PASSWORD", raising=False)
    call_command("createcurator", "rita", "--no-input")
    rita.refresh_from_db()
    assert rita.is_staff and rita.groups.filter(name=CURATOR_GROUP).exists()
    assert rita.check_password("rita-pass-123")


def test_createcurator_refuses_a_weak_password(monkeypatch, django_user_model):
    monkeypatch.setenv("CURATOR_PASSWORD", "123")
    with pytest.raises(CommandError):
        call_command("createcurator", "frank", "--no-input")
    assert not django_user_model.objects.filter(username="frank").exists()


def test_createcurator_prompts_for_the_password(monkeypatch, django_user_model):
    monkeypatch.delenv("CURATOR_PASSWORD", raising=False)
    answers = iter(["a-long-curator-pass-9", "a-long-curator-pass-9"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    call_command("createcurator", "gina")
    assert django_user_model.objects.get(username="gina").check_password("a-long-curator-pass-9")
