"""The words of Chinese plans that the drafting rules read (``plancheck.extraction``): years
and five-year periods, base years, commitments and hedges, comparators, the city-size
condition, peaking deadlines, deferrals and units. Kept apart so a reviewer of the rules reads
the vocabulary in one place (docs/extraction.md, "The rules").
"""

from __future__ import annotations

import re

BREAK = ",;:，；：。"
FILLER = re.compile(r"[,;:，；：、]|(?:到|至|在)?(?:19|20)\d{2}年|以上|以下|以内|左右|不低于|不高于|不少于|不超过|"
                    r"达到|提高到|提高至|提升到|提升至|降至|下降|控制在|力争|争取|确保|分别|均|和|及")
NAME_NOTE = re.compile(r"[(（][^)）]*[)）]")
"""A parenthesis in a catalogue name (its abbreviation or scope) is not part of the words a plan uses."""
YEAR = re.compile(r"((?:19|20)\d{2})(?:年)?[-—–~至到]((?:19|20)\d{2})年|((?:19|20)\d{2})年")
FIVE_YEAR = {"十三五": (2016, 2020), "十四五": (2021, 2025), "十五五": (2026, 2030)}
FIVE_YEAR_RE = re.compile("|".join(FIVE_YEAR))
BASE = re.compile(r"(?:比|较|相比|与)((?:19|20)\d{2})年")
COMMITMENTS = (("力争", "aspirational"), ("争取", "aspirational"), ("努力", "aspirational"),
               ("原则上", "in_principle"), ("确保", "binding"), ("必须", "binding"),
               ("基本", "largely"), ("逐步", "gradual"))
COMMITMENT_RE = re.compile("|".join(word for word, _ in COMMITMENTS))
AT_LEAST_AFTER, AT_MOST_AFTER = ("以上",), ("以下", "以内")
BEFORE = (("不低于", "at_least"), ("不少于", "at_least"), ("不小于", "at_least"), ("不高于", "at_most"),
          ("不超过", "at_most"), ("不大于", "at_most"), ("超过", "above"), ("高于", "above"), ("大于", "above"),
          ("低于", "below"), ("小于", "below"), ("突破", "above"))
BEFORE_RE = re.compile("|".join(word for word, _ in BEFORE))
CITY_SIZE = re.compile(r"城区常住人口(\d+)万(?:人)?以上(?:的)?城市")
PEAK = re.compile(r"((?:19|20)\d{2})年前[^。；;，,]{0,16}?(?:碳达峰|达到峰值|达峰|碳中和)"
                  r"|到((?:19|20)\d{2})年[,，][^。；;\d]*?(?<!为)(?:实现碳达峰目标|碳排放(?:总量)?达到峰值|"
                  r"排放量达到峰值|碳中和目标(?:顺利)?实现)")
"""A peaking year stated as a deadline (2030年前碳达峰), or a year whose paragraph ends in the peak
(到2030年，…二氧化碳排放量达到峰值); the gap holds no other number, and 为实现碳达峰 (towards it) is
a purpose, not the target."""
DEFERRAL = re.compile(r"(?:确保)?完成[^。；;]{0,12}?下达[^。；;]{0,6}?(?:目标|任务)(?:任务)?")
UNIT_AFTER = re.compile(r"%|‰|(?:万|亿)?(?:千瓦时|千瓦|吨标准煤|吨标煤|标准煤|吨|立方米|平方米|公顷|亩|辆|个|座|处|家|台|套|万|亿)")
