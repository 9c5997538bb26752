"""H1: the paths of every capability that has landed, in the order the pages list them. A new
capability adds its one path function here (see `domain/options.py`)."""

from __future__ import annotations

from recourse.domain.cancellation_paths import cancellation_paths
from recourse.domain.conversation_paths import conversation_paths
from recourse.domain.dispute_paths import dispute_paths
from recourse.domain.options import Option, PathFunction, Situation, options
from recourse.domain.parcel_paths import parcel_paths
from recourse.domain.receipt_paths import receipt_paths
from recourse.domain.return_paths import return_paths
from recourse.domain.support_paths import support_paths

PATHS: tuple[PathFunction, ...] = (
    cancellation_paths,
    receipt_paths,
    conversation_paths,
    parcel_paths,
    return_paths,
    dispute_paths,
    support_paths,
)


def guide(situation: Situation) -> list[Option]:
    """Every path open or closed for this order, viewer and moment."""
    return options(situation, PATHS)
