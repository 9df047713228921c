from django.db import migrations


class Migration(migrations.Migration):
    """The page cache's stamps are gone with the page cache; its table goes too."""

    dependencies = [("security", "0001_initial")]

    operations = [migrations.RunSQL("DROP TABLE IF EXISTS pagecache_stamp", migrations.RunSQL.noop)]
