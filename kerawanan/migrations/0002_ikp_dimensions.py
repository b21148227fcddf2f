"""The four dimensions of Bawaslu's Indeks Kerawanan Pemilu and their sub-dimensions, as the
starting taxonomy (kerawanan.enums.IKP_TAXONOMY); province KPU staff edit it afterwards. The
same seed runs again wherever it may have been emptied (the demo, the tests): names that are
already there are kept."""

from django.db import migrations

from kerawanan.enums import IKP_TAXONOMY


def seed(apps, schema_editor):
    dimension_model = apps.get_model("kerawanan", "IkpDimension")
    for order, (name, children) in enumerate(IKP_TAXONOMY, start=1):
        parent, _created = dimension_model.objects.get_or_create(
            name=name, parent=None, defaults={"order": order}
        )
        for child_order, child in enumerate(children, start=1):
            dimension_model.objects.get_or_create(
                name=child, parent=parent, defaults={"order": child_order}
            )


class Migration(migrations.Migration):
    dependencies = [("kerawanan", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
