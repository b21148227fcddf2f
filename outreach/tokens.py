"""The links a requester gets: an HMAC under SECRET_KEY of the request's random `uid`, one per
purpose (confirming the address, following the request). The row keeps no token, so a copy of
the database opens no link; a link for one purpose opens nothing else."""

import uuid

from django.utils.crypto import constant_time_compare, salted_hmac

PURPOSES = ("confirm", "follow")
# 96 bits of HMAC beside the 122 random bits of the uid: unguessable either way.
SIGNATURE_LENGTH = 24


def request_token(request, purpose: str) -> str:
    if purpose not in PURPOSES:
        raise ValueError(purpose)
    return f"{request.uid.hex}-{_signature(request.uid.hex, purpose)}"


def _signature(uid_hex: str, purpose: str) -> str:
    return salted_hmac(
        f"pilkada.outreach.request.{purpose}", uid_hex, algorithm="sha256"
    ).hexdigest()[:SIGNATURE_LENGTH]


def token_uid(token: str, purpose: str) -> uuid.UUID | None:
    """The uid a well-formed, correctly signed token names; None for anything else."""
    uid_hex, _sep, signature = (token or "").partition("-")
    if len(uid_hex) != 32 or len(signature) != SIGNATURE_LENGTH:
        return None
    try:
        uid = uuid.UUID(hex=uid_hex)
    except ValueError:
        return None
    if not constant_time_compare(signature, _signature(uid.hex, purpose)):
        return None
    return uid
