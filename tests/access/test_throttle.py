"""Slowing password guessing (kuban/access/throttle.py), on a clock the test turns by hand.

Hand-worked: FREE_ATTEMPTS = 3 failures cost nothing; then each attempt waits 2, 4, 8, ... s after the last
failure (FIRST_WAIT_S doubled per failure), never more than MAX_WAIT_S = 300 s; failures older than
FORGET_AFTER_S = 15 min no longer count."""
from __future__ import annotations

import threading

import pytest

from kuban.access import throttle
from kuban.access.throttle import FIRST_WAIT_S, FORGET_AFTER_S, FREE_ATTEMPTS, MAX_WAIT_S, Throttle


class Clock:
    def __init__(self, now: float = 1000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


def test_the_constants_are_the_documented_ones():
    assert (FREE_ATTEMPTS, FIRST_WAIT_S, MAX_WAIT_S, FORGET_AFTER_S) == (3, 2.0, 300.0, 900)


def test_free_attempts_then_doubling_waits(clock):
    t = Throttle(clock)
    for _ in range(FREE_ATTEMPTS - 1):
        t.failed("login:ivanova")
        assert t.wait("login:ivanova") == 0
    t.failed("login:ivanova")                    # the third failure: the next attempt waits 2 s
    assert t.wait("login:ivanova") == 2.0
    clock.now += 0.5
    assert t.wait("login:ivanova") == 1.5
    clock.now += 1.5
    assert t.wait("login:ivanova") == 0
    expected = [4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 300.0, 300.0]
    for want in expected:
        t.failed("login:ivanova")
        assert t.wait("login:ivanova") == want
        clock.now += want                         # the guesser waits exactly as long as told
        assert t.wait("login:ivanova") == 0


def test_the_wait_is_capped_however_long_the_guessing_goes_on(clock):
    t = Throttle(clock)
    for _ in range(5000):                          # weeks of patient guessing, each after the wait it was told
        clock.now += t.wait("login:ivanova")
        t.failed("login:ivanova")
    assert t.wait("login:ivanova") == MAX_WAIT_S


def test_failures_are_forgotten_after_the_window(clock):
    t = Throttle(clock)
    for _ in range(6):
        t.failed("login:ivanova")
    assert t.wait("login:ivanova") == 16.0         # 2 * 2 ** (6 - 3)
    clock.now += FORGET_AFTER_S                    # exactly the window: still counted
    assert t.wait("login:ivanova") == 0            # (the 16 s are long over)
    t.failed("login:ivanova")
    assert t.wait("login:ivanova") == 32.0         # the seventh failure within 15 min of the sixth
    clock.now += FORGET_AFTER_S + 0.001
    assert t.wait("login:ivanova") == 0
    t.failed("login:ivanova")                      # counts as the first again
    assert t.wait("login:ivanova") == 0
    t.failed("login:ivanova")
    t.failed("login:ivanova")
    assert t.wait("login:ivanova") == 2.0


def test_a_success_resets_its_keys(clock):
    t = Throttle(clock)
    for _ in range(5):
        t.failed("login:ivanova", "ip:10.0.0.7")
    assert t.wait("login:ivanova", "ip:10.0.0.7") == 8.0
    t.succeeded("login:ivanova", "ip:10.0.0.7")
    assert t.wait("login:ivanova", "ip:10.0.0.7") == 0
    t.failed("login:ivanova")
    assert t.wait("login:ivanova") == 0            # back to the free attempts
    t.succeeded("login:nobody")                    # an unknown key: nothing happens


def test_per_login_and_per_address(clock):
    t = Throttle(clock)
    # One address guessing many logins: the address waits, whatever login it tries next.
    for i in range(4):
        t.failed(f"login:user{i}", "ip:10.0.0.66")
    assert t.wait("login:fresh", "ip:10.0.0.66") == 4.0
    assert t.wait("login:user0", "ip:10.0.0.1") == 0          # another address, another login: free
    # Many addresses guessing one login: the login waits, from wherever.
    for i in range(5):
        t.failed("login:ivanova", f"ip:10.1.0.{i}")
    assert t.wait("login:ivanova", "ip:192.168.0.1") == 8.0
    assert t.wait("login:petrov", "ip:10.1.0.1") == 0
    # The longer of the two waits applies.
    clock.now += 3
    assert t.wait("login:ivanova", "ip:10.0.0.66") == 5.0
    assert t.wait() == 0


def test_memory_is_bounded_and_a_flood_of_new_names_does_not_free_a_guessed_login(clock, monkeypatch):
    monkeypatch.setattr(throttle, "MAX_KEYS", 50)
    t = Throttle(clock)
    for _ in range(6):
        t.failed("login:ivanova")
    clock.now += 1
    for i in range(1000):                          # a flood of distinct logins from distinct addresses
        t.failed(f"login:flood{i}", f"ip:10.9.{i // 256}.{i % 256}")
        assert len(t._failures) <= 50 + 1
    assert t.wait("login:ivanova") == 15.0         # 16 s after its sixth failure, one second later
    # Old entries go first when the table is full.
    clock.now += FORGET_AFTER_S + 1
    t.failed("login:late")
    assert len(t._failures) <= 50


def test_concurrent_failures_are_all_counted(clock):
    t = Throttle(clock)
    threads = [threading.Thread(target=lambda: [t.failed("login:x") for _ in range(200)]) for _ in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert t._failures["login:x"][0] == 1600


def test_the_real_clock_is_monotonic_by_default():
    t = Throttle()
    for _ in range(3):
        t.failed("k")
    assert 0 < t.wait("k") <= FIRST_WAIT_S
