"""Evidence limits and content sniffing (issue 12, item 5): pure rules, no files."""

from __future__ import annotations

import pytest

from recourse.domain.errors import InvalidInput
from recourse.domain.evidence import (
    JPEG,
    PDF,
    PNG,
    WEBP,
    EvidenceLimits,
    check_count,
    check_name,
    check_pdf,
    check_pixels,
    check_size,
    check_type,
    sniff,
)


def refused(call: object, *args: object) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        call(*args)  # type: ignore[operator]
    assert caught.value.field == "files"
    return caught.value


def test_the_defaults_are_ten_megabytes_six_files_forty_megapixels() -> None:
    limits = EvidenceLimits()
    assert limits.max_bytes == 10 * 1024 * 1024
    assert limits.max_files == 6
    assert limits.max_pixels == 40_000_000
    assert limits.max_megabytes == 10
    assert limits.max_megapixels == 40
    with pytest.raises(ValueError):
        EvidenceLimits(max_files=0)


def test_a_seventh_file_is_refused_with_the_limit() -> None:
    limits = EvidenceLimits()
    check_count(0, 6, limits)
    check_count(5, 1, limits)
    error = refused(check_count, 6, 1, limits)
    assert error.key == "evidence.too_many"
    assert error.facts["limit"] == 6
    assert refused(check_count, 4, 3, limits).key == "evidence.too_many"


def test_a_file_over_the_byte_limit_is_refused_with_the_limit() -> None:
    limits = EvidenceLimits()
    check_size(limits.max_bytes, limits)
    error = refused(check_size, limits.max_bytes + 1, limits)
    assert error.key == "evidence.too_large"
    assert error.facts["limit"] == limits.max_bytes
    assert error.facts["limit_mb"] == 10


def test_an_image_over_the_pixel_limit_is_refused() -> None:
    limits = EvidenceLimits()
    check_pixels(8000, 5000, limits)
    error = refused(check_pixels, 30000, 30000, limits)
    assert error.key == "evidence.too_many_pixels"
    assert error.facts["limit_megapixels"] == 40
    assert refused(check_pixels, 0, 10, limits).key == "evidence.unreadable"


def test_the_kind_is_decided_by_the_first_bytes() -> None:
    assert sniff(b"\xff\xd8\xff\xe0rest") == JPEG
    assert sniff(b"\x89PNG\r\n\x1a\nrest") == PNG
    assert sniff(b"RIFF\x10\x00\x00\x00WEBPVP8 ") == WEBP
    assert sniff(b"%PDF-1.4\n") == PDF
    assert sniff(b"<html><body>photo</body></html>") is None
    assert sniff(b"GIF89a") is None
    assert refused(check_type, b"<html>").key == "evidence.unsupported_type"
    assert refused(check_type, b"").key == "evidence.empty"


def test_a_pdf_must_be_whole_and_passive() -> None:
    check_pdf(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
    assert refused(check_pdf, b"%PDF-1.4\n1 0 obj").key == "evidence.unreadable"
    for name in (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/J#61vaScript"):
        body = b"%PDF-1.4\n<< /OpenAction << /S " + name + b" >> >>\n%%EOF"
        assert refused(check_pdf, body).key == "evidence.pdf_active_content", name
    # a name that merely starts like one is not refused
    check_pdf(b"%PDF-1.4\n<< /JSON 1 /Launcher 2 >>\n%%EOF")


@pytest.mark.parametrize(
    ("name", "media_type"),
    [
        ("photo.png", PNG),
        ("PHOTO.JPG", JPEG),
        ("scan.jpeg", JPEG),
        ("scan.webp", WEBP),
        ("invoice.pdf", PDF),
        ("no-extension", PNG),
        ("camera.heic", JPEG),  # an extension no accepted kind uses says nothing
        ("archive.tar.png", PNG),
    ],
)
def test_a_name_that_agrees_with_the_content_or_says_nothing_passes(
    name: str, media_type: str
) -> None:
    check_name(name, media_type)


@pytest.mark.parametrize(
    ("name", "media_type", "kind", "claimed"),
    [
        ("receipt.pdf", PNG, "PNG", "PDF"),
        ("photo.jpg", PDF, "PDF", "JPEG"),
        ("photo.PNG", WEBP, "WebP", "PNG"),
        ("scan.webp", JPEG, "JPEG", "WebP"),
    ],
)
def test_a_name_that_says_another_accepted_kind_is_refused(
    name: str, media_type: str, kind: str, claimed: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_name(name, media_type)
    assert caught.value.key == "evidence.name_mismatch"
    assert (caught.value.facts["kind"], caught.value.facts["claimed"]) == (kind, claimed)
