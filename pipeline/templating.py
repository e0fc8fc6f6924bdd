"""The one home of Jinja for every template: Word documents (through docxtpl) and the Versand letter.

Both use the same undefined handling (an unknown variable is an error that
names it, in German) and the same German syntax messages; they differ only in
escaping and whitespace (`environment`, `text_environment`). The undefined
values set their German message through the public constructor of
`jinja2.Undefined` (its `hint`), no private attribute.
"""

from __future__ import annotations

import functools
import re
import threading
from collections import OrderedDict
from collections.abc import Callable

import jinja2
from jinja2.exceptions import TemplateRuntimeError, UndefinedError

__all__ = ["environment", "syntax_message", "text_environment", "unclosed_block_line"]


class _DocumentUndefined(jinja2.StrictUndefined):
    """An unknown variable of a Word template: the error names its full path (``projekt.foo``)."""

    __slots__ = ()
    noun = "Variable"

    def __init__(self, hint: str | None = None, obj=jinja2.utils.missing, name: str | None = None,
                 exc: type[TemplateRuntimeError] = UndefinedError) -> None:
        # Jinja makes its message from the hint when there is one (the constructor is the public way in)
        super().__init__(hint=hint or f"unbekannte {self.noun} »{_path(obj, name)}«", obj=obj, name=name, exc=exc)


def _path(obj, name) -> str:
    if obj is jinja2.utils.missing or obj is None:
        return str(name)
    base = getattr(obj, "_path", None)  # tracking.Node knows its path in the context
    return f"{base}.{name}" if base else str(name)


class _LetterUndefined(_DocumentUndefined):
    """An unknown placeholder of the Versand letter."""

    __slots__ = ()
    noun = "Angabe"


class _DocumentEnvironment(jinja2.Environment):
    """The Word templates' environment; it keeps what it compiled, by source.

    Every Projektauftrag comes from the same template, and each document's sources are compiled twice
    (checked by `template_check`, then rendered by docxtpl, which hands the same source to `from_string`).
    Jinja caches only templates it loads by name, so without this every document compiled its template anew
    (a third of a Word document's rendering time). A source's compiled template does not depend on the
    context, so it is compiled once per process; the workers of a run inherit what the main process compiled
    when it checked the templates. `parse` is not kept: `jinja2.meta` optimizes the tree it is given in place,
    so a kept tree would change what the next check of the same template finds.
    """

    _KEEP = 64
    """Sources kept, the least recently used dropped: the parts (body, headers, footers) of every template of a
    project folder fit; a long-running server that checks many uploaded versions keeps no more than these."""

    def __init__(self) -> None:
        super().__init__(autoescape=True, undefined=_DocumentUndefined)
        self._compiled: OrderedDict[str, jinja2.Template] = OrderedDict()
        self._lock = threading.Lock()

    def from_string(self, source, globals=None, template_class=None):
        if globals or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        with self._lock:
            if source in self._compiled:
                self._compiled.move_to_end(source)
                return self._compiled[source]
        made = super().from_string(source)  # a syntax error propagates and is not kept
        with self._lock:
            self._compiled[source] = made
            while len(self._compiled) > self._KEEP:
                self._compiled.popitem(last=False)
        return made


@functools.cache
def environment() -> jinja2.Environment:
    """The environment of the Word templates: autoescape (docxtpl writes XML), strict undefined variables.
    One per process, so a template's parts are compiled once (`_DocumentEnvironment`)."""
    return _DocumentEnvironment()


def text_environment(source: Callable[[str], tuple[str, str, Callable[[], bool]]]) -> jinja2.Environment:
    """The environment of plain-text templates (the Versand letter): no escaping, the template's line
    breaks kept, block tags on their own lines leave no empty lines; `source` is a FunctionLoader's function."""
    return jinja2.Environment(loader=jinja2.FunctionLoader(source), undefined=_LetterUndefined, autoescape=False,
                              keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)


_SYNTAX_DE = (
    (re.compile(r"Encountered unknown tag '(end(\w+))'"), "»{0}« ohne passendes »{1}« davor"),
    (re.compile(r"Encountered unknown tag '(\w+)'"), "unbekannter Befehl »{0}«"),
    (re.compile(r"Unexpected end of template"), "die Vorlage endet, bevor alle Blöcke geschlossen sind "
                                                "(fehlt ein {{% endif %}} oder {{% endfor %}}?)"),
    (re.compile(r"unexpected end of template"), "die Vorlage endet mitten in einem Ausdruck"),
    (re.compile(r"unexpected '(.+?)'"), "unerwartetes Zeichen »{0}«"),
    (re.compile(r"expected token '(.+?)', got '(.+?)'"), "erwartet »{0}«, gefunden »{1}«"),
    (re.compile(r"No filter named '(.+?)'"), "unbekannter Filter »{0}«"),
    (re.compile(r"No test named '(.+?)'"), "unbekannter Test »{0}«"),
    (re.compile(r"unexpected char '(.+?)'"), "unerwartetes Zeichen »{0}«"),
    (re.compile(r"expected name or number"), "nach dem Punkt fehlt ein Name"),
)
_BLOCK_TAG = re.compile(r"{%-?\s*(\w+)")
_BLOCKS = {"if", "for", "with", "macro", "call", "filter", "block", "set"}


def unclosed_block_line(source: str) -> int | None:
    """Line of the innermost block tag that is never closed (for the message
    "Vorlage endet, bevor alle Blöcke geschlossen sind")."""
    stack: list[tuple[str, int]] = []
    for lineno, line in enumerate(source.splitlines(), start=1):
        for m in _BLOCK_TAG.finditer(line):
            tag = m.group(1)
            if tag in _BLOCKS:
                if tag == "set" and "=" in line[m.end(): line.find("%}", m.end())]:
                    continue  # {% set x = … %} has no end tag
                stack.append((tag, lineno))
            elif tag.startswith("end") and stack and stack[-1][0] == tag[3:]:
                stack.pop()
    return stack[-1][1] if stack else None


def syntax_message(exc: Exception) -> str:
    msg = getattr(exc, "message", None) or str(exc)
    for pattern, german in _SYNTAX_DE:
        m = pattern.search(msg)
        if m:
            return german.format(*m.groups())
    return msg
