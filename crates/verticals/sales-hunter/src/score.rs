//! The placeholder lead score: a few transparent rules until the Prospector agent replaces
//! them. Every point comes with the reason it was given.

use models::sales::lead::ScoreReason;

/// What the rules look at.
pub struct ScoreInput<'a> {
    pub title: &'a str,
    pub email: &'a str,
    pub phone: &'a str,
    pub company: &'a str,
    pub employee_count: Option<i32>,
    pub source: &'a str,
    pub has_activity: bool,
}

fn reason(label: &str, points: i16) -> ScoreReason {
    ScoreReason {
        label: label.to_string(),
        points,
    }
}

/// The score (0..=100) and its explanation.
pub fn score(input: &ScoreInput) -> (i16, Vec<ScoreReason>) {
    let mut reasons = Vec::new();
    let title = input.title.to_lowercase();
    let words: Vec<&str> = title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let has = |w: &str| words.contains(&w);
    if [
        "ceo",
        "cto",
        "cfo",
        "coo",
        "cro",
        "founder",
        "owner",
        "president",
    ]
    .iter()
    .any(|w| has(w))
        || title.contains("chief")
    {
        reasons.push(reason("Executive title", 30));
    } else if has("vp") || title.contains("vice president") || has("head") || has("director") {
        reasons.push(reason("Senior title (VP, head, director)", 20));
    } else if has("manager") || has("lead") {
        reasons.push(reason("Manager title", 10));
    }
    match input.employee_count {
        Some(n) if n >= 1000 => reasons.push(reason("Company of 1,000+ people", 25)),
        Some(n) if n >= 200 => reasons.push(reason("Company of 200+ people", 20)),
        Some(n) if n >= 50 => reasons.push(reason("Company of 50+ people", 10)),
        _ => {}
    }
    if !input.email.is_empty() {
        if crate::fields::company_domain_of_email(input.email).is_some() {
            reasons.push(reason("Work e-mail address", 15));
        } else {
            reasons.push(reason("Personal e-mail address", 5));
        }
    }
    if !input.phone.is_empty() {
        reasons.push(reason("Phone number known", 5));
    }
    if input.company.is_empty() {
        reasons.push(reason("No company given", -10));
    }
    match input.source.to_lowercase().as_str() {
        "referral" | "partner" => reasons.push(reason("Referred by a partner or customer", 20)),
        "web" | "website" | "inbound" | "demo request" => {
            reasons.push(reason("Came in through the website", 10))
        }
        "event" | "webinar" => reasons.push(reason("Met at an event or webinar", 10)),
        _ => {}
    }
    if input.has_activity {
        reasons.push(reason("Engaged: activity logged", 10));
    }
    let total: i16 = reasons.iter().map(|r| r.points).sum();
    (total.clamp(0, 100), reasons)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explains_every_point() {
        let (s, why) = score(&ScoreInput {
            title: "VP Sales",
            email: "ada@acme.io",
            phone: "",
            company: "Acme",
            employee_count: Some(250),
            source: "Referral",
            has_activity: false,
        });
        assert_eq!(s, 20 + 20 + 15 + 20);
        assert_eq!(why.len(), 4);
        let (s, _) = score(&ScoreInput {
            title: "",
            email: "",
            phone: "",
            company: "",
            employee_count: None,
            source: "",
            has_activity: false,
        });
        assert_eq!(s, 0, "never below zero");
    }
}
