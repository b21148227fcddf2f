"""`Idempotency-Key` on writes: a retried request gets the first answer instead of a second write.

The key's row is inserted before the write, in the write's transaction. A retry that arrives
while the first request still runs waits on the unique index until the first commits, then reads
its answer; a first request that failed leaves no row (its transaction rolled back), so its retry
runs afresh. The same key with a different request is refused (422). Keys are kept for
PILKADA_API_IDEMPOTENCY_HOURS; an older one counts as new.
"""

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from api.models import IdempotentResponse

MAX_KEY_LENGTH = 255


class KeyReused(Exception):
    """The key came with a different request before."""


class KeyInvalid(Exception):
    pass


@dataclass(frozen=True)
class Outcome:
    status_code: int
    body: object
    replayed: bool


def fingerprint_of(*, method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(b"\n".join([method.encode(), path.encode(), body])).hexdigest()


def idempotent_run(
    *, client: str, key: str, fingerprint: str, run: Callable[[], tuple[int, object]]
) -> Outcome:
    """Run `run` (answering status and body) once per (client, key)."""
    if not key or len(key) > MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        raise KeyInvalid(key)
    with transaction.atomic():
        row = _claim(client=client, key=key, fingerprint=fingerprint)
        if row.status_code is not None:
            if row.fingerprint != fingerprint:
                raise KeyReused(key)
            return Outcome(row.status_code, row.body, replayed=True)
        status_code, body = run()
        if 200 <= status_code < 300:
            row.status_code, row.body = status_code, body
            row.save(update_fields=["status_code", "body"])
        else:
            transaction.set_rollback(True)
        return Outcome(status_code, body, replayed=False)


def _claim(*, client: str, key: str, fingerprint: str) -> IdempotentResponse:
    oldest = timezone.now() - dt.timedelta(hours=settings.PILKADA_API_IDEMPOTENCY_HOURS)
    for _attempt in range(2):
        try:
            with transaction.atomic():
                return IdempotentResponse.objects.create(
                    client=client, key=key, fingerprint=fingerprint
                )
        except IntegrityError:
            existing = IdempotentResponse.objects.filter(client=client, key=key).first()
            if existing is None:
                continue  # removed meanwhile (expired): try again
            if existing.created_at < oldest:
                existing.delete()
                continue
            return existing  # committed with its answer (a failed first request leaves no row)
    raise IntegrityError("idempotency key could not be claimed")


def idempotent_responses_expire(*, now: dt.datetime | None = None) -> int:
    """Forget keys older than PILKADA_API_IDEMPOTENCY_HOURS (the sweep)."""
    now = now or timezone.now()
    oldest = now - dt.timedelta(hours=settings.PILKADA_API_IDEMPOTENCY_HOURS)
    deleted, _ = IdempotentResponse.objects.filter(created_at__lt=oldest).delete()
    return deleted
