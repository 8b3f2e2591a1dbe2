"""PDFs for the import tests, made at test time: a paper printed by headless Chromium, hostile files by fpdf2.

The paper is written once, as data: SOURCE renders to the HTML Chromium prints, and to the
sentences and headings the import must give back. In the text, "{1}" is a raised footnote
marker (read back as "[1]") and "-|" a hyphen at a forced line end. Chromium writes the fi
and fl ligatures it sets with their letters in the PDF's character map; ligature characters
(ﬁ, ﬂ) as other PDF makers leave them come from fpdf2 (ligature_pdf).
"""

from __future__ import annotations

import html
import io
import re

HEADER = "Journal of Soft Power Studies · Vol. 3 (2026)"
SOURCE = [
    ("title", "Cultural Soft Power in Print"),
    ("h2", "Abstract"),
    (
        "p",
        "This paper reads the official account of cultural soft power against its critics. "
        "It asks what the ministry meant by attraction and what its audiences abroad made of it.",
    ),
    ("h2", "1. Introduction"),
    (
        "p",
        "The first office of the ministry defined the flow of influence through film and fiction.{1} "
        "Officials described this as a new and efficient form of national attraction. "
        "They wrote that culture would carry the nation’s image further than trade or aid had carried it.",
    ),
    (
        "p",
        "The planners spoke of soft-power resources as if they could be counted like reserves. "
        "Their reports listed theatres, festivals and broadcasters, and set targets for each of them.",
    ),
    (
        "cols",
        [
            "Critics answered that the inter-|nationalization of cultural diplomacy produced effects nobody planned. "
            "Audiences in neighbouring countries watched the programmes and drew their own conclusions.",
            "A second objection was about method. Counting festivals says little about what any single viewer "
            "believed afterwards, and the surveys that tried to measure belief were small and irregular.",
            "The third objection concerned trust. A message known to come from a state is read as a message "
            "from a state, whatever its form, and the soft-|power of the broadcast is spent before it is heard.",
        ],
    ),
    ("h3", "1.1 Background"),
    (
        "p",
        "The policy has a long history. Earlier campaigns had tried exhibitions, exchanges and translation "
        "programmes, each announced with confidence and each reviewed a few years later with less.",
    ),
    ("h2", "2. Method"),
    (
        "p",
        "We read the policy documents closely and set them beside the published criticism. "
        "Every quotation was checked against the original text before it was used in the argument.",
    ),
    (
        "p",
        "The reading was done twice, a year apart. Where the two readings disagreed, the disagreement "
        "is reported rather than resolved, because it says something about the documents themselves.",
    ),
    ("h2", "3. Conclusion"),
    (
        "p",
        "Attraction cannot be ordered into being. The record shows a state learning this slowly, "
        "and its critics learning that a policy can fail in its aims and still change its audience.",
    ),
]
STYLE = """
@page { size: 105mm 148mm; margin: 16mm 10mm 14mm 10mm; }
body { font-family: serif; font-size: 9pt; line-height: 1.35; margin: 0; }
h1 { font-size: 16pt; margin: 0 0 8pt; }
h2 { font-size: 12pt; margin: 10pt 0 4pt; }
h3 { font-size: 10.5pt; margin: 8pt 0 3pt; }
p { margin: 0 0 5pt; text-align: justify; }
.cols { columns: 2; column-gap: 6mm; }
"""


def paragraph_html(text: str) -> str:
    escaped = html.escape(text)
    escaped = re.sub(r"\{(\d+)\}", r"<sup>\1</sup>", escaped)
    return escaped.replace("-|", "-<br>")


def source_html() -> str:
    body = []
    for kind, content in SOURCE:
        if kind == "title":
            body.append(f"<h1>{html.escape(content)}</h1>")
        elif kind in {"h2", "h3"}:
            body.append(f"<{kind}>{html.escape(content)}</{kind}>")
        elif kind == "p":
            body.append(f"<p>{paragraph_html(content)}</p>")
        else:
            body.append('<div class="cols">' + "".join(f"<p>{paragraph_html(p)}</p>" for p in content) + "</div>")
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(SOURCE[0][1])}</title>'
        f"<style>{STYLE}</style></head><body>{''.join(body)}</body></html>"
    )


def read_back(text: str) -> str:
    """A paragraph of SOURCE as the import must give it."""
    text = re.sub(r"\{(\d+)\}", r"[\1]", text)
    text = text.replace("soft-|power", "soft-power").replace("-|", "")
    for ligature, letters in {"ﬁ": "fi", "ﬂ": "fl"}.items():
        text = text.replace(ligature, letters)
    return text


def expected_paragraphs() -> list[str]:
    paragraphs = []
    for kind, content in SOURCE:
        if kind == "p":
            paragraphs.append(read_back(content))
        elif kind == "cols":
            paragraphs.extend(read_back(p) for p in content)
    return paragraphs


def expected_headings() -> list[tuple[str, str]]:
    headings = []
    for kind, content in SOURCE:
        if kind in {"h2", "h3"}:
            match = re.match(r"^([\d.]+?)\.?\s+(.*)$", content)
            headings.append((match.group(1), match.group(2)) if match else ("", content))
    return headings


def print_paper(page) -> bytes:
    """The paper as Chromium prints it, with a running header and page numbers in the margins."""
    page.set_content(source_html())
    return page.pdf(
        prefer_css_page_size=True,
        display_header_footer=True,
        header_template=f'<div class="h">{html.escape(HEADER)}</div><style>.h{{font-size:7px;width:100%;'
        "text-align:center;font-family:serif}</style>",
        footer_template='<div class="f"><span class="pageNumber"></span></div><style>.f{font-size:7px;'
        "width:100%;text-align:center;font-family:serif}</style>",
    )


def build_paper_pdf() -> bytes:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            return print_paper(browser.new_page())
        finally:
            browser.close()


# Hostile and unreadable files, built cheaply with fpdf2.


def fpdf_document():
    from fpdf import FPDF

    pdf = FPDF(format="A5")
    pdf.set_font("helvetica", size=11)
    return pdf


def text_pdf(paragraphs: list[str], *, title: str = "", blank_pages: int = 0) -> bytes:
    pdf = fpdf_document()
    if title:
        pdf.set_title(title)
    pdf.add_page()
    for text in paragraphs:
        pdf.multi_cell(0, 6, text)
        pdf.ln(4)
    for _ in range(blank_pages):
        pdf.add_page()
    return bytes(pdf.output())


LIGATURE_LINES = [
    "The \\256rst of\\256ce of the ministry de\\256ned the \\257ow of in\\257uence through",
    "\\256lm and \\256ction, and its critics answered that attraction is not a thing",
    "a state can order into being, however many festivals it pays for.",
]
LIGATURE_TEXT = (
    "The first office of the ministry defined the flow of influence through film and fiction, and its critics "
    "answered that attraction is not a thing a state can order into being, however many festivals it pays for."
)


def ligature_pdf() -> bytes:
    """Helvetica text with the fi and fl ligature glyphs (codes 256 and 257 octal in its standard
    encoding), which a PDF reader gives as the characters ﬁ and ﬂ, as TeX's PDFs often do."""
    lines = " ".join(f"({line}) Tj 0 -16 Td" for line in LIGATURE_LINES)
    stream = f"BT /F1 11 Tf 40 520 Td {lines} ET".encode()
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 595] /Contents 4 0 R"
            b" /Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
    )


FOOTNOTED_LINES = (
    [
        "The ministry described cultural soft power as a",
        "national resource that could be planned, funded and",
        "measured like any other.",
    ],
    [
        "Its critics answered that attraction is given by an",
        "audience and cannot be taken by a state, however many",
        "festivals it pays for and however often it says so,",
    ],
    ["and that the reports counted what was easy to count", "rather than what mattered."],
)
FOOTNOTE = "1 Ministry of Culture, annual report on cultural work abroad, the first of its kind."
FOOTNOTED_TEXT = [
    "The ministry described cultural soft power as a national resource that could be planned, funded and "
    "measured like any other.[1]",
    "Its critics answered that attraction is given by an audience and cannot be taken by a state, however many "
    "festivals it pays for and however often it says so, and that the reports counted what was easy to count "
    "rather than what mattered.",
]


def footnoted_pdf() -> bytes:
    """Two pages: a raised marker, its footnote in small type at the foot of page one, and a
    paragraph that runs on past it onto page two."""
    pdf = fpdf_document()
    pdf.set_auto_page_break(False)
    pdf.add_page()
    first, second, rest = FOOTNOTED_LINES
    for index, line in enumerate(first):
        pdf.write(6, line)
        if index == len(first) - 1:
            pdf.char_vpos = "SUP"
            pdf.write(6, "1")
            pdf.char_vpos = "LINE"
        pdf.ln(6)
    pdf.ln(4)
    for line in second:
        pdf.write(6, line)
        pdf.ln(6)
    pdf.set_y(-28)
    pdf.set_font("helvetica", size=8)
    pdf.multi_cell(0, 4, FOOTNOTE)
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    for line in rest:
        pdf.write(6, line)
        pdf.ln(6)
    return bytes(pdf.output())


def headed_pdf() -> bytes:
    """Unnumbered headings, told from the text only by type: larger, or bold at the text's size."""
    pdf = fpdf_document()
    pdf.add_page()
    for style, size, text in [
        ("B", 18, "Attraction and Its Limits"),
        ("B", 14, "Part One"),
        ("B", 11, "What the Ministry Said"),
        ("", 11, "The ministry said that culture would carry the nation further than trade had carried it."),
        ("B", 14, "Part Two"),
        ("B", 11, "What the Critics Said"),
        ("", 11, "The critics said that a message known to come from a state is read as coming from a state."),
    ]:
        pdf.set_font("helvetica", style=style, size=size)
        pdf.multi_cell(0, size * 0.6, text)
        pdf.ln(3)
    return bytes(pdf.output())


def image_only_pdf() -> bytes:
    """A "scan": a page holding only a picture, no text layer."""
    from PIL import Image

    pdf = fpdf_document()
    pdf.add_page()
    picture = Image.new("L", (200, 280), 255)
    for x in range(20, 180):
        for y in range(30, 250, 12):
            picture.putpixel((x, y), 0)
    pdf.image(picture, x=10, y=10, w=120)
    return bytes(pdf.output())


def encrypted_pdf() -> bytes:
    pdf = fpdf_document()
    pdf.add_page()
    pdf.multi_cell(0, 6, "A secret paper about soft power that nobody may read without the password.")
    pdf.set_encryption(owner_password="owner", user_password="reader")
    return bytes(pdf.output())


def many_pages_pdf(pages: int) -> bytes:
    """A PDF of many pages sharing one content stream: cheap to build at any length."""
    stream = b"BT /F1 11 Tf 40 520 Td (A page about soft power.) Tj ET"
    kids = b" ".join(b"%d 0 R" % (5 + n) for n in range(pages))
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 595] /Contents 3 0 R /Resources << /Font << /F1 4 0 R >> >> >>"
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
            b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            *[page] * pages,
        ]
    )


def zero_page_pdf() -> bytes:
    """A well-formed PDF whose page tree is empty (fpdf2 will not write one)."""
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])


def raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF file of these objects (the first is the catalog), with a correct cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def malformed_pdf() -> bytes:
    return b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nthis is not a PDF object at all ((((\n%%EOF\n"
