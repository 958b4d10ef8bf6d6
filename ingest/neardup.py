"""Near-duplicate documents: the same report at several URLs or hosts with different bytes.

Identical bytes are one document already (documents are keyed by sha256). A report re-saved by a
neighbouring partnership or a council's document store differs in its bytes (producer, dates, a
"republished with permission" line) but not in its text. Each document's text becomes a set of
word 5-shingles, summarised by a 128-permutation MinHash (datasketch); locality-sensitive
hashing finds candidate pairs and a pair is a duplicate when the estimated Jaccard similarity
of the shingle sets is at least :data:`THRESHOLD`. Groups are closed transitively.

Which copy is kept (the canonical one): the copy whose own source is named in its text (the
publisher's copy, not the republisher's), then the one first seen, then the lowest id. The
others are marked ``duplicate_of`` it and their URLs are listed with it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash, MinHashLSH

logger = logging.getLogger(__name__)

NUM_PERM = 128
SEED = 7
SCHEME = "affine32"  # datasketch 2 hashing scheme; stored signatures depend on it
SHINGLE = 5
THRESHOLD = 0.8
MIN_WORDS = 40  # shorter texts say too little to call two documents the same
MAX_WORDS = 200_000  # a very long text is summarised by its first words
_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """Lower-cased words of ``text`` (punctuation and layout ignored)."""
    return _WORD.findall(text.lower())


def shingles(tokens: list[str], k: int = SHINGLE) -> set[bytes]:
    """The word k-shingles of ``tokens`` as UTF-8 byte strings (one shingle for short texts)."""
    if len(tokens) < k:
        return {" ".join(tokens).encode()} if tokens else set()
    return {" ".join(tokens[i:i + k]).encode() for i in range(len(tokens) - k + 1)}


@dataclass(frozen=True)
class Signature:
    """A document's MinHash signature and how many words it summarises."""

    hashvalues: np.ndarray
    words: int

    def to_bytes(self) -> bytes:
        return self.hashvalues.astype("<u8").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes, n_words: int) -> Signature:
        return cls(np.frombuffer(data, dtype="<u8").astype(np.uint64), n_words)

    def minhash(self) -> MinHash:
        return MinHash(num_perm=NUM_PERM, seed=SEED, hashvalues=self.hashvalues, scheme=SCHEME)


def signature(text: str) -> Signature:
    """The MinHash signature of ``text``."""
    tokens = words(text)[:MAX_WORDS]
    m = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)
    grams = shingles(tokens)
    if grams:
        m.update_batch(list(grams))
    return Signature(m.hashvalues.copy(), len(tokens))


def similarity(a: Signature, b: Signature) -> float:
    """Estimated Jaccard similarity of the two documents' shingle sets."""
    return float(np.mean(a.hashvalues == b.hashvalues))


def duplicate_groups(signatures: Mapping[str, Signature],
                     threshold: float = THRESHOLD) -> list[list[str]]:
    """Groups (two or more ids, sorted) of documents whose texts are near-duplicates."""
    usable = {k: s for k, s in signatures.items() if s.words >= MIN_WORDS}
    lsh = MinHashLSH(threshold=threshold * 0.9, num_perm=NUM_PERM)
    hashes = {k: s.minhash() for k, s in usable.items()}
    for key in sorted(hashes):
        lsh.insert(key, hashes[key])
    parent = {k: k for k in usable}

    def find(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for key in sorted(hashes):
        for other in lsh.query(hashes[key]):
            if other != key and similarity(usable[key], usable[other]) >= threshold:
                a, b = find(key), find(other)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    groups: dict[str, list[str]] = {}
    for key in usable:
        groups.setdefault(find(key), []).append(key)
    out = sorted(sorted(g) for g in groups.values() if len(g) > 1)
    logger.info("near-duplicates: %d groups over %d documents", len(out), len(usable))
    return out


def _name_words(source: str) -> list[str]:
    generic = {"safeguarding", "children", "child", "board", "partnership", "local", "and",
               "the", "of", "for", "council", "county", "borough", "city", "scp", "lscb",
               "practice", "review", "reviews", "panel", "multi", "agency", "committee"}
    return [w for w in words(source) if w not in generic and len(w) > 2]


def canonical(group: Iterable[dict]) -> str:
    """The id of the copy to keep: ``group`` holds dicts with id, source, first_seen, head."""
    def rank(doc: dict) -> tuple[int, str, str]:
        names = _name_words(doc.get("source") or "")
        head = doc.get("head", "").lower()
        named = bool(names) and all(re.search(rf"\b{re.escape(w)}\b", head) for w in names)
        return (0 if named else 1, doc.get("first_seen") or "", doc["id"])

    return min(group, key=rank)["id"]
