"""T2: where outbound webhooks may go — http(s), no credentials, public addresses only.

One rule for both moments it is applied: when the operator registers a URL (its host as
written) and when the worker connects (every address the host resolves to then).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address
from urllib.parse import urlsplit

IPAddress = IPv4Address | IPv6Address

SCHEMES = ("http", "https")


class Refusal(StrEnum):
    scheme = "scheme"
    credentials = "credentials"
    host = "host"
    loopback = "loopback"
    private = "private"
    link_local = "link_local"
    multicast = "multicast"
    unspecified = "unspecified"
    shared = "shared"
    reserved = "reserved"


@dataclass(frozen=True, slots=True)
class Refused:
    """Why a URL or an address is refused: the host as written, and the address it denotes
    when it is (or resolves to) one."""

    reason: Refusal
    host: str
    address: IPAddress | None = None


_NAT64 = IPv6Network("64:ff9b::/96")
_SHARED = IPv4Network("100.64.0.0/10")
_PRIVATE = (
    IPv4Network("10.0.0.0/8"),
    IPv4Network("172.16.0.0/12"),
    IPv4Network("192.168.0.0/16"),
    IPv6Network("fc00::/7"),
    IPv6Network("fec0::/10"),
)
# Older Pythons count most of 192.0.0.0/24 (IETF protocol assignments) as global.
_SPECIAL = (IPv4Network("192.0.0.0/24"),)

_NUMBER = re.compile(r"0x[0-9a-f]*|[0-9]+")
_LABEL = re.compile(r"[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?")


def address_refusal(address: IPAddress) -> Refusal | None:
    """T2: why `address` is not public, or None. An IPv6 address that carries an IPv4 one
    (IPv4-mapped, NAT64, 6to4) is judged by the IPv4 address it leads to."""
    if isinstance(address, IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in _NAT64:
            embedded = IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return address_refusal(embedded)
    if address.is_unspecified:
        return Refusal.unspecified
    if address.is_loopback:
        return Refusal.loopback
    if address.is_multicast:
        return Refusal.multicast
    if address.is_link_local:
        return Refusal.link_local
    if address in _SHARED:
        return Refusal.shared
    if address.is_reserved:
        return Refusal.reserved
    if any(address in network for network in _PRIVATE):
        return Refusal.private
    if not address.is_global or any(address in network for network in _SPECIAL):
        return Refusal.reserved
    return None


def _number(text: str) -> int:
    """One part of a numeric IPv4 host as inet_aton reads it: 0x hex, leading-0 octal, decimal."""
    if text.startswith("0x"):
        return int(text[2:], 16)
    if len(text) > 1 and text.startswith("0"):
        return int(text[1:], 8)
    return int(text, 10)


def _ipv4(labels: list[str]) -> IPv4Address:
    """`127.1`, `0x7f.0.0.1`, `2130706433`: the last part fills the bytes the others leave."""
    if len(labels) > 4 or not all(_NUMBER.fullmatch(label) for label in labels):
        raise ValueError("not an IPv4 address")
    *leading, last = [_number(label) for label in labels]
    if any(part > 0xFF for part in leading) or last >= 1 << (8 * (4 - len(leading))):
        raise ValueError("an IPv4 address part is out of range")
    value = last
    for i, part in enumerate(leading):
        value += part << (8 * (3 - i))
    return IPv4Address(value)


def host_address(host: str) -> IPAddress | None:
    """T2: the address a host written as a number denotes, as the system resolver reads it;
    None for a name. A host whose last label is a number but that is no address raises
    ValueError (no top-level domain is a number)."""
    text = host.lower().removeprefix("[").removesuffix("]")
    if ":" in text:
        return ip_address(text)
    labels = text.removesuffix(".").split(".")
    if not _NUMBER.fullmatch(labels[-1]):
        return None
    return _ipv4(labels)


def _valid_name(host: str) -> bool:
    try:
        ascii_host = host.lower().encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = ascii_host.removesuffix(".").split(".")
    return len(ascii_host) <= 253 and all(_LABEL.fullmatch(label) for label in labels)


def _is_localhost(host: str) -> bool:
    name = host.lower().removesuffix(".")
    return name == "localhost" or name.endswith(".localhost")


def host_refusal(host: str, *, allow_private: bool) -> Refused | None:
    """T2: a host as written: a name must be one (it need not resolve yet); an address, and
    `localhost`, must be public unless private addresses are allowed."""
    try:
        address = host_address(host)
    except ValueError:
        return Refused(Refusal.host, host)
    if address is None:
        if not host or not _valid_name(host):
            return Refused(Refusal.host, host)
        if _is_localhost(host) and not allow_private:
            return Refused(Refusal.loopback, host)
        return None
    reason = address_refusal(address)
    if reason is None or allow_private:
        return None
    return Refused(reason, host, address)


def url_refusal(url: str, *, allow_private: bool) -> Refused | None:
    """T2: why a webhook URL is refused, or None: scheme, credentials, then its host."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        _ = parts.port  # an invalid port raises here
    except ValueError:
        return Refused(Refusal.host, "")
    if parts.scheme not in SCHEMES:
        return Refused(Refusal.scheme, host)
    if "@" in parts.netloc:
        return Refused(Refusal.credentials, host)
    return host_refusal(host, allow_private=allow_private)
