"""PDF gap reports: the HTML report, laid out on A4 by WeasyPrint.

The PDF is the HTML report and nothing else, so the two never say different things; the
print rules of report.css (``@page``, ``@media print``) decide the page: A4, the check
matrix on landscape pages, long words broken rather than cut off. WeasyPrint finds fonts
through fontconfig, so the CSS font stack names "Noto Sans CJK SC" (Debian's
fonts-noto-cjk), and WeasyPrint embeds the subset of every font it uses.

WeasyPrint is an optional extra (``plancheck[pdf]``) with system libraries of its own
(Pango), imported only when a PDF is rendered; when either is missing, the run stops with
one line that names the extra (``Refused``, exit 2).

The same report gives the same bytes: WeasyPrint writes a creation date only when the HTML
carries one (``dcterms.created``), and the file identifier is derived from the HTML, so
nothing in the file depends on the clock, the machine or the process.
"""

from __future__ import annotations

import hashlib

from plancheck.failures import Refused

MISSING = "PDF output needs WeasyPrint: pip install 'plancheck[pdf]'"


def render_pdf(html: str) -> bytes:
    """The PDF of an HTML report (a whole document, as ``html.render_*_html`` returns it)."""
    weasyprint = _weasyprint()
    document = weasyprint.HTML(string=html, url_fetcher=_no_fetching(weasyprint)).render()
    return document.write_pdf(pdf_identifier=identifier(html))


def identifier(html: str) -> bytes:
    """The PDF file identifier: the same report has the same one, a changed report another."""
    return hashlib.sha256(html.encode("utf-8", errors="backslashreplace")).hexdigest()[:32].encode("ascii")


def _weasyprint():  # -> the weasyprint module
    try:
        import weasyprint
    except ImportError:
        raise Refused(MISSING) from None
    except OSError as exc:  # the package is there, its system libraries (Pango) are not
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise Refused(f"{MISSING}, with its system libraries (Pango): {reason}") from None
    return weasyprint


def _no_fetching(weasyprint):  # -> weasyprint.urls.URLFetcher
    """A report is one self-contained document: it loads nothing from the network or the
    disk, whatever a URL in it says (inline ``data:`` URLs only)."""
    urls = weasyprint.urls
    if hasattr(urls, "URLFetcher"):
        return urls.URLFetcher(allowed_protocols={"data"})

    def fetch(url: str, *args, **kwargs):  # the function older WeasyPrint takes
        if not url.startswith("data:"):
            raise ValueError(f"a report loads nothing: {url}")
        return urls.default_url_fetcher(url, *args, **kwargs)
    return fetch
