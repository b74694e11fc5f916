"""RE2 patterns (DuckDB's regular expressions) rewritten for ``java.util.regex`` (Spark's).

The two syntaxes look alike and mostly mean the same; where they do not, a pattern written
for DuckDB would quietly match something else on Spark:

* ``\\s`` is ``[\\t\\n\\f\\r ]`` in RE2; Java adds the vertical tab. ``\\v`` is the vertical
  tab in RE2 and a class of vertical whitespace in Java.
* ``.`` stops only at ``\\n`` in RE2; Java also stops at ``\\r``, ``\\u0085``, ``\\u2028``...
  (``(?d)``, UNIX_LINES, restores RE2's rule). ``$`` is the end of the text in RE2; Java
  also matches before a final newline (``\\z``).
* ``\\b`` follows ``\\w`` (ASCII) in RE2; Java 17 uses Unicode letters.
* Scripts: RE2 ``\\p{Han}``, Java ``\\p{IsHan}``; POSIX classes ``[[:alpha:]]`` do not exist in
  Java; inside a character class Java reads ``[`` as a nested class and ``&&`` as an
  intersection, RE2 as literals.
* ``(?i)`` folds Unicode case in RE2, ASCII only in Java without ``u``; ``(?P<name>`` is
  ``(?<name>`` in Java.
* Replacement strings: ``\\1`` and a literal ``$`` in RE2, ``$1`` and ``\\$`` in Java.

Not translated (an error says so): RE2's ungreedy flag ``(?U)``, ``\\P{Any}``. Patterns that
can match the empty string still replace differently (Java also matches at the end).
"""

from __future__ import annotations

import re

__all__ = ["java_regex", "java_replacement"]

#: Unicode general categories (kept as they are); other \p{...} names are scripts.
_CATEGORIES = frozenset(
    ("L", "Lu", "Ll", "Lt", "Lm", "Lo", "M", "Mn", "Mc", "Me", "N", "Nd", "Nl", "No", "P", "Pc",
     "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "S", "Sm", "Sc", "Sk", "So", "Z", "Zs", "Zl", "Zp", "C",
     "Cc", "Cf", "Co", "Cs")
)  # fmt: skip
_POSIX = {
    "alnum": r"\p{Alnum}", "alpha": r"\p{Alpha}", "ascii": r"\p{ASCII}", "blank": r"\p{Blank}",
    "cntrl": r"\p{Cntrl}", "digit": r"\p{Digit}", "graph": r"\p{Graph}", "lower": r"\p{Lower}",
    "print": r"\p{Print}", "punct": r"\p{Punct}", "space": r"\p{Space}", "upper": r"\p{Upper}",
    "word": r"\w", "xdigit": r"\p{XDigit}",
}  # fmt: skip
_RE2_SPACE = r"\t\n\f\r\x20"  # RE2's \s: no vertical tab, unlike Java's
_WORD_EDGE = r"(?:(?<=\w)(?!\w)|(?<!\w)(?=\w))"
_NOT_WORD_EDGE = r"(?:(?<=\w)(?=\w)|(?<!\w)(?!\w))"
_REPEAT = re.compile(r"\{\d+(,\d*)?\}")


def java_regex(pattern: str, options: str = "") -> str:
    r"""The ``java.util.regex`` pattern matching what RE2 (DuckDB) matches with ``pattern``.

    ``options`` are DuckDB's: ``i`` (case-insensitive, Unicode-aware), ``s`` (``.`` matches
    newlines), ``c`` and ``g`` (no effect on the pattern). Java's ``.`` and ``$`` also stop at
    ``\r`` and before a final newline, its ``\s`` includes ``\v``, its ``\b`` is Unicode-aware
    on Java 17 and it spells scripts ``\p{IsHan}``; all are rewritten.

    >>> java_regex(r"\p{Han}\s+$")
    '(?d)\\p{IsHan}[\\t\\n\\f\\r\\x20]+\\z'
    """
    out = ["(?d)"]  # UNIX_LINES: only \n ends a line, as in RE2
    if "i" in options:
        out.append("(?iu)")
    if "s" in options:
        out.append("(?s)")
    multiline = False
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            token, i = _escape(pattern, i, in_class=False)
            out.append(token)
        elif ch == "[":
            token, i = _char_class(pattern, i)
            out.append(token)
        elif ch == "$":
            out.append("$" if multiline else r"\z")
            i += 1
        elif ch == "(" and pattern.startswith("(?", i):
            token, i = _group_open(pattern, i)
            multiline = multiline or ("m" in token.split(")")[0].split(":")[0].split("-")[0])
            out.append(token)
        elif ch == "{":
            m = _REPEAT.match(pattern, i)
            if m:
                out.append(m.group(0))
                i = m.end()
            else:
                out.append(r"\{")
                i += 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _group_open(pattern: str, i: int) -> tuple[str, int]:
    if pattern.startswith("(?P<", i):
        return "(?<", i + 4
    m = re.compile(r"\(\?([a-zA-Z-]*)([:)])").match(pattern, i)
    if m is None:
        return "(?", i + 2
    flags = m.group(1)
    if "U" in flags:
        raise NotImplementedError("Spark engine: RE2's ungreedy flag (?U) has no Java equivalent")
    if "i" in flags.split("-")[0]:
        flags = flags.replace("i", "iu", 1)
    return f"({'?' + flags}{m.group(2)}", m.end()


def _escape(pattern: str, i: int, *, in_class: bool) -> tuple[str, int]:
    """Translate the escape starting at ``pattern[i] == '\\'``; returns (token, next index)."""
    if i + 1 >= len(pattern):
        return "\\\\", i + 1
    c = pattern[i + 1]
    if c in "pP":
        if pattern.startswith("{", i + 2):
            end = pattern.index("}", i + 2)
            name = pattern[i + 3 : end]
            negate = c == "P"
            if name.startswith("^"):
                negate, name = not negate, name[1:]
            if name == "Any":
                token = r"\x{0}-\x{10FFFF}" if in_class else r"[\x{0}-\x{10FFFF}]"
                if negate:
                    raise NotImplementedError(r"Spark engine: \P{Any} is not supported")
                return token, end + 1
            java = name if name in _CATEGORIES else f"Is{name}"
            return ("\\P" if negate else "\\p") + "{" + java + "}", end + 1
        return "\\" + c + pattern[i + 2 : i + 3], i + 3
    if c == "s":
        return (_RE2_SPACE if in_class else f"[{_RE2_SPACE}]"), i + 2
    if c == "S":
        return f"[^{_RE2_SPACE}]", i + 2  # inside a class Java reads [..] as a union
    if c == "v":
        return r"\x{0B}", i + 2
    if c == "b" and not in_class:
        return _WORD_EDGE, i + 2
    if c == "B" and not in_class:
        return _NOT_WORD_EDGE, i + 2
    if c == "x" and pattern.startswith("{", i + 2):
        end = pattern.index("}", i + 2)
        return pattern[i : end + 1], end + 1
    if c == "Q":
        end = pattern.find("\\E", i + 2)
        end = len(pattern) if end < 0 else end
        literal = pattern[i + 2 : end]
        return "".join(_literal_char(ch) for ch in literal), min(len(pattern), end + 2)
    return pattern[i : i + 2], i + 2


def _literal_char(ch: str) -> str:
    return "\\" + ch if not ch.isalnum() and ch != " " else ch


def _char_class(pattern: str, i: int) -> tuple[str, int]:
    """Translate the bracket expression starting at ``pattern[i] == '['``."""
    out = ["["]
    j = i + 1
    if j < len(pattern) and pattern[j] == "^":
        out.append("^")
        j += 1
    if j < len(pattern) and pattern[j] == "]":  # a leading ] is a literal in RE2
        out.append(r"\]")
        j += 1
    while j < len(pattern):
        ch = pattern[j]
        if ch == "]":
            out.append("]")
            return "".join(out), j + 1
        if ch == "\\":
            token, j = _escape(pattern, j, in_class=True)
            out.append(token)
        elif ch == "[" and pattern.startswith("[:", j):
            end = pattern.index(":]", j + 2)
            name = pattern[j + 2 : end]
            negate = name.startswith("^")
            token = _POSIX[name.lstrip("^")]
            if negate:
                token = token.replace("\\p", "\\P") if token.startswith("\\p") else r"\W"
            out.append(token)
            j = end + 2
        elif ch in "[&":  # Java nests classes and intersects with &&; RE2 reads literals
            out.append("\\" + ch)
            j += 1
        else:
            out.append(ch)
            j += 1
    raise ValueError(f"unterminated character class in regular expression {pattern!r}")


def java_replacement(replacement: str, shift: int = 0) -> str:
    r"""DuckDB's replacement string (``\1`` groups, ``\\`` a backslash) in Java's syntax
    (``$1``, ``\$``), with group numbers moved up by ``shift``.

    >>> java_replacement(r"<\1> costs $5")
    '<$1> costs \\$5'
    """
    out = []
    i = 0
    while i < len(replacement):
        ch = replacement[i]
        if ch == "\\" and i + 1 < len(replacement):
            nxt = replacement[i + 1]
            out.append(f"${int(nxt) + shift}" if nxt.isdigit() else "\\" + nxt)
            i += 2
            continue
        out.append("\\$" if ch == "$" else ("\\\\" if ch == "\\" else ch))
        i += 1
    return "".join(out)
