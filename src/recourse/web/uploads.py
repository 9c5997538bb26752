"""T6: reading uploaded files from a multipart request, and handing a kept file back.

The form is parsed with hard caps on its parts (a flood of files or fields is refused), each
file is read to at most the size limit plus one byte (a bigger one is refused without reading
the rest), and a file part left empty (a form sent with no file chosen) is skipped. What a file
is, is decided later by its content (`services.evidence`), never by its name or claimed type.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from fastapi import Request
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from recourse.domain.errors import InvalidInput
from recourse.domain.evidence import FIELD, IMAGE_TYPES, PDF, EvidenceLimits, clean_name
from recourse.services.evidence import LIMITS

MAX_FIELDS = 50
"""Text fields a form with files may carry besides them (CSRF token, a note, file ids…)."""

# The multipart parser's own sentence when there are more file parts than allowed.
_TOO_MANY_FILES = "Too many files"


async def upload_form(request: Request, limits: EvidenceLimits = LIMITS) -> FormData:
    """The posted form, parsed with at most `limits.max_files` file parts and MAX_FIELDS text
    fields; more files are refused as `evidence.too_many`. Call it before anything else reads
    the form (the parsed form is kept on the request, so later readers get this one)."""
    try:
        return await request.form(max_files=limits.max_files, max_fields=MAX_FIELDS)
    except StarletteHTTPException as error:
        if str(error.detail).startswith(_TOO_MANY_FILES):
            raise InvalidInput(FIELD, "evidence.too_many", limit=limits.max_files) from None
        raise


async def read_files(
    form: FormData, field: str = FIELD, limits: EvidenceLimits = LIMITS
) -> list[tuple[str, bytes]]:
    """Each file part named `field` as (name as sent, bytes). An empty part without a name is
    skipped; a part over `limits.max_bytes` is refused (`evidence.too_large`, naming it)
    after reading at most one byte more than the limit."""
    found: list[tuple[str, bytes]] = []
    for value in form.getlist(field):
        if not isinstance(value, UploadFile):
            continue
        name = value.filename or ""
        if value.size is not None and value.size > limits.max_bytes:
            _too_large(name, value.size, limits)
        await value.seek(0)
        data = await value.read(limits.max_bytes + 1)
        if len(data) > limits.max_bytes:
            _too_large(name, None, limits)
        if not data and not name:
            continue
        found.append((name, data))
    return found


async def read_uploads(
    request: Request, field: str = FIELD, limits: EvidenceLimits = LIMITS
) -> list[tuple[str, bytes]]:
    """`upload_form` then `read_files`: the files of a request that carries only files."""
    return await read_files(await upload_form(request, limits), field, limits)


def _too_large(name: str, size: int | None, limits: EvidenceLimits) -> None:
    raise InvalidInput(
        FIELD,
        "evidence.too_large",
        name=clean_name(name),
        size=size,
        limit=limits.max_bytes,
        limit_mb=limits.max_megabytes,
    )


_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", PDF: "pdf"}
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def download_name(name: str, media_type: str) -> str:
    """The display name with the extension of what the file is (a PNG sent as `x.pdf` is
    handed back as `x.png`)."""
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{stem or 'file'}.{_EXTENSIONS.get(media_type, 'bin')}"


def content_disposition(name: str, media_type: str) -> str:
    """RFC 6266: images inline, anything else (PDFs) as a download; the name as plain ASCII
    (every other character replaced) plus its UTF-8 form percent-encoded (RFC 5987), so no
    quote, semicolon or line break of a sender's name reaches the header."""
    wanted = download_name(name, media_type)
    ascii_name = unicodedata.normalize("NFKD", wanted).encode("ascii", "ignore").decode()
    ascii_name = _UNSAFE.sub("_", ascii_name).strip("._") or "file"
    if "." not in ascii_name:
        ascii_name += "." + _EXTENSIONS.get(media_type, "bin")
    kind = "inline" if media_type in IMAGE_TYPES else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(wanted, safe='')}"


def file_headers(name: str, media_type: str) -> dict[str, str]:
    """What every served evidence file carries: its proven type and nothing a browser could
    run (no sniffing, no scripts, a sandbox), private to the one who asked."""
    return {
        "Content-Disposition": content_disposition(name, media_type),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "private",
        "Cross-Origin-Resource-Policy": "same-origin",
    }
