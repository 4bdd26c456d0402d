"""Name pools for the demo staff: invented people, chosen to look like a real mixed workforce.

Each pool entry carries the ASCII parts used to build the e-mail address, so no romanisation
library is needed.
"""

from __future__ import annotations

import random
from typing import NamedTuple


class Person(NamedTuple):
    name: str
    first_ascii: str
    last_ascii: str
    origin: str  # "cn", "hk", "sg_cn", "sg_ms", "sg_ta", "kh", "uk"


# Chinese surname -> (Mandarin pinyin, Cantonese romanisation as used in Hong Kong).
SURNAMES = {
    "王": ("wang", "Wong"), "李": ("li", "Lee"), "张": ("zhang", "Cheung"), "刘": ("liu", "Lau"),
    "陈": ("chen", "Chan"), "杨": ("yang", "Yeung"), "黄": ("huang", "Wong"), "赵": ("zhao", "Chiu"),
    "吴": ("wu", "Ng"), "周": ("zhou", "Chow"), "徐": ("xu", "Tsui"), "孙": ("sun", "Suen"),
    "马": ("ma", "Ma"), "朱": ("zhu", "Chu"), "胡": ("hu", "Wu"), "郭": ("guo", "Kwok"),
    "何": ("he", "Ho"), "林": ("lin", "Lam"), "罗": ("luo", "Law"), "高": ("gao", "Ko"),
    "郑": ("zheng", "Cheng"), "梁": ("liang", "Leung"), "谢": ("xie", "Tse"), "宋": ("song", "Sung"),
    "唐": ("tang", "Tong"), "韩": ("han", "Hon"), "冯": ("feng", "Fung"), "邓": ("deng", "Tang"),
    "曹": ("cao", "Tso"), "彭": ("peng", "Pang"), "曾": ("zeng", "Tsang"), "田": ("tian", "Tin"),
    "董": ("dong", "Tung"), "潘": ("pan", "Poon"), "袁": ("yuan", "Yuen"), "蔡": ("cai", "Choi"),
    "蒋": ("jiang", "Cheung"), "余": ("yu", "Yu"), "杜": ("du", "To"), "叶": ("ye", "Yip"),
    "程": ("cheng", "Ching"), "魏": ("wei", "Ngai"), "苏": ("su", "So"), "丁": ("ding", "Ting"),
    "沈": ("shen", "Shum"), "姚": ("yao", "Yiu"), "卢": ("lu", "Lo"), "金": ("jin", "Kam"),
}

# Given-name characters with their pinyin; names are built from one or two of these.
GIVEN = {
    "伟": "wei", "芳": "fang", "娜": "na", "敏": "min", "静": "jing", "丽": "li", "强": "qiang",
    "磊": "lei", "军": "jun", "洋": "yang", "勇": "yong", "艳": "yan", "杰": "jie", "涛": "tao",
    "明": "ming", "超": "chao", "秀": "xiu", "霞": "xia", "平": "ping", "刚": "gang", "英": "ying",
    "华": "hua", "建": "jian", "国": "guo", "文": "wen", "辉": "hui", "鹏": "peng", "晨": "chen",
    "宇": "yu", "欣": "xin", "怡": "yi", "婷": "ting", "浩": "hao", "然": "ran", "思": "si",
    "嘉": "jia", "俊": "jun", "博": "bo", "凯": "kai", "琳": "lin", "雪": "xue", "梅": "mei",
    "兰": "lan", "慧": "hui", "志": "zhi", "海": "hai", "晓": "xiao", "红": "hong", "春": "chun",
    "子": "zi", "轩": "xuan", "诺": "nuo", "睿": "rui", "哲": "zhe", "倩": "qian", "颖": "ying",
    "峰": "feng", "斌": "bin", "宁": "ning", "薇": "wei", "鑫": "xin", "泽": "ze", "昊": "hao",
    "亮": "liang", "燕": "yan", "佳": "jia", "玉": "yu", "永": "yong", "立": "li", "成": "cheng",
}

HK_FIRST = (
    "Kelvin", "Ivy", "Alan", "Joyce", "Winnie", "Raymond", "Eric", "Cindy", "Jason", "Vivian",
    "Kenneth", "Peggy", "Terence", "Mandy", "Gary", "Fiona", "Stanley", "Karen", "Henry", "Grace",
    "Vincent", "Queenie", "Tony", "Phoebe",
)

SG_CHINESE = (
    ("Tan", "Wei Ling"), ("Lim", "Jun Jie"), ("Ng", "Hui Min"), ("Goh", "Kok Wee"),
    ("Ong", "Shu Fen"), ("Teo", "Zhi Hao"), ("Koh", "Mei Xuan"), ("Chua", "Boon Keat"),
    ("Lee", "Xin Yi"), ("Wong", "Jia Hui"), ("Toh", "Wen Jie"), ("Yeo", "Li Ting"),
)
SG_MALAY = (
    ("Nur Aisyah binte Rahman", "aisyah", "rahman"), ("Muhammad Hafiz bin Ismail", "hafiz", "ismail"),
    ("Siti Hajar binte Osman", "hajar", "osman"), ("Farhan bin Yusof", "farhan", "yusof"),
    ("Nurul Huda binte Salleh", "huda", "salleh"), ("Irfan bin Hamzah", "irfan", "hamzah"),
)
SG_TAMIL = (
    ("Rajesh Kumar", "rajesh", "kumar"), ("Priya Nair", "priya", "nair"),
    ("Arun Subramaniam", "arun", "subramaniam"), ("Kavitha Raman", "kavitha", "raman"),
    ("Suresh Pillai", "suresh", "pillai"), ("Deepa Krishnan", "deepa", "krishnan"),
)
# Khmer names are written family name first.
KHMER = (
    ("Sok", "Dara"), ("Chea", "Sophea"), ("Keo", "Sreymom"), ("Lim", "Vannak"), ("Heng", "Bopha"),
    ("Chan", "Rithy"), ("Pich", "Sokunthea"), ("Mao", "Chenda"), ("Ouk", "Vibol"), ("Seng", "Kimly"),
    ("Ly", "Sovann"), ("Hun", "Malis"), ("Nhem", "Pisey"), ("Touch", "Sophal"), ("Yim", "Chantrea"),
    ("Kong", "Sothea"),
)
UK = (
    ("Emma", "Clarke"), ("James", "Whitfield"), ("Oliver", "Bennett"), ("Priya", "Patel"),
    ("Hannah", "Okafor"), ("Tom", "Gallagher"), ("Sophie", "Marsh"), ("Daniel", "Hughes"),
    ("Aisha", "Rahman"), ("Chloe", "Evans"), ("Marcus", "Reid"), ("Fiona", "MacLeod"),
    ("Ben", "Adeyemi"), ("Lucy", "Harrington"),
)


def _ascii(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def chinese_person(rng: random.Random, *, romanised: bool = False) -> Person:
    """A mainland Chinese name, in characters or (sometimes) in pinyin."""
    surname = rng.choice(sorted(SURNAMES))
    chars = rng.sample(sorted(GIVEN), rng.choice((1, 2, 2, 2)))
    given_py = "".join(GIVEN[c] for c in chars)
    last = SURNAMES[surname][0]
    if romanised:
        name = f"{last.capitalize()} {given_py.capitalize()}"
    else:
        name = surname + "".join(chars)
    return Person(name, given_py, last, "cn")


def hong_kong_person(rng: random.Random) -> Person:
    """An English given name with a Cantonese-romanised surname, as usual in Hong Kong offices."""
    surname = rng.choice(sorted(SURNAMES))
    first = rng.choice(HK_FIRST)
    last = SURNAMES[surname][1]
    return Person(f"{first} {last}", _ascii(first), _ascii(last), "hk")


def singapore_person(rng: random.Random) -> Person:
    roll = rng.random()
    if roll < 0.55:
        last, given = rng.choice(SG_CHINESE)
        return Person(f"{last} {given}", _ascii(given), _ascii(last), "sg_cn")
    if roll < 0.78:
        name, first, last = rng.choice(SG_MALAY)
        return Person(name, first, last, "sg_ms")
    name, first, last = rng.choice(SG_TAMIL)
    return Person(name, first, last, "sg_ta")


def khmer_person(rng: random.Random) -> Person:
    last, given = rng.choice(KHMER)
    return Person(f"{last} {given}", _ascii(given), _ascii(last), "kh")


def uk_person(rng: random.Random) -> Person:
    first, last = rng.choice(UK)
    return Person(f"{first} {last}", _ascii(first), _ascii(last), "uk")


def person_for_site(rng: random.Random, site: str, *, local_share: float = 1.0) -> Person:
    """Pick a plausible name for someone working at `site` (locals or Chinese staff abroad)."""
    is_local = rng.random() < local_share
    if site == "phnom-penh" and is_local and rng.random() < 0.65:
        return khmer_person(rng)
    if site == "london" and is_local and rng.random() < 0.7:
        return uk_person(rng)
    if site == "singapore" and is_local and rng.random() < 0.8:
        return singapore_person(rng)
    if site == "hong-kong" and rng.random() < 0.7:
        return hong_kong_person(rng)
    return chinese_person(rng, romanised=rng.random() < 0.12)
