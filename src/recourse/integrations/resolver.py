"""The system's name resolution (DNS, the hosts file) behind the Resolver port."""

from __future__ import annotations

import socket
from ipaddress import ip_address

from recourse.domain.webhooks import IPAddress


class SystemResolver:
    """getaddrinfo, as the HTTP client would call it, in the order it would try the addresses."""

    def resolve(self, host: str, port: int) -> list[IPAddress]:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        return list(dict.fromkeys(ip_address(sockaddr[0]) for *_, sockaddr in found))
