"""One stored record's fields: a list in its object's field order behind a shared name index.

    row = Row.of(layout_of(["Id", "LastName"]), {"Id": "003...", "LastName": "Nordmann"})
    row.get("LastName"); row["Phone"] = "1"; dict(row)     # a mapping like the dict it replaces

A 100,000-Contact org keeps 62 fields per record (Contact's standard fields): a dict each
costs about three times the list. Names outside the layout (none today) live in a small dict of
their own. Both fakes store their records this way.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from typing import Any

Layout = dict[str, int]  # field name -> position, shared by every row of one object
_MISSING: Any = object()


def layout_of(names: Iterable[str]) -> Layout:
    return {name: i for i, name in enumerate(names)}


class Row(MutableMapping[str, Any]):
    __slots__ = ("_extra", "_layout", "_values")

    def __init__(
        self, layout: Layout, values: list[Any], extra: dict[str, Any] | None = None
    ) -> None:
        self._layout = layout
        self._values = values
        self._extra = extra

    @classmethod
    def of(cls, layout: Layout, values: Mapping[str, Any]) -> Row:
        extra = {k: v for k, v in values.items() if k not in layout}
        return cls(layout, [values.get(name, _MISSING) for name in layout], extra or None)

    def get(self, name: str, default: Any = None) -> Any:
        index = self._layout.get(name)
        if index is None:
            return default if self._extra is None else self._extra.get(name, default)
        value = self._values[index]
        return default if value is _MISSING else value

    def __getitem__(self, name: str) -> Any:
        value = self.get(name, _MISSING)
        if value is _MISSING:
            raise KeyError(name)
        return value

    def __setitem__(self, name: str, value: Any) -> None:
        index = self._layout.get(name)
        if index is not None:
            self._values[index] = value
        elif self._extra is None:
            self._extra = {name: value}
        else:
            self._extra[name] = value

    def __delitem__(self, name: str) -> None:
        if name not in self:
            raise KeyError(name)
        index = self._layout.get(name)
        if index is not None:
            self._values[index] = _MISSING
        elif self._extra is not None:
            del self._extra[name]

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        index = self._layout.get(name)
        if index is None:
            return self._extra is not None and name in self._extra
        return self._values[index] is not _MISSING

    def __iter__(self) -> Iterator[str]:
        for name, index in self._layout.items():
            if self._values[index] is not _MISSING:
                yield name
        if self._extra is not None:
            yield from self._extra

    def __len__(self) -> int:
        present = sum(1 for value in self._values if value is not _MISSING)
        return present + (len(self._extra) if self._extra else 0)

    def copy(self) -> Row:
        extra = dict(self._extra) if self._extra is not None else None
        return Row(self._layout, list(self._values), extra)

    def __repr__(self) -> str:
        return f"Row({dict(self)!r})"
