"""File downloads: one way to answer with an attachment, with a name safe for the header."""

import re

from flask import Response


def safe_filename(name):
    """The file's own name with anything but letters, digits, '.', '-' and '_' replaced."""
    return re.sub(r"[^\w.\-]", "_", name.replace("\\", "/").rsplit("/", 1)[-1]) or "unduhan"


def attachment(body, mimetype, filename):
    """A response the browser saves as `filename`."""
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{safe_filename(filename)}"'})
