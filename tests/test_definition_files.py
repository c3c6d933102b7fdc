"""Reading definition files is bounded and every way a file can be wrong is a coded error.

Anchors and aliases (a "billion laughs"), size, unreadable files, binary and
non-UTF-8 bytes, tabs and indentation, file names start-up would not load,
changed locked versions checked against the database: for questionnaires and
the practice catalogue alike, never a traceback.
"""

import os
import random
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
import yaml
from sqlmodel import Session
from typer.testing import CliRunner

from assess import db
from assess.cli.main import app
from assess.definitions import reader
from assess.definitions.errors import CATALOGUE
from assess.definitions.reader import read_yaml
from assess.definitions.source import MAX_BYTES, read_source
from assess.models import QuestionnaireVersion
from assess.questionnaire.loader import load_file, load_text
from assess.questionnaire.registry import Registry, check_published, load_files
from assess.scoring.catalogue import load_practices, load_practices_text
from tests.defs import HEAD, PRACTICES, SURVEY, VALID, definition

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def only(errors, code=None):
    assert len(errors) == 1, [str(e) for e in errors]
    if code:
        assert errors[0].code == code, str(errors[0])
    return errors[0]


def laughs(levels: int) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


# --- 1. anchors and aliases ---------------------------------------------------------------------------


def test_billion_laughs_is_refused_at_once_with_little_memory():
    text = "# a billion laughs\n" + laughs(9)
    for load in (load_text, load_practices_text):
        tracemalloc.start()
        started = time.perf_counter()
        result, errors = load(text, "laughs.yaml")
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        error = only(errors, "Q113")
        assert result is None and error.line == 2 and "'&a0'" in error.message
        assert elapsed < 0.2 and peak < 5_000_000, (elapsed, peak)


@pytest.mark.parametrize(
    "text,line,found",
    [
        ("a: 1\nb: *x\n", 2, "the alias '*x'"),  # refused before PyYAML would complain it is undefined
        ("a: 1\nb: &x unused\n", 2, "the anchor '&x'"),
        ("a:\n  - &item {id: x}\n", 2, "the anchor '&item'"),
        ("a: 1\nb: {<<: {c: 1}}\n", 2, "the merge key '<<'"),
    ],
)
def test_anchors_aliases_and_merge_keys_are_refused_at_their_line(text, line, found):
    error = only(read_yaml(text, "f.yaml")[1], "Q113")
    assert error.line == line and found in error.message
    assert "write the value out in full" in error.fix


def test_an_alias_late_in_a_real_definition_is_refused_at_its_line():
    text = definition(VALID).replace("label: {ja: 従業員数, en: Employees}", "label: *energy")
    questionnaire, errors = load_text(text, "t-v1.yaml")
    assert questionnaire is None
    assert only(errors, "Q113").line == text.splitlines().index("      label: *energy") + 1


def test_deep_nesting_is_refused_before_it_is_built():
    started = time.perf_counter()
    error = only(read_yaml("a: " + "[" * 200_000 + "\n", "f.yaml")[1], "Q114")
    assert time.perf_counter() - started < 0.5
    assert error.line == 1 and "40 levels" in error.message


# --- 2. size ------------------------------------------------------------------------------------------


def test_a_file_over_the_limit_is_refused_before_parsing(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text("id: t\nnotes:\n" + "  - some padding text for the notes\n" * 150_000, encoding="utf-8")
    assert big.stat().st_size > 5_000_000
    started = time.perf_counter()
    for load in (load_file, load_practices):
        result, errors = load(big)
        error = only(errors, "Q110")
        assert result is None and f"{big.stat().st_size:,} bytes" in error.message
        assert "1 MB (1,000,000 bytes)" in error.message
    assert time.perf_counter() - started < 0.2
    error = only(load_text(big.read_text(encoding="utf-8"), "big.yaml")[1], "Q110")
    assert "1 MB" in error.message


def test_the_limit_is_exactly_one_megabyte(tmp_path):
    at_limit = tmp_path / "at.yaml"
    at_limit.write_bytes(b"a: 1\n#" + b"x" * (MAX_BYTES - 7) + b"\n")
    assert at_limit.stat().st_size == MAX_BYTES
    assert read_source(at_limit, "at.yaml")[1] == []
    over = tmp_path / "over.yaml"
    over.write_bytes(at_limit.read_bytes() + b"\n")
    assert only(read_source(over, "over.yaml")[1], "Q110")


# --- 3. unreadable files ------------------------------------------------------------------------------


def test_missing_file_and_directory(tmp_path):
    missing = only(load_file(tmp_path / "gone.yaml")[1], "Q109")
    assert "it does not exist" in missing.message and "check the path" in missing.fix
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    for load in (load_file, load_practices):
        error = only(load(folder)[1], "Q109")
        assert "is a directory" in error.message and "*.yaml" in error.fix


def test_a_pipe_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    error = only(load_file(fifo)[1], "Q109")
    assert "not a regular file" in error.message


def test_permission_denied(tmp_path, monkeypatch):
    path = tmp_path / "t-v1.yaml"
    path.write_text(definition(VALID), encoding="utf-8")

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(Path, "open", denied)
    error = only(load_file(path)[1], "Q109")
    assert "permission denied" in error.message and "chmod" in error.fix


def test_binary_file_names_the_nul_byte(tmp_path):
    path = tmp_path / "logo.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    error = only(load_file(path)[1], "Q111")
    assert error.line == 3 and "NUL byte at line 3 (byte offset 8)" in error.message
    assert "binary" in error.message


def test_latin1_file_names_the_first_bad_byte(tmp_path):
    path = tmp_path / "t-v1.yaml"
    path.write_bytes("id: t\nversion: 1\ntitle: {ja: café, en: Café}\n".encode("latin-1"))
    for load in (load_file, load_practices):
        error = only(load(path)[1], "Q112")
        assert error.line == 3
        assert "byte 0xE9 at line 3, column 16 (byte offset 32)" in error.message
        assert "UTF-8" in error.fix


def test_shift_jis_and_utf16_files_are_named(tmp_path):
    sjis = tmp_path / "sjis.yaml"
    sjis.write_bytes("id: t\ntitle: {ja: テスト}\n".encode("cp932"))
    assert "Shift_JIS" in only(load_file(sjis)[1], "Q112").message
    utf16 = tmp_path / "utf16.yaml"
    utf16.write_bytes("id: t\n".encode("utf-16"))
    assert "UTF-16" in only(load_file(utf16)[1], "Q112").message
    no_mark = tmp_path / "utf16le.yaml"
    no_mark.write_bytes("id: t\nversion: 1\n".encode("utf-16-le"))
    assert "UTF-16" in only(load_file(no_mark)[1], "Q112").message


def test_empty_file_and_control_characters(tmp_path):
    empty = tmp_path / "empty.yaml"
    empty.write_bytes(b"")
    assert only(load_file(empty)[1], "Q108").line == 1
    error = only(load_text("id: t\ntitle: a\x1b[0mb\n", "t.yaml")[1], "Q111")
    assert error.line == 2 and "U+001B at line 2, column 9" in error.message


def test_windows_line_ends_keep_the_lines(tmp_path):
    path = tmp_path / "t-v1.yaml"
    path.write_bytes(definition(VALID).replace("\n", "\r\n").encode("utf-8"))
    questionnaire, errors = load_file(path)
    unix = load_text(definition(VALID), "t-v1.yaml")[0]
    assert errors == [] and questionnaire.content_hash == unix.content_hash
    assert [q.line for q in questionnaire.questions] == [q.line for q in unix.questions]
    broken = HEAD.replace("\n", "\r\n") + "  - id: x\r\n\ttitle: y\r\n"
    assert only(load_text(broken, "t-v1.yaml")[1], "Q115").line == HEAD.count("\n") + 2


def test_a_utf8_bom_is_fine(tmp_path):
    path = tmp_path / "t-v1.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + definition(VALID).encode("utf-8"))
    questionnaire, errors = load_file(path)
    assert questionnaire is not None and errors == []
    assert questionnaire.content_hash == load_text(definition(VALID), "t-v1.yaml")[0].content_hash


# --- 4. tabs, indentation and other syntax errors -----------------------------------------------------

SYNTAX = [
    # (name, text after HEAD, code, line after HEAD, words in the message)
    ("tab indenting a key", "  - id: x\n\ttitle: y\n", "Q115", 2, "tabs are not allowed"),
    ("tab indenting an item", "  - id: x\n    questions:\n\t- id: q\n", "Q115", 3, "tabs are not allowed"),
    ("key indented further", "  - id: x\n     title: y\n", "Q116", 2, "more than line"),
    ("key indented less", "  - id: x\n    title: y\n   area: env\n", "Q116", 3, "indented differently"),
    ("item indented less", "  - id: x\n - id: y\n", "Q116", 2, "indented differently"),
    ("key among list items", "  - id: x\n  title: y\n", "Q116", 2, "a key among the '- ' items"),
    ("value with colon", "  - id: x\n    title: Note: this\n", "Q100", 2, "a value contains ': '"),
    ("unclosed quote", '  - id: "x\n    title: y\n', "Q100", 1, "never closed"),
    ("unclosed bracket", "  - id: x\n    title: {ja: a, en: b\n", "Q100", 2, "not closed"),
    ("no colon", "  - id: x\n    title\n    area: env\n", "Q100", 2, "no ':'"),
    ("second document", "  - id: x\n---\nid: y\n", "Q100", 2, "second YAML document"),
    ("item after key", "  - id: x\n    questions: - a\n", "Q100", 2, "'- ' list item"),
    ("bad escape", '  - id: "\\q"\n', "Q100", 1, "escape"),
    ("reserved character", "  - id: @x\n", "Q100", 1, "cannot start with '@'"),
    ("unknown tag", "  - id: !python/object x\n", "Q100", 1, "tag"),
    ("impossible date", "  - id: 2001-13-45\n", "Q100", 1, "cannot be read as timestamp"),
    ("huge number", "  - id: " + "9" * 5000 + "\n", "Q100", 1, "too long"),
    ("long base 60 number", "  - id: 1" + ":30" * 100_000 + "\n", "Q100", 1, "too long"),
    ("complex key", "  - ? [a, b]\n    : 1\n", "Q102", 1, "plain key"),
]


@pytest.mark.parametrize("name,tail,code,line,words", SYNTAX, ids=[c[0] for c in SYNTAX])
def test_syntax_errors_are_coded_at_their_line(name, tail, code, line, words):
    text = HEAD + tail
    started = time.perf_counter()
    questionnaire, errors = load_text(text, "t-v1.yaml")
    assert time.perf_counter() - started < 0.5
    error = [e for e in errors if e.code == code]
    assert questionnaire is None and error, [str(e) for e in errors]
    assert error[0].line == HEAD.count("\n") + line, str(error[0])
    assert words in error[0].message, str(error[0])
    assert error[0].fix and "Traceback" not in str(error[0])


def test_tab_and_indentation_messages_and_fixes():
    tab = only(read_yaml("a:\n\tb: 1\n", "f.yaml")[1], "Q115")
    assert tab.message == "tabs are not allowed for indentation" and "use spaces" in tab.fix
    indent = only(read_yaml("a:\n    b: 1\n  c: 2\n", "f.yaml")[1], "Q116")
    assert indent.line == 3
    assert indent.message.startswith("this line is indented differently from the lines around it")
    assert "2 spaces" in indent.message and "same level" not in indent.message
    assert "as many spaces as the keys" in indent.fix


def test_both_parsers_read_the_shipped_definitions_alike():
    """libyaml reads fast; PyYAML's own parser is the fallback: both give the same values and lines."""
    for path in sorted((ROOT / "questionnaires").glob("*.yaml")) + [ROOT / "sdg_map" / "practices.yaml"]:
        text = path.read_text(encoding="utf-8")
        fast = reader._build(text, path.name, reader._FAST_LOADER)
        slow = reader._build(text, path.name, yaml.SafeLoader)
        assert fast.doc.data == slow.doc.data and fast.doc.lines == slow.doc.lines
        assert fast.errors == slow.errors == []


def test_what_only_pyyaml_reads_keeps_its_content():
    # libyaml refuses an empty value before ',' in a flow mapping; PyYAML reads it as null, as before.
    doc, errors = read_yaml("title: {ja:, en: Test}\n", "f.yaml")
    assert errors == [] and doc.data == {"title": {"ja": None, "en": "Test"}}


def test_duplicate_key_with_a_nested_value_is_skipped_and_lines_stay_right():
    doc, errors = read_yaml("a: 1\na:\n  x: [1, {y: 2}]\nb:\n  c: 3\n", "f.yaml")
    assert [(e.code, e.line) for e in errors] == [("Q101", 2)]
    assert doc.data == {"a": 1, "b": {"c": 3}}
    assert doc.line(("b", "c")) == 5


def test_loading_the_shipped_definitions_stays_fast():
    from assess.questionnaire.registry import load_directory
    from assess.scoring.catalogue import load_checked

    started = time.perf_counter()
    registry = load_directory(ROOT / "questionnaires")
    load_checked(registry.all(), ROOT / "sdg_map" / "practices.yaml")
    assert time.perf_counter() - started < 1.0


def test_no_input_gives_a_traceback():
    """Random damage to valid definitions: always coded errors, each with a message and a fix."""
    seeds = [definition(VALID), definition(SURVEY), PRACTICES]
    pieces = (
        ": |: |- |  |\n|[|]|{|}|\"|'|,|#|\t|? |!!int |!!timestamp |!!binary |!x |&a |*a|<<: |---\n|1:30|~"
    )
    pieces = pieces.split("|") + ["\x00", "\x07", "\ufeff", "9" * 30]
    rnd = random.Random(20240601)
    for _ in range(300):
        text = rnd.choice(seeds)
        for _ in range(rnd.randint(1, 4)):
            at = rnd.randrange(len(text) + 1)
            if rnd.random() < 0.6:
                text = text[:at] + rnd.choice(pieces) + text[at:]
            else:
                text = text[:at] + text[at + rnd.randint(1, 6) :]
        for load in (load_text, load_practices_text):
            result, errors = load(text, "f.yaml")
            assert all(e.code in CATALOGUE and e.message and e.fix for e in errors)
            assert result is not None or any(not e.warning for e in errors)


# --- 5. file names start-up would not load ------------------------------------------------------------


@pytest.mark.parametrize("name", ["x.yml", "x.txt", "T-V1.YAML", "t-v1"])
def test_check_refuses_names_start_up_would_not_load(tmp_path, name):
    path = tmp_path / name
    path.write_text(definition(VALID), encoding="utf-8")
    result = runner.invoke(app, ["questionnaire", "check", str(path)])
    assert result.exit_code == 1, result.output
    assert "Q117 start-up loads only .yaml files, so this file would never be loaded" in result.output
    assert f"(rename {name} to t-v1.yaml)" in result.output
    assert "W101" not in result.output and "ok:" not in result.output


def test_a_broken_yml_file_is_told_both(tmp_path):
    path = tmp_path / "x.yml"
    path.write_text("id: x\n", encoding="utf-8")
    questionnaire, errors = load_file(path)
    assert errors[0].code == "Q117" and "rename x.yml to x.yaml" in errors[0].fix
    assert "Q104" in {e.code for e in errors}


def test_load_text_keeps_the_file_name_warning():
    questionnaire, errors = load_text(definition(VALID), "wrong.yml")
    assert questionnaire is not None and [e.code for e in errors] == ["W101"]


def test_check_of_unreadable_files_prints_no_traceback(tmp_path):
    (tmp_path / "folder.yaml").mkdir()
    (tmp_path / "laughs.yaml").write_text(laughs(9), encoding="utf-8")
    (tmp_path / "latin.yaml").write_bytes("id: café\n".encode("latin-1"))
    args = [str(tmp_path / n) for n in ("folder.yaml", "laughs.yaml", "latin.yaml", "gone.yaml")]
    result = runner.invoke(app, ["questionnaire", "check", *args])
    assert result.exit_code == 1 and isinstance(result.exception, (SystemExit, type(None)))
    for code in ("Q109", "Q113", "Q112"):
        assert code in result.output
    assert "Traceback" not in result.output and "4 error(s) in 4 file(s)" in result.output


# --- 6. and 7. changed locked versions ----------------------------------------------------------------


def test_q501_points_at_the_version_line_and_shows_both_hashes(tmp_path):
    path = tmp_path / "t-v1.yaml"
    path.write_text("# the test questionnaire\n\n" + definition(VALID), encoding="utf-8")
    registry, errors = load_files([path])
    q = registry.get("t", 1)
    errors = check_published(registry, {q.key: "ab" * 32}, {q.key: "2024-04-01"})
    error = only(errors, "Q501")
    assert error.line == 4 and error.path == "version"
    assert "abababababab" in error.message and q.content_hash[:12] in error.message
    assert "first recorded on 2024-04-01" in error.message and "cannot be named" in error.message
    assert "publish it as a new file with version 2" in error.fix
    # Versions recorded in the database count for the next version number too.
    assert "version 4" in check_published(registry, {q.key: "0" * 64, ("t", 3): "1" * 64})[0].fix
    assert check_published(Registry({q.key: q}), {q.key: "0" * 64})[0].line == 1  # no line known


def locked_database(url: str, content_hash: str) -> None:
    engine = db.make_engine(url)
    db.upgrade(engine)
    with Session(engine) as s:
        s.add(QuestionnaireVersion(questionnaire_id="t", version=1, content_hash=content_hash, locked=True))
        s.add(QuestionnaireVersion(questionnaire_id="t", version=2, content_hash="2" * 64, locked=True))
        s.commit()
    engine.dispose()


def check_database(url: str, questionnaire_dir: Path):
    env = {"ASSESS_DATABASE_URL": url, "ASSESS_QUESTIONNAIRE_DIR": str(questionnaire_dir)}
    return runner.invoke(app, ["questionnaire", "check", "--database"], env=env)


def test_check_database_reports_what_start_up_would_refuse(new_database, questionnaire_dir):
    url = new_database("locked")
    locked_database(url, "0" * 64)
    result = check_database(url, questionnaire_dir)
    assert result.exit_code == 1, result.output
    version_line = definition(SURVEY).splitlines().index("version: 1") + 1
    assert (
        f"t-v1.yaml:{version_line} version: Q501 questionnaire t version 1 already has responses"
        in result.output
    )
    assert "locked hash 000000000000" in result.output and "version 3" in result.output
    assert "ok: t-v1.yaml" not in result.output and "Traceback" not in result.output


def test_check_database_passes_when_the_locked_content_is_the_same(new_database, questionnaire_dir):
    q, _ = load_file(questionnaire_dir / "t-v1.yaml")
    url = new_database("same")
    locked_database(url, q.content_hash)
    result = check_database(url, questionnaire_dir)
    assert result.exit_code == 0, result.output
    assert "database: compared with the locked versions" in result.output and "ok: t-v1.yaml" in result.output


@pytest.mark.skipif(sys.platform == "win32", reason="file modes")
def test_check_database_only_reads(tmp_path, questionnaire_dir):
    url = f"sqlite:///{tmp_path / 'a.db'}"
    locked_database(url, "0" * 64)
    before = (tmp_path / "a.db").read_bytes()
    assert check_database(url, questionnaire_dir).exit_code == 1
    assert (tmp_path / "a.db").read_bytes() == before
    # A missing database is not created, an empty one is not migrated.
    missing = tmp_path / "none" / "b.db"
    result = check_database(f"sqlite:///{missing}", questionnaire_dir)
    assert result.exit_code == 0 and "no version is locked yet" in result.output
    assert not missing.parent.exists()
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    result = check_database(f"sqlite:///{empty}", questionnaire_dir)
    assert result.exit_code == 0 and "never migrated" in result.output
    assert empty.read_bytes() == b""


# --- 8. the practice catalogue ------------------------------------------------------------------------


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


@pytest.mark.parametrize(
    "old,new,code",
    [
        ("  - id: recycling", "\t- id: recycling", "Q115"),
        ("    prevalence: 0.9", "   prevalence: 0.9", "Q116"),
        ("en: Start by sorting waste.", "en: Start\x00", "Q111"),
        ("  - id: recycling", "  - &r id: recycling", "Q113"),
        ("    prevalence: 0.9", "    prevalence: *p", "Q113"),
    ],
)
def test_practice_catalogue_has_the_same_bounds(old, new, code):
    text = PRACTICES.replace(old, new)
    catalogue, errors = load_practices_text(text, "practices.yaml")
    assert catalogue is None
    assert (only(errors, code).line, errors[0].file) == (line_of(text, new), "practices.yaml")


def test_sdg_check_reports_unreadable_files_without_traceback(tmp_path):
    folder = tmp_path / "practices.yaml"
    folder.mkdir()
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(PRACTICES.replace("省エネ", "caf\u00e9").encode("latin-1", "replace"))
    for path, code in ((folder, "Q109"), (latin, "Q112"), (tmp_path / "gone.yaml", "Q109")):
        result = runner.invoke(app, ["sdg", "check", str(path)])
        assert result.exit_code == 1 and code in result.output and "Traceback" not in result.output


def test_sdg_check_with_broken_questionnaires_lists_their_errors(tmp_path):
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    (folder / "t-v1.yaml").write_text("id: t\nversion: 1\nitems: &x [1]\n", encoding="utf-8")
    env = {"ASSESS_QUESTIONNAIRE_DIR": str(folder)}
    result = runner.invoke(app, ["sdg", "check"], env=env)
    assert result.exit_code == 1 and "t-v1.yaml:3 items: Q113" in result.output
    assert isinstance(result.exception, (SystemExit, type(None)))


def test_every_new_code_is_documented():
    questionnaire_doc = (ROOT / "docs" / "questionnaire-format.md").read_text(encoding="utf-8")
    sdg_doc = (ROOT / "docs" / "sdg-mapping.md").read_text(encoding="utf-8")
    for code in ("Q109", "Q110", "Q111", "Q112", "Q113", "Q114", "Q115", "Q116", "Q117", "Q501"):
        assert code in CATALOGUE and f"`{code}`" in questionnaire_doc
    for code in ("Q109", "Q110", "Q111", "Q112", "Q113", "Q115", "Q116"):
        assert f"`{code}`" in sdg_doc
    assert "1 MB" in questionnaire_doc and "1 MB" in sdg_doc
