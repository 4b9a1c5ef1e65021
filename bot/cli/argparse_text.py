"""argparse's own words (usage, option titles, errors) through our catalogs, so `thidua --help`
and a mistyped command speak the CLI's language (Vietnamese; English with THIDUA_LOCALE=en).

argparse looks its texts up with the module-level `_` and `ngettext` of the `argparse`
module when it formats them; `translated()` points those at our catalogs while the command
line is parsed, then puts them back (the process may use argparse for other things: pytest).
The msgids are argparse's (Python 3.11–3.13), marked here so the catalog check knows them.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager

from locales import N_, _, ngettext

MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("not allowed with argument %s"),
    N_("one of the arguments %s is required"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("ignored explicit argument %r"),
    N_("unexpected option string: %s"),
    N_("can't open '%(filename)s': %(error)s"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
)


def _plural(singular: str, plural: str, n: int) -> str:
    if singular == "expected %s argument":  # argparse's one plural, spelled for the catalog
        return ngettext("expected %s argument", "expected %s arguments", n)
    return ngettext(singular, plural, n)


def _translate(message: str | None) -> str | None:
    """argparse also passes None (a subparsers group without description) through `_`."""
    return _(message) if isinstance(message, str) and message else message


@contextmanager
def translated() -> Iterator[None]:
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._ = _translate  # type: ignore[attr-defined]
    argparse.ngettext = _plural  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]
