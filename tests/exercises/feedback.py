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


def assert_named(check, answer, phrase, capsys, name=None) -> None:
    """A wrong ``answer`` (renamed ``name`` when given) is refused with feedback containing ``phrase``."""
    ok, out = verdict(check, named(answer, name) if name else answer, capsys)
    assert not ok and out.startswith(("✗", "…")) and phrase in out, out


def assert_prediction_feedback(check, right, wrong, capsys, not_a_number: str = "one") -> None:
    """A prediction checker: ``right`` passes; each ``(value, phrase)`` of ``wrong`` is refused naming
    ``phrase``; ``...`` is "not solved yet"; a non-number says it should be a number."""
    assert verdict(check, right, capsys)[0]
    for value, phrase in wrong:
        assert_named(check, value, phrase, capsys)
    assert not check(...) and "not solved yet" in capsys.readouterr().out
    assert_named(check, not_a_number, "should be a number", capsys)
