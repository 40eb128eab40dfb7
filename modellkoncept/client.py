"""The address a request comes from, as the lock-out, the throttles and the logs must see it.

Behind a reverse proxy every request arrives from the proxy's address. Only when the request
comes from one of `DJANGO_TRUSTED_PROXIES` is its `X-Forwarded-For` believed, and then only
from the right: each trusted proxy appends the address it received the request from, so the
right-most entry that is not itself a trusted proxy is the client. Entries further left were
written by the client and may be anything. Without the setting, `REMOTE_ADDR` is the address.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def trusted_networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    """The networks of the trusted proxies; a bare address is a network of one."""
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies if proxy)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 192.0.2.1:443
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def client_address(request: HttpRequest) -> str:
    """The client's address: `REMOTE_ADDR`, or, when that is a trusted proxy, the right-most
    `X-Forwarded-For` entry that is not a trusted proxy. Nothing usable gives `REMOTE_ADDR`."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    networks = trusted_networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))
    peer = _address(remote)
    if not networks or peer is None or not _trusted(peer, networks):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for entry in reversed(forwarded.split(",")):
        address = _address(entry)
        if address is None:
            # Not an address: whatever stands left of it is unverifiable. The last trusted hop
            # is the best that is known.
            return str(peer)
        if not _trusted(address, networks):
            return str(address)
        peer = address
    # Every entry was a trusted proxy (or there were none): the left-most proxy is the client
    # as far as anyone can tell.
    return str(peer)
