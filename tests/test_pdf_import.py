"""Reading a paper from its PDF: structure and repairs, the import command, and every kind of bad PDF refused."""

import re
import subprocess
import sys
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from readings.ingest.pdf import Limits, read_pdf
from readings.ingest.pdf_worker import MEMORY_LIMIT, read_pdf_limited
from readings.ingest.pipeline import parse_pdf_source
from readings.ingest.types import IngestError
from readings.models import EditorialNote, Paper
from tests import pdfs


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text) if s]


@pytest.fixture(scope="module")
def parsed(paper_pdf):
    return read_pdf(paper_pdf)


def test_every_sentence_of_the_source_reads_verbatim_in_one_passage(parsed):
    passages = [p.text for p in parsed.passages()]
    for paragraph in pdfs.expected_paragraphs():
        for sentence in sentences(paragraph):
            assert any(sentence in passage for passage in passages), sentence
    # and each printed paragraph is one passage: none split by a line, column or page break
    assert passages == pdfs.expected_paragraphs()


def test_headings_become_numbered_sections_with_levels(parsed):
    assert [(s.number, s.title) for s in parsed.sections] == pdfs.expected_headings()
    assert [s.level for s in parsed.sections] == [1, 1, 2, 1, 1]
    assert parsed.title == "Cultural Soft Power in Print"


def test_running_header_and_page_numbers_are_gone(parsed):
    text = " ".join(p.text for p in parsed.passages())
    assert "Journal of Soft Power Studies" not in text
    assert not re.search(r"(^|\s)\d(\s|$)", text)  # no stray page number between words
    assert parsed.removed == [pdfs.HEADER]
    assert parsed.repairs["running_headers_removed"] >= 2
    assert parsed.repairs["page_numbers_removed"] >= 2


def test_two_columns_are_read_left_then_right_across_a_page_break(parsed):
    texts = [p.text for p in parsed.passages()]
    assert texts.index(pdfs.read_back(pdfs.SOURCE[6][1][0])) + 2 == texts.index(pdfs.read_back(pdfs.SOURCE[6][1][2]))
    assert parsed.repairs["page_break_joins"] >= 1


def test_line_end_hyphens_dropped_unless_the_document_spells_the_word_with_one(parsed):
    text = " ".join(p.text for p in parsed.passages())
    assert "internationalization" in text and "inter-" not in text
    assert "the soft-power of the broadcast" in text  # "soft-power" is printed whole elsewhere
    [fix] = [i for i in parsed.interventions if i.original == "inter-nationalization"]
    assert fix.replacement == "internationalization"


def test_footnote_marker_is_bracketed(parsed):
    assert any("film and fiction.[1] Officials described" in p.text for p in parsed.passages())
    assert parsed.repairs["footnote_markers_bracketed"] == 1


def test_ligatures_written_as_letters_and_each_noted():
    paper = read_pdf(pdfs.ligature_pdf())
    assert [p.text for p in paper.passages()] == [pdfs.LIGATURE_TEXT]
    fixes = {(i.original, i.replacement) for i in paper.interventions if i.kind == "repair"}
    assert ("ﬁlm", "film") in fixes and ("inﬂuence", "influence") in fixes
    assert paper.repairs["ligatures_replaced"] == 7


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (pdfs.encrypted_pdf, "the PDF is encrypted"),
        (pdfs.image_only_pdf, "no text layer"),
        (pdfs.zero_page_pdf, "the PDF has no pages"),
        (pdfs.malformed_pdf, "not a readable PDF (malformed"),
        (lambda: pdfs.text_pdf(["A paper about soft power. " * 30])[:-400], "truncated"),
        (lambda: b"%!PS-Adobe-3.0\n" + b"x" * 100, "not a PDF"),
        (lambda: pdfs.many_pages_pdf(2000), "2,000 pages; at most 1,000"),
    ],
    ids=["encrypted", "image-only", "zero-page", "malformed", "truncated", "not-a-pdf", "2000-pages"],
)
def test_bad_pdfs_are_refused_with_a_clear_message(build, message):
    with pytest.raises(IngestError, match=re.escape(message)):
        read_pdf(build(), Limits(max_pages=1000))


def test_the_worker_subprocess_reads_and_refuses(paper_pdf):
    paper = read_pdf_limited(paper_pdf)
    assert [p.text for p in paper.passages()] == pdfs.expected_paragraphs()
    with pytest.raises(IngestError, match="encrypted"):
        read_pdf_limited(pdfs.encrypted_pdf())


def test_the_worker_is_stopped_at_the_time_limit(paper_pdf):
    with pytest.raises(IngestError, match=re.escape("took longer than 0.001 seconds")):
        read_pdf_limited(paper_pdf, Limits(seconds=0.001))


def test_the_worker_runs_with_a_memory_limit():
    # A decompression bomb must end in the worker, not in the web process.
    probe = "import resource, sys; from readings.ingest import pdf_worker; pdf_worker.main(['1', '1'])"
    result = subprocess.run(
        [sys.executable, "-c", probe + "; print(resource.getrlimit(resource.RLIMIT_AS)[0], file=sys.stderr)"],
        input=b"%PDF-1.4\n%%EOF\n",
        capture_output=True,
        check=True,
    )
    assert int(result.stderr.split()[-1]) == MEMORY_LIMIT


@pytest.mark.django_db
def test_import_paper_takes_a_pdf_and_shows_progress(paper_pdf, tmp_path, capsys):
    path = tmp_path / "print.pdf"
    path.write_bytes(paper_pdf)
    call_command("import_paper", str(path), "--stance", "critical", "--year", "2026")
    out, err = capsys.readouterr()
    assert "page 1/2" in err and "page 2/2" in err
    paper = Paper.objects.get(slug="cultural-soft-power-in-print")
    assert "Imported cultural-soft-power-in-print" in out
    assert paper.title == "Cultural Soft Power in Print" and not paper.title_supplied
    assert paper.abstract.startswith("This paper reads the official account")
    assert list(paper.passages.order_by("section__ordinal", "ordinal").values_list("text", flat=True)) == (
        pdfs.expected_paragraphs()
    )
    notes = list(paper.editorial_notes.all())
    repair = next(n for n in notes if n.kind == EditorialNote.Kind.REPAIR and n.passage is None)
    assert "running headers and footers left out" in repair.note and "page numbers left out" in repair.note
    hyphen = next(n for n in notes if n.original == "inter-nationalization")
    assert hyphen.replacement == "internationalization" and hyphen.passage.text.startswith("Critics answered")


@pytest.mark.django_db
def test_import_paper_refuses_a_scan_and_writes_nothing(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(pdfs.image_only_pdf())
    with pytest.raises(CommandError, match=re.escape("scan.pdf: the PDF has no text layer")):
        call_command("import_paper", str(path), "--stance", "official", "--title", "A scan")
    assert not Paper.objects.exists()


@pytest.mark.django_db
def test_import_paper_refuses_a_pdf_over_the_size_limit(tmp_path, settings):
    settings.READING_ROOM_PDF_MAX_BYTES = 1000
    path = tmp_path / "big.pdf"
    path.write_bytes(pdfs.text_pdf(["Soft power. " * 400]))
    with pytest.raises(CommandError, match="larger than"):
        call_command("import_paper", str(path), "--stance", "official")
    assert not Paper.objects.exists()


def test_warnings_for_pages_without_text_and_no_headings():
    paper = read_pdf(
        pdfs.text_pdf(["A paper about soft power, with no headings, in one plain paragraph of prose."], blank_pages=1)
    )
    assert "page 2 has no text (images only?): anything printed there is missing" in paper.warnings
    assert "no headings were found: the whole text is one section" in paper.warnings


def test_title_from_the_metadata_when_no_heading_stands_out():
    paper = read_pdf(pdfs.text_pdf(["A paper about soft power in one paragraph of ordinary prose."], title="Meta"))
    assert paper.title == "Meta"


def test_footnotes_are_gathered_at_the_end_and_the_paragraph_runs_on_past_them():
    paper = read_pdf(pdfs.footnoted_pdf())
    assert [p.text for p in paper.sections[0].passages] == pdfs.FOOTNOTED_TEXT
    notes = paper.sections[-1]
    assert notes.title == "[Notes]"
    assert [p.text for p in notes.passages] == ["[1]" + pdfs.FOOTNOTE.removeprefix("1")]
    assert paper.repairs["footnotes_gathered"] == 1
    assert any(i.kind == "structure" and i.replacement == "[Notes]" for i in paper.interventions)


def test_unnumbered_headings_from_larger_or_bold_type_with_levels_by_size():
    paper = read_pdf(pdfs.headed_pdf())
    assert paper.title == "Attraction and Its Limits"
    assert [(s.title, s.level) for s in paper.sections] == [
        ("Part One", 1),
        ("What the Ministry Said", 2),
        ("Part Two", 1),
        ("What the Critics Said", 2),
    ]
    assert [len(s.passages) for s in paper.sections] == [0, 1, 0, 1]


def test_justified_single_column_pages_are_not_taken_for_columns():
    words = re.findall(
        r"\w+",
        "the ministry described cultural soft power as a national resource that could be planned funded and "
        "measured like any other while its critics answered that attraction is given by an audience",
    )
    paragraphs = [
        " ".join(
            f"Sentence {s} of paragraph {n} says {' '.join(words[(n * 7 + s * 3) % 20 :][: 8 + (s * n) % 9])}."
            for s in range(1, 9)
        )
        for n in range(1, 9)
    ]
    paper = read_pdf(pdfs.text_pdf(paragraphs))  # fpdf2 justifies: wide gaps, line after line, over pages
    assert [p.text for p in paper.passages()] == paragraphs
    assert paper.repairs["page_break_joins"] >= 2


def test_text_repeated_at_the_same_place_on_pages_is_not_taken_for_a_running_header():
    sentence = (
        "The ministry described cultural soft power as a national resource that could be planned, funded and "
        "measured like any other, and its critics answered that attraction is given by an audience."
    )
    # Identical paragraphs put identical lines at the top of several pages, but inside the text.
    paragraphs = [f"Paragraph {n} begins here. " + " ".join([sentence] * 6) for n in range(1, 9)]
    paper = read_pdf(pdfs.text_pdf(paragraphs))
    assert [p.text for p in paper.passages()] == paragraphs
    assert paper.removed == []


def test_a_hyphen_at_a_line_end_inside_a_code_or_date_pattern_is_kept():
    from readings.ingest.pdf import Block, join

    block = Block("paragraph", "Times are written YYMMDDhhmm-", 10, None, None)
    join(block, "ss’ in this field.", Counter(), Counter())
    assert block.text == "Times are written YYMMDDhhmm-ss’ in this field." and block.fixes == []


def test_a_clean_pdf_gets_no_citation_debris_repair():
    # The plain-text repair takes "label]" at a paragraph's end for a garbled superscript marker.
    text = "The function deletes the structure it is given, and every element below it. [Function]"
    paper = parse_pdf_source(pdfs.text_pdf([text, text]))
    assert [p.text for p in paper.passages()] == [text, text]
    assert not [i for i in paper.interventions if i.kind == "citation"]
