"""argon2id password hashes."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


class Argon2Hasher:
    def __init__(self, *, fast: bool = False) -> None:
        # `fast` lowers the cost for the test-suite and demo seeding only.
        self._hasher = (
            PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
            if fast
            else PasswordHasher()
        )
        self._decoy: str | None = None

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def verify_decoy(self, password: str) -> None:
        """Spends the time a real check takes, for a sign-in to an account that does not exist,
        so the answer's timing does not tell which emails have accounts."""
        if self._decoy is None:
            self._decoy = self._hasher.hash(secrets.token_hex(16))
        self.verify(self._decoy, password)
