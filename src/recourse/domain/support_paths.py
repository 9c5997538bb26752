"""H1 for "Contact support" (H2): the order's buyer and its store's sellers may always write to
support about it, whatever the order's status; support and the operator have no such path (they
are the ones who read the tickets)."""

from __future__ import annotations

from collections.abc import Sequence

from recourse.domain.options import Option, PathName, Situation
from recourse.domain.roles import Role

HELP = "common-mistakes"


def support_paths(situation: Situation) -> Sequence[Option]:
    """`contact_support`, open for the order's buyer and its sellers; absent for anyone else."""
    viewer, order = situation.viewer, situation.order
    party = (viewer.role is Role.buyer and viewer.user_id == order.buyer_id) or (
        viewer.role is Role.seller and order.store_id in viewer.store_ids
    )
    if not party:
        return ()
    return (Option(PathName.contact_support, open=True, help=HELP),)
