"""The team's bundle key: one secret, ``bundle-key``, set to the same value on every station of a
team (``triage secret set bundle-key``, or ``TRIAGE_SECRET_BUNDLE_KEY`` for one run). Any
passphrase works; its UTF-8 bytes are the HMAC key. Bundles are signed with it on export and
checked with it on import (``manifest.signature_status``)."""

from __future__ import annotations

from ..credentials import SecretError, read_secret

SECRET_NAME = "bundle-key"


def team_key() -> bytes | None:
    """The key, or None when this station has none (or no keyring backend to hold one): then
    bundles go unsigned and come in unchecked, and the commands say so."""
    try:
        value = read_secret(SECRET_NAME)
    except SecretError:
        return None
    return value.encode("utf-8") if value else None
