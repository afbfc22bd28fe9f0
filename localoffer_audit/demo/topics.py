"""Required Local Offer topics (SEND Regs 2014 Sch. 2, CoP ch. 4) and the pages covering them.

The answer key marks each topic ``covered``, ``partial`` or ``missing``. Covered
topics get a page whose title names the topic and whose body uses the keywords
from shared/reference/local-offer-law.md section 1. Missing topics have no page
and their keywords appear nowhere on the site (tests enforce that).
"""

from __future__ import annotations

TOPIC_IDS = [
    "sen-provision-early-years",
    "sen-provision-mainstream-schools",
    "sen-provision-special-schools",
    "sen-provision-post16",
    "alternative-provision",
    "commissioned-support-services",
    "provision-outside-area",
    "sen-funding",
    "identification-ehc-assessment",
    "health-provision",
    "social-care-provision",
    "training-provision",
    "travel-transport",
    "preparing-for-adulthood",
    "higher-education",
    "childcare",
    "leisure",
    "information-advice-support",
    "complaints-redress",
    "accessibility-strategy",
    "local-offer-feedback",
    "short-breaks-statement",
    "personal-budgets",
]

MISSING_TOPICS = ["higher-education", "provision-outside-area", "accessibility-strategy"]

# Words that must not appear anywhere on the site, because their topic is missing
# (or, for training-provision, only thinly mentioned once).
MISSING_TOPIC_KEYWORDS = {
    "higher-education": ["university", "Disabled Students' Allowance", "student finance", "disability adviser"],
    "provision-outside-area": ["out of area", "out of county", "neighbouring authority", "independent placement"],
    "accessibility-strategy": [
        "accessibility strategy",
        "accessibility plan",
        "schedule 10",
        "disabled pupils",
        "physical environment",
    ],
}
THIN_TOPIC = ("training-provision", "supported internship")  # mentioned exactly once, on the PfA page
DEEP_TOPIC = "personal-budgets"  # only reachable at click depth 4

# landing key, slug, title, lede, paragraphs
COVERED = {
    "sen-provision-early-years": (
        "education",
        "early-years-send-support",
        "Early years: SEND support in nurseries and pre-schools",
        "Help for babies and young children with special educational needs before they start school.",
        [
            "Every nursery, pre-school and childminder that takes government funding must follow the Early Years Foundation Stage (EYFS) and have an early years SENCO who plans extra help.",
            "Settings can apply for inclusion funding when a child needs more support than the setting normally provides. The Disability Access Fund gives a yearly payment to settings for children who get Disability Living Allowance.",
            "Portage is a home visiting service for young children with complex needs. A Portage worker plays with your child at home and shows you small steps to practise together.",
            "If you are worried about your child's development, talk to your health visitor or the nursery SENCO.",
        ],
    ),
    "sen-provision-mainstream-schools": (
        "education",
        "sen-support-in-mainstream-schools",
        "SEN support in mainstream schools",
        "What mainstream schools and academies do for pupils with special educational needs.",
        [
            "Most children with special educational needs go to a mainstream school. Schools give SEN support using a graduated approach of assess, plan, do, review.",
            "Every school has a SENCO who co-ordinates support. Our guide to ordinarily available provision explains what every Exampleshire school should offer from its own budget.",
            "Some mainstream schools have a resource base or specialist unit for pupils with autism, hearing impairment or speech and language needs.",
            "Ask the school for its SEN information report to see how it supports pupils.",
        ],
    ),
    "sen-provision-special-schools": (
        "education",
        "special-schools",
        "Special schools and specialist placements",
        "Special schools in Exampleshire and how places are agreed.",
        [
            "Exampleshire has eight maintained special schools and two special academies for pupils aged 2 to 19. Some offer residential places during the week.",
            "Places at a special school, a non-maintained special school or an independent special school approved under section 41 are usually agreed through an EHC plan.",
            "The SEN team will consult the school you ask for before naming it in the plan. Visit schools before you choose.",
            "Specialist placement panels meet every two weeks.",
        ],
    ),
    "sen-provision-post16": (
        "education",
        "post-16-education",
        "Post-16 education: colleges and sixth forms",
        "Learning options for young people with SEND after year 11.",
        [
            "Young people with SEND can study at a school sixth form, a further education college or a specialist college. Colleges have learning support teams who put help in place.",
            "A high needs student is a young person whose support costs more than the college normally provides. The college can ask the council for top-up funding.",
            "Post-16 options should be discussed at the year 9 and year 11 annual reviews. Visit open days and ask each college about its learning support.",
            "Young people can stay in education or training until they are 25 if they have an EHC plan and still need it.",
        ],
    ),
    "alternative-provision": (
        "education",
        "alternative-provision",
        "Alternative provision and pupil referral units",
        "Education for children who cannot attend school because of exclusion, illness or other reasons.",
        [
            "Alternative provision is education arranged by the council or a school for pupils who cannot go to a mainstream school. It includes our pupil referral unit (PRU) and the Exampleshire AP Academy.",
            "The medical needs and hospital education service teaches children who cannot attend school for 15 days or more because of their health. Tuition can be at home, online or in hospital.",
            "Schools must tell parents the reason for any placement in alternative provision and review it regularly.",
            "Contact the Alternative Provision team on 01632 960 455.",
        ],
    ),
    "commissioned-support-services": (
        "education",
        "specialist-teaching-and-support-services",
        "Specialist teaching and support services",
        "Services the council pays for to support children with SEND and their schools.",
        [
            "The council commissions specialist teachers and outreach services to help schools meet the needs of pupils with SEND.",
            "The sensory support service includes teachers of the deaf and qualified teachers for pupils with a visual impairment. The autism team gives advice to staff and families.",
            "Educational psychologists assess how children learn and advise schools on the best support.",
            "Schools and settings can ask for these services. Parents can talk to the school SENCO about a referral.",
        ],
    ),
    "sen-funding": (
        "money",
        "how-sen-support-is-funded",
        "How SEN support is funded in schools",
        "How money for special educational needs reaches schools, nurseries and colleges.",
        [
            "Every school has a notional SEN budget within its main funding. Schools pay for the first 6,000 pounds of extra support for a pupil from this budget.",
            "When a pupil needs more, the council pays top-up funding, known as element 3, from the high needs funding block. We use a banding system to set the amount.",
            "Funding agreements between the council and providers explain how the money must be used and how progress is reported.",
            "Ask your child's school how it uses its SEN budget.",
        ],
    ),
    "identification-ehc-assessment": (
        "ehc",
        "request-an-ehc-needs-assessment",
        "Asking for an EHC needs assessment",
        "How to ask for an education, health and care needs assessment (EHCNA), and how long each step takes.",
        [
            "Most children's needs are met through SEN support. If your child needs more help than their school or nursery can give, you, the school or a young person can request an EHC needs assessment.",
            "We must tell you within 6 weeks whether we will carry out an assessment. If we decide to assess, we ask for advice from education, health and social care.",
            "If we decide not to issue an EHCP, we must tell you within 16 weeks. If we do issue a plan, you will get a draft plan and 15 days to comment.",
            "The whole process, from the request to the final EHC plan, must take no more than 20 weeks. After that, the plan is checked at an annual review at least every 12 months.",
        ],
    ),
    "health-provision": (
        "health",
        "health-services-for-children-with-send",
        "Health services for children and young people with SEND",
        "NHS services that support children and young people with special educational needs and disabilities.",
        [
            "NHS Exampleshire Integrated Care Board (ICB) plans health services. Our Designated Clinical Officer (DCO) makes sure health advice is given for EHC needs assessments.",
            "Services include speech and language therapy, occupational therapy, physiotherapy and the community paediatrician service. Children's mental health support is given by CAMHS.",
            "Autism and ADHD assessments are carried out by the neurodevelopmental team. The wheelchair service provides wheelchairs and seating.",
            "Ask your GP, health visitor or school nurse for a referral.",
        ],
    ),
    "social-care-provision": (
        "social-care",
        "social-care-for-disabled-children",
        "Social care for disabled children and young people",
        "How the disabled children's team assesses need and arranges support, including the move to adult social care.",
        [
            "The disabled children's team works with children who have a severe or profound disability. A social worker will complete an assessment under section 17 of the Children Act 1989.",
            "Support can include short breaks, help at home, equipment and adaptations. Parents can also ask for a carer's assessment.",
            "From age 14 we start planning with adult social care so that support continues after 18.",
            "Call the Children's Services front door on 01632 960 470 to ask for an assessment.",
        ],
    ),
    "travel-transport": (
        "travel",
        "home-to-school-transport",
        "Home to school transport and travel assistance",
        "Who can get help with travel to school, college or an early years setting, and how to apply.",
        [
            "Children may be eligible for free home to school transport if they cannot walk to school because of their special educational needs, disability or mobility problems.",
            "Travel assistance can be a bus pass, a place on a shared vehicle, a mileage allowance or travel training. Young people aged 16 to 25 should read the post-16 transport policy statement.",
            "We look at each application against the eligibility criteria in our home to school travel policy. You can appeal if you disagree with the decision.",
            "Apply online at least 8 weeks before your child starts at a new school.",
        ],
    ),
    "preparing-for-adulthood": (
        "adulthood",
        "preparing-for-adulthood-from-year-9",
        "Preparing for adulthood from year 9",
        "Planning for employment, independent living, friendships and good health as an adult.",
        [
            "Preparing for adulthood (PfA) starts at the year 9 review. The review looks at four areas: employment, independent living, community participation and good health.",
            "Transition planning involves the young person, their family, school or college and adult services. From 16, young people can make more decisions themselves, and the Mental Capacity Act applies.",
            "Young people can explore housing options, learn to travel on their own and plan for paid employment. Some go on to a supported internship after college.",
            "Adult social care and adult health services will be invited to reviews from year 11.",
        ],
    ),
    "childcare": (
        "leisure",
        "childcare-for-children-with-send",
        "Childcare for children with SEND",
        "Finding childcare that meets your child's needs, and help with the cost.",
        [
            "The Family Information Service can help you find childminders, nurseries, holiday clubs and wraparound care that are suitable for children with SEND.",
            "All 3 and 4 year olds can get 15 hours of funded childcare, and working families may get 30 hours. The SEN inclusion fund helps providers support children with additional needs.",
            "Ask providers how they will meet your child's needs before you agree a place.",
            "Call the Family Information Service on 01632 960 480.",
        ],
    ),
    "leisure": (
        "leisure",
        "leisure-activities-and-clubs",
        "Leisure activities, clubs and holiday activities",
        "Inclusive play, sport and youth clubs for children and young people with SEND.",
        [
            "Exampleshire has inclusive sport sessions, youth clubs and holiday activities for children with SEND. Many leisure centres offer quiet swimming sessions.",
            "The Holiday Activities and Food programme (HAF) offers free places for children who get benefits-related free school meals, with extra support for children with SEND.",
            "Our inclusive play schemes run in the summer holidays in six towns.",
            "Search the directory for clubs and activities near you.",
        ],
    ),
    "information-advice-support": (
        "advice",
        "sendiass-information-advice-and-support",
        "SENDIASS: information, advice and support",
        "Free, impartial information, advice and support about special educational needs and disability.",
        [
            "Exampleshire SENDIASS (Special Educational Needs and Disabilities Information, Advice and Support Service) gives free, impartial and confidential information, advice and support to children, young people and parents.",
            "SENDIASS can help you understand the law, prepare for meetings and write letters. The service runs a helpline on 01632 960 490.",
            "The Exampleshire Parent Carer Forum represents families and works with the council on services. Local support groups meet across the county.",
            "National charities such as IPSEA also give free legal advice.",
        ],
    ),
    "complaints-redress": (
        "advice",
        "complaints-mediation-and-tribunal-appeals",
        "Complaints, mediation and tribunal appeals",
        "What to do if you disagree with a decision or are unhappy with a service.",
        [
            "Talk to the person or team involved first. If that does not work, you can make a complaint using the council's complaints procedure or the NHS complaints process for health services.",
            "Disagreement resolution is an independent service that helps families and the council reach agreement. Before most appeals you must contact a mediation adviser and get a mediation certificate.",
            "You can appeal to the First-tier Tribunal (SEND) about EHC needs assessment and plan decisions. Appeals must be made within 2 months of the decision, or 1 month from the mediation certificate if that is later.",
            "If you are still unhappy with how the council dealt with a complaint, you can contact the Local Government and Social Care Ombudsman (LGSCO).",
        ],
    ),
    "local-offer-feedback": (
        "have-your-say",
        "tell-us-what-you-think",
        "Tell us what you think about the Local Offer",
        "How to comment on the Local Offer and the services in it.",
        [
            "We want to know what you think of the Local Offer: what is missing, what is hard to find and how services could be better.",
            "You can give feedback using our online form, by email to sendlocaloffer@exampleshire.gov.uk, or at a parent carer forum event.",
            "Each year we publish the comments we received and what we did in response on our You said, we did page.",
            "We read every comment. We do not publish names or personal details.",
        ],
    ),
}

PERSONAL_BUDGETS_TEXT = [
    "A personal budget is an amount of money identified by the council to deliver some of the provision in an EHC plan. You can ask for a personal budget when a draft plan is prepared or at an annual review.",
    "A personal budget can be managed as direct payments to you, as an arrangement where the council or school holds the money, or through a third party. Direct payments must be agreed by the school or college if the support happens there.",
    "Personal budgets can also pay for social care support and some health care, through a personal health budget from the ICB.",
    "Talk to your EHC co-ordinator if you would like a personal budget.",
]
