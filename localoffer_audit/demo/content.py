"""Word lists and text for the Exampleshire demo Local Offer.

Everything here is plain data plus a few small sentence builders. The generator
draws from these lists with a seeded ``random.Random`` so output is repeatable.

Hygiene rules for the *filler* text (the bulk of the pages), because the answer
key depends on them:

* No keyword of a topic the key marks ``missing`` or ``partial`` (university,
  out of area, accessibility strategy, apprenticeship, supported internship ...),
  and no "personal budget" / "direct payment" outside the one depth-4 page.
* No outdated term (statemented, CCG, Connexions ...), no "COVID", no academic
  year strings, no "click here" / "read more".
Planted faults add those words deliberately, and the key records each one.
"""

from __future__ import annotations

import datetime as _dt
import random

COUNCIL = "Exampleshire County Council"
SITE_NAME = "Exampleshire Local Offer"
KB5_NAME = "Exampleshire Family Information Directory"
WP_NAME = "Exampleshire Family Hub"
KB5_BASE = "/kb5/exampleshire/directory"
SEND_EMAIL = "sendlocaloffer@exampleshire.gov.uk"
SEND_PHONE = "01632 960 410"  # Ofcom drama range, never a real line

EXTERNAL = "http://__EXTERNAL__"  # the server swaps in the external mock host's address

# Ages in days for visible dates. Margins keep every date clear of the 3/12/24-month
# boundaries, even after kb5 dates are nudged to an unambiguous day (>= 13).
AGE_FRESH = (3, 75)
AGE_NEUTRAL = (100, 330)
AGE_12_24 = (400, 700)
AGE_OVER_24 = (760, 1800)

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def long_date(d: _dt.date) -> str:
    """'3 March 2024' without depending on the process locale."""
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def uk_numeric_date(d: _dt.date) -> str:
    """kb5 footer style dd/mm/yyyy."""
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def slugify(text: str, sep: str = "-") -> str:
    out = []
    prev_sep = True
    for ch in text.lower():
        if ch.isalnum():
            out.append(ch)
            prev_sep = False
        elif not prev_sep:
            out.append(sep)
            prev_sep = True
    return "".join(out).strip(sep)


TOWNS = [
    "Ashbury",
    "Brookfield",
    "Castlemere",
    "Dunford",
    "Eastwick",
    "Fairleigh",
    "Greyhaven",
    "Hollybrook",
    "Kingsmoor",
    "Longridge",
    "Millbrook",
    "Northcote",
    "Oakhurst",
    "Pennington",
    "Redwater",
    "Southam Vale",
    "Thornbury Cross",
    "Westmere",
]

STREETS = [
    "High Street",
    "Station Road",
    "Church Lane",
    "Mill Road",
    "Park Avenue",
    "Victoria Road",
    "School Lane",
    "Queens Road",
    "The Green",
    "Market Place",
]

FIRST_NAMES = [
    "Amira",
    "Ben",
    "Chloe",
    "Daniel",
    "Esther",
    "Farid",
    "Grace",
    "Harvey",
    "Imogen",
    "Jamal",
    "Kirsty",
    "Liam",
    "Megan",
    "Nadia",
    "Owen",
    "Priya",
    "Rhys",
    "Sophie",
    "Tomasz",
    "Yasmin",
]
SURNAMES = [
    "Ahmed",
    "Barker",
    "Clarke",
    "Davies",
    "Evans",
    "Fletcher",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Morgan",
    "Nowak",
    "Patel",
    "Roberts",
    "Singh",
    "Taylor",
    "Walsh",
    "Young",
]

ORGS = [
    "Little Stars",
    "Rainbow",
    "Sunflower",
    "Bright Futures",
    "Open Doors",
    "Hand in Hand",
    "Stepping Stones",
    "Together",
    "Kingfisher",
    "Oak Tree",
    "Lighthouse",
    "Harbour",
    "Compass",
    "Meadow",
    "Riverside",
    "Willow",
    "Acorn",
    "Beacon",
    "Cedar",
    "Horizon",
    "Lantern",
    "Maple",
    "Orchard",
    "Pathways",
    "Quayside",
    "Rowan",
    "Skylark",
    "Treetops",
    "Unity",
    "Wren",
]

SERVICE_TYPES = [
    "Autism Support Group",
    "Inclusive Swimming Sessions",
    "Speech and Language Drop-in",
    "Sensory Play Sessions",
    "Holiday Play Scheme",
    "Youth Club for Disabled Young People",
    "Parent Support Group",
    "Portage Home Visiting",
    "Inclusive Football Club",
    "Music Therapy Sessions",
    "Stay and Play for Children with SEND",
    "Dads' Group",
    "Sibling Support Group",
    "Inclusive Dance Class",
    "Wheelchair Sports Club",
    "ADHD Parent Workshop",
    "Sleep Support Service",
    "Toilet Training Clinic",
    "Signing Choir",
    "Saturday Club",
    "Early Help Family Support",
    "Riding for the Disabled",
    "Inclusive Gymnastics",
    "Sensory Room Sessions",
    "Teen Social Group",
    "Nurture Group",
    "Wellbeing Walks",
    "Bereavement Support for Children",
    "Forest School Sessions",
    "Cooking Skills Club",
    "Drama Club for Young People with SEND",
    "Homework Club",
    "Hydrotherapy Sessions",
    "Befriending Service",
    "Family Learning Course",
    "Mental Health Support Team",
    "Youth Counselling Service",
    "Inclusive Trampoline Sessions",
    "Down Syndrome Support Group",
    "Visual Impairment Family Group",
]

SEND_NEEDS = [
    "Autism",
    "ADHD",
    "Speech, language and communication needs",
    "Hearing impairment",
    "Visual impairment",
    "Physical disability",
    "Learning disability",
    "Social, emotional and mental health",
    "Multi-sensory impairment",
    "Specific learning difficulty",
]

ACCESS_TERMS = [
    "Wheelchair accessible entrance",
    "Hearing loop",
    "Accessible toilet",
    "Changing Places toilet",
    "Quiet room available",
    "Disabled parking",
    "Step-free access",
    "Sensory-friendly lighting",
]

COST_TYPES = ["Per session", "Per hour", "Per term", "Per week"]


# --- Topic landings (the header navigation on every LGD page) -------------------

LANDINGS = [
    # key, title, path, short name used in sub-landing titles
    ("education", "Education and schools", "/send/education", "Education support"),
    ("ehc", "EHC needs assessments and plans", "/send/ehc-needs-assessments-and-plans", "EHC plans"),
    ("health", "Health", "/send/health", "Health services"),
    ("social-care", "Social care", "/send/social-care", "Social care support"),
    ("adulthood", "Preparing for adulthood", "/send/preparing-for-adulthood", "Moving on"),
    ("leisure", "Short breaks, leisure and activities", "/send/short-breaks-and-leisure", "Activities"),
    ("money", "Money and funding", "/send/money-and-funding", "Money and benefits"),
    ("travel", "Travel and transport", "/send/travel", "Getting around"),
    ("advice", "Advice and support", "/send/advice-and-support", "Advice"),
    ("have-your-say", "Have your say", "/send/have-your-say", "Your views"),
]

LANDING_PATH = {key: path for key, _title, path, _short in LANDINGS}
LANDING_TITLE = {key: title for key, title, _path, _short in LANDINGS}

LANDING_INTROS = {
    "education": "Support for children and young people with special educational needs in nurseries, schools and colleges.",
    "ehc": "How education, health and care (EHC) needs assessments work, and what happens after a plan is issued.",
    "health": "NHS services for children and young people with special educational needs and disabilities.",
    "social-care": "Help from social care for disabled children, young people and their families.",
    "adulthood": "Planning for adult life: further learning, jobs, housing, health and friendships.",
    "leisure": "Short breaks, clubs, holiday activities and things to do for children with SEND.",
    "money": "Benefits, grants and funding for families of children with SEND.",
    "travel": "Travel assistance to school or college, travel training and help getting around.",
    "advice": "Impartial advice, support groups and people who can help you.",
    "have-your-say": "Tell us what you think about the Local Offer and see what we changed.",
}

# Filler page subjects per landing (used to build page titles).
SUBJECTS = {
    "education": [
        "Reading support",
        "Dyslexia support",
        "Autism support in school",
        "Starting school",
        "Moving to secondary school",
        "Support for hearing loss",
        "Support for sight loss",
        "Attendance and wellbeing",
        "School exclusions",
        "Elective home education",
        "Behaviour support",
        "Maths support",
        "Speech and language in school",
        "Medical needs in school",
        "Anxiety about school",
        "School trips",
        "Exam access arrangements",
        "Nurture groups",
        "Handwriting support",
        "Social skills groups",
    ],
    "ehc": [
        "Annual reviews",
        "Changing an EHC plan",
        "Writing your parent views",
        "Outcomes in EHC plans",
        "Phase transfer reviews",
        "Health advice for EHC plans",
        "Social care advice for EHC plans",
        "Naming a school in a plan",
        "Ending an EHC plan",
        "Preparing for an annual review meeting",
        "EHC co-ordinators",
        "Emergency reviews",
    ],
    "health": [
        "Speech and language therapy",
        "Occupational therapy",
        "Physiotherapy",
        "Community paediatrics",
        "Autism assessment",
        "ADHD assessment",
        "Wheelchair services",
        "Continence service",
        "Children's community nursing",
        "Sleep advice",
        "Feeding and eating support",
        "Hearing tests",
        "Eye tests",
        "Dental care for children with SEND",
        "Epilepsy nurses",
        "Mental health support in schools",
        "Equipment at home",
        "Learning disability nurses",
    ],
    "social-care": [
        "Disabled children's team",
        "Carer's assessments",
        "Early help",
        "Family support workers",
        "Help at home",
        "Safeguarding",
        "Young carers",
        "Respite at home",
        "Adaptations to your home",
        "Moving to adult social care",
        "Foster care for disabled children",
        "Support for siblings",
    ],
    "adulthood": [
        "Choosing a college course",
        "Independent living skills",
        "Housing options",
        "Health in adult life",
        "Friendships and relationships",
        "Managing money",
        "Moving to adult health services",
        "Volunteering",
        "Year 9 reviews",
        "Making decisions at 16",
        "Getting a job",
        "Staying safe online",
    ],
    "leisure": [
        "Holiday activities",
        "Inclusive sport",
        "Youth clubs",
        "Play schemes",
        "Swimming sessions",
        "Arts and crafts clubs",
        "Music groups",
        "Sensory sessions",
        "Days out",
        "Parks and play areas",
        "Scouts and guides",
        "Cinema and theatre access",
        "Library activities",
    ],
    "money": [
        "Disability Living Allowance",
        "Carer's Allowance",
        "Blue Badge",
        "Free school meals",
        "Charity grants",
        "Help with energy bills",
        "Council Tax reduction",
        "Universal Credit",
        "Max Card",
        "Family fund",
        "Help with uniform costs",
        "Leisure discount cards",
    ],
    "travel": [
        "Travel assistance",
        "Travel training",
        "Bus passes",
        "Mileage allowance",
        "Passenger assistants",
        "Taxi transport",
        "Travel appeals",
        "Car seats and harnesses",
        "Travel to college",
        "Accessible buses",
        "Community transport",
        "Safe walking routes",
    ],
    "advice": [
        "Support groups",
        "Advocacy",
        "Mediation advice",
        "Helplines",
        "Autism charities",
        "Parent workshops",
        "Bereavement support",
        "Legal advice",
        "Interpreters",
        "Support for dads",
        "Online forums",
        "Grandparent carers",
    ],
    "have-your-say": [
        "Surveys",
        "Young people's panel",
        "Parent feedback sessions",
        "Consultations",
        "Co-production",
        "Local Offer newsletter",
        "Youth forum",
        "Coffee mornings",
    ],
}

TITLE_PATTERNS = [
    "{s} in {town}",
    "{s}: a guide for parents and carers",
    "{s}: questions and answers",
    "{s} for young people in {town}",
    "{s} near {town}",
    "{s}: what to expect ({town})",
]

GENERIC_SENTENCES = [
    "Talk to us early if you are worried about how your child is getting on.",
    "You can ask for this information in another format, such as large print or easy read.",
    "We work with families to make sure support fits the needs of each child.",
    "Most support is available without a formal assessment.",
    "Staff will explain what happens next and how long it should take.",
    "Bring any letters or reports you already have to the first meeting.",
    "If English is not your first language, we can arrange an interpreter for you.",
    "Our team is open Monday to Friday, 9am to 5pm, except bank holidays.",
    "You do not need a diagnosis to get help.",
    "Children and young people should be involved in decisions about their support.",
    "We check this information regularly with parents and carers.",
    "Services are free unless we tell you otherwise.",
    "Some services have a waiting list, so it helps to get in touch as soon as you can.",
    "You can bring a friend, relative or advocate to any meeting.",
    "Information on this page applies to children and young people aged 0 to 25.",
    "Practitioners will share information only with your permission, unless a child is at risk.",
    "Families told us that clear information about waiting times matters to them.",
    "Write down your questions before an appointment so that you do not forget them.",
]

TOPIC_SENTENCES = {
    "education": [
        "Every school has a special educational needs co-ordinator, known as a SENCO.",
        "Schools use a graduated approach to plan, deliver and review support.",
        "Teachers can adapt lessons, use visual timetables or give extra time in tests.",
        "Ask the school for a copy of its SEN information report.",
        "Class teachers remain responsible for the progress of every pupil in their class.",
        "Support is reviewed with parents at least three times a year.",
        "Specialist teachers can visit the school to give advice to staff.",
        "A quiet space or a movement break can help some children settle in class.",
    ],
    "ehc": [
        "An education, health and care plan describes a child's needs and the help they will get.",
        "The plan is reviewed at least once every twelve months.",
        "Your views and the views of your child are an important part of the plan.",
        "An EHC co-ordinator will be your main contact during the process.",
        "Professionals from education, health and social care all give advice.",
        "You can ask for a meeting to talk about the draft plan.",
    ],
    "health": [
        "Your GP or health visitor can refer your child to the community paediatric service.",
        "Speech and language therapists support children who find it hard to communicate.",
        "Occupational therapists help with everyday skills such as dressing and writing.",
        "The children's community nursing team supports children with complex health needs at home.",
        "NHS Exampleshire Integrated Care Board plans and pays for most local health services.",
        "Physiotherapists help children with movement, balance and posture.",
        "Bring your child's red book to health appointments if you still have it.",
    ],
    "social-care": [
        "A social worker from the disabled children's team can assess what support your family needs.",
        "Parents and carers can ask for a carer's assessment at any time.",
        "Support might include help at home, family support or time away for your child.",
        "Early help workers can support the whole family before problems get bigger.",
        "Social care will start planning with you well before your child turns 18.",
        "We will ask what is working well for your family and what is hard.",
    ],
    "adulthood": [
        "Planning for adult life should start from year 9 at the latest.",
        "Young people can talk to a personal adviser about college, jobs and housing.",
        "Adult social care will explain how support changes at 18.",
        "Some young people want to live on their own, and others prefer to live with family.",
        "Learning to travel on your own can open up more choices for the future.",
        "At 16 young people can make more decisions for themselves.",
    ],
    "leisure": [
        "Many clubs offer sessions for children with additional needs.",
        "Staff at inclusive sessions have training in supporting children with different needs.",
        "Some activities offer a free place for a parent, carer or personal assistant.",
        "Booking early is a good idea because places fill up quickly.",
        "Quiet sessions have lower lighting and less noise.",
        "Contact the organiser before your visit if your child needs any changes.",
    ],
    "money": [
        "You may be able to get Disability Living Allowance for a child under 16.",
        "Carers may be entitled to Carer's Allowance if they provide care for 35 hours a week or more.",
        "Some charities offer grants for equipment, holidays or household items.",
        "A benefits check can show whether you are missing out on any money.",
        "You can ask for help to fill in benefit forms.",
        "Keep copies of any forms and letters you send.",
    ],
    "travel": [
        "Most children travel to school with a parent or carer.",
        "Travel assistance might be a bus pass, a shared taxi or a mileage allowance.",
        "Apply for travel assistance as early as you can before your child starts a new school.",
        "Passenger assistants travel with some children to keep them safe.",
        "Travel training helps young people learn to travel on their own.",
        "Drivers and passenger assistants have safeguarding checks and training.",
    ],
    "advice": [
        "Impartial advice is free and confidential.",
        "Support groups are a good way to meet other parents in a similar situation.",
        "Local charities run workshops on sleep, behaviour and anxiety.",
        "You can get help to write letters or prepare for meetings.",
        "Some groups meet online in the evening, which suits working parents.",
        "Advice is available by phone, email or face to face.",
    ],
    "have-your-say": [
        "We want to hear from children, young people and parents about the Local Offer.",
        "Your comments help us improve the information on this website.",
        "We publish what people told us and what we did about it.",
        "You can take part in a survey, a meeting or a one-to-one conversation.",
        "Young people can join the youth forum to share their views.",
    ],
}

SECTION_HEADINGS = [
    "Who can get this support",
    "How to get help",
    "What happens next",
    "What you can expect",
    "Contact and opening times",
    "Before your appointment",
    "Frequently asked questions",
    "Other help",
]


def paragraph(rng: random.Random, topic: str, n: int) -> str:
    pool = TOPIC_SENTENCES.get(topic, []) + GENERIC_SENTENCES
    return " ".join(rng.sample(pool, min(n, len(pool))))


def filler_body(rng: random.Random, topic: str) -> list[str]:
    """Three or four titled sections of moderate-length, topic-flavoured text."""
    blocks = []
    headings = rng.sample(SECTION_HEADINGS, rng.randint(2, 3))
    for heading in headings:
        blocks.append(f"<h2>{heading}</h2>")
        for _ in range(rng.randint(1, 2)):
            blocks.append(f"<p>{paragraph(rng, topic, rng.randint(2, 4))}</p>")
        if rng.random() < 0.3:
            items = rng.sample(TOPIC_SENTENCES.get(topic, GENERIC_SENTENCES), 3)
            blocks.append("<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>")
    return blocks


# --- Readability fixtures ----------------------------------------------------------

LEGALISTIC_SENTENCES = [
    "Where the local authority, having regard to the views, wishes and feelings of the child and of the child's parent, determines that it is necessary for special educational provision to be made in accordance with an education, health and care plan, it must secure that the plan is prepared and maintained in accordance with the relevant statutory requirements and the associated statutory guidance.",
    "Notwithstanding any arrangements previously agreed between the governing body and the authority, the responsible commissioning organisation shall, in circumstances where it is considered appropriate and proportionate, undertake an individualised evaluation of the provision specified in section F of the plan, including the identification of any consequential variations to the associated funding allocation.",
    "The determination of eligibility for specialist provision is undertaken by a multi-disciplinary moderation panel, constituted in accordance with the authority's published terms of reference, which considers documentary evidence submitted by educational, medical and social care professionals, together with representations from the parent or young person, before formulating a recommendation for ratification by the designated officer.",
    "In exercising its statutory functions in relation to children and young people with special educational needs or disabilities, the authority is obliged to have regard to the importance of providing appropriate information, advice and support to enable meaningful participation in decision-making processes, and to the necessity of supporting the individual to facilitate the development of their potential.",
    "Any application for reconsideration of an administrative determination must be accompanied by comprehensive supporting documentation substantiating the contention that the original decision was procedurally irregular or otherwise unreasonable, and applications submitted without the requisite documentation will ordinarily be returned to the applicant without substantive consideration by the reviewing officer.",
    "Consequently, the authority anticipates that educational establishments will demonstrate, through the systematic implementation of evidence-informed interventions and the documentation of measurable outcomes, that all reasonable endeavours have been exhausted from within delegated resources prior to the submission of any application for supplementary high needs allocations.",
]

PLAIN_SENTENCES = [  # reading age 9 or under (GOV.UK's target): short sentences, everyday words
    "We want to help every child in Exampleshire.",
    "Your child's school is the first place to go for help.",
    "Talk to the class teacher about what worries you.",
    "You can also talk to the teacher who leads on special needs.",
    "They will listen to you and to your child.",
    "Most children get the help they need at their own school.",
    "The school will write down a plan for your child.",
    "You will get a copy of the plan to keep.",
    "You can ask to change the plan at any time.",
    "If things do not get better, the school can ask for more advice.",
    "This could be from a speech therapist or a special teacher.",
    "We will send you a letter to say what happens next.",
    "If you are not happy, you can ask to speak to a manager.",
    "You can get free advice from people who know the rules.",
    "Keep a note of who you spoke to and what they said.",
    "You can ask for this page on paper or in large print.",
]

LONG_PLAIN_SENTENCES = [  # about 35 words each, short everyday words: long but not legalistic
    "If your child is finding school hard and you think they need more help than they get now, the first step is to talk to the class teacher and ask for a meeting with the SENCO.",
    "When the school has tried a few kinds of help for a term and your child is still not making the progress that you all hoped for, the school can ask for outside advice.",
    "You can ask us for help at any time by phone or by email, and if you would rather talk face to face we can meet you at your child's school or a family centre near you.",
    "Some families find it useful to keep a short diary of what has happened each week, who they spoke to and what was agreed, so that it is easy to look back on it later.",
    "The plan should say what help your child will get, who will give it, how often it will happen and how everyone will know if it is working well for your child.",
    "If you do not agree with what the school says, you can ask for another meeting, bring a friend or ask a free advice service to help you say what you want to say.",
    "Most of the help that children need can be given in their own class by their own teacher, with small changes to the way that lessons are planned and run each day.",
    "We know that forms and letters can be hard to read, so you can ask us to go through them with you on the phone or in person at a time that suits your family.",
]


def legalistic_text(rng: random.Random) -> list[str]:
    sentences = rng.sample(LEGALISTIC_SENTENCES, 5)
    return [f"<p>{' '.join(sentences[:2])}</p>", f"<p>{' '.join(sentences[2:])}</p>"]


def plain_text(rng: random.Random) -> list[str]:
    sentences = rng.sample(PLAIN_SENTENCES, 14)
    return [f"<p>{' '.join(sentences[i : i + 4])}</p>" for i in range(0, 14, 4)]


def long_sentence_text(rng: random.Random) -> list[str]:
    sentences = rng.sample(LONG_PLAIN_SENTENCES, 6)
    return [f"<p>{' '.join(sentences[i : i + 2])}</p>" for i in range(0, 6, 2)]


# --- Planted terminology ---------------------------------------------------------

# term -> a sentence presenting it as current (so it *should* be reported)
OUTDATED_TERMS = {
    "statement of special educational needs": "If your child has a statement of special educational needs, the SEN team will contact you before the review.",
    "statemented": "Pupils who are statemented can get extra help at lunchtimes.",
    "School Action Plus": "Schools give School Action Plus support to pupils who need more help than their classmates.",
    "Learning Difficulty Assessment": "Young people aged 16 to 25 may need a Learning Difficulty Assessment before starting college.",
    "Parent Partnership Service": "The Parent Partnership Service offers free, impartial advice to parents.",
    "CCG": "Speak to your GP or the CCG about funding for equipment.",
    "Clinical Commissioning Group": "Exampleshire Clinical Commissioning Group pays for this service.",
    "Primary Care Trust": "Referrals are made through the Primary Care Trust.",
    "SENDIST": "You can appeal to SENDIST if you disagree with the decision.",
    "Connexions": "Connexions advisers can help you plan your next steps after school.",
    "Public Health England": "This service follows Public Health England guidance on infection control.",
}

# Negative controls: correct historical or compound uses that must not be flagged.
HISTORICAL_MENTIONS = [
    "Statements of SEN were replaced by EHC plans in 2014.",
    "ICBs took over from CCGs in July 2022.",
]


# --- Records and misc --------------------------------------------------------------


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"


def phone(rng: random.Random) -> str:
    # 01632 960xxx is Ofcom's reserved drama range.
    return f"01632 960{rng.randint(0, 999):03d}"


def postcode(rng: random.Random) -> str:
    return f"EX{rng.randint(1, 29)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXY')}{rng.choice('ABDEFGHJLNPQRSTUWXY')}"


RECORD_DESCRIPTIONS = [
    "A friendly group for families of children with additional needs. Sessions are led by trained staff and volunteers.",
    "Small group sessions where children can play, learn and make friends in a calm setting.",
    "We offer practical help and a listening ear for parents and carers.",
    "Weekly sessions for children and young people with SEND, with adapted equipment and extra staff.",
    "A service that works with families at home and in the community to build skills and confidence.",
    "Term-time sessions with a quiet area and a sensory corner for children who need a break.",
]

REFERRAL_ROUTES = [
    "Self-referral: contact the service directly.",
    "Referral by a health professional, such as a GP or health visitor.",
    "Referral through your child's school SENCO.",
    "Self-referral or professional referral accepted.",
]

EVENT_NAMES = [
    "SEND Information Fair",
    "Parent Carer Coffee Morning",
    "Autism Awareness Workshop",
    "Sleep Workshop for Parents",
    "Inclusive Sports Day",
    "Sensory Family Fun Day",
    "Preparing for Adulthood Roadshow",
    "SENDIASS Drop-in",
    "Sensory Storytime",
    "Annual Review Workshop",
    "Youth Forum Meeting",
    "Relaxed Cinema Screening",
]
