"""Secrets (API tokens) live in the system keyring, service ``triage``, and nowhere else.

Never in the store, the config file, an export, the audit log or a log line: the config names
a secret (``token = "mastodon-token"``, an option declared ``Option(..., secret=True)``) and a
collector asks for its value here when it runs. keyring cannot list what it holds, so the
names are the ones the config uses (``triage secret list`` shows them and whether each is set).

``TRIAGE_SECRET_<NAME>`` (upper-case, other characters as ``_``) overrides the keyring for one
run: cron jobs and headless boxes without a keyring backend.
"""

from __future__ import annotations

import os
import re

from .errors import TriageError

SERVICE = "triage"
ENV_PREFIX = "TRIAGE_SECRET_"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,99}$")

NO_BACKEND = (
    "no keyring backend on this machine (common on headless boxes): `pip install 'triage-console[encrypted-keyring]'`"
    " (keyrings.alt and pycryptodome) and set PYTHON_KEYRING_BACKEND=keyrings.alt.file.EncryptedKeyring, "
    "or give the secret for one run in ${env}"
)
PLAINTEXT_OPT_IN = "TRIAGE_ALLOW_PLAINTEXT_KEYRING"
PLAINTEXT_REFUSED = (
    "the keyring backend is {backend}, an unencrypted file: refused for secrets. Use an encrypted backend "
    "(PYTHON_KEYRING_BACKEND=keyrings.alt.file.EncryptedKeyring, see the README), or opt in with "
    "allow_plaintext_keyring = true in the config or " + PLAINTEXT_OPT_IN + "=1; or give the secret for one run "
    "in ${env}"
)


class SecretError(TriageError, RuntimeError):
    """One line that says what is wrong and what to do; never carries a secret value."""


def check_name(name: str) -> str:
    if not isinstance(name, str) or not _NAME.match(name):
        raise SecretError(f"secret name {name!r}: use letters, digits and _ . : @ - (at most 100)")
    return name


def env_name(name: str) -> str:
    return ENV_PREFIX + re.sub(r"[^A-Z0-9]", "_", name.upper())


def _plaintext_backend(backend) -> str | None:
    """The name of an unencrypted file backend in use (alone or inside keyring's chainer)."""
    for candidate in [backend, *getattr(backend, "backends", ())]:
        name = type(candidate).__name__
        if "plaintext" in name.lower():
            return name
    return None


def plaintext_allowed() -> bool:
    """The analyst's explicit opt-in to an unencrypted keyring file (config or environment)."""
    if os.environ.get(PLAINTEXT_OPT_IN, "").strip().lower() in ("1", "true", "yes"):
        return True
    from .config import ConfigError, load_config

    try:
        return load_config().allow_plaintext_keyring
    except ConfigError:
        return False


def _keyring():
    """keyring, or None when there is no backend. An unencrypted backend (keyrings.alt's
    PlaintextKeyring, which keyring picks by itself wherever keyrings.alt is installed and nothing
    better exists) is refused unless the analyst opted in: it once received the pseudonymization
    key without a word."""
    import keyring
    from keyring.backends import fail

    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        return None
    plaintext = _plaintext_backend(backend)
    if plaintext and not plaintext_allowed():
        raise _PlaintextRefused(plaintext)
    return keyring


class _PlaintextRefused(Exception):
    def __init__(self, backend: str):
        super().__init__(backend)
        self.backend = backend


def backend_name() -> str:
    """The keyring backend in use, e.g. ``PlaintextKeyring``, or ``none``."""
    import keyring

    backend = keyring.get_keyring()
    try:
        return "none" if _keyring() is None else type(backend).__name__
    except _PlaintextRefused as refused:
        return f"{refused.backend} (refused: unencrypted)"


def _call(name: str, action: str, fn, *args):
    from keyring.errors import KeyringError, NoKeyringError, PasswordDeleteError

    try:
        kr = _keyring()
    except _PlaintextRefused as refused:
        raise SecretError(PLAINTEXT_REFUSED.format(backend=refused.backend, env=env_name(name))) from None
    if kr is None:
        raise SecretError(NO_BACKEND.format(env=env_name(name)))
    try:
        return getattr(kr, fn)(SERVICE, name, *args)
    except NoKeyringError:
        raise SecretError(NO_BACKEND.format(env=env_name(name))) from None
    except PasswordDeleteError:
        raise SecretError(f"secret {name!r} is not set") from None
    except KeyringError as exc:
        # The backend's own words, first line only: they name the failure, never the value.
        detail = (str(exc).splitlines() or [type(exc).__name__])[0][:160]
        raise SecretError(f"cannot {action} secret {name!r} in the keyring ({backend_name()}): {detail}") from None


def require_backend(name: str) -> None:
    """Fail early (before prompting for a value) when there is nowhere to keep it."""
    check_name(name)
    try:
        if _keyring() is None:
            raise SecretError(NO_BACKEND.format(env=env_name(name)))
    except _PlaintextRefused as refused:
        raise SecretError(PLAINTEXT_REFUSED.format(backend=refused.backend, env=env_name(name))) from None


def read_secret(name: str) -> str | None:
    """The value of secret ``name``: ``$TRIAGE_SECRET_<NAME>`` if set, else the keyring; None if unset."""
    check_name(name)
    return os.environ.get(env_name(name)) or _call(name, "read", "get_password") or None


def get_secret(name: str) -> str:
    """Like ``read_secret``, but an unset secret is an error that says how to set it."""
    value = read_secret(name)
    if not value:
        raise SecretError(f"secret {name!r} is not set: run `triage secret set {name}` "
                          f"(or set {env_name(name)} for one run)")
    return value


def set_secret(name: str, value: str) -> str:
    """Store ``value`` under ``name``; returns the backend's name (to tell the analyst where)."""
    check_name(name)
    if not value:
        raise SecretError("empty secret: nothing stored")
    _call(name, "store", "set_password", value)
    return backend_name()


def delete_secret(name: str) -> None:
    check_name(name)
    _call(name, "delete", "delete_password")


def secret_status(name: str) -> str:
    """``env``, ``keyring``, ``missing``, or ``no backend`` — never the value."""
    check_name(name)
    if os.environ.get(env_name(name)):
        return "env"
    try:
        return "keyring" if _call(name, "read", "get_password") else "missing"
    except SecretError:
        try:
            return "no backend" if _keyring() is None else "unreadable"
        except _PlaintextRefused:
            return "refused backend"


def secret_names(collector_configs, plugins: dict) -> dict[str, list[str]]:
    """Secret name -> the configured collectors that use it (from options declared secret)."""
    out: dict[str, list[str]] = {}
    for cfg in collector_configs:
        cls = plugins.get(cfg.plugin)
        if cls is None:
            continue
        for key, spec in cls.options_schema.items():
            value = cfg.options.get(key, spec.default)  # a default name (reddit-client-id) counts too
            if spec.secret and isinstance(value, str) and value:
                out.setdefault(value, []).append(cfg.name)
    return out


def station_key(name: str, create: bool = True) -> bytes:
    """A 32-byte key kept as secret ``name`` (hex), created on first use: the pseudonymization
    key of exports, the custody key of the audit anchor. Raises ``SecretError`` (one line)."""
    import secrets as token  # the stdlib token generator

    stored = read_secret(name)
    if stored is None and not create:
        raise SecretError(f"secret {name!r} is not set on this station")
    if stored is None:
        set_secret(name, token.token_hex(32))
        stored = read_secret(name)  # read back: a backend may drop writes
    if not stored:
        raise SecretError(f"the keyring did not keep the key {name!r}; see `triage secret` in the README")
    try:
        return bytes.fromhex(stored)
    except ValueError:
        raise SecretError(f"keyring entry {SERVICE}/{name} is not a hex key; delete it to make a new one") from None
