"""The four dimensions of Bawaslu's Indeks Kerawanan Pemilu and their sub-dimensions, as the
starting taxonomy; province KPU staff edit it afterwards (names kept if already there)."""

from django.db import migrations

DIMENSIONS = [
    (
        "Konteks sosial politik",
        [
            "Keamanan",
            "Otoritas penyelenggara pemilu",
            "Otoritas penyelenggara negara",
            "Relasi kuasa di tingkat lokal",
        ],
    ),
    (
        "Penyelenggaraan pemilu",
        [
            "Hak memilih",
            "Pelaksanaan kampanye",
            "Pelaksanaan pemungutan suara",
            "Ajudikasi keberatan pemilu",
            "Pengawasan pemilu",
        ],
    ),
    ("Kontestasi", ["Hak dipilih", "Kampanye calon"]),
    ("Partisipasi", ["Partisipasi pemilih", "Partisipasi calon", "Partisipasi publik"]),
]


def seed(apps, schema_editor):
    dimension_model = apps.get_model("kerawanan", "IkpDimension")
    for order, (name, children) in enumerate(DIMENSIONS, start=1):
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
