"""The Bitstring Status List (W3C, "Bitstring Status List v1.0"): one bit per
credential, 1 = revoked, GZIP-compressed and base64url-encoded with the multibase
prefix ``u``. Bit 0 is the most significant bit of the first byte.

The list has at least 131,072 entries (16 KB before compression), the size the
specification recommends so that a list says little about how many credentials
an issuer has (its "herd privacy"); unused entries compress to almost nothing.
"""

from __future__ import annotations

import base64
import gzip
from collections.abc import Iterable

MIN_ENTRIES = 131_072


class StatusListError(ValueError):
    """An encoded list that cannot be read, or an index outside it."""


def encode(revoked: Iterable[int], entries: int = MIN_ENTRIES) -> str:
    bits = bytearray(entries // 8)
    for index in revoked:
        if not 0 <= index < entries:
            raise StatusListError(f"index {index} is outside a list of {entries} entries")
        bits[index // 8] |= 0x80 >> (index % 8)
    # mtime=0: the same list always encodes to the same text.
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")


def decode(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise StatusListError("the encoded list does not start with the multibase prefix 'u'")
    text = encoded[1:]
    try:
        packed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        return gzip.decompress(packed)
    except (ValueError, OSError, EOFError) as error:
        raise StatusListError(f"the encoded list is not base64url GZIP data ({error})") from error


def is_set(encoded: str, index: int) -> bool:
    bits = decode(encoded)
    if not 0 <= index < len(bits) * 8:
        raise StatusListError(f"index {index} is outside a list of {len(bits) * 8} entries")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))
