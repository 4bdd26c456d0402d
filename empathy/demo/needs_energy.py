"""Demo needs of PV poverty alleviation in Yanchi, "Beautiful China", prefab construction and the rest.

Skills are (name, importance, min_level) triples; build_demo expands them.
"""

from __future__ import annotations

SHANGHAI = "coordinator@empathy.example"
NINGXIA = "coordinator.ningxia@empathy.example"
INTL = "coordinator.intl@empathy.example"

YANCHI_OFFICE = "Yanchi County Poverty Alleviation Office"
YANCHI_OFFICE_ZH = "盐池县扶贫开发办公室"

NEEDS = [
    {
        "key": "yanchi-village-pv-maintenance-training",
        "title": "盐池县村级光伏电站运维培训",
        "description": (
            "盐池县已建成的村级光伏扶贫电站由村里聘请的管护员日常看护，但多数管护员没有接受过专业培训。"
            "计划在花马池镇、大水坑镇组织三期实操培训：组件清洗与巡检、逆变器告警识别、安全用电和防火，"
            "并编写一本图文并茂的简明手册。培训对象约90名村级管护员，用当地话讲解效果更好。"
        ),
        "cause": "poverty_alleviation", "beneficiary": YANCHI_OFFICE_ZH, "site": "yanchi-pv-base",
        "remote": False, "start_offset_days": 14, "duration_days": 21, "seats": 6, "hours_per_volunteer": 24,
        "requires_approval": True, "status": "open", "owner": NINGXIA, "languages": ["zh"],
        "skills": [("PV operations and maintenance", "must", 3), ("Vocational training", "nice", 2),
                   ("Electrical safety inspection", "nice", 2), ("Ningxia dialect", "nice", 2)],
    },
    {
        "key": "yanchi-village-finance-literacy",
        "title": "Village finance literacy: managing PV dividend income",
        "description": (
            "Under the 'PV + investment + intelligence + mechanism' model, each participating village in Yanchi "
            "County receives a yearly income from its PV station, shared among registered poor households and "
            "used to pay for village public-welfare jobs. Village committees asked for help keeping transparent "
            "accounts and explaining the distribution rules to households. Volunteers will run evening sessions "
            "in four villages and leave behind a simple ledger template."
        ),
        "cause": "poverty_alleviation", "beneficiary": YANCHI_OFFICE, "site": "yanchi-pv-base",
        "remote": False, "start_offset_days": 28, "duration_days": 14, "seats": 4, "hours_per_volunteer": 20,
        "requires_approval": False, "status": "open", "owner": NINGXIA, "languages": ["zh"],
        "skills": [("Bookkeeping", "must", 2), ("Financial literacy training", "nice", 2),
                   ("Microfinance", "nice", 2), ("Microsoft Excel", "nice", 2)],
    },
    {
        "key": "yanchi-pv-monitoring-dashboard",
        "title": "Build a monitoring dashboard for 40 village PV stations",
        "description": (
            "The village stations in Yanchi report to several inverter vendors' portals, so the county office "
            "has no single view of output and faults. Volunteers will pull the data into one database and build "
            "a simple dashboard (daily generation, estimated income per village, open faults) that county staff "
            "can maintain themselves. Fully remote; a kick-off visit to Yanchi is optional."
        ),
        "cause": "poverty_alleviation", "beneficiary": YANCHI_OFFICE, "site": "yanchi-pv-base",
        "remote": True, "start_offset_days": 7, "duration_days": 60, "seats": 4, "hours_per_volunteer": 60,
        "requires_approval": True, "status": "open", "owner": NINGXIA, "languages": [],
        "skills": [("Data analysis", "must", 2), ("Data visualization", "nice", 2), ("SQL", "nice", 2),
                   ("Power station monitoring", "nice", 2), ("Python", "nice", 2)],
    },
    {
        "key": "yanchi-goji-lamb-ecommerce",
        "title": "枸杞、滩羊肉农村电商与直播培训",
        "description": (
            "盐池滩羊和宁夏枸杞品质很好，但村里的合作社不会做线上销售。我们将为三个合作社的年轻人开展为期两天的电商培训："
            "网店开设、产品拍摄、短视频剪辑和直播带货，并在培训后一个月内线上答疑，帮助他们完成第一批订单。"
        ),
        "cause": "poverty_alleviation", "beneficiary": "盐池县三家农民专业合作社", "site": "yanchi-pv-base",
        "remote": False, "start_offset_days": 50, "duration_days": 30, "seats": 5, "hours_per_volunteer": 16,
        "requires_approval": False, "status": "open", "owner": NINGXIA, "languages": ["zh"],
        "skills": [("Digital marketing", "must", 1), ("Rural e-commerce", "nice", 2),
                   ("Live streaming", "nice", 2), ("Photography", "nice", 2), ("Video editing", "nice", 2)],
    },
    {
        "key": "mu-us-tree-planting",
        "title": "Spring tree planting and sand fixing on the edge of the Mu Us Desert",
        "description": (
            "Join colleagues from Yinchuan and the Yanchi PV base to plant saplings and lay straw checkerboards "
            "against drifting sand on the edge of the Mu Us Desert, our contribution to a 'Beautiful China'. "
            "Local forestry staff guide the work and no experience is needed, but people who can drive a "
            "4x4 or give first aid are especially welcome. Families are welcome too."
        ),
        "cause": "environment", "beneficiary": "Yanchi County Forestry Bureau", "site": "yanchi-pv-base",
        "remote": False, "start_offset_days": 60, "duration_days": 2, "seats": 40, "hours_per_volunteer": 12,
        "requires_approval": False, "status": "open", "owner": NINGXIA, "languages": [],
        "skills": [("Desertification control", "nice", 1), ("Forestry", "nice", 1),
                   ("Driving", "nice", 3), ("First aid", "nice", 2)],
    },
    {
        "key": "school-carbon-footprint-workshops",
        "title": "Carbon footprint workshops for secondary schools",
        "description": (
            "By October 2017 our 27 power stations had generated over 1.5 billion kWh, the equivalent of saving "
            "620,000 tons of standard coal. We want to turn those numbers into a hands-on workshop for secondary "
            "pupils in Shanghai: how electricity is made, how to work out a household's carbon footprint, and "
            "what prefabricated buildings save in waste and water. Volunteers co-write the lesson kit and "
            "deliver it in at least two schools."
        ),
        "cause": "environment", "beneficiary": "Shanghai secondary schools (Yangpu District)", "site": "shanghai-hq",
        "remote": False, "start_offset_days": 33, "duration_days": 60, "seats": 6, "hours_per_volunteer": 16,
        "requires_approval": False, "status": "open", "owner": SHANGHAI, "languages": ["zh"],
        "skills": [("Carbon accounting", "must", 2), ("Science popularization", "nice", 2),
                   ("Public speaking", "nice", 2), ("Curriculum design", "nice", 2)],
    },
    {
        "key": "yinchuan-power-station-open-day",
        "title": "光伏电站科普开放日（银川）",
        "description": (
            "邀请银川市两所小学的120名学生和家长走进光伏电站：参观组件阵列和集控室，动手做太阳能小车，"
            "了解光伏发电如何帮助贫困村增收。由电站工程师讲解，活动已圆满结束。"
        ),
        "cause": "environment", "beneficiary": "银川市兴庆区两所小学", "site": "yinchuan", "remote": False,
        "start_offset_days": -30, "duration_days": 1, "seats": 8, "hours_per_volunteer": 6,
        "requires_approval": False, "status": "completed", "owner": NINGXIA, "languages": ["zh"],
        "skills": [("PV operations and maintenance", "must", 2), ("Science popularization", "nice", 2),
                   ("Event hosting", "nice", 2)],
    },
    {
        "key": "prefab-open-day-vocational-students",
        "title": "装配式建筑开放日：职校学生参观与实训",
        "description": (
            "组织北京两所职业学校建筑专业的学生参观预制构件厂和装配式项目工地，了解装配式建筑如何节约90%的建筑垃圾和80%的施工用水，"
            "并安排半天的构件吊装与灌浆实训。活动方案仍在与学校确认中。"
        ),
        "cause": "education", "beneficiary": "北京两所职业学校", "site": "beijing", "remote": False,
        "start_offset_days": 75, "duration_days": 1, "seats": 6, "hours_per_volunteer": 6,
        "requires_approval": True, "status": "draft", "owner": SHANGHAI, "languages": ["zh"],
        "skills": [("Prefabricated construction", "must", 3), ("Vocational training", "nice", 2),
                   ("Construction safety", "nice", 2)],
    },
    {
        "key": "guangxi-flood-season-standby",
        "title": "Flood-season relief standby team (Guangxi)",
        "description": (
            "During the flood season we keep a standby team in Nanning that can move relief supplies to "
            "affected counties within 24 hours, working with the local Red Cross. Members join two drills and "
            "stay reachable by phone. The roster is now full, so sign-ups are closed."
        ),
        "cause": "disaster_relief", "beneficiary": "Guangxi Red Cross (Nanning branch)", "site": "nanning",
        "remote": False, "start_offset_days": -15, "duration_days": 75, "seats": 10, "hours_per_volunteer": 30,
        "requires_approval": True, "status": "closed", "owner": INTL, "languages": ["zh"],
        "skills": [("First aid", "must", 2), ("Disaster relief operations", "nice", 2),
                   ("Relief supplies distribution", "nice", 1), ("Truck driving", "nice", 3),
                   ("Boat handling", "nice", 2)],
    },
    {
        "key": "accessible-job-fair",
        "title": "CV clinic at an accessible job fair for people with disabilities",
        "description": (
            "The Shanghai Disabled Persons' Federation holds a job fair for people with disabilities each year. "
            "We will run a CV clinic and mock interviews at our stand and help employers make their interviews "
            "accessible. Sign-language skills are a big plus; an interpreter from the federation is on hand too."
        ),
        "cause": "disability", "beneficiary": "Shanghai Disabled Persons' Federation", "site": "shanghai-hq",
        "remote": False, "start_offset_days": 42, "duration_days": 1, "seats": 6, "hours_per_volunteer": 7,
        "requires_approval": False, "status": "open", "owner": SHANGHAI, "languages": ["zh"],
        "skills": [("Resume and interview coaching", "must", 2), ("Chinese Sign Language", "nice", 2),
                   ("Recruitment", "nice", 2), ("Disability support", "nice", 1)],
    },
]
