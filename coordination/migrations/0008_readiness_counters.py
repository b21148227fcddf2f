"""Readiness counters (coordination/models/readiness_counts.py) and the trigger that keeps them.

The trigger is statement-level with transition tables: a bulk insert of 10,000 tasks makes one
grouped upsert, a status change two rows. It runs in the statement's transaction, so the counters
commit or roll back with the tasks. It takes the shared side of an advisory lock that the daily
overdue roll-over and a rebuild take exclusively (coordination/services/readiness_counts.py). Rows
are upserted in key order, regencies before provinces, so two writers never wait on each other in
a circle. SQLite (development only) has no trigger: there the dashboards count the tasks.
"""

from django.db import migrations, models

# pg_advisory_xact_lock key shared with coordination/services/readiness_counts.py (LOCK_KEY).
LOCK_KEY = 7_210_014

# The body, one statement per table; `changes` is the union of the transition tables with +1 for
# new row versions and -1 for old ones.
UPSERTS = """
    WITH changes AS ({changes}),
    keyed AS (
        SELECT election_id,
               CASE WHEN length(region_id) > 5 THEN left(region_id, 5) ELSE region_id END
                   AS region_code,
               agency_id, category, status, (status <> 'done' AND due_on < day) AS past_due, d
        FROM changes
    )
    INSERT INTO coordination_readinesscount AS c
        (election_id, region_code, agency_id, category, status, past_due, tasks)
    SELECT election_id, region_code, agency_id, category, status, past_due, sum(d)::integer
    FROM keyed
    GROUP BY election_id, region_code, agency_id, category, status, past_due
    HAVING sum(d) <> 0
    ORDER BY election_id, region_code, agency_id, category, status, past_due
    ON CONFLICT (election_id, region_code, agency_id, category, status, past_due)
    DO UPDATE SET tasks = c.tasks + EXCLUDED.tasks;

    WITH changes AS ({changes}),
    keyed AS (
        SELECT election_id, left(region_id, 2) AS province_code, category, status,
               (status <> 'done' AND due_on < day) AS past_due, d
        FROM changes
    )
    INSERT INTO coordination_readinessprovincecount AS p
        (election_id, province_code, category, status, past_due, tasks)
    SELECT election_id, province_code, category, status, past_due, sum(d)::integer
    FROM keyed
    GROUP BY election_id, province_code, category, status, past_due
    HAVING sum(d) <> 0
    ORDER BY election_id, province_code, category, status, past_due
    ON CONFLICT (election_id, province_code, category, status, past_due)
    DO UPDATE SET tasks = p.tasks + EXCLUDED.tasks;
"""

COLUMNS = "election_id, region_id, agency_id, category, status, due_on"
NEW = f"SELECT {COLUMNS}, 1 AS d FROM new_rows"
OLD = f"SELECT {COLUMNS}, -1 AS d FROM old_rows"

FUNCTION = f"""
CREATE OR REPLACE FUNCTION coordination_readiness_counts_apply() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    day date;
BEGIN
    PERFORM pg_advisory_xact_lock_shared({LOCK_KEY});
    SELECT as_of INTO day FROM coordination_readinesscountstate ORDER BY id LIMIT 1;
    day := COALESCE(day, '-infinity'::date);
    IF TG_OP = 'INSERT' THEN
        {UPSERTS.format(changes=NEW)}
    ELSIF TG_OP = 'UPDATE' THEN
        {UPSERTS.format(changes=NEW + " UNION ALL " + OLD)}
    ELSE
        {UPSERTS.format(changes=OLD)}
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER readiness_counts_insert AFTER INSERT ON coordination_readinesstask
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION coordination_readiness_counts_apply();
CREATE TRIGGER readiness_counts_update AFTER UPDATE ON coordination_readinesstask
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION coordination_readiness_counts_apply();
CREATE TRIGGER readiness_counts_delete AFTER DELETE ON coordination_readinesstask
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION coordination_readiness_counts_apply();
"""

REVERSE = """
DROP TRIGGER IF EXISTS readiness_counts_insert ON coordination_readinesstask;
DROP TRIGGER IF EXISTS readiness_counts_update ON coordination_readinesstask;
DROP TRIGGER IF EXISTS readiness_counts_delete ON coordination_readinesstask;
DROP FUNCTION IF EXISTS coordination_readiness_counts_apply();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(FUNCTION)
    # Fill the counters from the tasks already there, as of today.
    from coordination.services.readiness_counts import counts_rebuild

    counts_rebuild(using=schema_editor.connection.alias)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(REVERSE)


class Migration(migrations.Migration):
    dependencies = [
        ("coordination", "0007_outbox_reliability"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReadinessCountState",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("as_of", models.DateField()),
            ],
        ),
        migrations.CreateModel(
            name="ReadinessCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("region_code", models.CharField(max_length=13)),
                ("category", models.CharField(max_length=20)),
                ("status", models.CharField(max_length=20)),
                ("past_due", models.BooleanField()),
                ("tasks", models.IntegerField(default=0)),
                ("agency", models.ForeignKey(db_constraint=False, on_delete=models.deletion.DO_NOTHING, related_name="+", to="coordination.agency")),
                ("election", models.ForeignKey(db_constraint=False, on_delete=models.deletion.DO_NOTHING, related_name="+", to="coordination.election")),
            ],
            options={
                "indexes": [models.Index(fields=["region_code"], include=["election", "agency", "category", "status", "past_due", "tasks"], name="readiness_count_region_idx", opclasses=["varchar_pattern_ops"])],
                "constraints": [models.UniqueConstraint(fields=("election", "region_code", "agency", "category", "status", "past_due"), name="readiness_count_key")],
            },
        ),
        migrations.CreateModel(
            name="ReadinessProvinceCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("province_code", models.CharField(max_length=2)),
                ("category", models.CharField(max_length=20)),
                ("status", models.CharField(max_length=20)),
                ("past_due", models.BooleanField()),
                ("tasks", models.IntegerField(default=0)),
                ("election", models.ForeignKey(db_constraint=False, on_delete=models.deletion.DO_NOTHING, related_name="+", to="coordination.election")),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("election", "province_code", "category", "status", "past_due"), name="readiness_province_count_key")],
            },
        ),
        migrations.RunPython(install, uninstall, elidable=False),
    ]
