"""Run the real command with a fake DNS and a loopback-only socket jail:

    python tests/fakedns.py audit URL --out DIR ...

LOCALOFFER_TEST_DNS   JSON {name: [answer, answer, ...]}; each answer is a list of addresses.
                      The n-th lookup of a name gets the n-th answer (the last one repeats), so
                      a name can change its answer between a check and a connection (rebinding).
                      Other names fail, except localhost and IP literals: no real DNS is asked.
LOCALOFFER_TEST_CONNECTS  a file; every address the process connects to is appended to it.
                      Anything not on loopback is refused, so a guard bug can never reach a real
                      private or metadata address from a test.
"""

from __future__ import annotations

import errno
import ipaddress
import json
import os
import socket
import sys
import threading

_real_getaddrinfo = socket.getaddrinfo
_lock = threading.Lock()
_asked: dict[str, int] = {}


def _answer(host: str, table: dict[str, list[list[str]]]) -> list[str]:
    host = host.rstrip(".").lower()
    if host in table:
        with _lock:
            n = _asked.get(host, 0)
            _asked[host] = n + 1
        answers = table[host]
        return answers[min(n, len(answers) - 1)]
    if host == "localhost":
        return ["127.0.0.1"]
    try:
        return [str(ipaddress.ip_address(host.strip("[]")))]
    except ValueError:
        raise socket.gaierror(socket.EAI_NONAME, f"fake DNS: unknown host {host}") from None


def install(table: dict[str, list[list[str]]], connects_log: str | None) -> None:
    def getaddrinfo(host, port, *args, **kwargs):
        if host is None:
            return _real_getaddrinfo(host, port, *args, **kwargs)
        host = host.decode() if isinstance(host, bytes) else str(host)
        results = []
        for address in _answer(host, table):
            results += _real_getaddrinfo(address, port, *args, **kwargs)
        return results

    def gethostbyname(host):
        ipv4 = [a for a in _answer(host, table) if ":" not in a]
        if not ipv4:
            raise socket.gaierror(socket.EAI_NONAME, f"fake DNS: no IPv4 address for {host}")
        return ipv4[0]

    def allowed(address) -> bool:
        host = address[0] if isinstance(address, tuple) else address
        if connects_log:
            with _lock, open(connects_log, "a", encoding="utf-8") as log:
                log.write(f"{host}\n")
        try:
            return ipaddress.ip_address(str(host).split("%", 1)[0]).is_loopback
        except ValueError:
            return False

    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not allowed(address):
            raise ConnectionRefusedError(errno.ECONNREFUSED, f"test jail: refused {address}")
        return real_connect(self, address)

    def connect_ex(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not allowed(address):
            return errno.ECONNREFUSED
        return real_connect_ex(self, address)

    socket.getaddrinfo = getaddrinfo
    socket.gethostbyname = gethostbyname
    socket.socket.connect = connect
    socket.socket.connect_ex = connect_ex


if __name__ == "__main__":
    install(json.loads(os.environ.get("LOCALOFFER_TEST_DNS", "{}")),
            os.environ.get("LOCALOFFER_TEST_CONNECTS"))
    from localoffer_audit.cli import main

    sys.exit(main(sys.argv[1:]))
