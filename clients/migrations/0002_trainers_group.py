from django.db import migrations

TRAINERS_GROUP = "trainers"


def create_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=TRAINERS_GROUP)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=TRAINERS_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("clients", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
