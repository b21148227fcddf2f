"""A meeting series becomes one recurring calendar event: the series gets its own iCalendar
identity (uid, sequence) and the pattern of its rule (the first occurrence's times, place, link
and agenda); each occurrence made from now on records its RECURRENCE-ID.

Series made before this keep sending each occurrence under its own UID (their occurrences have
no recurrence_id): their invitees already hold one calendar entry per occurrence."""

import uuid
from datetime import timedelta

from django.db import migrations, models


def series_fill(apps, schema_editor):
    MeetingSeries = apps.get_model("coordination", "MeetingSeries")
    Meeting = apps.get_model("coordination", "Meeting")
    for series in MeetingSeries.objects.all():
        first = Meeting.objects.filter(series=series).order_by("starts_at", "pk").first()
        series.uid = uuid.uuid4()
        if first is not None:
            series.starts_at, series.ends_at = first.starts_at, first.ends_at
            series.location, series.online_url = first.location, first.online_url
            series.agenda = first.agenda
        else:
            series.starts_at = series.created_at
            series.ends_at = series.created_at + timedelta(hours=1)
        series.save(
            update_fields=["uid", "starts_at", "ends_at", "location", "online_url", "agenda"]
        )


class Migration(migrations.Migration):

    dependencies = [
        ("coordination", "0005_delivery_channels"),
    ]

    operations = [
        migrations.AddField(
            model_name="meeting",
            name="recurrence_id",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="meetingseries",
            name="sequence",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="meetingseries",
            name="location",
            field=models.CharField(blank=True, max_length=300, verbose_name="tempat"),
        ),
        migrations.AddField(
            model_name="meetingseries",
            name="online_url",
            field=models.URLField(blank=True, max_length=500, verbose_name="tautan daring"),
        ),
        migrations.AddField(
            model_name="meetingseries",
            name="agenda",
            field=models.TextField(blank=True, verbose_name="agenda"),
        ),
        migrations.AddField(
            model_name="meetingseries",
            name="starts_at",
            field=models.DateTimeField(null=True, verbose_name="mulai pertemuan pertama"),
        ),
        migrations.AddField(
            model_name="meetingseries",
            name="ends_at",
            field=models.DateTimeField(null=True, verbose_name="selesai pertemuan pertama"),
        ),
        migrations.AddField(
            model_name="meetingseries",
            name="uid",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(series_fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="meetingseries",
            name="starts_at",
            field=models.DateTimeField(verbose_name="mulai pertemuan pertama"),
        ),
        migrations.AlterField(
            model_name="meetingseries",
            name="ends_at",
            field=models.DateTimeField(verbose_name="selesai pertemuan pertama"),
        ),
        migrations.AlterField(
            model_name="meetingseries",
            name="uid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AddConstraint(
            model_name="meeting",
            constraint=models.UniqueConstraint(
                condition=models.Q(("recurrence_id__isnull", False)),
                fields=("series", "recurrence_id"),
                name="meeting_unique_series_recurrence",
            ),
        ),
    ]
