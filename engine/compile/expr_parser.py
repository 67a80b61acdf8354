"""Stage 3 (compile): parse the rule expression language (a small Pratt parser, no ``eval``).

Grammar, loosest binding first::

    expr    := 'if' expr 'then' expr 'else' expr | or
    or      := and ('or' and)*
    and     := not ('and' not)*
    not     := 'not' not | compare
    compare := sum (('=='|'!='|'<'|'<='|'>'|'>=') sum)?
    sum     := product (('+'|'-') product)*
    product := unary (('*'|'/') unary)*
    unary   := '-' unary | atom
    atom    := NUMBER [unit] | DATE | STRING | 'true' | 'false'
             | NAME ['(' [expr (',' expr)*] ')'] | '(' expr ')'
    unit    := '%' | 'day' | 'days' | 'week' | 'weeks' | 'month' | 'months'

NAME may be dotted (``dismissal_ban.until``, ``lu.incapacity.employer_period_days``).
Dates are written ``2019-01-01``; ``3 days`` and ``26 weeks`` are durations (days),
``12 months`` counts calendar months, ``80%`` is the exact fraction 4/5.

>>> from lexlux.diagnostics import Span
>>> expr = parse("a + 3 days <= b", lambda offset, length: Span("f", 1, 1 + offset, 1, 1))
>>> type(expr).__name__, expr.op
('Binary', '<=')
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from ..calendar.dates import DateFormatError, parse_date
from ..diagnostics import Span
from .model import (
    BOOLEAN,
    DATE,
    DECIMAL,
    DURATION,
    INTEGER,
    MONTHS,
    PERCENTAGE,
    STRING,
    Binary,
    Call,
    Duration,
    Expr,
    IfThenElse,
    Literal,
    Months,
    Name,
    Unary,
)

SpanOf = Callable[[int, int], Span]

KEYWORDS = {"and", "or", "not", "if", "then", "else", "true", "false"}
UNITS = {"day": 1, "days": 1, "week": 7, "weeks": 7}
MONTH_UNITS = {"month", "months"}
COMPARISONS = {"==", "!=", "<", "<=", ">", ">="}

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<date>\d{4}-\d{2}-\d{2}(?![\d-]))
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<string>'[^']*'|"[^"]*")
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<op>==|!=|<=|>=|[<>+\-*/(),%])
""", re.VERBOSE)


class ParseError(Exception):
    def __init__(self, message: str, offset: int, length: int, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.length = length
        self.hint = hint


@dataclass(frozen=True, slots=True)
class Token:
    kind: str     # date, number, string, name, op, keyword, end
    text: str
    offset: int


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            char = text[pos]
            hint = "use 'and', 'or', 'not'" if char in "&|!" else \
                "use == to compare" if char == "=" else None
            raise ParseError(f"unexpected character {char!r}", pos, 1, hint)
        kind = match.lastgroup or ""
        if kind != "space":
            value = match.group()
            if kind == "name" and value in KEYWORDS:
                kind = "keyword"
            tokens.append(Token(kind, value, pos))
        pos = match.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


class _Parser:
    def __init__(self, text: str, span_of: SpanOf) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.pos = 0
        self.span_of = span_of

    # helpers ------------------------------------------------------------------
    @property
    def current(self) -> Token:
        return self.tokens[self.pos]

    def advance(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def accept(self, text: str) -> Token | None:
        if self.current.text == text and self.current.kind in ("op", "keyword"):
            return self.advance()
        return None

    def expect(self, text: str, context: str) -> Token:
        token = self.accept(text)
        if token is None:
            found = self.current.text or "the end of the expression"
            raise ParseError(f"expected '{text}' {context}, found {found!r}",
                             self.current.offset, max(len(self.current.text), 1))
        return token

    def span(self, start: int, end: int | None = None) -> Span:
        stop = self.tokens[self.pos - 1].offset + len(self.tokens[self.pos - 1].text) \
            if end is None else end
        return self.span_of(start, max(stop - start, 1))

    # grammar ------------------------------------------------------------------
    def parse(self) -> Expr:
        expr = self.expression()
        if self.current.kind != "end":
            token = self.current
            raise ParseError(f"unexpected {token.text!r} after a complete expression",
                             token.offset, len(token.text),
                             "combine conditions with 'and' / 'or'; call functions as f(x, y)")
        return expr

    def expression(self) -> Expr:
        start = self.current.offset
        if self.accept("if"):
            condition = self.expression()
            self.expect("then", "after the condition of 'if'")
            then = self.expression()
            self.expect("else", "after 'if ... then ...' (every 'if' needs an 'else')")
            otherwise = self.expression()
            return IfThenElse(self.span(start), condition, then, otherwise)
        return self.binary_or()

    def binary_or(self) -> Expr:
        start = self.current.offset
        left = self.binary_and()
        while self.accept("or"):
            left = Binary(self.span(start), "or", left, self.binary_and())
        return left

    def binary_and(self) -> Expr:
        start = self.current.offset
        left = self.negation()
        while self.accept("and"):
            left = Binary(self.span(start), "and", left, self.negation())
        return left

    def negation(self) -> Expr:
        start = self.current.offset
        if self.accept("not"):
            operand = self.negation()
            return Unary(self.span(start), "not", operand)
        return self.comparison()

    def comparison(self) -> Expr:
        start = self.current.offset
        left = self.sum()
        if self.current.kind == "op" and self.current.text in COMPARISONS:
            op = self.advance().text
            right = self.sum()
            if self.current.kind == "op" and self.current.text in COMPARISONS:
                raise ParseError("comparisons cannot be chained", self.current.offset, 2,
                                 "write 'a <= b and b <= c'")
            return Binary(self.span(start), op, left, right)
        return left

    def sum(self) -> Expr:
        start = self.current.offset
        left = self.product()
        while self.current.kind == "op" and self.current.text in ("+", "-"):
            op = self.advance().text
            left = Binary(self.span(start), op, left, self.product())
        return left

    def product(self) -> Expr:
        start = self.current.offset
        left = self.unary()
        while self.current.kind == "op" and self.current.text in ("*", "/"):
            op = self.advance().text
            left = Binary(self.span(start), op, left, self.unary())
        return left

    def unary(self) -> Expr:
        start = self.current.offset
        if self.accept("-"):
            return Unary(self.span(start), "-", self.unary())
        return self.atom()

    def atom(self) -> Expr:
        token = self.current
        start = token.offset
        if token.kind == "number":
            self.advance()
            return self.number(token)
        if token.kind == "date":
            self.advance()
            try:
                day = parse_date(token.text)
            except DateFormatError as exc:
                raise ParseError(f"{token.text!r} is not a valid date: {exc}", start,
                                 len(token.text), exc.hint) from None
            return Literal(self.span(start), day, DATE)
        if token.kind == "string":
            self.advance()
            return Literal(self.span(start), token.text[1:-1], STRING)
        if token.kind == "keyword" and token.text in ("true", "false"):
            self.advance()
            return Literal(self.span(start), token.text == "true", BOOLEAN)
        if token.kind == "name":
            self.advance()
            if self.accept("("):
                args: list[Expr] = []
                if not self.accept(")"):
                    args.append(self.expression())
                    while self.accept(","):
                        args.append(self.expression())
                    self.expect(")", f"to close the call of {token.text}(")
                return Call(self.span(start), token.text, tuple(args))
            return Name(self.span(start), token.text)
        if self.accept("("):
            inner = self.expression()
            self.expect(")", "to close '('")
            return inner
        found = token.text or "the end of the expression"
        raise ParseError(f"expected a value, a name or '(', found {found!r}", start,
                         max(len(token.text), 1))

    def number(self, token: Token) -> Expr:
        start = token.offset
        value = Fraction(token.text)
        unit = self.current
        if unit.kind == "op" and unit.text == "%":
            self.advance()
            return Literal(self.span(start), value / 100, PERCENTAGE)
        if unit.kind == "name" and (unit.text in UNITS or unit.text in MONTH_UNITS):
            self.advance()
            if value.denominator != 1:
                raise ParseError("a duration must be a whole number", start,
                                 len(token.text))
            if unit.text in MONTH_UNITS:
                return Literal(self.span(start), Months(int(value)), MONTHS)
            return Literal(self.span(start), Duration(int(value) * UNITS[unit.text]), DURATION)
        if value.denominator == 1 and "." not in token.text:
            return Literal(self.span(start), int(value), INTEGER)
        return Literal(self.span(start), value, DECIMAL)


def parse(text: str, span_of: SpanOf) -> Expr:
    """Parse ``text``; raise :class:`ParseError` with the offset of the problem."""
    if not text.strip():
        raise ParseError("the expression is empty", 0, 1)
    return _Parser(text, span_of).parse()
