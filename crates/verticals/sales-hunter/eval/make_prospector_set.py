"""Writes prospector.csv: 200 synthetic leads, each labelled with the grade a sales lead
would give it under profile.json, by what the lead was written to be — not by running
the scorer. Four kinds, fifty each:

A  ideal: a target industry, inside the size band, a senior revenue title, in a target
   region, met recently and asked a buying question.
B  strong fit, not engaged yet: target industry and size, a senior title, in region (or
   a revenue title); no recent activity.
C  partial: one or two of industry, size or seniority; no engagement to speak of.
D  off-profile: another industry, outside the regions or the size band, a junior title.

Run again to regenerate (seeded: the same file every time)."""
import csv, random

rng = random.Random(22)
IND = ["Fintech", "Software"]
OFF_IND = ["Retail", "Healthcare", "Manufacturing", "Logistics", "Education", "Hospitality"]
REG = ["Germany", "United Kingdom", "France"]
OFF_REG = ["Brazil", "India", "United States", "Japan"]
SENIOR_REV = ["VP Sales", "Chief Revenue Officer", "Head of Growth", "Director of Sales", "VP Revenue Operations", "Head of Sales"]
SENIOR_OTHER = ["VP Engineering", "CFO", "Director of IT", "Head of Operations", "CTO"]
JUNIOR = ["Analyst", "Engineer", "Sales Development Representative", "Office Administrator", "Intern", "Designer"]
SIGNALS = ["asked for pricing for 40 seats", "wants a demo next week", "budget approved for Q1", "evaluating two vendors"]
rows = []
def add(kind, title, industry, country, employees, tech, activities, expected):
    rows.append({"title": title, "company": "", "industry": industry,
                 "country": country, "employees": employees, "technology": tech,
                 "activities": ";".join(f"{k}:{d}:{t}" for k, d, t in activities), "expected_grade": expected})
for _ in range(50):
    acts = [("meeting", rng.randint(0, 6), rng.choice(SIGNALS))]
    if rng.random() < 0.6:
        acts.append(("call", rng.randint(0, 10), "follow-up"))
    add("A", rng.choice(SENIOR_REV), rng.choice(IND), rng.choice(REG), rng.randint(80, 4000),
        rng.choice(["Salesforce", "HubSpot", ""]), acts, "A")
for _ in range(50):
    title = rng.choice(SENIOR_REV + SENIOR_OTHER)
    acts = [("email", rng.randint(60, 120), "newsletter reply")] if rng.random() < 0.3 else []
    add("B", title, rng.choice(IND), rng.choice(REG), rng.randint(60, 4500), rng.choice(["Salesforce", ""]), acts, "B")
for _ in range(50):
    pick = rng.choice(["industry+size", "size+senior", "industry+senior", "industry+region"])
    industry = rng.choice(IND) if "industry" in pick else rng.choice(OFF_IND)
    employees = rng.randint(60, 4000) if "size" in pick else rng.choice([rng.randint(1, 30), rng.randint(8000, 60000)])
    title = rng.choice(SENIOR_OTHER) if "senior" in pick else rng.choice(JUNIOR[:2] + JUNIOR[3:])
    country = rng.choice(REG) if "region" in pick else rng.choice(OFF_REG + REG[:1])
    add("C", title, industry, country, employees, "", [], "C")
for _ in range(50):
    acts = [("note", rng.randint(30, 200), "cold list")] if rng.random() < 0.3 else []
    add("D", rng.choice(JUNIOR), rng.choice(OFF_IND), rng.choice(OFF_REG), rng.choice([rng.randint(1, 40), rng.randint(6000, 90000)]),
        "", acts, "D")
rng.shuffle(rows)
for i, r in enumerate(rows):
    r["company"] = f"Company {i + 1}"
with open("prospector.csv", "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
    w.writeheader()
    w.writerows(rows)
