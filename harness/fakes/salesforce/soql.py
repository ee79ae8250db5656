"""A SOQL subset, parsed into a small tree: what a sync connector and the checklist send.

    query = parse("SELECT Id, LastName FROM Contact WHERE SystemModstamp > 2026-01-01T00:00:00Z")
    query.sobject.name == "Contact"; query.where  # Comparison(field=Ident('SystemModstamp'), ...)

Covered: SELECT fields | COUNT() | COUNT(field), FROM, WHERE (= != <> < <= > >= IN, NOT IN,
LIKE, AND, OR, NOT, parentheses; null, true/false, strings with escapes, numbers, unquoted date
and datetime literals; the date literals TODAY, YESTERDAY, TOMORROW, LAST_90_DAYS,
NEXT_90_DAYS, THIS_, LAST_, NEXT_ WEEK, MONTH, QUARTER, YEAR, FISCAL_QUARTER and FISCAL_YEAR,
and LAST_N_, NEXT_N_ DAYS, WEEKS, MONTHS, QUARTERS, YEARS, FISCAL_QUARTERS, FISCAL_YEARS:n,
and their N_..._AGO:n forms),
parent fields (Account.Name) wherever a field goes, ORDER BY a, b DESC NULLS LAST, LIMIT,
OFFSET. Keywords are case-insensitive. As in
Salesforce, AND and OR may not be mixed at one level without parentheses. Errors carry the
position so the message can point at it the way Salesforce does (SoqlError).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

LiteralKind = Literal["string", "number", "boolean", "null", "datetime", "date", "dateliteral"]
_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<datetime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:\d{2}))
  | (?P<date>\d{4}-\d{2}-\d{2})
  | (?P<dateliteral>(?i:(?:LAST|NEXT)_N_(?:DAYS|WEEKS|MONTHS|QUARTERS|YEARS|FISCAL_QUARTERS
        |FISCAL_YEARS):\d+|N_(?:DAYS|WEEKS|MONTHS|QUARTERS|YEARS|FISCAL_QUARTERS|FISCAL_YEARS)
        _AGO:\d+|(?:LAST|NEXT)_90_DAYS|TODAY|YESTERDAY|TOMORROW
        |(?:THIS|LAST|NEXT)_(?:WEEK|MONTH|QUARTER|YEAR|FISCAL_QUARTER|FISCAL_YEAR))(?![A-Za-z0-9_]))
  | (?P<number>-?\d+(?:\.\d+)?)
  | (?P<string>'(?:\\.|[^'\\])*')
  | (?P<ident>[A-Za-z_][A-Za-z0-9_.]*)
  | (?P<op>!=|<>|<=|>=|=|<|>)
  | (?P<punct>[,()])
    """,
    re.VERBOSE,
)
_PLAIN_ESCAPES = {
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "b": "\b",
    "f": "\f",
    '"': '"',
    "'": "'",
    "\\": "\\",
}
KEYWORDS = frozenset(
    [
        "SELECT",
        "FROM",
        "WHERE",
        "AND",
        "OR",
        "NOT",
        "IN",
        "LIKE",
        "ORDER",
        "BY",
        "ASC",
        "DESC",
        "NULLS",
        "FIRST",
        "LAST",
        "LIMIT",
        "OFFSET",
        "TRUE",
        "FALSE",
        "NULL",
    ]
)


class SoqlError(Exception):
    """A query Salesforce would reject: its error code, the text, and where in the query."""

    def __init__(self, code: str, text: str, position: int) -> None:
        super().__init__(text)
        self.code = code
        self.text = text
        self.position = position

    def render(self, query: str) -> str:
        """Salesforce's layout: the query line, a caret, 'ERROR at Row:r:Column:c', the text."""
        before = query[: self.position]
        row = before.count("\n") + 1
        column = self.position - (before.rfind("\n") + 1) + 1
        line = query.splitlines()[row - 1] if query.strip() else ""
        return f"\n{line}\n{' ' * (column - 1)}^\nERROR at Row:{row}:Column:{column}\n{self.text}"


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    position: int

    def is_keyword(self, *words: str) -> bool:
        return self.kind == "ident" and self.text.upper() in words


@dataclass(frozen=True)
class Ident:
    name: str
    position: int


@dataclass(frozen=True)
class Value:
    kind: LiteralKind
    text: str  # the literal as written (strings: without quotes, escapes not yet applied)
    position: int

    def plain(self) -> Any:
        """The Python value: strings unescaped; numbers as int or float; others by kind."""
        if self.kind == "string":
            return unescape(self.text, self.position)
        if self.kind == "number":
            return float(self.text) if "." in self.text else int(self.text)
        if self.kind == "boolean":
            return self.text.lower() == "true"
        return None if self.kind == "null" else self.text


@dataclass(frozen=True)
class Comparison:
    field: Ident
    op: str  # = != < <= > >=
    value: Value


@dataclass(frozen=True)
class InList:
    field: Ident
    values: tuple[Value, ...]
    negated: bool


@dataclass(frozen=True)
class Like:
    field: Ident
    pattern: Value


@dataclass(frozen=True)
class Not:
    operand: Condition


@dataclass(frozen=True)
class Logical:
    op: Literal["AND", "OR"]
    operands: tuple[Condition, ...]


Condition = Comparison | InList | Like | Not | Logical


@dataclass(frozen=True)
class OrderItem:
    field: Ident
    descending: bool
    nulls_last: bool


@dataclass(frozen=True)
class Query:
    fields: tuple[Ident, ...]  # empty for COUNT()
    count: bool
    sobject: Ident
    where: Condition | None
    order_by: tuple[OrderItem, ...]
    limit: int | None
    offset: int | None
    counted: Ident | None = None  # COUNT(field): an aggregate of the non-null values


def parse(text: str) -> Query:
    return _Parser(tokenize(text)).query()


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise SoqlError(
                "MALFORMED_QUERY",
                f"line 1:{position} no viable alternative at character '{text[position]}'",
                position,
            )
        kind = match.lastgroup or ""
        if kind != "ws":
            tokens.append(Token(kind, match.group(), position))
        position = match.end()
    tokens.append(Token("eof", "<EOF>", len(text)))
    return tokens


def unescape(raw: str, position: int, *, keep_like_escapes: bool = False) -> str:
    out: list[str] = []
    chars = iter(raw)
    for ch in chars:
        if ch != "\\":
            out.append(ch)
            continue
        nxt = next(chars, "")
        if keep_like_escapes and nxt in "%_":
            out.append("\\" + nxt)
        elif nxt in _PLAIN_ESCAPES or nxt.lower() in _PLAIN_ESCAPES:  # \N means \n too
            out.append(_PLAIN_ESCAPES.get(nxt) or _PLAIN_ESCAPES[nxt.lower()])
        else:
            raise SoqlError(
                "MALFORMED_QUERY",
                f"Invalid string literal '{raw}'. Illegal character sequence "
                f"'\\{nxt}' in string literal.",
                position,
            )
    return "".join(out)


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self._tokens = tokens
        self._index = 0

    # --- token helpers --------------------------------------------------------------------

    def _peek(self, ahead: int = 0) -> Token:
        return self._tokens[min(self._index + ahead, len(self._tokens) - 1)]

    def _next(self) -> Token:
        token = self._peek()
        self._index += 1
        return token

    def _unexpected(self, token: Token | None = None) -> SoqlError:
        token = token or self._peek()
        return SoqlError("MALFORMED_QUERY", f"unexpected token: '{token.text}'", token.position)

    def _keyword(self, *words: str) -> Token:
        if not self._peek().is_keyword(*words):
            raise self._unexpected()
        return self._next()

    def _punct(self, symbol: str) -> Token:
        if self._peek().text != symbol:
            raise self._unexpected()
        return self._next()

    def _ident(self) -> Ident:
        token = self._peek()
        if token.kind != "ident" or token.text.upper() in KEYWORDS:
            raise self._unexpected()
        self._next()
        return Ident(token.text, token.position)

    def _integer(self) -> int:
        token = self._next()
        if token.kind != "number" or not token.text.isdigit():
            raise self._unexpected(token)
        return int(token.text)

    # --- grammar --------------------------------------------------------------------------

    def query(self) -> Query:
        self._keyword("SELECT")
        count = self._peek().is_keyword("COUNT") and self._peek(1).text == "("
        counted = self._count() if count else None
        fields = () if count else self._field_list()
        self._keyword("FROM")
        sobject = self._ident()
        where = self._where()
        order_by = self._order_by()
        limit = self._integer() if self._optional("LIMIT") else None
        offset = self._integer() if self._optional("OFFSET") else None
        if self._peek().kind != "eof":
            raise self._unexpected()
        return Query(fields, count, sobject, where, order_by, limit, offset, counted)

    def _optional(self, word: str) -> bool:
        if self._peek().is_keyword(word):
            self._next()
            return True
        return False

    def _count(self) -> Ident | None:
        """COUNT() (a row count) or COUNT(field) (one aggregate row), in the SELECT list."""
        self._next()
        self._punct("(")
        counted = None if self._peek().text == ")" else self._ident()
        self._punct(")")
        return counted

    def _field_list(self) -> tuple[Ident, ...]:
        fields = [self._ident()]
        while self._peek().text == ",":
            self._next()
            fields.append(self._ident())
        return tuple(fields)

    def _where(self) -> Condition | None:
        return self._condition() if self._optional("WHERE") else None

    def _order_by(self) -> tuple[OrderItem, ...]:
        if not self._peek().is_keyword("ORDER"):
            return ()
        self._next()
        self._keyword("BY")
        items = [self._order_item()]
        while self._peek().text == ",":
            self._next()
            items.append(self._order_item())
        return tuple(items)

    def _order_item(self) -> OrderItem:
        field = self._ident()
        descending = False
        if self._peek().is_keyword("ASC", "DESC"):
            descending = self._next().text.upper() == "DESC"
        nulls_last = descending  # Salesforce's default: nulls first ascending, last descending
        if self._optional("NULLS"):
            nulls_last = self._keyword("FIRST", "LAST").text.upper() == "LAST"
        return OrderItem(field, descending, nulls_last)

    def _condition(self) -> Condition:
        operands = [self._unary()]
        op: str | None = None
        while self._peek().is_keyword("AND", "OR"):
            token = self._peek()
            if op is not None and token.text.upper() != op:
                raise self._unexpected(token)  # Salesforce needs parentheses to mix AND and OR
            op = self._next().text.upper()
            operands.append(self._unary())
        if op is None:
            return operands[0]
        return Logical("AND" if op == "AND" else "OR", tuple(operands))

    def _unary(self) -> Condition:
        if self._optional("NOT"):
            return Not(self._unary())
        if self._peek().text == "(":
            self._next()
            inner = self._condition()
            self._punct(")")
            return inner
        return self._simple()

    def _simple(self) -> Condition:
        field = self._ident()
        token = self._peek()
        if token.is_keyword("NOT") and self._peek(1).is_keyword("IN"):
            self._next()
            self._next()
            return InList(field, self._value_list(), negated=True)
        if self._optional("IN"):
            return InList(field, self._value_list(), negated=False)
        if self._optional("LIKE"):
            pattern = self._value()
            if pattern.kind != "string":
                raise SoqlError("MALFORMED_QUERY", "LIKE needs a string pattern", pattern.position)
            return Like(field, pattern)
        if token.kind == "op":
            self._next()
            return Comparison(field, "!=" if token.text == "<>" else token.text, self._value())
        raise self._unexpected()

    def _value_list(self) -> tuple[Value, ...]:
        self._punct("(")
        values = [self._value()]
        while self._peek().text == ",":
            self._next()
            values.append(self._value())
        self._punct(")")
        return tuple(values)

    def _value(self) -> Value:
        token = self._next()
        if token.kind == "string":
            return Value("string", token.text[1:-1], token.position)
        if token.kind in ("number", "datetime", "date", "dateliteral"):
            return Value(token.kind, token.text, token.position)  # type: ignore[arg-type]
        if token.is_keyword("TRUE", "FALSE"):
            return Value("boolean", token.text, token.position)
        if token.is_keyword("NULL"):
            return Value("null", token.text, token.position)
        raise self._unexpected(token)
