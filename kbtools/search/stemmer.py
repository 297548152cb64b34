"""The Porter stemmer (M. F. Porter, 1980), as in the reference JavaScript port.

Kept byte-for-byte parallel to `kbtools/theme/assets/search/stemmer.js`: the browser
must stem a query exactly as the build stemmed the articles, and a test runs both over
the whole vocabulary of the real corpus. Whoosh's own `porter.stem` anchors some
patterns at the start of the word (so "resetting" becomes "resett"); this one does not.
Only lower-case ASCII words are passed in (`analysis.py` decides that).
"""

from __future__ import annotations

import re

_STEP2 = {
    "ational": "ate",
    "tional": "tion",
    "enci": "ence",
    "anci": "ance",
    "izer": "ize",
    "bli": "ble",
    "alli": "al",
    "entli": "ent",
    "eli": "e",
    "ousli": "ous",
    "ization": "ize",
    "ation": "ate",
    "ator": "ate",
    "alism": "al",
    "iveness": "ive",
    "fulness": "ful",
    "ousness": "ous",
    "aliti": "al",
    "iviti": "ive",
    "biliti": "ble",
    "logi": "log",
}
_STEP3 = {"icate": "ic", "ative": "", "alize": "al", "iciti": "ic", "ical": "ic", "ful": "", "ness": ""}

_c = "[^aeiou]"
_v = "[aeiouy]"
_C = _c + "[^aeiouy]*"
_V = _v + "[aeiou]*"
_MGR0 = re.compile("^(" + _C + ")?" + _V + _C)  # m > 0
_MEQ1 = re.compile("^(" + _C + ")?" + _V + _C + "(" + _V + ")?$")  # m == 1
_MGR1 = re.compile("^(" + _C + ")?" + _V + _C + _V + _C)  # m > 1
_S_V = re.compile("^(" + _C + ")?" + _v)  # vowel in stem
_CVC = re.compile("^" + _C + _v + "[^aeiouwxy]$")

_1A_1 = re.compile(r"^(.+?)(ss|i)es$")
_1A_2 = re.compile(r"^(.+?)([^s])s$")
_1B_1 = re.compile(r"^(.+?)eed$")
_1B_2 = re.compile(r"^(.+?)(ed|ing)$")
_AT_BL_IZ = re.compile(r"(at|bl|iz)$")
_DOUBLE = re.compile(r"([^aeiouylsz])\1$")
_1C = re.compile(r"^(.+?)y$")
_2 = re.compile("^(.+?)(" + "|".join(_STEP2) + ")$")
_3 = re.compile("^(.+?)(" + "|".join(_STEP3) + ")$")
_4_1 = re.compile(r"^(.+?)(al|ance|ence|er|ic|able|ible|ant|ement|ment|ent|ou|ism|ate|iti|ous|ive|ize)$")
_4_2 = re.compile(r"^(.+?)(s|t)(ion)$")
_5 = re.compile(r"^(.+?)e$")


def stem(w: str) -> str:
    """The Porter stem of a lower-case ASCII word."""
    if len(w) < 3:
        return w
    first_y = w[0] == "y"
    if first_y:
        w = "Y" + w[1:]
    # step 1a
    m = _1A_1.match(w) or _1A_2.match(w)
    if m:
        w = m.group(1) + m.group(2)
    # step 1b
    m = _1B_1.match(w)
    if m:
        if _MGR0.search(m.group(1)):
            w = w[:-1]
    else:
        m = _1B_2.match(w)
        if m and _S_V.search(m.group(1)):
            w = m.group(1)
            if _AT_BL_IZ.search(w):
                w += "e"
            elif _DOUBLE.search(w):
                w = w[:-1]
            elif _CVC.search(w):
                w += "e"
    # step 1c
    m = _1C.match(w)
    if m and _S_V.search(m.group(1)):
        w = m.group(1) + "i"
    # steps 2 and 3
    m = _2.match(w)
    if m and _MGR0.search(m.group(1)):
        w = m.group(1) + _STEP2[m.group(2)]
    m = _3.match(w)
    if m and _MGR0.search(m.group(1)):
        w = m.group(1) + _STEP3[m.group(2)]
    # step 4
    m = _4_1.match(w)
    if m:
        if _MGR1.search(m.group(1)):
            w = m.group(1)
    else:
        m = _4_2.match(w)
        if m and _MGR1.search(m.group(1) + m.group(2)):
            w = m.group(1) + m.group(2)
    # step 5
    m = _5.match(w)
    if m:
        s = m.group(1)
        if _MGR1.search(s) or (_MEQ1.search(s) and not _CVC.search(s)):
            w = s
    if w.endswith("ll") and _MGR1.search(w):
        w = w[:-1]
    if first_y:
        w = "y" + w[1:]
    return w
