"""Evidence files (SPEC T6): upload them for an order, fetch one back.

An upload keeps files unattached and the uploader's; a return, message or dispute then names
them by id. A file is handed back only to the order's buyer, its store's sellers and support;
for anyone else it does not exist (404).
"""

from __future__ import annotations

from typing import Any

from fastapi import Request, status
from fastapi.responses import Response
from pydantic import Field
from starlette.concurrency import run_in_threadpool

from recourse.db.queries.evidence import API_URL
from recourse.services import evidence
from recourse.services.ports.files import StoredFile
from recourse.web.api.fields import Id
from recourse.web.api.responses.common import ResponseBody
from recourse.web.deps import ApiActor, ContainerDep
from recourse.web.routers import api_router
from recourse.web.uploads import file_headers, read_uploads

router = api_router("files")


class EvidenceFile(ResponseBody):
    """A kept file: `media_type` is what its content proved (never the name sent), `width`
    and `height` an image's pixels (`null` for a PDF), `url` where its parties fetch it."""

    id: int
    name: str = Field(description="the sender's file name, cleaned, for display only")
    media_type: str = Field(description="image/jpeg, image/png, image/webp or application/pdf")
    size: int = Field(description="bytes as kept (images are re-encoded without metadata)")
    width: int | None
    height: int | None
    url: str

    @classmethod
    def of(cls, file: StoredFile) -> EvidenceFile:
        return cls(
            id=file.id,
            name=file.name,
            media_type=file.media_type,
            size=file.size,
            width=file.width,
            height=file.height,
            url=API_URL.format(id=file.id),
        )


class EvidenceFileList(ResponseBody):
    files: list[EvidenceFile]


_MULTIPART: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["files"],
                    "properties": {
                        "files": {
                            "type": "array",
                            "items": {"type": "string", "format": "binary"},
                            "minItems": 1,
                            "maxItems": evidence.LIMITS.max_files,
                            "description": "JPEG, PNG, WebP or PDF, each at most "
                            f"{evidence.LIMITS.max_megabytes} MB",
                        }
                    },
                }
            }
        },
    }
}


@router.post(
    "/orders/{order_id}/files",
    status_code=status.HTTP_201_CREATED,
    openapi_extra=_MULTIPART,
)
async def upload_files(
    order_id: Id, request: Request, actor: ApiActor, c: ContainerDep
) -> EvidenceFileList:
    """T6: one or more parts named `files` (at most 6, each at most 10 MB, 40 megapixels).
    The type is read from the content; images are kept re-encoded without metadata; a PDF
    with scripts, actions or attached files is refused. All or nothing: one refused file
    (422, `field` `files`, the message naming it) keeps none. Files stay unattached until a
    return, message or dispute names them, and are deleted if none does within a day."""
    files = await read_uploads(request)
    stored = await run_in_threadpool(
        evidence.upload, c.uow(), c.ctx, actor=actor, order_id=order_id, files=files
    )
    return EvidenceFileList(files=[EvidenceFile.of(f) for f in stored])


@router.get(
    "/files/{file_id}",
    response_class=Response,
    responses={
        200: {
            "description": "The file's bytes, as the type its content proved",
            "content": {
                "image/jpeg": {},
                "image/png": {},
                "image/webp": {},
                "application/pdf": {},
            },
        }
    },
)
def get_file(file_id: Id, actor: ApiActor, c: ContainerDep) -> Response:
    """T6: the file, for the order's buyer, its store's sellers and support (an unattached
    file for its uploader alone). Images inline, PDFs as a download."""
    file, data = evidence.file_for(c.uow(), actor, file_id, store=c.files, now=c.clock.now())
    return Response(
        content=data, media_type=file.media_type, headers=file_headers(file.name, file.media_type)
    )
