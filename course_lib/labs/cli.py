"""The command-line conventions both lab scripts share: one-line errors naming the option, exit status
2 for bad arguments or files and :data:`~course_lib.labs.logs.DIVERGED_EXIT_CODE` (3) when training
diverged, and choices that accept older spellings (``wgan-gp`` for ``wgan_gp``, ``seg+`` for ``seg_plus``).

    parser = Parser(prog="python -m course_lib.labs.at", description=...)
    parser.add_argument("--method", type=choice(METHODS, ALIASES, "method"), metavar="{...}")
    with cli_errors(parser):
        train(...)
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Callable, Iterable, Iterator, Mapping

from course_lib.data.cifar10 import DownloadError
from course_lib.labs.checkpoints import CheckpointError
from course_lib.labs.device import cleanup_distributed
from course_lib.labs.logs import DIVERGED_EXIT_CODE, DivergenceError


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose errors are one line, ``prog: error: message``, exit status 2."""

    def error(self, message: str) -> None:      # one line, naming the option
        self.exit(2, f"{self.prog}: error: {' '.join(str(message).split())}\n")


def canonical(value: str, choices: Iterable[str], aliases: Mapping[str, str] | None = None) -> str | None:
    """``value`` as one of ``choices``: itself, an alias, or the same with ``-``/``+`` spelled ``_``/``_plus``
    (case-insensitive); None when it names none of them."""
    choices = tuple(choices)
    aliases = aliases or {}
    text = str(value).strip()
    for v in (text, text.lower()):
        if v in choices:
            return v
        if v in aliases:
            return aliases[v]
    spelled = text.lower().replace("+", "_plus").replace("-", "_")
    return spelled if spelled in choices else aliases.get(spelled)


def choice(choices: Iterable[str], aliases: Mapping[str, str] | None = None,
           what: str = "value") -> Callable[[str], str]:
    """An argparse ``type`` accepting ``choices`` and their older spellings (see :func:`canonical`)."""
    choices = tuple(choices)

    def parse(text: str) -> str:
        name = canonical(text, choices, aliases)
        if name is None:
            raise argparse.ArgumentTypeError(f"invalid choice: {text!r} (choose from {', '.join(choices)})")
        return name

    parse.__name__ = what      # argparse names the type in its messages
    return parse


def metavar(choices: Iterable[str]) -> str:
    return "{" + ",".join(choices) + "}"


@contextlib.contextmanager
def cli_errors(parser: argparse.ArgumentParser,
               errors: tuple[type[BaseException], ...] = ()) -> Iterator[None]:
    """Run a lab from its command line: divergence → one line and exit 3; a missing or corrupt file or data
    set, a failed download, an existing run without ``--resume``, bad settings (``ValueError``,
    ``TypeError``) and ``errors`` → one line and exit 2; the process group is torn down in any case."""
    try:
        yield
    except DivergenceError as err:
        parser.exit(DIVERGED_EXIT_CODE, f"{parser.prog}: error: {' '.join(str(err).split())}\n")
    except (FileExistsError, FileNotFoundError, CheckpointError, DownloadError, ValueError, TypeError,
            *errors) as err:
        parser.exit(2, f"{parser.prog}: error: {' '.join(str(err).split())}\n")
    finally:
        cleanup_distributed()
