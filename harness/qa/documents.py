"""The dataflow documents of one checklist run, and which one judges each feature file.

    documents = Documents.load([Path("fixtures/dataflows/a.rst"), Path("b.rst")])
    documents.for_feature(Path("features/generated/a/x.feature"), tags).spec

A generated feature belongs to the document whose folder it is in (features/generated/<doc>/,
harness/checklist/files.py); a hand-written one to the document that has the flow its tags
name, else to the first document (hand-written items are written against a flow's name).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.checklist.files import GENERATED_DIR, document_folder
from harness.checklist.gherkin import FLOW_TAG_PREFIX, flow_tag
from harness.dataflow import DataflowSpec, FlowSpec, load_spec
from harness.errors import ConfigError
from harness.resources import shown


@dataclass(frozen=True)
class Document:
    path: Path
    spec: DataflowSpec
    text: str

    @property
    def folder(self) -> str:
        """Its generated folder's name, which also labels its results in the report."""
        return document_folder(self.path)


class Documents:
    def __init__(self, documents: Sequence[Document]) -> None:
        if not documents:
            raise ConfigError("no dataflow document: give --document PATH")
        folders = [d.folder for d in documents]
        twice = sorted({f for f in folders if folders.count(f) > 1})
        if twice:
            raise ConfigError(
                f"two documents would share the generated folder {twice[0]!r}:"
                f" {', '.join(shown(d.path) for d in documents if d.folder == twice[0])};"
                " rename one of the files"
            )
        self.all = tuple(documents)

    @classmethod
    def load(cls, paths: Iterable[Path]) -> Documents:
        unique = list(dict.fromkeys(Path(p).resolve() for p in paths))
        return cls([Document(p, load_spec(p), p.read_text("utf-8-sig")) for p in unique])

    @property
    def first(self) -> Document:
        return self.all[0]

    def flows(self) -> list[FlowSpec]:
        return [flow for document in self.all for flow in document.spec.flows]

    def judges(self, feature: Path, tags: Iterable[str] = ()) -> bool:
        """False for a feature of a document this run was not given: one in another
        document's generated folder, or one whose flow tags all name flows no given document
        has. A feature with a flow a given document has is that document's to judge (and a
        stale one is refused by its hash)."""
        if _generated_folder(feature) in {d.folder for d in self.all}:
            return True
        named = {tag for tag in tags if tag.startswith(FLOW_TAG_PREFIX)}
        return not named or bool(named & {flow_tag(flow) for flow in self.flows()})

    def for_feature(self, feature: Path, tags: Iterable[str] = ()) -> Document:
        folder = _generated_folder(feature)
        for document in self.all:
            if folder is not None and document.folder == folder:
                return document
        tagged = set(tags)
        for document in self.all:
            if any(flow_tag(flow) in tagged for flow in document.spec.flows):
                return document
        return self.first


def _generated_folder(feature: Path) -> str | None:
    """<doc> of features/generated/<doc>/x.feature; None for a feature outside generated/."""
    parts = feature.resolve().parts
    if GENERATED_DIR not in parts:
        return None
    index = len(parts) - 1 - parts[::-1].index(GENERATED_DIR)
    return parts[index + 1] if index + 2 < len(parts) else ""
