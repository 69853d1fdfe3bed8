#!/usr/bin/env python3
"""Writes deals.csv: the Pipeline Analyst's evaluation history. 400 synthetic deals created
over 2025 and 2026, each walked through Qualify → Proposal → Negotiation and closed won or
lost by fixed true rates (60 % of qualified deals reach a proposal, 55 % of those reach
negotiation, 70 % of those are won), with stays of 7 to 45 days, an expected close date that
is pushed for a fifth of them, and amounts of 5,000 to 100,000. Every outcome is known as of
1 January 2027, so each forecast method's error over the eight quarters is the truth, not an
estimate. The stages' own probabilities (20/50/80 %) are a CRM's defaults, not the true rates:
the statistical method has to learn those. Seeded: the file is the same on every run."""
import csv, datetime as dt, random

rng = random.Random(22)
start = dt.date(2025, 1, 1)
rows = []
for n in range(400):
    created = start + dt.timedelta(days=rng.randrange(0, 700))
    amount = rng.randrange(5, 101) * 1000
    close = created + dt.timedelta(days=rng.randrange(45, 120))
    path = [("qualify", created)]
    t = created
    for stage, rate in (("proposal", 0.60), ("negotiation", 0.55), ("won", 0.70)):
        t = t + dt.timedelta(days=rng.randrange(7, 46))
        if rng.random() < rate:
            path.append((stage, t))
        else:
            path.append(("lost", t))
            break
    if rng.random() < 0.2:
        close = close + dt.timedelta(days=rng.randrange(20, 60))
    # A deal not closed by the end of 2026 stays open.
    path = [(s, d) for s, d in path if d < dt.date(2027, 1, 1)]
    rows.append((f"deal-{n + 1}", amount, close.isoformat(), ";".join(f"{s}@{d.isoformat()}" for s, d in path)))

with open("deals.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["name", "amount", "close_date", "path"])
    w.writerows(rows)
