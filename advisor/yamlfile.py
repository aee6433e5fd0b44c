"""Safe, bounded YAML reading that remembers the line of every key.

Only plain data is built (mappings, sequences, scalars): no Python objects, no
custom tags. Size, nesting depth and the number of nodes are bounded, so an
alias bomb or a huge file fails fast with a clear message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from advisor.errors import bad_input
from advisor.files import decode
from advisor.i18n import msg

MAX_BYTES = 2_000_000
MAX_DEPTH = 40
MAX_NODES = 200_000

Loc = tuple[str | int, ...]
_THOUSANDS = re.compile(r"[1-9][0-9]{0,2}\.[0-9]{3}")  # one group of thousands, written the Dutch way
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: ~20x faster
_PLAIN_TAGS = {
    f"tag:yaml.org,2002:{name}" for name in ("map", "seq", "str", "int", "float", "bool", "null", "timestamp", "merge")
}


@dataclass
class YamlDoc:
    """Parsed YAML data plus the line (1-based) at which each key path starts."""

    name: str
    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)

    def line(self, loc: Loc) -> int | None:
        """The line of `loc`, or of its nearest enclosing key that has one."""
        for end in range(len(loc), -1, -1):
            if loc[:end] in self.lines:
                return self.lines[loc[:end]]
        return None


def key_path(loc: Loc) -> str:
    """`("rules", 3, "when")` -> `rules[3].when`."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def read_yaml(path: str | Path, name: str | None = None) -> YamlDoc:
    """Read and parse `path`; messages call it `name` (default: the path as given)."""
    path = Path(path)
    name = name or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise bad_input(name, msg("error.too_big_file", size=f"{size:,}", limit=f"{MAX_BYTES:,}"))
        raw = path.read_bytes()
    except IsADirectoryError:
        raise bad_input(name, msg("error.is_directory")) from None
    except OSError as err:
        raise bad_input(name, msg("error.cannot_read", reason=msg("error.no_such_file") if isinstance(err, FileNotFoundError) else err.strerror or err)) from None
    return parse_yaml(raw, name)


def parse_yaml(raw: bytes | str, name: str) -> YamlDoc:
    if isinstance(raw, bytes):
        if len(raw) > MAX_BYTES:
            raise bad_input(name, msg("error.too_big_file", size=f"{len(raw):,}", limit=f"{MAX_BYTES:,}"))
        raw = decode(raw, name, "YAML")
    loader = _Loader(raw)
    try:
        node = loader.get_single_node()
        doc = YamlDoc(name, None)
        if node is not None:
            doc.data = _Builder(loader, doc).build(node, (), 0)
        return doc
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        reason = _problem(err.problem or str(err))
        raise bad_input(name, msg("error.not_yaml", reason=reason), line=mark.line + 1 if mark else None) from None
    except yaml.YAMLError as err:
        raise bad_input(name, msg("error.not_yaml", reason=err)) from None
    finally:
        loader.dispose()


_PROBLEMS = {  # PyYAML's own words for the mistakes people make, by message key
    "mapping values are not allowed": "yaml.mapping_here",
    "could not find expected ':'": "yaml.no_colon",
    "did not find expected key": "yaml.no_key",
    "did not find expected node content": "yaml.no_content",
    "found character '\\t'": "yaml.tab",
    "found character": "yaml.bad_character",
    "found undefined alias": "yaml.undefined_alias",
    "found unexpected end of stream": "yaml.unexpected_end",
    "found a tab character": "yaml.tab",
}


def _problem(text: str) -> str:
    """PyYAML's description of a syntax error, in the language of the run where it is a common one."""
    for words, key in _PROBLEMS.items():
        if text.startswith(words):
            return msg(key)
    if text.startswith("expected <block end>"):
        return msg("yaml.indentation")
    return text


class _Builder:
    def __init__(self, loader, doc: YamlDoc):
        self.loader = loader
        self.doc = doc
        self.nodes = 0

    def build(self, node: yaml.Node, loc: Loc, depth: int) -> Any:
        self.nodes += 1
        line = node.start_mark.line + 1
        if self.nodes > MAX_NODES:
            raise bad_input(self.doc.name, msg("error.too_many_values", limit=f"{MAX_NODES:,}"), line=line)
        if depth > MAX_DEPTH:
            raise bad_input(self.doc.name, msg("error.too_deep", limit=MAX_DEPTH), key_path(loc), line)
        self.doc.lines.setdefault(loc, line)
        if node.tag not in _PLAIN_TAGS:
            raise bad_input(self.doc.name, msg("error.tag", tag=node.tag), key_path(loc), line)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, loc + (i,), depth + 1) for i, item in enumerate(node.value)]
        if node.tag.endswith(":float") and not node.style and _THOUSANDS.fullmatch(node.value):
            return node.value  # 900.000 is nine hundred thousand in Dutch, not 900.0: the amount parser reads it
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as err:
            raise bad_input(self.doc.name, msg("error.bad_value", problem=err.problem), key_path(loc), line) from None
        except (ValueError, OverflowError) as err:  # 2026-02-30, 0000-01-01: a date that does not exist
            raise bad_input(self.doc.name, msg("error.bad_value", problem=f"'{node.value}': {err}"), key_path(loc), line) from None

    def _mapping(self, node: yaml.MappingNode, loc: Loc, depth: int) -> dict:
        self.loader.flatten_mapping(node)
        out: dict = {}
        for key_node, value_node in node.value:
            key = self.build(key_node, loc, depth + 1)
            if not isinstance(key, (str, int, bool)) or isinstance(key, bool):
                key = str(key)
            here = loc + (key,)
            if key in out:
                raise bad_input(self.doc.name, msg("error.twice", key=key), key_path(here), key_node.start_mark.line + 1)
            self.doc.lines[here] = key_node.start_mark.line + 1
            out[key] = self.build(value_node, here, depth + 1)
        return out
