"""Server-rendered pages: buyer/, seller/ and support/ hold one module per capability each;
shared/ what several audiences use; auth, mail and notifications serve every audience."""

from __future__ import annotations

from recourse.web.pages import auth, buyer, files, mail, notifications, seller, support
from recourse.web.pages import help as help_pages
from recourse.web.pages.shared import tickets as ticket_forms
from recourse.web.pages.support import tickets as ticket_queue
from recourse.web.routers import gathered

# every page's route, flat, in this order; each module declared its routes on a page router
# (recourse/web/routers.py), so they come out of the API's document and carry the user
router = gathered(
    auth,
    buyer,
    seller,
    support,
    mail,
    notifications,
    files,
    help_pages,
    ticket_forms,
    ticket_queue,
)
