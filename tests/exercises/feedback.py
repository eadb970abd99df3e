"""What the checker tests share: one checker call and its one printed line."""

from __future__ import annotations


def verdict(check, answer, capsys) -> tuple[bool, str]:
    """``check(answer)``'s result and its printed feedback, which must be exactly one line."""
    ok = check(answer)
    out = capsys.readouterr().out
    assert out.count("\n") == 1, f"one line of feedback, got {out!r}"
    return ok, out


def named(fn, name):
    """The lambda ``fn`` as a function called ``name`` (so the checker's messages name it)."""
    fn.__name__ = name
    return fn
