"""Chinese numerals (数字) as used in article, chapter and item labels."""
from __future__ import annotations

_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4,
           "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_CN_DIGITS = "零一二三四五六七八九"
# Full-width digits and the ideographic space occur in pasted labels; fold them before parsing.
_FOLD = {0xFF10 + i: 0x30 + i for i in range(10)}
_FOLD.update({0x3000: 0x20, 0xA0: 0x20})


def _parse_below_10000(s: str, whole: str) -> int:
    """Parse a numeral without 万; reject ambiguous colloquial forms such as 一百一."""
    if not s:
        raise ValueError(f"invalid Chinese numeral: {whole!r}")
    total = 0
    last_unit = 10_000
    zero_seen = False
    i = 0
    n = len(s)
    while i < n:
        ch = s[i]
        if ch in ("零", "〇", "○"):
            if i == 0 or zero_seen or i == n - 1:
                raise ValueError(f"invalid Chinese numeral: {whole!r}")
            zero_seen = True
            i += 1
            continue
        if ch in _UNITS and i == 0 and _UNITS[ch] == 10:
            digit = 1  # 十二 = 12: a leading 十 carries an implicit 一
        elif ch in _DIGITS:
            digit = _DIGITS[ch]
            i += 1
            if i == n:
                # Bare trailing digit: only unambiguous right after 零 or a 十 (一百零一, 十一).
                if last_unit > 10 and not zero_seen and last_unit != 10_000:
                    raise ValueError(f"ambiguous Chinese numeral: {whole!r}")
                return total + digit
            ch = s[i]
            if ch not in _UNITS:
                raise ValueError(f"invalid Chinese numeral: {whole!r}")
        else:
            raise ValueError(f"invalid Chinese numeral: {whole!r}")
        unit = _UNITS[ch]
        if unit >= last_unit:
            raise ValueError(f"invalid Chinese numeral: {whole!r}")
        if zero_seen and unit * 10 >= last_unit:
            raise ValueError(f"superfluous 零 in Chinese numeral: {whole!r}")
        zero_seen = False
        total += digit * unit
        last_unit = unit
        i += 1
    return total


def cn_to_int(s: str) -> int:
    """Convert a Chinese, Arabic or full-width numeral (一百零一, 两千, 12, １２) to an int."""
    text = str(s).translate(_FOLD).strip()
    if not text:
        raise ValueError("empty numeral")
    if text.isascii():
        if text.isdigit():
            return int(text)
        raise ValueError(f"invalid numeral: {s!r}")
    if text in ("零", "〇", "○"):
        return 0
    # Digit-by-digit forms (二〇二一) carry no units.
    if len(text) > 1 and all(ch in _DIGITS for ch in text) and _DIGITS[text[0]] != 0:
        return int("".join(str(_DIGITS[ch]) for ch in text))
    if "万" in text or "萬" in text:
        high, _, low = text.replace("萬", "万").partition("万")
        value = _parse_below_10000(high, s) * 10_000
        if not low:
            return value
        if low[0] in ("零", "〇"):
            return value + _parse_below_10000(low[1:], s)
        return value + _parse_below_10000(low, s)
    return _parse_below_10000(text, s)


def _below_10000(n: int, leading: bool) -> str:
    parts = []
    pending_zero = False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // unit % 10
        if digit == 0:
            if parts:
                pending_zero = True
            continue
        if pending_zero:
            parts.append("零")
            pending_zero = False
        if unit == 10 and digit == 1 and not parts and leading:
            parts.append("十")  # 十二, not 一十二, when the tens lead the number
        else:
            parts.append(_CN_DIGITS[digit] + name)
    return "".join(parts)


def int_to_cn(n: int) -> str:
    """Render a non-negative int the way labels print it: 12 → 十二, 110 → 一百一十, 101 → 一百零一."""
    if not isinstance(n, int) or n < 0:
        raise ValueError(f"cannot render {n!r} as a Chinese numeral")
    if n == 0:
        return "零"
    if n < 10_000:
        return _below_10000(n, leading=True)
    if n >= 100_000_000:
        raise ValueError(f"numeral too large: {n}")
    high, low = divmod(n, 10_000)
    text = _below_10000(high, leading=True) + "万"
    if low:
        text += ("零" if low < 1000 else "") + _below_10000(low, leading=False)
    return text


def article_label(number: int, suffix: int | None = None) -> str:
    """Return the canonical label of an article: 第十二条 or 第十二条之一."""
    label = f"第{int_to_cn(number)}条"
    if suffix:
        label += f"之{int_to_cn(suffix)}"
    return label
