"""XLSForm's relevant and constraint expressions, the part of XPath our model can say, read with lark."""

from __future__ import annotations

from dataclasses import dataclass

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import LarkError

# The subset: or/and/not over ${x} = 'v', selected(${x}, 'v') and bounds such as ". <= 10",
# "string-length(.) <= 200", "count-selected(.) >= 1". Anything else is refused by the parser.
_GRAMMAR = r"""
?start: or_
?or_: and_ ("or" and_)*   -> any_
?and_: unary ("and" unary)* -> all_
?unary: "not" "(" or_ ")" -> not_
      | "(" or_ ")"
      | atom
?atom: ref "=" STRING                    -> equals
     | STRING "=" ref                    -> equals_flipped
     | "selected" "(" ref "," STRING ")" -> selected
     | subject COMPARE NUMBER            -> bound
ref: "${" NAME "}" | "../" NAME
subject: "." -> value | "string-length" "(" "." ")" -> length | "count-selected" "(" "." ")" -> count
COMPARE: "<=" | ">=" | "<" | ">" | "="
NAME: /[A-Za-z_][A-Za-z0-9_.\-]*/
STRING: /'[^']*'/ | /"[^"]*"/
NUMBER: /-?\d+(\.\d+)?/
%ignore /\s+/
"""


@dataclass(frozen=True)
class Is:
    """The answer to `name` is (or, for several choices, includes) `value`: `exact` for `${x} = 'v'`."""

    name: str
    value: str
    exact: bool


@dataclass(frozen=True)
class Bound:
    """A limit on the answer itself: subject is 'value', 'length' or 'count'."""

    subject: str
    compare: str
    number: str


@dataclass(frozen=True)
class Not:
    inner: Expression


@dataclass(frozen=True)
class All:
    parts: tuple[Expression, ...]


@dataclass(frozen=True)
class Any:
    parts: tuple[Expression, ...]


Expression = Is | Bound | Not | All | Any


@v_args(inline=True)
class _Build(Transformer[Token, Expression]):
    def any_(self, *parts: Expression) -> Expression:
        return Any(parts) if len(parts) > 1 else parts[0]

    def all_(self, *parts: Expression) -> Expression:
        return All(parts) if len(parts) > 1 else parts[0]

    def not_(self, inner: Expression) -> Expression:
        return Not(inner)

    def equals(self, name: str, value: Token) -> Expression:
        return Is(name, value[1:-1], exact=True)

    def equals_flipped(self, value: Token, name: str) -> Expression:
        return Is(name, value[1:-1], exact=True)

    def selected(self, name: str, value: Token) -> Expression:
        return Is(name, value[1:-1], exact=False)

    def ref(self, name: Token) -> str:
        return str(name)

    def bound(self, subject: str, compare: Token, number: Token) -> Expression:
        return Bound(subject, str(compare), str(number))

    def value(self) -> str:
        return "value"

    def length(self) -> str:
        return "length"

    def count(self) -> str:
        return "count"


_PARSER = Lark(_GRAMMAR, parser="earley")


class Unsupported(ValueError):
    """An expression outside what consult can ask or check."""


def parse(text: str) -> Expression:
    """The expression, or Unsupported if it uses more than the subset above."""
    try:
        return _Build().transform(_PARSER.parse(text))
    except LarkError:
        raise Unsupported(f"{text!r} uses more than consult understands") from None
