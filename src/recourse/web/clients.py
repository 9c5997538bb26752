"""T5: who the client is. The connection's peer, unless that peer is a proxy the operator named
in RECOURSE_TRUSTED_PROXIES: then the right-most address its forwarded header lists that is not
itself a trusted proxy. Everything left of that was written by the client and proves nothing."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from functools import lru_cache

from starlette.requests import HTTPConnection

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

_FOR = re.compile(r'(?:^|;)\s*for\s*=\s*("(?:[^"\\]|\\.)*"|[^;,\s]*)', re.IGNORECASE)


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def trusted_networks(entries: Iterable[str]) -> tuple[Network, ...]:
    return _networks(tuple(entries))


def client_address(connection: HTTPConnection, trusted: tuple[Network, ...] | None = None) -> str:
    """The one place the app decides a request's client address (the login throttle keys on
    it). `trusted` defaults to the proxies in the app's settings."""
    if trusted is None:
        trusted = trusted_networks(connection.app.state.container.settings.trusted_proxies)
    peer = connection.client.host if connection.client else ""
    current = _parse(peer)
    if current is None:
        return peer or "unknown"
    if not _is_trusted(current, trusted):
        return str(current)
    for hop in reversed(_forwarded(connection)):
        address = _parse(hop)
        if address is None:
            break
        current = address
        if not _is_trusted(current, trusted):
            break
    return str(current)


def _forwarded(connection: HTTPConnection) -> list[str]:
    """The hops the proxies recorded, nearest last. X-Forwarded-For, which proxies append to;
    the standard Forwarded header only when there is no X-Forwarded-For at all."""
    headers = connection.headers
    listed = headers.getlist("x-forwarded-for")
    if listed:
        return [hop.strip() for value in listed for hop in value.split(",")]
    hops = []
    for value in headers.getlist("forwarded"):
        for element in value.split(","):
            found = _FOR.search(element.strip())
            hops.append(found.group(1).strip('"') if found else "")
    return hops


def _parse(value: str) -> Address | None:
    """An address, with any port and IPv6 brackets taken off; an IPv4-mapped IPv6 address is
    its IPv4 address. None for anything else ("unknown", obfuscated names, garbage)."""
    text = value.strip()
    if text.startswith("["):
        text = text[1 : text.find("]")] if "]" in text else ""
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _is_trusted(address: Address, trusted: tuple[Network, ...]) -> bool:
    return any(address.version == network.version and address in network for network in trusted)
