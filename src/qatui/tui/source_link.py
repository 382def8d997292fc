"""Opening a question's source page in the system browser, without ever failing loudly."""

from __future__ import annotations

from qatui.corpus.ingest.sanitize import clean_line

SAFE_SCHEMES = ("http://", "https://")


def open_in_browser(url: str) -> str:
    """Ask the system browser to show ``url`` (http or https only); return what happened, in
    words. Blocks while the browser starts: call it from a thread."""
    import webbrowser  # only opening a page needs it: not loaded for the first frame

    shown = clean_line(url)
    if not url.lower().startswith(SAFE_SCHEMES):
        return f"Not a web address, not opened: {shown}"
    try:
        opened = webbrowser.open(url)
    except Exception as error:  # webbrowser.Error, or a browser command that failed to start
        return f"The browser could not be started ({clean_line(str(error))}): {shown}"
    if not opened:
        return f"No browser found; copy the address with y: {shown}"
    return f"Opened in the browser: {shown}"
