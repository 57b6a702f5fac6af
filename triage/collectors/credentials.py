"""Secrets for collector plugins: ``get_secret(name)`` reads an API token from the system keyring
(or ``TRIAGE_SECRET_<NAME>``), ``SecretError`` says why it could not. The keyring code itself is
the kernel's (``triage.credentials``): the store's custody key uses it too, and the SDK must not
be something the store imports."""

from __future__ import annotations

from ..credentials import SecretError, get_secret

__all__ = ["SecretError", "get_secret"]
