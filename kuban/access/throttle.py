"""Slowing down password guessing: after a few failed sign-ins for one login or from one address, each
further attempt must wait, twice as long each time (capped). Kept in the serving process (one per server,
shared by its sessions); a restart forgets it, which costs a guesser a restart of the server."""
from __future__ import annotations

import threading
import time

FREE_ATTEMPTS = 3           # failures before the first wait
FIRST_WAIT_S = 2.0
MAX_WAIT_S = 300.0
FORGET_AFTER_S = 15 * 60    # failures this long ago no longer count
MAX_KEYS = 100_000          # a flood of distinct logins cannot grow memory without bound
_MAX_DOUBLINGS = 30         # 2 s * 2**30 is far beyond MAX_WAIT_S; the power stays a float after years


class Throttle:
    def __init__(self, clock=time.monotonic):
        self._clock = clock
        self._lock = threading.Lock()
        self._failures: dict[str, tuple[int, float]] = {}     # key -> (count, time of the last failure)

    def _count(self, key: str, now: float) -> tuple[int, float]:
        count, last = self._failures.get(key, (0, 0.0))
        if count and now - last > FORGET_AFTER_S:
            return 0, 0.0
        return count, last

    def wait(self, *keys: str) -> float:
        """Seconds until an attempt for these keys (login, address) is allowed; 0 if now."""
        now = self._clock()
        left = 0.0
        with self._lock:
            for key in keys:
                count, last = self._count(key, now)
                if count >= FREE_ATTEMPTS:
                    delay = min(FIRST_WAIT_S * 2 ** min(count - FREE_ATTEMPTS, _MAX_DOUBLINGS), MAX_WAIT_S)
                    left = max(left, last + delay - now)
        return max(0.0, left)

    def failed(self, *keys: str) -> None:
        now = self._clock()
        with self._lock:
            if len(self._failures) >= MAX_KEYS:
                self._failures = {k: v for k, v in self._failures.items() if now - v[1] <= FORGET_AFTER_S}
                if len(self._failures) >= MAX_KEYS:
                    # Still full: keep the half with the most (then the latest) failures. Never all cleared,
                    # so a flood of made-up logins does not free a login being guessed.
                    kept = sorted(self._failures.items(), key=lambda kv: kv[1])[-max(1, MAX_KEYS // 2):]
                    self._failures = dict(kept)
            for key in keys:
                count, _ = self._count(key, now)
                self._failures[key] = (count + 1, now)

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)
