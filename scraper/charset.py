"""Page bytes to text: BOM, valid UTF-8, the declared and ``<meta>`` charsets, sniffing.

Never raises, whatever charset a page or a server names: codec names that are not text
encodings (zip, base64, rot13), always fail (undefined, punycode) or are refused (UTF-7) are
ignored, and sniffing chooses among the web's encodings only.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def decode_html(data: bytes, declared_charset: str | None = None) -> str:
    """Decode page bytes: BOM; bytes that are valid UTF-8 and not plain ASCII; the declared
    charset, the ``<meta>`` charset, UTF-8, and last a sniffed charset (charset-normalizer);
    undecodable bytes become U+FFFD. Never raises, whatever charset a page names."""
    for bom, bom_encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                              (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(bom_encoding, errors="replace")
    if not data.isascii():
        # Non-ASCII bytes that form valid UTF-8 are UTF-8, whatever a server or a <meta>
        # declares (a UTF-8 page announced as ISO-8859-1 is common; legacy text is almost
        # never valid UTF-8 by accident).
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    candidates = [_known_codec(declared_charset)]
    match = _META_CHARSET.search(data[:4096])
    if match:
        # A <meta> read as ASCII cannot name an ASCII-incompatible charset (UTF-16, EBCDIC).
        meta = _known_codec(match.group(1).decode("ascii", "replace"))
        candidates.append(meta if meta and _is_ascii_compatible(meta) else None)
    encodings = [encoding for encoding in candidates if encoding]
    # A declaration the bytes contradict (a server announcing UTF-8 for a windows-1252
    # file) loses to the next one that decodes cleanly.
    for encoding in [*encodings, "utf-8"]:
        try:
            return data.decode(encoding)
        except UnicodeError:  # UnicodeDecodeError, and the plain errors of odd codecs
            continue
    for fallback in (_sniff(data[:200_000]), *encodings):
        if fallback:
            try:
                return data.decode(fallback, errors="replace")
            except UnicodeError:
                continue
    return data.decode("cp1252", errors="replace")


WEB_ENCODINGS = (
    "cp1252", "utf-8", "iso8859-15", "cp1250", "iso8859-2", "cp1251", "koi8-r", "koi8-u",
    "iso8859-5", "cp866", "cp1253", "iso8859-7", "cp1254", "cp1257", "iso8859-13", "iso8859-4",
    "iso8859-3", "iso8859-10", "iso8859-14", "iso8859-16", "cp1255", "iso8859-8", "cp1256",
    "iso8859-6", "cp1258", "cp874", "mac-roman", "mac-cyrillic", "cp932", "shift_jis",
    "euc_jp", "iso2022_jp", "gbk", "gb18030", "big5", "euc_kr", "utf-16-le", "utf-16-be",
)
"""The WHATWG Encoding Standard's encodings (Python names), windows-1252 first: the one a
Western page without a usable declaration is in, when sniffing cannot tell it from its
neighbours (a few curly quotes and dashes fit windows-1250 and -1257 as well)."""


def _sniff(data: bytes) -> str | None:
    """The charset charset-normalizer finds likeliest among web encodings (DOS code pages such
    as cp775 win its ties on short samples, yet no web page uses them). Near ties (chaos
    within 0.01, coherence within 0.05 of the best) go to the earliest in
    :data:`WEB_ENCODINGS`."""
    ranked = [(match.chaos, match.coherence, codec) for match in from_bytes(data)
              if (codec := _known_codec(match.encoding)) in WEB_ENCODINGS]
    if not ranked:
        best = from_bytes(data).best()
        return _known_codec(best.encoding if best else None)
    calmest = min(chaos for chaos, _, _ in ranked) + 0.01
    clear = [(coherence, codec) for chaos, coherence, codec in ranked if chaos <= calmest]
    coherent = max(coherence for coherence, _ in clear) - 0.05
    return min((codec for coherence, codec in clear if coherence >= coherent),
               key=WEB_ENCODINGS.index)


REFUSED_CODECS = frozenset({"undefined", "idna", "punycode", "utf-7", "unicode-escape",
                            "raw-unicode-escape"})
"""Codecs Python has that no web page is written in: they fail on any markup, decode
escapes, or (UTF-7) are forbidden by the WHATWG Encoding Standard as an XSS vector."""


def _known_codec(name: str | None) -> str | None:
    """The Python text codec for a declared charset name; None for unknown names and for
    codecs that are not text encodings (zip, base64, rot13) or are refused."""
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().lower())
    except (LookupError, ValueError):  # ValueError: a NUL in the name
        return None
    if not getattr(codec, "_is_text_encoding", True) or codec.name in REFUSED_CODECS:
        return None
    # A page declaring latin-1 is, in practice, windows-1252 (the WHATWG rule).
    return "cp1252" if codec.name in ("latin-1", "iso8859-1", "ascii") else codec.name


def _is_ascii_compatible(encoding: str) -> bool:
    try:
        return "<meta charset=>".encode(encoding) == b"<meta charset=>"
    except UnicodeError:
        return False


__all__ = ["REFUSED_CODECS", "WEB_ENCODINGS", "decode_html"]
