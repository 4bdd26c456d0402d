"""Demo needs of the aged-care funds and the education programmes (Dandelion, Guangxi, Cambodia).

Skills are (name, importance, min_level) triples; build_demo expands them.
"""

from __future__ import annotations

SHANGHAI = "coordinator@empathy.example"
INTL = "coordinator.intl@empathy.example"

SCF_FUND = "Shanghai Charity Foundation – Aged Care Project Fund"
SCF_FUND_ZH = "上海市慈善基金会 · 养老项目专项基金"
CADF_FUND = "China Ageing Development Foundation – CMIG Home-based Aged Care Charity Fund"
CADF_FUND_ZH = "中国老龄事业发展基金会 · 中民居家养老公益基金"
DANDELION = "Dandelion Middle School (Beijing)"
DANDELION_ZH = "蒲公英中学（北京）"

NEEDS = [
    {
        "key": "aged-care-weekend-home-visits",
        "title": "Weekend home visits to seniors living alone (Xuhui District)",
        "description": (
            "The Aged Care Project Fund we set up with the Shanghai Charity Foundation supports 120 seniors "
            "who live alone in Xuhui District. Volunteers visit in pairs every other Saturday morning: a "
            "chat, a look round the flat for trip hazards or broken appliances, and a short note for the "
            "fund's social workers. A one-hour induction is given before the first visit. Shanghainese "
            "is a real plus, as many residents are in their eighties."
        ),
        "cause": "aged_care", "beneficiary": SCF_FUND, "site": "shanghai-hq", "remote": False,
        "start_offset_days": 5, "duration_days": 56, "seats": 12, "hours_per_volunteer": 16,
        "requires_approval": False, "status": "open", "owner": SHANGHAI, "languages": ["zh"],
        "skills": [("Elderly companionship", "must", 1), ("Shanghainese", "nice", 2),
                   ("Home visiting", "nice", 1), ("First aid", "nice", 1)],
    },
    {
        "key": "aged-care-health-check-day",
        "title": "社区长者义诊与健康体检日",
        "description": (
            "中民居家养老公益基金联合中国老龄事业发展基金会，在北京朝阳区两个老旧小区为约300位老人开展免费健康体检。"
            "需要护士和医生负责测量血压、血糖，做简易认知筛查，并对患慢病的老人给出随访建议。"
            "活动当天早上8点开始，请提前半小时到场领取物资；现场有社工负责引导和登记。"
        ),
        "cause": "aged_care", "beneficiary": CADF_FUND_ZH, "site": "beijing", "remote": False,
        "start_offset_days": 21, "duration_days": 1, "seats": 8, "hours_per_volunteer": 6,
        "requires_approval": True, "status": "open", "owner": SHANGHAI, "languages": ["zh"],
        "skills": [("Nursing", "must", 2), ("Health check-ups", "nice", 2),
                   ("Chronic disease management", "nice", 2), ("General practice medicine", "nice", 3)],
    },
    {
        "key": "aged-care-fund-bookkeeping",
        "title": "Quarterly bookkeeping for the Home-based Aged Care Charity Fund",
        "description": (
            "The CMIG Home-based Aged Care Charity Fund, run with the China Ageing Development Foundation, "
            "pays for home-care hours, meals and small repairs for low-income seniors. Its programme office "
            "needs help reconciling the quarter's expenses against receipts, keeping the ledger in the "
            "foundation's format and preparing the files for the annual audit. Fully remote with one video "
            "call a week; the documents are in Chinese."
        ),
        "cause": "aged_care", "beneficiary": CADF_FUND, "site": None, "remote": True,
        "start_offset_days": 14, "duration_days": 30, "seats": 2, "hours_per_volunteer": 24,
        "requires_approval": True, "status": "open", "owner": SHANGHAI, "languages": ["zh"],
        "skills": [("Bookkeeping", "must", 2), ("Nonprofit fund accounting", "nice", 2),
                   ("Microsoft Excel", "nice", 3), ("Auditing", "nice", 2)],
    },
    {
        "key": "aged-care-smart-safety-installs",
        "title": "Install fall-detection sensors and smoke alarms in seniors' homes",
        "description": (
            "Through the Home-based Aged Care Charity Fund, 80 seniors living alone in Shenzhen's Futian "
            "District will get a smart safety kit: a fall-detection radar, a smoke alarm, a door sensor and "
            "an emergency button linked to the community service centre. Volunteers install and pair the "
            "devices, check the flat's wiring for obvious hazards and show the resident and family how the "
            "alerts work. Teams of two; each visit takes about 90 minutes."
        ),
        "cause": "aged_care", "beneficiary": CADF_FUND, "site": "shenzhen", "remote": False,
        "start_offset_days": 30, "duration_days": 21, "seats": 8, "hours_per_volunteer": 12,
        "requires_approval": False, "status": "open", "owner": SHANGHAI, "languages": [],
        "skills": [("Electrical wiring", "must", 1), ("Smart home systems", "nice", 2),
                   ("IT support", "nice", 2), ("Electrical safety inspection", "nice", 2),
                   ("Digital literacy training", "nice", 1)],
    },
    {
        "key": "aged-care-barrier-free-assessment",
        "title": "老旧小区适老化改造入户评估",
        "description": (
            "上海市慈善基金会养老项目专项基金将资助杨浦区50户高龄老人家庭进行适老化改造，包括扶手、防滑地面、坐便器和夜间照明等。"
            "需要建筑师、康复治疗师或熟悉无障碍设计的同事上门评估，拍照、量尺寸，出具改造清单和预算。"
            "每户约2小时，评估表和上岗培训由项目组提供。"
        ),
        "cause": "aged_care", "beneficiary": SCF_FUND_ZH, "site": "shanghai-hq", "remote": False,
        "start_offset_days": 18, "duration_days": 28, "seats": 6, "hours_per_volunteer": 20,
        "requires_approval": True, "status": "open", "owner": SHANGHAI, "languages": ["zh"],
        "skills": [("Accessibility retrofitting", "must", 2), ("Rehabilitation therapy", "nice", 2),
                   ("Architecture", "nice", 2), ("Cost estimation", "nice", 2)],
    },
    {
        "key": "aged-care-legal-clinic",
        "title": "Free legal clinic on wills, guardianship and elder rights",
        "description": (
            "Many seniors supported by the Aged Care Project Fund have questions about wills, housing, "
            "guardianship and maintenance disputes within the family. We will run two Saturday clinics at "
            "community centres in Jing'an District. Volunteers give first advice, refer complex cases to the "
            "district legal-aid centre and never charge fees. Practising lawyers preferred."
        ),
        "cause": "aged_care", "beneficiary": SCF_FUND, "site": "shanghai-hq", "remote": False,
        "start_offset_days": 35, "duration_days": 7, "seats": 4, "hours_per_volunteer": 8,
        "requires_approval": True, "status": "open", "owner": SHANGHAI, "languages": ["zh"],
        "skills": [("Contract law", "must", 3), ("Elder law and wills", "nice", 2),
                   ("Legal aid", "nice", 2), ("Family law", "nice", 2)],
    },
    {
        "key": "aged-care-mid-autumn-visit",
        "title": "中秋节探望浦东养老院长者",
        "description": (
            "在养老项目专项基金资助的浦东一家养老院度过一个下午：送月饼、公司合唱团小型演出、"
            "现场书写节日祝福，并与很少有人探望的老人一对一聊天。共有26位同事参加。"
        ),
        "cause": "aged_care", "beneficiary": SCF_FUND_ZH, "site": "shanghai-hq", "remote": False,
        "start_offset_days": -70, "duration_days": 0, "seats": 30, "hours_per_volunteer": 4,
        "requires_approval": False, "status": "completed", "owner": SHANGHAI, "languages": ["zh"],
        "skills": [("Elderly companionship", "nice", 1), ("Singing", "nice", 2),
                   ("Calligraphy", "nice", 2), ("Event planning", "nice", 2)],
    },
    {
        "key": "dandelion-classroom-block-renovation",
        "title": "Dandelion Middle School: renovation plan for the classroom block",
        "description": (
            "CMIG is funding the reconstruction of the premises of Dandelion Middle School, a non-profit "
            "boarding school in Beijing's Daxing District for the children of migrant workers. Before work "
            "starts we need a volunteer design team to survey the two-storey classroom block, confirm its "
            "structural condition and propose a phased renovation that keeps classes running, including a "
            "prefabricated extension with two new classrooms. Deliverables: a condition report, drawings and "
            "a cost estimate for the school's board."
        ),
        "cause": "education", "beneficiary": DANDELION, "site": "beijing", "remote": False,
        "start_offset_days": 20, "duration_days": 45, "seats": 5, "hours_per_volunteer": 40,
        "requires_approval": True, "status": "open", "owner": SHANGHAI, "languages": [],
        "skills": [("Structural engineering", "must", 3), ("Construction management", "nice", 3),
                   ("Prefabricated construction", "nice", 2), ("Cost estimation", "nice", 2),
                   ("Building inspection", "nice", 2)],
    },
    {
        "key": "dandelion-electrical-safety-check",
        "title": "蒲公英中学校舍及宿舍电气安全检查",
        "description": (
            "蒲公英中学的宿舍楼和食堂线路老化，冬季取暖用电负荷大。需要持证电工或电气工程师对配电箱、插座回路、"
            "漏电保护和应急照明进行全面检查，出具隐患清单和整改建议，并为学校后勤老师做一次用电安全培训。"
        ),
        "cause": "education", "beneficiary": DANDELION_ZH, "site": "beijing", "remote": False,
        "start_offset_days": 10, "duration_days": 2, "seats": 3, "hours_per_volunteer": 10,
        "requires_approval": True, "status": "open", "owner": SHANGHAI, "languages": ["zh"],
        "skills": [("Electrical safety inspection", "must", 3), ("Electrical wiring", "nice", 2),
                   ("Fire protection engineering", "nice", 2)],
    },
    {
        "key": "dandelion-library-setup",
        "title": "Set up the new library at Dandelion Middle School",
        "description": (
            "The renovated building has a 120 m² library. About 6,000 donated books need sorting, cataloguing "
            "in a simple online system, labelling and shelving. We also want to launch a student reading club "
            "with the Chinese teachers. Two full Saturdays, plus an optional evening to train student librarians."
        ),
        "cause": "education", "beneficiary": DANDELION, "site": "beijing", "remote": False,
        "start_offset_days": 48, "duration_days": 14, "seats": 12, "hours_per_volunteer": 14,
        "requires_approval": False, "status": "open", "owner": SHANGHAI, "languages": [],
        "skills": [("Library management", "must", 1), ("Reading promotion", "nice", 2),
                   ("Records and archives management", "nice", 2), ("Typing and data entry", "nice", 1)],
    },
    {
        "key": "dandelion-maths-physics-tutoring",
        "title": "初三数学、物理周末辅导（蒲公英中学）",
        "description": (
            "蒲公英中学的初三学生大多随父母从外地来京，基础参差不齐。每周六上午在学校开设数学和物理小组辅导，"
            "每组4至6名学生，帮助他们查漏补缺、准备中考。希望志愿者能坚持一个学期（约16次），学校提供教材和习题。"
        ),
        "cause": "education", "beneficiary": DANDELION_ZH, "site": "beijing", "remote": False,
        "start_offset_days": 25, "duration_days": 112, "seats": 8, "hours_per_volunteer": 48,
        "requires_approval": True, "status": "open", "owner": SHANGHAI, "languages": ["zh"],
        "skills": [("Mathematics tutoring", "must", 2), ("Physics tutoring", "nice", 2),
                   ("Exam preparation", "nice", 2)],
    },
    {
        "key": "dandelion-career-day",
        "title": "Career day and mentoring for Grade 9 students",
        "description": (
            "Migrant workers' children rarely have anyone to ask what an engineer, a nurse or an accountant "
            "actually does all day. We will hold a career day at Dandelion Middle School: short talks, small-"
            "group Q&A and a CV-and-interview corner for students heading to vocational schools, followed by "
            "monthly online mentoring for those who want it."
        ),
        "cause": "children", "beneficiary": DANDELION, "site": "beijing", "remote": False,
        "start_offset_days": 40, "duration_days": 1, "seats": 15, "hours_per_volunteer": 6,
        "requires_approval": False, "status": "open", "owner": SHANGHAI, "languages": ["zh"],
        "skills": [("Resume and interview coaching", "nice", 2), ("Career guidance", "nice", 2),
                   ("Mentoring", "nice", 1), ("Public speaking", "nice", 2)],
    },
    {
        "key": "guangxi-remote-science-lessons",
        "title": "广西乡村小学远程科学课",
        "description": (
            "与广西河池市两所乡村小学合作，每两周通过视频为四、五年级学生上一节科学实验课，内容包括简单电路、光、"
            "植物生长等。学校有投影和网络，实验材料包由项目组提前寄到。志愿者需提前备课，并与当地老师对接。"
        ),
        "cause": "education", "beneficiary": "河池市两所乡村小学（广西）", "site": "nanning", "remote": True,
        "start_offset_days": 16, "duration_days": 90, "seats": 6, "hours_per_volunteer": 20,
        "requires_approval": False, "status": "open", "owner": INTL, "languages": ["zh"],
        "skills": [("Science popularization", "must", 1), ("STEM education", "nice", 2),
                   ("Online teaching", "nice", 1), ("Physics tutoring", "nice", 2)],
    },
    {
        "key": "guangxi-teacher-training-camp",
        "title": "Summer teacher-training camp in Hechi, Guangxi",
        "description": (
            "As part of our educational poverty alleviation in the Guangxi Zhuang Autonomous Region, 60 rural "
            "teachers will attend a 5-day camp in Hechi. We need volunteers to run workshops on classroom "
            "technology, on teaching maths and English through activities, and on the mental health of "
            "left-behind children. Travel and board are covered; volunteers must stay for the whole camp."
        ),
        "cause": "education", "beneficiary": "Hechi Education Bureau teacher programme", "site": "nanning",
        "remote": False, "start_offset_days": 70, "duration_days": 5, "seats": 6, "hours_per_volunteer": 40,
        "requires_approval": True, "status": "open", "owner": INTL, "languages": ["zh"],
        "skills": [("Training and development", "must", 2), ("Curriculum design", "nice", 2),
                   ("Teacher training", "nice", 2), ("Mental health counselling", "nice", 3),
                   ("Digital literacy training", "nice", 2), ("Zhuang language", "nice", 1)],
    },
    {
        "key": "guangxi-pupil-health-screening",
        "title": "Vision and health screening for rural primary pupils",
        "description": (
            "Many pupils in Guangxi's mountain counties have never had an eye test. With a county hospital we "
            "will screen about 900 pupils in six schools over a week, refer those who need glasses (donated by "
            "a partner optician) and teach tooth-brushing. We need nurses, doctors and helpers who can keep "
            "queues of children cheerful."
        ),
        "cause": "health", "beneficiary": "Du'an County People's Hospital school health programme",
        "site": "nanning", "remote": False, "start_offset_days": 55, "duration_days": 6, "seats": 8,
        "hours_per_volunteer": 40, "requires_approval": True, "status": "open", "owner": INTL,
        "languages": ["zh"],
        "skills": [("Nursing", "must", 2), ("Health check-ups", "nice", 2),
                   ("Vision screening and eye care", "nice", 2), ("Pediatrics", "nice", 2)],
    },
    {
        "key": "cambodia-school-rooftop-solar",
        "title": "Rooftop solar and a computer room for a community school near Phnom Penh",
        "description": (
            "A community school in Kandal Province, half an hour from Phnom Penh, loses power most afternoons. "
            "CMIG New Energy is donating a 15 kW rooftop PV system with batteries. Volunteers will supervise "
            "the installation with a local contractor, set up 20 refurbished laptops and train two teachers "
            "to look after the system. Khmer speakers are very welcome to help with the training."
        ),
        "cause": "education", "beneficiary": "Kandal community school", "site": "phnom-penh",
        "remote": False, "start_offset_days": 45, "duration_days": 12, "seats": 6, "hours_per_volunteer": 40,
        "requires_approval": True, "status": "open", "owner": INTL, "languages": ["en", "km"],
        "skills": [("Solar PV installation", "must", 3), ("Energy storage systems", "nice", 2),
                   ("IT support", "nice", 2), ("Khmer", "nice", 2)],
    },
    {
        "key": "cambodia-trilingual-readers",
        "title": "Khmer–Chinese–English picture readers for primary pupils",
        "description": (
            "Pupils in the Cambodian schools we support learn Khmer, English and, increasingly, Chinese, but "
            "have almost no reading books. We are producing twelve short illustrated readers in the three "
            "languages. Volunteers translate and check the texts, illustrate and lay out the pages; printing "
            "is paid for by the programme."
        ),
        "cause": "education", "beneficiary": "Cambodia educational poverty alleviation programme",
        "site": "phnom-penh", "remote": True, "start_offset_days": 20, "duration_days": 60, "seats": 5,
        "hours_per_volunteer": 30, "requires_approval": False, "status": "open", "owner": INTL,
        "languages": ["km", "en", "zh"],
        "skills": [("Khmer", "must", 3), ("Translation", "nice", 2), ("Illustration", "nice", 2),
                   ("Graphic design", "nice", 2), ("Mandarin", "nice", 2)],
    },
    {
        "key": "cambodia-english-teaching-workshop",
        "title": "English teaching workshop for Cambodian primary teachers",
        "description": (
            "Three days of hands-on workshops in Phnom Penh for 40 primary teachers from partner schools: "
            "phonics, classroom games and making teaching aids from cheap materials. Evaluations were very "
            "positive and the teachers asked for a follow-up next year."
        ),
        "cause": "education", "beneficiary": "Cambodia educational poverty alleviation programme",
        "site": "phnom-penh", "remote": False, "start_offset_days": -45, "duration_days": 3, "seats": 5,
        "hours_per_volunteer": 24, "requires_approval": True, "status": "completed", "owner": INTL,
        "languages": ["en", "km"],
        "skills": [("English language", "must", 3), ("English teaching", "nice", 2),
                   ("Teacher training", "nice", 2), ("Khmer", "nice", 2)],
    },
]
