"""bibtex(): what it writes is read back by a real BibTeX parser as the fields it was given."""

from __future__ import annotations

import string
import unicodedata
from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pybtex.database import BibliographyData
from pybtex.database.input.bibtex import Parser
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from bot.core.voice.bibtex import BibEntry, bibtex

# pylatexenc lacks two LaTeX2e text commands and renders \textasciicircum as the modifier
# letter U+02C6; LaTeX prints all three as the ASCII characters, so teach it that.
_CONTEXT = get_default_latex_context_db()
_CONTEXT.add_context_category(
    "bibtex-text-symbols",
    macros=[
        MacroTextSpec("textbraceleft", "{"),
        MacroTextSpec("textbraceright", "}"),
        MacroTextSpec("textasciicircum", "^"),
    ],
    prepend=True,
)
_TO_TEXT = LatexNodes2Text(latex_context=_CONTEXT)

SPECIALS = "\\ { } & % $ # _ ~ ^"


def parse(text: str) -> BibliographyData:
    """BibTeX's own grammar: an unbalanced brace or a repeated key raises."""
    # person_fields=(): `author` stays the string written, not pybtex's re-ordered names.
    return Parser(person_fields=()).parse_string(text)


def decoded(value: str) -> str:
    return " ".join(_TO_TEXT.latex_to_text(value).split())


def norm(text: str) -> str:
    """What the module promises to keep: no control characters, whitespace runs as one space."""
    kept = (c for c in text if c.isspace() or unicodedata.category(c) not in ("Cc", "Cs"))
    return " ".join("".join(kept).split())


def read_back(entries: list[BibEntry]) -> list[dict[str, str]]:
    """Each entry's fields as a reader sees them: LaTeX decoded, `url` verbatim."""
    data = parse(bibtex(entries))
    out = []
    for key, entry in data.entries.items():
        fields = {name.lower(): value for name, value in entry.fields.items()}
        row = {name: decoded(value) for name, value in fields.items() if name != "url"}
        row["url"] = fields["url"]
        row["key"] = key
        row["type"] = entry.type
        out.append(row)
    return out


def assert_round_trip(entry: BibEntry) -> dict[str, str]:
    [row] = read_back([entry])
    assert row["title"] == norm(entry.title)
    names = [norm(a) for a in entry.authors if norm(a)]
    if names:
        assert row["author"] == " and ".join(names)
    else:
        assert "author" not in row
    assert row["eprint"] == norm(entry.arxiv_id)
    assert row["archiveprefix"] == "arXiv"
    assert row["type"] == "misc"
    return row


def test_a_plain_paper_reads_back_with_every_field() -> None:
    entry = BibEntry(
        "2505.19590",
        "Attention Is All You Need",
        ("Ashish Vaswani", "Noam Shazeer"),
        year=2017,
        url="https://example.org/paper",
    )
    row = assert_round_trip(entry)
    assert row["year"] == "2017"
    assert row["url"] == "https://example.org/paper"
    assert row["key"] == "arXiv:2505.19590"


def test_the_exact_text() -> None:
    text = bibtex([BibEntry("2505.19590", "Deep Learning", ("Ada Lovelace", "Alan Turing"))])
    assert text == (
        "@misc{arXiv:2505.19590,\n"
        "  title = {{Deep Learning}},\n"
        "  author = {Ada Lovelace and Alan Turing},\n"
        "  year = {2025},\n"
        "  eprint = {2505.19590},\n"
        "  archivePrefix = {arXiv},\n"
        "  url = {https://arxiv.org/abs/2505.19590},\n"
        "}\n"
    )


def test_title_is_double_braced_so_styles_keep_its_capitals() -> None:
    assert "title = {{BERT Meets GPT}}," in bibtex([BibEntry("2505.00001", "BERT Meets GPT")])


def test_hangul_titles_and_names_stay_utf8() -> None:
    entry = BibEntry("2505.00002", "한국어 대규모 언어 모델 평가", ("김철수", "이영희"))
    text = bibtex([entry])
    assert "한국어 대규모 언어 모델 평가" in text
    assert "김철수 and 이영희" in text
    assert_round_trip(entry)


def test_accented_author_names_stay_utf8() -> None:
    entry = BibEntry("2505.00003", "Über Modelle", ("José Müller", "François Øster", "Zoë Ñúñez"))
    assert "José Müller and François Øster and Zoë Ñúñez" in bibtex([entry])
    assert_round_trip(entry)


@pytest.mark.parametrize("special", SPECIALS.split())
def test_every_latex_special_is_escaped_and_reads_back(special: str) -> None:
    entry = BibEntry("2505.00004", f"a {special} b{special}c", (f"Ann {special}Lee",))
    text = bibtex([entry])
    title_line = next(line for line in text.splitlines() if line.lstrip().startswith("title"))
    assert f" {special} " not in title_line
    assert_round_trip(entry)


def test_the_escapes_are_the_latex_text_commands() -> None:
    text = bibtex([BibEntry("2505.00005", "\\ { } & % $ # _ ~ ^")])
    assert (
        r"title = {{\textbackslash{} \textbraceleft{} \textbraceright{} \& \% \$ \# \_ "
        r"\textasciitilde{} \textasciicircum{}}},"
    ) in text


@pytest.mark.parametrize(
    "title",
    [
        "Unbalanced { brace",
        "Unbalanced } brace",
        "}{ reversed",
        "}}}}} many {{",
        "ends in a backslash \\",
        "\\} escaped-looking brace",
        "@misc{evil, title={x}}",
        "% not a comment\n@article{x,",
        "first line\nsecond line\r\n\tthird",
    ],
)
def test_hostile_titles_never_break_the_file(title: str) -> None:
    entries = [BibEntry("2505.00006", title, ("A } B",)), BibEntry("2505.00007", "After")]
    rows = read_back(entries)
    assert [row["key"] for row in rows] == ["arXiv:2505.00006", "arXiv:2505.00007"]
    assert rows[0]["title"] == norm(title)
    assert rows[1]["title"] == "After"


def test_newlines_and_whitespace_runs_collapse_and_control_characters_go() -> None:
    entry = BibEntry("2505.00008", "  A\n\n  multi-line\ttitle\x00\x07 \u2028end ", (" Ann\nLee ",))
    text = bibtex([entry])
    assert "title = {{A multi-line title end}}," in text
    assert "author = {Ann Lee}," in text
    assert "\x00" not in text and "\x07" not in text


def test_latex_ligatures_are_broken_so_the_typed_characters_print() -> None:
    entry = BibEntry("2505.00009", "a -- b --- c ``q'' !` ?` <<g>> ,,")
    assert "-{}-" in bibtex([entry])
    assert_round_trip(entry)


@pytest.mark.parametrize("name", ["Smith and Jones", "Tom AND Jerry", "others", "a, b, c, d"])
def test_names_bibtex_would_misread_are_kept_whole(name: str) -> None:
    text = bibtex([BibEntry("2505.00010", "T", ("First Author", name))])
    assert f"author = {{First Author and {{{name}}}}}," in text
    assert_round_trip(BibEntry("2505.00010", "T", ("First Author", name)))


def test_blank_author_names_are_left_out_and_no_authors_means_no_field() -> None:
    assert "author" not in bibtex([BibEntry("2505.00011", "T", ("", " \n "))])
    assert "author" not in bibtex([BibEntry("2505.00011", "T")])
    assert "author = {Solo}," in bibtex([BibEntry("2505.00011", "T", ("", "Solo"))])


@pytest.mark.parametrize(
    ("arxiv_id", "year"),
    [
        ("2505.19590", 2025),
        ("2505.19590v3", 2025),
        ("0704.0001", 2007),
        ("1412.1234", 2014),
        ("hep-th/9901001", 1999),
        ("math.AG/0703001v2", 2007),
        ("0703.0001", None),  # before new-style ids existed
        ("2513.00001", None),  # no 13th month
        ("not-an-id", None),
    ],
)
def test_year_from_the_arxiv_id_when_not_given(arxiv_id: str, year: int | None) -> None:
    [row] = read_back([BibEntry(arxiv_id, "T")])
    assert row.get("year") == (None if year is None else str(year))


def test_a_given_year_wins_over_the_id() -> None:
    [row] = read_back([BibEntry("2505.19590", "T", year=2024)])
    assert row["year"] == "2024"


def test_url_defaults_to_the_abstract_page() -> None:
    [row] = read_back([BibEntry("2505.19590", "T")])
    assert row["url"] == "https://arxiv.org/abs/2505.19590"


def test_url_is_verbatim_with_only_characters_no_url_may_hold_percent_encoded() -> None:
    url = "https://ex.org/a_b~c/{x}?q=1%202&r=$#frag \\ ^"
    text = bibtex([BibEntry("2505.00012", "T", url=url)])
    assert "url = {https://ex.org/a_b~c/%7Bx%7D?q=1%202&r=$#frag%20%5C%20%5E}," in text
    [row] = read_back([BibEntry("2505.00012", "T", url=url)])
    assert unquote(row["url"]) == unquote(url)


def test_duplicate_ids_appear_once_first_kept_order_preserved() -> None:
    entries = [
        BibEntry("2505.00002", "Second"),
        BibEntry("2505.00001", "First"),
        BibEntry("2505.00002", "Second again"),
        BibEntry(" 2505.00001\n", "First again"),
    ]
    rows = read_back(entries)
    assert [(r["key"], r["title"]) for r in rows] == [
        ("arXiv:2505.00002", "Second"),
        ("arXiv:2505.00001", "First"),
    ]


def test_entries_are_separated_by_one_blank_line_and_the_text_ends_in_a_newline() -> None:
    text = bibtex([BibEntry("2505.00001", "A"), BibEntry("2505.00002", "B")])
    assert text.count("\n\n") == 1
    assert "}\n\n@misc{arXiv:2505.00002," in text
    assert text.endswith("}\n") and not text.endswith("\n\n")


def test_no_papers_is_an_empty_file() -> None:
    assert bibtex([]) == ""
    assert bibtex(()) == ""


def test_keys_are_safe_and_unique_even_when_ids_are_not() -> None:
    entries = [
        BibEntry("hep-th/9901001", "Old style"),
        BibEntry("hep-th_9901001", "Would share the key"),
        BibEntry("HEP-TH/9901001", "Differs only in case: BibTeX keys ignore case"),
        BibEntry("id with spaces, {braces} & 한글", "Weird"),
        BibEntry("", "No id"),
    ]
    rows = read_back(entries)
    keys = [row["key"] for row in rows]
    assert keys == [
        "arXiv:hep-th_9901001",
        "arXiv:hep-th_9901001-2",
        "arXiv:HEP-TH_9901001-3",
        "arXiv:id_with_spaces___braces______",
        "arXiv",
    ]
    allowed = set(string.ascii_letters + string.digits + ":-_.")
    assert all(set(key) <= allowed for key in keys)
    assert rows[3]["eprint"] == "id with spaces, {braces} & 한글"


def test_bib_entry_defaults() -> None:
    entry = BibEntry("2505.19590", "T")
    assert (entry.authors, entry.year, entry.url) == ((), None, None)
    with pytest.raises(AttributeError):
        entry.title = "changed"  # type: ignore[misc]


# Printable text from every script hypothesis draws, Hangul syllables made likely, and
# the LaTeX specials, BibTeX's own syntax characters and whitespace made likely too.
_CHARS = st.one_of(
    st.characters(codec="utf-8"),  # every code point UTF-8 can carry: no lone surrogates
    st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3),
    st.sampled_from(list("\\{}&%$#_~^@,=\"'`-!?<> \n\t")),
)
_TEXT = st.text(_CHARS, max_size=40)


@given(title=_TEXT, authors=st.lists(_TEXT, max_size=4))
def test_any_text_reads_back_as_written(title: str, authors: list[str]) -> None:
    entry = BibEntry("2505.19590", title, tuple(authors))
    text = bibtex([entry, BibEntry("2505.19591", "Next")])
    data = parse(text)
    assert list(data.entries) == ["arXiv:2505.19590", "arXiv:2505.19591"]
    assert_round_trip(entry)


@given(ids=st.lists(_TEXT, max_size=6))
def test_any_ids_give_safe_unique_keys_one_entry_per_distinct_id(ids: list[str]) -> None:
    data = parse(bibtex([BibEntry(arxiv_id, "T") for arxiv_id in ids]))
    distinct = list(dict.fromkeys(norm(arxiv_id) for arxiv_id in ids))
    assert [decoded(entry.fields["eprint"]) for entry in data.entries.values()] == distinct
    allowed = set(string.ascii_letters + string.digits + ":-_.")
    assert all(set(key) <= allowed for key in data.entries)
