"""The server-rendered pages, one blueprint package per area."""
