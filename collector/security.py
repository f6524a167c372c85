"""Secrets: how tokens, keys and passwords are made, stored and checked.

Tokens and API keys are long random strings, so a fast keyed hash (SHA-256)
is enough to store them: nobody can guess a 32-byte secret, and a fast hash
lets every request look its token up by hash. Passwords are short and
human-made, so they get a slow hash (argon2id).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

#: Prefixes make a leaked secret recognisable (and greppable by scanners).
PREFIX_DEVICE = "bld_"
PREFIX_ENROLL = "ble_"
PREFIX_API_KEY = "blk_"
PREFIX_SESSION = "bls_"


def new_secret(prefix: str) -> str:
    """A random secret of 32 bytes, URL-safe."""
    return prefix + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def secret_matches(secret: str, stored_hash: str) -> bool:
    """Constant-time comparison of a presented secret with a stored hash."""
    return hmac.compare_digest(hash_secret(secret), stored_hash)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(password: str, stored_hash: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


#: A hash to verify against when the user does not exist, so a wrong name
#: and a wrong password take the same time.
DUMMY_PASSWORD_HASH = _hasher.hash(secrets.token_urlsafe(16))
