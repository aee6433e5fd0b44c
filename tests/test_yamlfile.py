"""Safe, bounded YAML: clear errors with file and line, never an object or a runaway."""

from __future__ import annotations

import pytest

from advisor.errors import InputError
from advisor.yamlfile import MAX_BYTES, parse_yaml, read_yaml


def problem(raw) -> str:
    with pytest.raises(InputError) as err:
        parse_yaml(raw, "s.yaml")
    return str(err.value)


def test_lines_of_keys_are_remembered():
    doc = parse_yaml("a: 1\nb:\n  c: [1, 2]\n", "s.yaml")
    assert doc.line(("b", "c")) == 3 and doc.line(("b", "c", 1)) == 3 and doc.line(("a",)) == 1


def test_syntax_error_names_the_line():
    assert problem("a: 1\nb: [1, 2\n").startswith("s.yaml:3")


def test_duplicate_keys_are_refused():
    assert "key 'a' appears twice" in problem("a: 1\na: 2\n")


def test_no_python_objects():
    assert "is not allowed: plain data only" in problem("a: !!python/object/apply:os.system ['echo hi']\n")


def test_binary_and_non_utf8_input():
    assert "binary" in problem(b"\x00\x01\x02")
    assert "not UTF-8" in problem(b"a: \xff\xfe\n")


def test_alias_bomb_is_stopped():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, 9):
        bomb += f"{chr(97 + i)}: &{chr(97 + i)} [*{chr(96 + i)}, *{chr(96 + i)}, *{chr(96 + i)}, *{chr(96 + i)}, *{chr(96 + i)}, *{chr(96 + i)}, *{chr(96 + i)}, *{chr(96 + i)}, *{chr(96 + i)}, *{chr(96 + i)}]\n"
    assert "values (aliases expanded)" in problem(bomb)


def test_deep_nesting_is_stopped():
    assert "nested deeper" in problem("a: " + "[" * 100 + "]" * 100 + "\n")


def test_large_files_are_refused(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * (MAX_BYTES + 1))
    with pytest.raises(InputError, match="limit"):
        read_yaml(big)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="cannot be read"):
        read_yaml(tmp_path / "nope.yaml")
