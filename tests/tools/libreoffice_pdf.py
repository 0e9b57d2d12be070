"""Makes tests/fixtures/pdf/libreoffice/: every seed printed as PDF by a second producer, LibreOffice
Writer, so that the PDF step is not tuned to one generator. Each seed becomes a flat OpenDocument
text (a running header, a "Side N af M" footer, one paragraph per line, space between paragraphs,
tab stops for table rows) that `soffice --headless --convert-to pdf` prints. Run by a developer
(Debian's libreoffice-writer-nogui); the tests read the committed PDFs.

    python tests/tools/libreoffice_pdf.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "corpus" / "hoeje-taastrup" / "direktionen"
TARGET = ROOT / "tests" / "fixtures" / "pdf" / "libreoffice"

DOCUMENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
 <office:font-face-decls>
  <style:font-face style:name="Liberation Sans" svg:font-family="'Liberation Sans'"
   xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"/>
 </office:font-face-decls>
 <office:styles>
  <style:default-style style:family="paragraph">
   <style:paragraph-properties fo:margin-top="0cm" fo:margin-bottom="0cm"/>
   <style:text-properties style:font-name="Liberation Sans" fo:font-size="10.5pt" fo:language="da" fo:country="DK"/>
  </style:default-style>
  <style:style style:name="First" style:family="paragraph">
   <style:paragraph-properties fo:margin-top="0.3cm"/>
  </style:style>
  <style:style style:name="Line" style:family="paragraph"/>
  <style:style style:name="Row" style:family="paragraph">
   <style:paragraph-properties>
    <style:tab-stops>
     <style:tab-stop style:position="8cm"/><style:tab-stop style:position="10.5cm"/>
     <style:tab-stop style:position="13cm"/><style:tab-stop style:position="15.5cm"/>
    </style:tab-stops>
   </style:paragraph-properties>
  </style:style>
  <style:style style:name="FirstRow" style:family="paragraph" style:parent-style-name="Row">
   <style:paragraph-properties fo:margin-top="0.3cm"/>
  </style:style>
  <style:style style:name="Furniture" style:family="paragraph">
   <style:paragraph-properties fo:text-align="center"/>
   <style:text-properties fo:font-size="8.5pt"/>
  </style:style>
 </office:styles>
 <office:automatic-styles>
  <style:page-layout style:name="A4">
   <style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" fo:margin-top="1.5cm"
    fo:margin-bottom="1.5cm" fo:margin-left="2.2cm" fo:margin-right="2.2cm"/>
   <style:header-style><style:header-footer-properties fo:min-height="0.8cm" fo:margin-bottom="0.4cm"/></style:header-style>
   <style:footer-style><style:header-footer-properties fo:min-height="0.8cm" fo:margin-top="0.4cm"/></style:footer-style>
  </style:page-layout>
 </office:automatic-styles>
 <office:master-styles>
  <style:master-page style:name="Standard" style:page-layout-name="A4">
   <style:header><text:p text:style-name="Furniture">{header}</text:p></style:header>
   <style:footer><text:p text:style-name="Furniture">Side <text:page-number text:select-page="current"/> af <text:page-count/></text:p></style:footer>
  </style:master-page>
 </office:master-styles>
 <office:body><office:text>
{body}
 </office:text></office:body>
</office:document>
"""


def paragraph(line: str, first: bool) -> str:
    style = ("First" if first else "") + ("Row" if "\t" in line else "" if first else "Line")
    cells = [escape(cell) for cell in line.split("\t")]
    return f'  <text:p text:style-name="{style}">{"<text:tab/>".join(cells)}</text:p>'


def fodt(text: str, header: str) -> str:
    paragraphs = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip(" ") for line in block.split("\n") if line.strip()]
        paragraphs.extend(paragraph(line, index == 0) for index, line in enumerate(lines))
    return DOCUMENT.format(header=escape(header), body="\n".join(paragraphs))


def main() -> int:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        print("needs LibreOffice: apt-get install libreoffice-writer-nogui", file=sys.stderr)
        return 1
    TARGET.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        sources = []
        for seed in sorted(SEEDS.glob("*.txt")):
            source = Path(work) / f"{seed.stem}.fodt"
            source.write_text(fodt(seed.read_text(encoding="utf-8-sig"),
                                   f"Høje-Taastrup Kommune · Referat · Direktionen {seed.stem}"), encoding="utf-8")
            sources.append(str(source))
        subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{work}/profile",
                        "--convert-to", "pdf", "--outdir", str(TARGET), *sources], check=True)
    for pdf in sorted(TARGET.glob("*.pdf")):
        print(f"{pdf.relative_to(ROOT)}: {pdf.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
