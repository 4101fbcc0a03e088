"""The client's address behind the prescribed reverse proxy.

`PUHUI_TRUSTED_PROXIES` lists the proxies' addresses or networks. A request whose REMOTE_ADDR is one of them
is taken to come from the right-most address in X-Forwarded-For that is not itself a trusted proxy: every
proxy appends the address it received the request from, so entries to the left of the first untrusted hop
were written by the client and cannot be believed. A request from anywhere else is its REMOTE_ADDR, whatever
headers it sends. Used by the lock-out (AXES_CLIENT_IP_CALLABLE) and the audit trail.
"""

import ipaddress
from functools import cache

from django.conf import settings


@cache
def _networks(spec: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def _parse(value: str):
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.9:51234"
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _trusted(address, networks) -> bool:
    return any(address in network for network in networks)


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR", "")
    networks = _networks(tuple(getattr(settings, "PUHUI_TRUSTED_PROXIES", ())))
    peer = _parse(remote) if remote else None
    if peer is None:  # not an address (a test client, a unix socket): nothing to record
        return None
    if not networks or not _trusted(peer, networks):
        return str(peer)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([h for h in forwarded.split(",") if h.strip()]):
        address = _parse(hop)
        if address is None:  # garbage where a proxy should have written an address: stop at the last good hop
            break
        if not _trusted(address, networks):
            return str(address)
        peer = address
    return str(peer)
