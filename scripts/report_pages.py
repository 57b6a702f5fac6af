"""Print a case report (report.html) to PDF as a browser's print would, and say how many pages
it takes: `python scripts/report_pages.py CASE_DIR/report.html [--pdf OUT.pdf] [--png PREFIX]`.

WeasyPrint (the test extra) lays out the CSS paged media the report uses (A4, the TLP label in
the top and bottom margin of every page). It runs in its own process: the tests call this
script rather than importing WeasyPrint, whose fonts and layout would stay in the test session.
"""

from __future__ import annotations

import argparse
import json
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html")
    parser.add_argument("--pdf", help="also write the PDF here")
    args = parser.parse_args(argv)
    try:
        from weasyprint import HTML
    except ImportError:
        print("weasyprint is not installed (pip install -e '.[test]')", file=sys.stderr)
        return 2
    document = HTML(filename=args.html).render()
    if args.pdf:
        document.write_pdf(args.pdf)
    # Text of each page's margin boxes and body, for a test to check what the reader sees.
    pages = []
    for page in document.pages:
        texts = []

        def walk(box, texts=texts):
            if getattr(box, "text", None):
                texts.append(box.text)
            for child in getattr(box, "children", ()) or ():
                walk(child, texts)
        walk(page._page_box)
        pages.append(" ".join(texts))
    print(json.dumps({"pages": len(document.pages), "text": pages}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
