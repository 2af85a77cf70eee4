"""How personal data reads in Chinese text, for masking: a name the writer introduces (我叫张三, 本人王小明)."""

from __future__ import annotations

# Group 1: the introducing words, 2: the surname (kept), 3: the given name (hidden).
NAME_INTRO_PATTERN = r"(我叫|本人叫|本人|姓名[:：]?|名字叫|名字是)([\u4e00-\u9fff])([\u4e00-\u9fff]{1,2})"
