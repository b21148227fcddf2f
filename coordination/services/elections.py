"""Writes of the election timeline and of checklist templates, as KPU province staff configure
them from the portal (a new deployment sets up its own election without the Django admin)."""

from collections.abc import Iterable
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from coordination import permissions
from coordination.models import Checklist, ChecklistItem, Election, ElectionStage, Person
from pilkada.common.validation import full_clean_or_raise

ITEM_FIELDS = (
    "title",
    "description",
    "category",
    "stage",
    "agency_kind",
    "days_before_voting",
    "priority",
)


def _require_manage(actor: Person | None) -> None:
    if actor is not None and not permissions.can_manage_elections(actor):
        raise PermissionDenied(_("Hanya staf KPU provinsi yang dapat mengatur pemilihan."))


def _clean(obj, *, exclude: Iterable[str] = ()) -> None:
    # Field checks and uniqueness with messages on the fields; constraints are checked by the
    # callers with their own wording.
    obj.full_clean(exclude=list(exclude), validate_constraints=False)


@transaction.atomic
def election_create(
    *, actor: Person | None, name: str, voting_day: date, is_active: bool = True
) -> Election:
    _require_manage(actor)
    election = Election(name=name.strip(), voting_day=voting_day, is_active=is_active)
    _clean(election)
    election.save()
    return election


# The Pilkada 2024 timeline (the 2024 stage regulation), used as the demo and as a template.
PILKADA_2024_NAME = "Pilkada Serentak 2024"
PILKADA_2024_VOTING_DAY = date(2024, 11, 27)
PILKADA_2024_STAGES = [
    ("Pembentukan badan ad hoc (PPK, PPS, KPPS)", date(2024, 4, 17), date(2024, 11, 5)),
    ("Pemutakhiran data pemilih", date(2024, 5, 31), date(2024, 9, 23)),
    ("Pendaftaran pasangan calon", date(2024, 8, 27), date(2024, 8, 29)),
    ("Penetapan pasangan calon", date(2024, 9, 22), date(2024, 9, 22)),
    ("Kampanye", date(2024, 9, 25), date(2024, 11, 23)),
    ("Masa tenang", date(2024, 11, 24), date(2024, 11, 26)),
    ("Pemungutan suara", date(2024, 11, 27), date(2024, 11, 27)),
    ("Penghitungan dan rekapitulasi suara", date(2024, 11, 27), date(2024, 12, 16)),
]


@transaction.atomic
def election_seed_pilkada_2024(*, shift_days: int = 0, name: str = PILKADA_2024_NAME) -> Election:
    """The Pilkada 2024 timeline as a system write (demo, benchmarks); `shift_days` moves every
    date (the demo plays it near today). Returns the existing election of that name unchanged."""
    existing = Election.objects.filter(name=name).first()
    if existing is not None:
        return existing
    shift = timedelta(days=shift_days)
    election = election_create(actor=None, name=name, voting_day=PILKADA_2024_VOTING_DAY + shift)
    for order, (stage_name, starts_on, ends_on) in enumerate(PILKADA_2024_STAGES, start=1):
        stage_create(
            actor=None,
            election=election,
            name=stage_name,
            starts_on=starts_on + shift,
            ends_on=ends_on + shift,
            order=order,
        )
    return election


@transaction.atomic
def election_update(
    *, actor: Person | None, election: Election, name: str, voting_day: date, is_active: bool
) -> Election:
    _require_manage(actor)
    election.name, election.voting_day, election.is_active = name.strip(), voting_day, is_active
    _clean(election)
    election.save(update_fields=["name", "voting_day", "is_active"])
    return election


def _check_stage(stage: ElectionStage) -> None:
    errors: dict[str, list[str]] = {}
    if stage.starts_on and stage.ends_on and stage.ends_on < stage.starts_on:
        errors["ends_on"] = [_("Tanggal selesai tidak boleh sebelum tanggal mulai.")]
    duplicate = ElectionStage.objects.filter(election=stage.election, name__iexact=stage.name)
    if stage.pk:
        duplicate = duplicate.exclude(pk=stage.pk)
    if stage.name and duplicate.exists():
        errors["name"] = [_("Pemilihan ini sudah punya tahapan dengan nama itu.")]
    full_clean_or_raise(stage, errors, exclude=["election"], validate_constraints=False)


@transaction.atomic
def stage_create(
    *,
    actor: Person | None,
    election: Election,
    name: str,
    starts_on: date,
    ends_on: date,
    order: int | None = None,
) -> ElectionStage:
    """Add a stage; without an order it goes after the last one."""
    _require_manage(actor)
    if order is None:
        last = election.stages.aggregate(last=Max("order"))["last"]
        order = (last or 0) + 1
    stage = ElectionStage(
        election=election, name=name.strip(), starts_on=starts_on, ends_on=ends_on, order=order
    )
    _check_stage(stage)
    stage.save()
    return stage


@transaction.atomic
def stage_update(
    *,
    actor: Person | None,
    stage: ElectionStage,
    name: str,
    starts_on: date,
    ends_on: date,
    order: int,
) -> ElectionStage:
    _require_manage(actor)
    stage.name, stage.starts_on, stage.ends_on, stage.order = (
        name.strip(),
        starts_on,
        ends_on,
        order,
    )
    _check_stage(stage)
    stage.save(update_fields=["name", "starts_on", "ends_on", "order"])
    return stage


def _check_checklist(checklist: Checklist) -> None:
    errors: dict[str, list[str]] = {}
    duplicate = Checklist.objects.filter(name__iexact=checklist.name)
    if checklist.pk:
        duplicate = duplicate.exclude(pk=checklist.pk)
    if checklist.name and duplicate.exists():
        errors["name"] = [_("Sudah ada daftar periksa dengan nama itu.")]
    full_clean_or_raise(checklist, errors, exclude=["created_by"], validate_constraints=False)


def _save_items(checklist: Checklist, items: list[dict]) -> None:
    """Make the checklist's items match `items` (in that order).

    An entry with a `pk` changes that item, one without adds an item, and `delete: True` removes
    it. Tasks already stamped from a removed item keep their data (the link is set to null).
    """
    existing = {item.pk: item for item in checklist.items.all()}
    errors: list[str] = []
    kept = 0
    for entry in items:
        entry = dict(entry)
        pk, delete = entry.pop("pk", None), entry.pop("delete", False)
        if pk is not None and pk not in existing:
            raise ValidationError(_("Butir ini bukan bagian dari daftar periksa."))
        if delete:
            if pk is not None:
                existing[pk].delete()
            continue
        unknown = set(entry) - set(ITEM_FIELDS)
        if unknown:
            raise TypeError(f"unexpected checklist item fields {sorted(unknown)}")
        item = existing[pk] if pk is not None else ChecklistItem(checklist=checklist)
        for key, value in entry.items():
            setattr(item, key, value.strip() if isinstance(value, str) else value)
        kept += 1
        item.order = kept
        if item.stage_id and item.stage.election_id != checklist.election_id:
            errors.append(
                _("Butir “%(title)s”: tahapan bukan dari pemilihan ini.") % {"title": item.title}
            )
            continue
        try:
            item.full_clean(exclude=["checklist"])
        except ValidationError as exc:
            errors.extend(
                f"{item.title or _('Butir tanpa judul')}: {message}" for message in exc.messages
            )
            continue
        item.save()
    if errors:
        raise ValidationError({"items": errors})
    if not kept:
        raise ValidationError({"items": [_("Isi paling sedikit satu butir.")]})


@transaction.atomic
def checklist_create(
    *,
    actor: Person | None,
    election: Election,
    name: str,
    description: str = "",
    items: Iterable[dict] = (),
) -> Checklist:
    _require_manage(actor)
    checklist = Checklist(
        name=name.strip(), description=description.strip(), election=election, created_by=actor
    )
    _check_checklist(checklist)
    checklist.save()
    _save_items(checklist, list(items))
    return checklist


@transaction.atomic
def checklist_update(
    *,
    actor: Person | None,
    checklist: Checklist,
    name: str,
    description: str = "",
    items: Iterable[dict] = (),
) -> Checklist:
    _require_manage(actor)
    checklist.name, checklist.description = name.strip(), description.strip()
    _check_checklist(checklist)
    checklist.save(update_fields=["name", "description"])
    _save_items(checklist, list(items))
    return checklist
