"""Server-rendered pages for officers and the public."""
