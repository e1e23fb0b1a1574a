"""Is the process that runs a background job still there?"""

import os
import socket


def hote() -> str:
    """This machine's name, as the journals of background jobs record it."""
    return socket.gethostname()[:100]


def processus_vivant(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
