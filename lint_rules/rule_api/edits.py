"""Building the replacement code that fixes need, in the style of the code around them."""

from __future__ import annotations

import http

import libcst as cst

from lint_rules.knowledge.matchers.syntax import has_star_kwargs, last_name


def _separator(call: cst.Call) -> cst.Comma:
    """The comma (and the whitespace after it) that separates this call's arguments."""
    args = call.args
    if len(args) >= 2 and isinstance(args[-2].comma, cst.Comma):
        return args[-2].comma
    if isinstance(call.whitespace_before_args, cst.ParenthesizedWhitespace):
        return cst.Comma(whitespace_after=call.whitespace_before_args)
    return cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


def add_keyword(call: cst.Call, name: str, value: cst.BaseExpression) -> cst.Call:
    """Append ``name=value`` to ``call``, keeping its one-line or one-argument-a-line layout."""
    new_arg = cst.Arg(
        keyword=cst.Name(name),
        value=value,
        equal=cst.AssignEqual(
            whitespace_before=cst.SimpleWhitespace(""),
            whitespace_after=cst.SimpleWhitespace(""),
        ),
    )
    args = list(call.args)
    if not args:
        return call.with_changes(args=[new_arg])
    last = args[-1]
    if has_star_kwargs(call):
        # Keyword arguments may not follow ``**kwargs`` in the call's own order: insert before it.
        index = next(i for i, a in enumerate(args) if a.star == "**")
        separator = args[index - 1].comma if index > 0 and isinstance(args[index - 1].comma, cst.Comma) else _separator(call)
        args.insert(index, new_arg.with_changes(comma=separator))
        return call.with_changes(args=args)
    separator = _separator(call)
    if isinstance(last.comma, cst.Comma):
        # Trailing comma: the new argument takes over the last comma (and the line break
        # before the closing parenthesis); the old last argument gets a plain separator.
        args[-1] = last.with_changes(comma=separator)
        args.append(new_arg.with_changes(comma=last.comma))
    else:
        args[-1] = last.with_changes(comma=separator, whitespace_after_arg=cst.SimpleWhitespace(""))
        args.append(new_arg.with_changes(whitespace_after_arg=last.whitespace_after_arg))
    return call.with_changes(args=args)


def status_expression(old: cst.BaseExpression, code: int) -> cst.BaseExpression:
    """``code`` spelled like ``old``: an int stays an int, ``status.HTTP_200_OK`` becomes
    ``status.HTTP_204_NO_CONTENT``, ``HTTPStatus.OK`` becomes ``HTTPStatus.NO_CONTENT``."""
    if isinstance(old, cst.Attribute):
        owner = last_name(old.value)
        phrase = http.HTTPStatus(code).name
        if owner == "status":
            return old.with_changes(attr=cst.Name(f"HTTP_{code}_{phrase}"))
        if owner == "HTTPStatus":
            return old.with_changes(attr=cst.Name(phrase))
    if isinstance(old, cst.Integer):
        return old.with_changes(value=str(code))
    return cst.Integer(str(code))


def python_string(text: str) -> str:
    """A double-quoted Python string literal whose value is ``text`` (single quotes when
    ``text`` holds a double quote and no single one, as ``repr`` and formatters do)."""
    if '"' in text and "'" not in text:
        return repr(text)
    out = []
    for char in text:
        if char == "\\":
            out.append("\\\\")
        elif char == '"':
            out.append('\\"')
        elif char.isprintable():
            out.append(char)
        else:
            out.append(repr(char)[1:-1])
    return '"' + "".join(out) + '"'
