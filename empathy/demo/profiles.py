"""Job profiles the demo staff are drawn from, plus side skills and hobbies with their bio lines.

A profile ties a department to a coherent specialty: the skills every holder has (`core`),
a pool some of them have (`extra`), volunteering side skills (`side`) and two bio styles.
"""

from __future__ import annotations

from typing import NamedTuple


class Profile(NamedTuple):
    key: str
    department: str
    count: int
    sites: tuple[str, ...]
    core: tuple[tuple[str, int, int], ...]  # (skill, lowest level, highest level)
    extra: tuple[str, ...]
    side: tuple[str, ...]
    causes: tuple[str, ...]
    en: tuple[str, ...]  # bio templates; {years} is the person's years of experience
    zh: tuple[str, ...]
    local_share: float = 1.0  # at sites abroad: chance the person is a local hire
    remote_share: float = 0.5  # chance the person is happy to help remotely


# Side skills: things people do outside their job that volunteering draws on.
SIDE_TEXT = {
    "Mathematics tutoring": ("Tutors secondary-school maths at weekends.", "周末给初中生辅导数学。"),
    "Physics tutoring": ("Enjoys explaining physics to teenagers.", "喜欢给中学生讲物理。"),
    "Chemistry tutoring": ("Helped run a school chemistry club.", "带过中学化学兴趣小组。"),
    "Biology tutoring": ("Tutors biology for the zhongkao.", "辅导过初中生物中考。"),
    "English teaching": ("Taught English for a summer in a rural school.", "大学时去乡村学校支教，教过英语。"),
    "Chinese language teaching": ("Helps children with Chinese reading and writing.", "能辅导孩子语文阅读和作文。"),
    "Computer science teaching": ("Runs a coding club for kids.", "带过少儿编程兴趣班。"),
    "Science popularization": ("Gives science talks at schools.", "常去中小学做科普讲座。"),
    "STEM education": ("Builds simple science kits with children.", "喜欢带孩子做科学小实验。"),
    "Financial literacy training": ("Has given money-management talks in villages.", "在村里讲过理财和防骗知识。"),
    "Mentoring": ("Mentors first-generation university students.", "长期给大学新生做职业导师。"),
    "Career guidance": ("Often talks to students about careers.", "常给学生讲职业规划。"),
    "Elderly companionship": ("Visits an elderly neighbour every week.", "每周去看望独居的老邻居。"),
    "Reading promotion": ("Runs a children's reading club.", "在社区组织亲子阅读会。"),
    "Library management": ("Helped set up a village school library.", "帮乡村小学建过图书角。"),
    "Digital literacy training": ("Teaches seniors to use smartphones.", "教过社区老人用智能手机。"),
    "Forestry": ("Joins the yearly tree-planting trip in Ningxia.", "每年参加宁夏植树治沙活动。"),
    "Waste sorting education": ("Volunteer waste-sorting guide on the housing estate.", "是小区的垃圾分类志愿者。"),
    "Chinese Sign Language": ("Learning Chinese Sign Language.", "正在学习手语。"),
    "Handyman repairs": ("Handy with tools at home.", "家里修修补补都自己来。"),
    "First aid": ("Holds a Red Cross first-aid certificate.", "持红十字救护员证。"),
    "Volunteer coordination": ("Organises the team's volunteer days.", "经常组织部门的志愿活动。"),
    "Home visiting": ("Has done home visits with a community centre.", "跟社区做过入户探访。"),
    "Tutoring": ("Tutors a neighbour's children after school.", "课后帮邻居家孩子辅导功课。"),
    "Art teaching": ("Teaches a children's drawing class.", "给小朋友上过美术课。"),
    "Vocational training": ("Trains apprentices and vocational students.", "带过职校实习生。"),
    "Health education": ("Gives health talks in the community.", "常在社区做健康讲座。"),
    "Resume and interview coaching": ("Helps graduates polish their CVs.", "常帮应届生改简历。"),
}

# Hobbies: (skill, English line, Chinese line).
HOBBIES = (
    ("Photography", "Amateur photographer.", "业余摄影爱好者。"),
    ("Piano", "Plays the piano.", "会弹钢琴。"),
    ("Guitar", "Plays guitar in a band.", "会弹吉他。"),
    ("Basketball", "Plays basketball twice a week.", "每周打两次篮球。"),
    ("Badminton", "Keen badminton player.", "爱打羽毛球。"),
    ("Table tennis", "Company table-tennis champion.", "公司乒乓球比赛冠军。"),
    ("Tai chi", "Practises tai chi on weekends.", "周末练太极拳。"),
    ("Cooking", "Loves cooking for big groups.", "喜欢下厨，能做大锅饭。"),
    ("Driving", "Has a driving licence and a car.", "有驾照，可以开车。"),
    ("Calligraphy", "Practises brush calligraphy.", "练了多年毛笔字。"),
    ("Singing", "Sings in the company choir.", "公司合唱团成员。"),
    ("Swimming instruction", "Qualified swimming instructor.", "有游泳教练证。"),
    ("Chess and weiqi", "Plays weiqi (Go).", "爱下围棋。"),
    ("Yoga", "Teaches a lunchtime yoga class.", "午休时带同事练瑜伽。"),
    ("Hiking and outdoor leadership", "Leads weekend hikes.", "周末常带队徒步。"),
    ("Football", "Plays five-a-side football.", "业余踢足球。"),
    ("Erhu", "Plays the erhu.", "会拉二胡。"),
    ("Paper cutting", "Does traditional paper cutting.", "会剪纸。"),
    ("Dance", "Dances with a community group.", "参加社区舞蹈队。"),
    ("Baking", "Bakes bread and cakes.", "喜欢烘焙。"),
    ("Painting and drawing", "Paints watercolours.", "业余画水彩。"),
    ("Video editing", "Edits short videos for fun.", "业余剪辑短视频。"),
)

# Side skills anyone may have, whatever the job.
COMMON_SIDE = (
    "Elderly companionship", "First aid", "Digital literacy training", "Reading promotion",
    "Forestry", "Waste sorting education", "Mentoring", "Volunteer coordination",
    "Library management", "Home visiting", "Tutoring", "Handyman repairs",
)


def profile(key: str, department: str, count: int, sites: tuple[str, ...], core, extra, side, causes,
            en, zh, *, local_share: float = 1.0, remote_share: float = 0.5) -> Profile:
    """Build a Profile with tuples everywhere, so the tables stay immutable."""
    return Profile(key, department, count, tuple(sites), tuple(core), tuple(extra), tuple(side),
                   tuple(causes), tuple(en), tuple(zh), local_share, remote_share)


def all_profiles() -> list[Profile]:
    """Every profile, in a fixed order (the generator's output depends on it)."""
    from empathy.demo import profiles_care, profiles_office, profiles_tech

    return [*profiles_tech.PROFILES, *profiles_office.PROFILES, *profiles_care.PROFILES]
