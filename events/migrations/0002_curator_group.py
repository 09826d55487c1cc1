"""Create the Curator group with its permissions (events/roles.py defines them)."""

from django.db import migrations


def create_curator_group(apps, schema_editor):
    from events.roles import ensure_curator_group

    ensure_curator_group(apps)


def remove_curator_group(apps, schema_editor):
    from events.roles import CURATOR_GROUP

    apps.get_model("auth", "Group").objects.filter(name=CURATOR_GROUP).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("events", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_curator_group, remove_curator_group),
    ]
