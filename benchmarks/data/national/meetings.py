"""Meetings of the benchmark dataset with their invited agencies and people."""

import random
import uuid
from datetime import timedelta

from benchmarks.data.copy import copy_model, reset_sequence
from coordination.enums import RSVP, MeetingKind, MeetingStatus
from coordination.models import Meeting, MeetingInvitee


class MeetingSteps:
    """Steps of `Generator` (see generator.py) that make the meetings."""

    def _place(self, rng: random.Random, province_share: float) -> str:
        """A province (with the given probability) or a kabupaten/kota, for meetings and tasks."""
        if rng.random() < province_share or not self.regions.regencies:
            return rng.choice(self.regions.provinces)
        return rng.choice(self.regions.regencies)

    def make_meetings(self) -> None:
        rng = self.rng("meetings")
        count = self.targets.meetings
        kinds = [MeetingKind.RAKOR] * 6 + [MeetingKind.BIMTEK, MeetingKind.WORKSHOP]
        kinds += [MeetingKind.SIMULATION]
        meeting_rows = []
        invited_rows = []
        invitee_rows = []
        for meeting_id in range(1, count + 1):
            region = self._place(rng, 0.2)
            agencies = self.agencies_of[region]
            organiser = agencies[0]
            day = self.anchor + timedelta(days=rng.randint(-240, 60))
            starts = self.at(day, rng.choice([1, 2, 3, 6, 7]))
            ends = starts + timedelta(hours=rng.choice([1, 2, 3]))
            past = day < self.anchor
            status = MeetingStatus.HELD if past else MeetingStatus.SCHEDULED
            if rng.random() < 0.05:
                status = MeetingStatus.CANCELLED
            kind = rng.choice(kinds)
            invited = [agency for agency in agencies[1:] if rng.random() < 0.8]
            if len(region) == 5:
                province_kpu = self.agencies_of[region[:2]][0]
                if rng.random() < 0.3:
                    invited.append(province_kpu)
            creator = self.staff_of[region]
            created = starts - timedelta(days=rng.randint(3, 30))
            meeting_rows.append(
                (
                    meeting_id,
                    uuid.UUID(int=rng.getrandbits(128), version=4),
                    1 if status == MeetingStatus.CANCELLED else 0,
                    kind,
                    f"{MeetingKind(kind).label} {self.regions.name[region]} #{meeting_id}"[:200],
                    region,
                    organiser,
                    starts,
                    ends,
                    f"Aula {self.regions.name[region]}"[:300],
                    "",
                    "1. Pembukaan\n2. Laporan kesiapan\n3. Rencana tindak lanjut",
                    status,
                    "[1440, 60]",
                    "Notulen rapat: kesiapan dibahas." if status == MeetingStatus.HELD else "",
                    ends + timedelta(hours=2) if status == MeetingStatus.HELD else None,
                    created + timedelta(days=1) if status == MeetingStatus.CANCELLED else None,
                    "Bentrok dengan agenda daerah" if status == MeetingStatus.CANCELLED else "",
                    creator,
                    created,
                    created,
                )
            )
            self.meetings_of[region].append(meeting_id)
            people = [(self.liaison_of[organiser], organiser)] + [
                (self.liaison_of[agency], agency) for agency in invited
            ]
            for agency in invited:
                invited_rows.append((meeting_id, agency))
            for person, agency in people:
                response = RSVP.ACCEPTED if past else rng.choice(list(RSVP))
                invitee_rows.append(
                    (
                        meeting_id,
                        person,
                        agency,
                        response,
                        created + timedelta(days=1) if response != RSVP.PENDING else None,
                        (rng.random() < 0.9) if status == MeetingStatus.HELD else None,
                    )
                )
        copy_model(
            Meeting,
            [
                "id",
                "uid",
                "sequence",
                "kind",
                "title",
                "region_id",
                "organiser_id",
                "starts_at",
                "ends_at",
                "location",
                "online_url",
                "agenda",
                "status",
                "reminder_offsets",
                "minutes",
                "minutes_recorded_at",
                "cancelled_at",
                "cancel_reason",
                "created_by_id",
                "created_at",
                "updated_at",
            ],
            meeting_rows,
        )
        through = Meeting.invited_agencies.through
        copy_model(through, ["meeting_id", "agency_id"], invited_rows)
        copy_model(
            MeetingInvitee,
            ["meeting_id", "person_id", "agency_id", "response", "responded_at", "attended"],
            invitee_rows,
        )
        reset_sequence(Meeting)
        self.result.counts.update(
            meetings=len(meeting_rows),
            meeting_agencies=len(invited_rows),
            meeting_invitees=len(invitee_rows),
        )
