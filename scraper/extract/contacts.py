"""Press contact blocks: "NAME / ROLE / Email : ... / Tel : + 32 2 ..." lines of the body.

A block is found from its *anchor* lines (a labelled e-mail or phone line, a bare address or
phone number, a ``mailto:`` link standing alone), then read back over at most three short
lines for the role, the name and a title ("Contact", "Press contact"). It counts only with a
name or a title: an "Email :" line alone is not a contact. Its lines leave the body.

E-mail addresses obfuscated on the page ("name [at] ccre.org", "name(at)ccre[dot]org") are
decoded only when exactly one address reads out of the line; a cut one ("boris.tonhauser
[at] or by phone") stays null. Label words come from the common lexicon (``[structure]``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from scraper.document import Block, Removal
from scraper.lexicons import load_common_words
from scraper.records import Contact

MAX_LINE_WORDS = 12
"""A name, role or title line is at most this many words."""
MAX_LOOK_BACK = 3
"""Lines read back from the first anchor line: title, name, role."""
NAME_PARTICLES = frozenset(
    "de da di del della der den van von du des le la zu y e af av dos das ten ter".split())

_AT = r"(?:\s*@\s*|\s*[\[({]\s*(?:at|@)\s*[\])}]\s*|\s+at\s+)"
_DOT = r"(?:\.|\s*[\[({]\s*(?:dot|point)\s*[\])}]\s*|\s+dot\s+)"
_ADDRESS = re.compile(
    rf"(?<![\w.+-])(?P<local>[A-Za-z0-9][A-Za-z0-9._%+-]*){_AT}"
    rf"(?P<domain>[A-Za-z0-9-]+(?:{_DOT}[A-Za-z0-9-]+)*{_DOT}(?P<tld>[A-Za-z]{{2,24}}))"
    r"(?![\w-])", re.IGNORECASE)
_OBFUSCATION = re.compile(r"[\[({]\s*(?:at|@)\s*[\])}]|\s@\s", re.IGNORECASE)
_PHONE = re.compile(r"^\+?\s?\(?\d[\d\s().\-/]{5,}\d$")
_DIGITS = re.compile(r"\d")
_NAME_WORD = re.compile(r"^[A-ZÀ-ÖØ-Þ][\w'’.-]*$|^[A-ZÀ-ÖØ-Þ]\.$")
_SENTENCE_END = (".", "!", "?", ";")


@dataclass(frozen=True, slots=True)
class _Line:
    kind: str
    """"email", "phone", "other" (labelled: Fax, Skype), "title", "text"."""
    value: str = ""


@functools.cache
def _labels() -> tuple[re.Pattern[str], frozenset[str]]:
    """The label pattern (group "label", group "value") and the contact titles."""
    words = load_common_words().structure
    labels = sorted({*words.email_labels, *words.phone_labels, *words.other_labels},
                    key=len, reverse=True)
    alternatives = "|".join(re.escape(label.rstrip(".")) for label in labels) or "(?!)"
    pattern = re.compile(rf"^(?P<label>{alternatives})\.?\s*(?:[:：]\s*|\s+(?=[+\d(\w]))"
                         r"(?P<value>.*)$|^(?P<bare>" + alternatives + r")\.?\s*[:：]?$",
                         re.IGNORECASE)
    return pattern, words.contact_titles


@functools.cache
def _label_kinds() -> dict[str, str]:
    words = load_common_words().structure
    kinds = {label.rstrip(".").casefold(): "other" for label in words.other_labels}
    kinds.update((label.rstrip(".").casefold(), "phone") for label in words.phone_labels)
    kinds.update((label.rstrip(".").casefold(), "email") for label in words.email_labels)
    return kinds


def decode_email(text: str) -> str | None:
    """The one e-mail address written in ``text`` (plain or obfuscated with [at], (at),
    [dot]...), lower-cased domain; None when there is none or more than one."""
    found = {(match.group("local"), _undot(match.group("domain")).lower())
             for match in _ADDRESS.finditer(text)}
    if len(found) != 1:
        return None
    local, domain = found.pop()
    return f"{local}@{domain}"


def _undot(domain: str) -> str:
    return re.sub(_DOT, ".", domain, flags=re.IGNORECASE).replace(" ", "")


def _mail_address(block: Block) -> str | None:
    """The address of the line's ``mailto:`` links, when they name one."""
    found = set()
    for link in block.anchors:
        if link.href[:7].lower() == "mailto:":
            address = decode_email(link.href[7:].split("?", 1)[0].strip())
            if address is not None:
                found.add(address)
    return found.pop() if len(found) == 1 else None


def _classify(block: Block) -> _Line:
    text = block.text.strip()
    pattern, titles = _labels()
    if text.casefold().rstrip(" :：") in titles:
        return _Line("title")
    match = pattern.match(text)
    if match is not None:
        label = (match.group("label") or match.group("bare") or "").casefold()
        kind = _label_kinds().get(label.rstrip("."), "other")
        value = (match.group("value") or "").strip()
        if kind == "email":
            return _Line("email", _mail_address(block) or decode_email(value) or "")
        if kind == "phone":
            if value and len(_DIGITS.findall(value)) < 6:
                return _Line("text")  # "Tel. Aviv..." is no phone line
            return _Line("phone", value.rstrip(" .;,"))
        return _Line("other", value)
    if len(text) <= 80 and " " not in text:
        address = decode_email(text)
        if address is not None:
            return _Line("email", address)
    if block.anchors and len(text) <= 80 and text.count(" ") <= 3:
        address = _mail_address(block)
        if address is not None:
            return _Line("email", address)
    if _PHONE.match(text) and len(_DIGITS.findall(text)) >= 6:
        return _Line("phone", text)
    return _Line("text")


def _is_short(text: str) -> bool:
    return 0 < len(text.split()) <= MAX_LINE_WORDS and not text.endswith(_SENTENCE_END) \
        and not text.endswith(":")


def is_name(text: str) -> bool:
    """Two to five capitalised words (particles aside), no digits: "Boris Tonhauser"."""
    words = text.split()
    if not 2 <= len(words) <= 5 or _DIGITS.search(text):
        return False
    capitalised = [word for word in words if word.casefold() not in NAME_PARTICLES]
    return len(capitalised) >= 2 and all(_NAME_WORD.match(word) for word in capitalised)


def find_contacts(blocks: Sequence[Block]) -> list[tuple[list[int], Contact]]:
    """The contact blocks among ``blocks``: for each, the indexes of its lines (in
    ``blocks``) and the contact they give."""
    lines = [_classify(block) for block in blocks]
    found: list[tuple[list[int], Contact]] = []
    taken: set[int] = set()
    index = 0
    while index < len(blocks):
        if lines[index].kind not in ("email", "phone", "other"):
            index += 1
            continue
        end = index
        while end + 1 < len(blocks) and lines[end + 1].kind in ("email", "phone", "other"):
            end += 1
        head = _read_head(blocks, lines, index, taken)
        anchors = range(index, end + 1)
        if head is not None and any(lines[at].kind != "other" for at in anchors):
            members, name, role = head
            members += list(anchors)
            email = next((lines[at].value for at in anchors
                          if lines[at].kind == "email" and lines[at].value), None)
            phone = next((lines[at].value for at in anchors
                          if lines[at].kind == "phone" and lines[at].value), None)
            found.append((members, Contact(name=name, role=role, email=email, phone=phone)))
            taken.update(members)
        index = end + 1
    return found


def _read_head(blocks: Sequence[Block], lines: list[_Line], first: int,
               taken: set[int]) -> tuple[list[int], str | None, str | None] | None:
    """The title, name and role lines before the anchor at ``first``: (their indexes, name,
    role), or None when there is neither a name nor a title."""
    before: list[int] = []
    at = first - 1
    while at >= 0 and len(before) < MAX_LOOK_BACK and at not in taken:
        line, text = lines[at], blocks[at].text.strip()
        if line.kind == "title":
            before.append(at)
            break
        if line.kind != "text" or not _is_short(text) or blocks[at].kind in ("h1",):
            break
        before.append(at)
        at -= 1
    before.reverse()
    title = before[:1] if before and lines[before[0]].kind == "title" else []
    texts = before[len(title):]
    name_at = next((position for position, at in enumerate(texts)
                    if is_name(blocks[at].text.strip().split(",")[0])), None)
    if name_at is None:  # a title alone: what follows it is a role, if anything
        return (before, None, " ".join(blocks[at].text.strip() for at in texts) or None) \
            if title else None
    # Lines above the name that are no title are not the block's.
    name, _, rest = blocks[texts[name_at]].text.strip().partition(",")
    role = rest.strip() or " ".join(blocks[at].text.strip()
                                    for at in texts[name_at + 1:]) or None
    return title + texts[name_at:], name.strip(), role


def take_contacts(blocks: list[Block], removed: list[Removal]) -> tuple[list[Block],
                                                                        list[Contact]]:
    """``blocks`` without their contact blocks, whose lines go to ``removed`` (reason
    "contact"), and the contacts they give."""
    found = find_contacts(blocks)
    if not found:
        return blocks, []
    out = {index for members, _ in found for index in members}
    removed.extend(Removal(text=blocks[index].text, reason="contact") for index in sorted(out))
    return [block for index, block in enumerate(blocks) if index not in out], \
        [contact for _, contact in found]


__all__ = ["decode_email", "find_contacts", "is_name", "take_contacts"]
