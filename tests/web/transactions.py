"""What one API request did: transactions and statements on both engines, and the hand-offs to
the thread pool (the `seen` fixture in tests/web/conftest.py counts them)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Seen:
    begins: int = 0
    commits: int = 0
    rollbacks: int = 0
    hand_offs: int = 0
    statements: list[str] = field(default_factory=list)

    def reset(self) -> None:
        self.begins = self.commits = self.rollbacks = self.hand_offs = 0
        self.statements.clear()
