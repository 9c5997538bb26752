"""T6: an evidence file for the signed-in user, when they are the order's buyer, a seller of
its store or support (an unattached file for its uploader alone); a 404 page for anyone else.
Pages link it as `/files/{id}` (`db.queries.evidence.files_of`)."""

from __future__ import annotations

from fastapi.responses import Response

from recourse.services import evidence
from recourse.web.deps import ContainerDep, PageUser
from recourse.web.routers import page_router
from recourse.web.uploads import file_headers

router = page_router()


@router.get("/files/{file_id}")
def evidence_file(file_id: int, user: PageUser, c: ContainerDep) -> Response:
    file, data = evidence.file_for(c.uow(), user.actor(), file_id, store=c.files, now=c.clock.now())
    return Response(
        content=data, media_type=file.media_type, headers=file_headers(file.name, file.media_type)
    )
