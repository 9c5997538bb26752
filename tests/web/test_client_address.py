"""T5: who the client is. The connection's peer, unless that peer is a trusted proxy: then the
right-most forwarded address that is not itself a trusted proxy."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from recourse.web.clients import client_address, trusted_networks

PROXIES = trusted_networks(["10.0.0.0/8", "2001:db8:1::/48", "192.0.2.1"])


def _request(peer: str, *headers: tuple[str, str]) -> Request:
    return Request(
        {
            "type": "http",
            "method": "GET",
            "path": "/",
            "headers": [(k.lower().encode(), v.encode()) for k, v in headers],
            "client": (peer, 50000),
        }
    )


@pytest.mark.parametrize(
    ("peer", "headers", "client"),
    [
        ("203.0.113.5", [("X-Forwarded-For", "198.51.100.1")], "203.0.113.5"),
        ("203.0.113.5", [("Forwarded", "for=198.51.100.1")], "203.0.113.5"),
        ("10.0.0.2", [], "10.0.0.2"),
        ("10.0.0.2", [("X-Forwarded-For", "198.51.100.1")], "198.51.100.1"),
        ("10.0.0.2", [("X-Forwarded-For", "6.6.6.6, 198.51.100.1")], "198.51.100.1"),
        ("10.0.0.2", [("X-Forwarded-For", "6.6.6.6, 198.51.100.1, 10.9.9.9")], "198.51.100.1"),
        (
            "10.0.0.2",
            [("X-Forwarded-For", "6.6.6.6"), ("X-Forwarded-For", "198.51.100.1")],
            "198.51.100.1",
        ),
        ("10.0.0.2", [("X-Forwarded-For", "192.0.2.1, 10.1.1.1")], "192.0.2.1"),
        (
            "10.0.0.2",
            [("Forwarded", 'for=6.6.6.6, for="198.51.100.1:4711";proto=https')],
            "198.51.100.1",
        ),
        ("10.0.0.2", [("Forwarded", 'for="[2001:db8:2::7]:443"')], "2001:db8:2::7"),
        ("2001:db8:1::5", [("X-Forwarded-For", "2001:db8:2::7")], "2001:db8:2::7"),
        ("10.0.0.2", [("X-Forwarded-For", "not-an-address, 198.51.100.1")], "198.51.100.1"),
        ("10.0.0.2", [("X-Forwarded-For", "198.51.100.1, not-an-address")], "10.0.0.2"),
        ("10.0.0.2", [("X-Forwarded-For", "::ffff:198.51.100.1")], "198.51.100.1"),
    ],
    ids=[
        "untrusted peer: X-Forwarded-For ignored",
        "untrusted peer: Forwarded ignored",
        "trusted peer, nothing forwarded",
        "trusted peer forwards one client",
        "a client's own claim left of the real one is ignored",
        "trusted hops on the right are skipped",
        "repeated headers read as one list",
        "a trusted proxy's address is skipped even as a client",
        "Forwarded with a port and parameters",
        "Forwarded with a bracketed IPv6 address",
        "IPv6 proxy and client",
        "garbage left of the client is never reached",
        "garbage where the client should be: the last trusted hop",
        "an IPv4-mapped IPv6 address is the IPv4 address",
    ],
)
def test_the_client_address(peer: str, headers: list[tuple[str, str]], client: str) -> None:
    assert client_address(_request(peer, *headers), PROXIES) == client


def test_with_no_trusted_proxies_the_peer_is_the_client() -> None:
    request = _request("127.0.0.1", ("X-Forwarded-For", "198.51.100.1"))

    assert client_address(request, trusted_networks([])) == "127.0.0.1"
