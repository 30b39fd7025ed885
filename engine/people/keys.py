"""The key that signs session cookies: the configured one, else one made for this installation.

The value shipped in config.yaml and the code's old default are public, so a cookie signed with
them could name any officer; they are never used. Without a key of its own (`secret_key` empty
or a shipped value) an installation makes a random one on its first start and keeps it in
`secret_key_file` (default `instance/secret_key`, mode 0600). Several processes starting at once
agree on one key: each writes a candidate and links it into place, and whoever loses reads the
winner's. Several machines must share the file or set `SLRT_SECRET_KEY` to one value.
"""

import os
import secrets
from pathlib import Path

from engine.errors import InvalidInput
from engine.i18n import N_

# Every key this project has ever shipped in a file or a default: never accepted.
SHIPPED_KEYS = frozenset({"", "ganti-kunci-ini", "ganti-kunci-ini-di-produksi"})


def signing_key(configured: str, key_file: Path) -> str:
    """The configured key unless it is empty or a shipped one; else this installation's own."""
    if configured.strip() not in SHIPPED_KEYS:
        return configured
    return installation_key(key_file)


def installation_key(path: Path) -> str:
    """Read the key kept at `path`, making it (0600, created atomically) when there is none."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        candidate = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "w", encoding="ascii") as out:
                out.write(secrets.token_hex(32) + "\n")
                out.flush()
                os.fsync(out.fileno())
            try:
                os.link(candidate, path)  # fails if another process got there first: use theirs
            except FileExistsError:
                pass
        finally:
            candidate.unlink(missing_ok=True)
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)  # a copied or restored file must not stay readable by others
    key = path.read_text(encoding="ascii").strip()
    if len(key) < 32:
        raise InvalidInput(N_("Kunci rahasia di {berkas} terlalu pendek (minimal 32 karakter)", berkas=str(path)),
                           errors={"secret_key_file": N_("kunci terlalu pendek")})
    return key
