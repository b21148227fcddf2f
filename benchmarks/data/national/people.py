"""Agencies, their people and the election with its stages."""

from datetime import UTC, datetime, timedelta

from benchmarks.data.national.constants import (
    BENCH_EMAIL_DOMAIN,
    PROVINCE_AGENCIES,
    REGENCY_AGENCIES,
    STAGES,
    UNUSABLE_PASSWORD,
)
from benchmarks.data.national.regions import without_regency_prefix
from coordination.enums import AgencyKind, Role
from coordination.models import Agency, Election, ElectionStage, Membership, Person


class PeopleSteps:
    """Steps of `Generator` (see generator.py) that make agencies, people and the election."""

    def make_agencies_and_people(self) -> None:
        regions = self.regions
        agencies: list[Agency] = []
        for code in regions.provinces + regions.regencies:
            patterns = PROVINCE_AGENCIES if len(code) == 2 else REGENCY_AGENCIES
            name = regions.name[code]
            for kind, long_name, short_name in patterns:
                values = {
                    "name": name,
                    "short": without_regency_prefix(name),
                    "code": code.replace(".", ""),
                }
                agencies.append(
                    Agency(
                        name=long_name.format(**values)[:200],
                        short_name=short_name.format(**values)[:60],
                        kind=kind,
                        region_id=code,
                        email=f"{kind}.{code.replace('.', '')}@{BENCH_EMAIL_DOMAIN}",
                    )
                )
        Agency.objects.bulk_create(agencies, batch_size=2000)
        joined = datetime(self.anchor.year, 1, 2, tzinfo=UTC)
        people: list[Person] = []
        roles: list[tuple[int, str]] = []
        for agency in agencies:
            self.agencies_of.setdefault(agency.region_id, []).append(agency.pk)
            self.agency_region[agency.pk] = agency.region_id
            count = 2 if agency.kind == AgencyKind.KPU else 1
            role = Role.KPU_STAFF if agency.kind == AgencyKind.KPU else Role.LIAISON
            for number in range(1, count + 1):
                people.append(
                    Person(
                        email=f"{agency.kind}{number}.{agency.region_id}@{BENCH_EMAIL_DOMAIN}",
                        full_name=f"{agency.short_name} {number}",
                        password=UNUSABLE_PASSWORD,
                        date_joined=joined,
                    )
                )
                roles.append((agency.pk, role))
        Person.objects.bulk_create(people, batch_size=2000)
        memberships = []
        for person, (agency_id, role) in zip(people, roles, strict=True):
            memberships.append(Membership(person_id=person.pk, agency_id=agency_id, role=role))
            self.liaison_of.setdefault(agency_id, person.pk)
            if role == Role.KPU_STAFF:
                self.staff_of.setdefault(self.agency_region[agency_id], person.pk)
        Membership.objects.bulk_create(memberships, batch_size=2000)
        self.result.counts.update(
            agencies=len(agencies), people=len(people), memberships=len(memberships)
        )

    def make_election(self) -> None:
        election = Election.objects.create(
            name=f"Pilkada Serentak {self.voting_day.year} (benchmark)", voting_day=self.voting_day
        )
        self.election_id = election.pk
        stages = ElectionStage.objects.bulk_create(
            [
                ElectionStage(
                    election=election,
                    name=name,
                    starts_on=self.voting_day + timedelta(days=start),
                    ends_on=self.voting_day + timedelta(days=end),
                    order=order,
                )
                for order, (name, start, end) in enumerate(STAGES, start=1)
            ]
        )
        self.stage_ids = [(stage.pk, stage.starts_on, stage.ends_on) for stage in stages]
