"""T2: the address rule outbound webhooks obey, and hosts read the way a resolver reads them."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv6Address, ip_address

import pytest

from recourse.domain.webhooks import (
    Refusal,
    Refused,
    address_refusal,
    host_address,
    url_refusal,
)


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", Refusal.loopback),
        ("127.255.0.9", Refusal.loopback),
        ("::1", Refusal.loopback),
        ("10.0.0.1", Refusal.private),
        ("172.16.0.1", Refusal.private),
        ("192.168.1.1", Refusal.private),
        ("fc00::1", Refusal.private),
        ("fec0::1", Refusal.private),
        ("169.254.169.254", Refusal.link_local),
        ("fe80::1", Refusal.link_local),
        ("224.0.0.1", Refusal.multicast),
        ("239.255.255.250", Refusal.multicast),
        ("ff02::1", Refusal.multicast),
        ("0.0.0.0", Refusal.unspecified),  # noqa: S104
        ("::", Refusal.unspecified),
        ("100.64.0.1", Refusal.shared),
        ("0.1.2.3", Refusal.reserved),
        ("192.0.0.8", Refusal.reserved),
        ("192.0.2.1", Refusal.reserved),
        ("198.18.0.1", Refusal.reserved),
        ("240.0.0.1", Refusal.reserved),
        ("255.255.255.255", Refusal.reserved),
        ("2001:db8::1", Refusal.reserved),
        ("100::1", Refusal.reserved),
        ("::127.0.0.1", Refusal.reserved),
        ("64:ff9b:1::a00:1", Refusal.reserved),
        ("::ffff:127.0.0.1", Refusal.loopback),
        ("::ffff:169.254.169.254", Refusal.link_local),
        ("::ffff:10.0.0.1", Refusal.private),
        ("64:ff9b::7f00:1", Refusal.loopback),
        ("64:ff9b::a00:1", Refusal.private),
        ("2002:a00:1::1", Refusal.private),
        ("2002:7f00:1::", Refusal.loopback),
    ],
)
def test_non_public_address_is_refused_with_its_kind(address: str, reason: Refusal) -> None:
    assert address_refusal(ip_address(address)) == reason


@pytest.mark.parametrize(
    "address",
    [
        "93.184.216.34",
        "8.8.8.8",
        "1.1.1.1",
        "2606:4700::1111",
        "2a00:1450:4001:80b::200e",
        "::ffff:93.184.216.34",
        "64:ff9b::5db8:d822",
        "2002:5db8:d822::1",
    ],
)
def test_public_address_is_allowed(address: str) -> None:
    assert address_refusal(ip_address(address)) is None


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "0x7f000001",
        "0X7F000001",
        "2130706433",
        "0177.0.0.1",
        "127.1",
        "127.0.1",
        "0x7f.0.0.1",
        "0x7f.1",
        "017700000001",
        "127.0.0.1.",
    ],
)
def test_numeric_host_is_read_as_the_resolver_reads_it(host: str) -> None:
    assert host_address(host) == IPv4Address("127.0.0.1")


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("::ffff:127.0.0.1", IPv6Address("::ffff:7f00:1")),
        ("[::1]", IPv6Address("::1")),
        ("fe80::1%25eth0", IPv6Address("fe80::1%25eth0")),
        ("shop.example", None),
        ("0x7f.example", None),
        ("bücher.example", None),
    ],
)
def test_host_is_an_address_only_when_written_as_one(
    host: str, address: IPv4Address | IPv6Address | None
) -> None:
    assert host_address(host) == address


@pytest.mark.parametrize(
    "host", ["256.0.0.1", "1.2.3.4.5", "08.0.0.1", "0x", "4294967296", "1.2.65536", "shop.123"]
)
def test_a_number_that_is_no_address_is_not_a_host(host: str) -> None:
    with pytest.raises(ValueError):
        host_address(host)


@pytest.mark.parametrize(
    ("url", "refused"),
    [
        ("ftp://shop.example/hooks", Refused(Refusal.scheme, "shop.example")),
        ("file:///etc/passwd", Refused(Refusal.scheme, "")),
        ("https://user:pass@shop.example/", Refused(Refusal.credentials, "shop.example")),
        ("https://token@shop.example/", Refused(Refusal.credentials, "shop.example")),
        ("http://shop.example\\@127.0.0.1/", Refused(Refusal.credentials, "127.0.0.1")),
        ("http://localhost/", Refused(Refusal.loopback, "localhost")),
        ("http://admin.localhost:8080/", Refused(Refusal.loopback, "admin.localhost")),
        (
            "http://0x7f000001/",
            Refused(Refusal.loopback, "0x7f000001", IPv4Address("127.0.0.1")),
        ),
        (
            "http://[::ffff:10.0.0.1]:8080/",
            Refused(Refusal.private, "::ffff:10.0.0.1", IPv6Address("::ffff:a00:1")),
        ),
        ("http://%31%32%37.0.0.1/", Refused(Refusal.host, "%31%32%37.0.0.1")),
        ("http://shop_.example-/", Refused(Refusal.host, "shop_.example-")),
        ("http://999.1.1.1/", Refused(Refusal.host, "999.1.1.1")),
    ],
)
def test_url_refusal_names_the_reason_and_the_host(url: str, refused: Refused) -> None:
    assert url_refusal(url, allow_private=False) == refused


@pytest.mark.parametrize(
    "url",
    [
        "https://shop.example/hooks",
        "http://93.184.216.34:8080/x?y=1",
        "https://[2606:4700::1111]/hooks",
        "https://bücher.example/hooks",
        "HTTPS://Shop.Example./hooks",
    ],
)
def test_public_urls_are_allowed(url: str) -> None:
    assert url_refusal(url, allow_private=False) is None


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8000/hooks", "http://localhost/", "http://[fe80::1]/", "http://10.1/"]
)
def test_allowing_private_addresses_lifts_the_address_rule(url: str) -> None:
    assert url_refusal(url, allow_private=True) is None


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://user:pass@127.0.0.1/", Refusal.credentials),
        ("gopher://127.0.0.1/", Refusal.scheme),
        ("http://%31%32%37.0.0.1/", Refusal.host),
    ],
)
def test_allowing_private_addresses_keeps_the_scheme_credentials_and_host_rules(
    url: str, reason: Refusal
) -> None:
    refused = url_refusal(url, allow_private=True)

    assert refused is not None
    assert refused.reason == reason
