"""The console's terminal: a prompt read in a thread while the bot may speak at any time.

A line written while the prompt waits goes above it: the prompt's line is cleared, the text
printed, then the prompt is drawn again with whatever was typed so far (readline's buffer),
so a late message never garbles the line being typed.
"""

from __future__ import annotations

import asyncio
import sys
from typing import TextIO

try:  # line editing and history for input(); absent on some platforms
    import readline
except ImportError:  # pragma: no cover
    readline = None  # type: ignore[assignment]

CLEAR_LINE = "\r\x1b[K"


class Terminal:
    def __init__(self, out: TextIO | None = None, *, interactive: bool | None = None) -> None:
        self.out = out or sys.stdout
        if interactive is None:
            interactive = sys.stdin.isatty() and self.out.isatty()
        self.interactive = interactive
        self._prompt: str | None = None  # shown, and the operator has not pressed Enter yet

    async def read(self, prompt: str) -> str | None:
        """The operator's next line; None at the end of input."""
        self._prompt = prompt
        try:
            return await asyncio.to_thread(input, prompt)
        except EOFError:
            return None
        finally:
            self._prompt = None

    def write(self, text: str) -> None:
        prompt = self._prompt
        if prompt is None or not self.interactive:
            print(text, file=self.out, flush=True)
            return
        typed = readline.get_line_buffer() if readline is not None else ""
        self.out.write(f"{CLEAR_LINE}{text}\n{prompt}{typed}")
        self.out.flush()
