"""Profiles of the Health & Aged Care unit (care homes, home-care services, rehabilitation)."""

from __future__ import annotations

from empathy.demo.profiles import profile

HC = "Health & Aged Care"

PROFILES = [
    profile(
        "nurse", HC, 8, ("shanghai-hq", "beijing", "shenzhen", "yinchuan", "nanning"),
        [("Nursing", 2, 4), ("Elderly care", 2, 4), ("First aid", 2, 4)],
        ["Chronic disease management", "Health check-ups", "Home care", "Dementia care", "CPR and AED",
         "Health education", "Hospice and palliative care", "Vision screening and eye care"],
        ["Health education", "Elderly companionship", "Biology tutoring"],
        ["aged_care", "health", "disaster_relief"],
        ["Registered nurse in the group's aged-care unit; {years} years on geriatric wards and in home care.",
         "Nurse team leader in one of our care homes. Wound care, chronic-disease follow-up and training "
         "new carers."],
        ["注册护士，在集团养老板块工作，之前在三甲医院老年科干了{years}年，擅长慢病管理和居家护理。",
         "养老社区护士长，负责护理团队排班和护理质量，经常参加社区义诊。"],
        remote_share=0.1,
    ),
    profile(
        "physician", HC, 4, ("shanghai-hq", "beijing", "shenzhen", "hong-kong"),
        [("General practice medicine", 3, 4), ("Chronic disease management", 2, 4)],
        ["Geriatric medicine", "Internal medicine", "Pediatrics", "Health education",
         "Traditional Chinese medicine", "Public health", "Vision screening and eye care", "Health check-ups"],
        ["Health education", "Biology tutoring"],
        ["health", "aged_care", "children"],
        ["GP by training, now medical director of our aged-care homes; gives health talks for seniors."],
        ["全科医生，现任养老社区医疗主任，经常给社区老人做健康讲座和义诊。"],
        remote_share=0.3,
    ),
    profile(
        "care_manager", HC, 4, ("shanghai-hq", "beijing", "shenzhen"),
        [("Elderly care", 3, 4), ("Aged care facility management", 2, 4)],
        ["Home care", "Dementia care", "Senior activity facilitation", "Caregiver support",
         "Meal delivery for seniors", "Team leadership", "Volunteer coordination"],
        ["Elderly companionship", "Home visiting"],
        ["aged_care", "community", "health"],
        ["Care home manager: staff rosters, care plans and family liaison for 200 residents."],
        ["养老院院长，负责照护团队管理、照护计划和家属沟通，做过{years}年居家养老服务。"],
        remote_share=0.1,
    ),
    profile(
        "rehab_therapist", HC, 3, ("shanghai-hq", "beijing", "shenzhen"),
        [("Rehabilitation therapy", 3, 4), ("Physiotherapy", 2, 4), ("Accessibility retrofitting", 2, 3)],
        ["Occupational therapy", "Speech therapy", "Senior fitness",
         "Acupuncture and tuina massage", "Disability support"],
        ["Elderly companionship", "Health education"],
        ["aged_care", "disability", "health"],
        ["Physiotherapist in our rehabilitation centre: stroke rehab, fall prevention and home-safety "
         "assessments."],
        ["康复治疗师，主要做中风后康复和防跌倒训练，会上门评估老人家里的适老化改造需求。"],
        remote_share=0.1,
    ),
    profile(
        "counsellor", HC, 4, ("shanghai-hq", "beijing", "shenzhen", "hong-kong"),
        [("Mental health counselling", 3, 4), ("Psychology", 2, 4)],
        ["Crisis intervention", "Grief counselling", "Youth work", "Family support services", "Coaching"],
        ["Mentoring", "Reading promotion"],
        ["health", "children", "disaster_relief"],
        ["Counselling psychologist running the employee assistance programme; {years} years with "
         "adolescents and bereaved families."],
        ["心理咨询师（国家二级），负责员工心理援助项目，做过青少年和丧亲家庭的心理辅导。"],
        remote_share=0.7,
    ),
    profile(
        "social_worker", HC, 4, ("shanghai-hq", "beijing", "nanning", "yinchuan"),
        [("Social work", 3, 4), ("Case management", 2, 4)],
        ["Home visiting", "Elderly companionship", "Community development", "Medical social work",
         "Disability support", "Chinese Sign Language", "Needs assessment", "Volunteer coordination",
         "Child protection", "Left-behind children support", "Migrant worker support"],
        ["Reading promotion", "Chinese Sign Language"],
        ["aged_care", "children", "disability", "community"],
        ["Licensed social worker coordinating home-based aged-care services and volunteer teams."],
        ["持证社工，负责居家养老服务的个案管理和志愿者队伍协调，会一些手语。"],
        remote_share=0.2,
    ),
    profile(
        "dietitian", HC, 2, ("shanghai-hq", "beijing"),
        [("Nutrition and dietetics", 3, 4), ("Health education", 2, 3)],
        ["Catering management", "Food safety", "Chronic disease management", "Cooking",
         "Meal delivery for seniors"],
        ["Elderly companionship"],
        ["aged_care", "health", "children"],
        ["Registered dietitian planning menus for our care homes and for residents with diabetes."],
        ["注册营养师，负责养老院膳食搭配和糖尿病老人的饮食指导。"],
    ),
]
