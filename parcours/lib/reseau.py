"""The client's address behind a known number of reverse proxies."""


def adresse_client(remote_addr: str | None, forwarded_for: str | None, proxies: int) -> str | None:
    """The address the outermost trusted proxy saw.

    With `proxies` reverse proxies in front of the application, each appends the address it
    received from to X-Forwarded-For; only the last `proxies` entries were written by them, the
    rest may be forged by the client. Without proxies, REMOTE_ADDR is the client.
    """
    if proxies <= 0 or not forwarded_for:
        return remote_addr
    adresses = [a.strip() for a in forwarded_for.split(",") if a.strip()]
    if len(adresses) < proxies:
        return remote_addr
    return adresses[-proxies]
