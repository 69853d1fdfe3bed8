//! The verdict from the criteria of the tenant's framework, with its reasons, and the
//! next questions to ask. Rules, not a model: the same states always give the same verdict.

use models::agents::qualifier::{Assessment, CriterionState, QualifierConfig, Verdict};

fn of_framework<'a>(cfg: &QualifierConfig, criteria: &'a [Assessment]) -> Vec<&'a Assessment> {
    cfg.framework
        .criteria()
        .iter()
        .filter_map(|c| criteria.iter().find(|a| a.criterion == *c))
        .collect()
}

fn quoted(a: &Assessment) -> String {
    match (&a.evidence, &a.override_) {
        (_, Some(o)) if !o.note.is_empty() => format!(" (override: “{}”)", o.note),
        (_, Some(_)) => " (override)".to_string(),
        (Some(e), None) => format!(": “{}”", e.quote),
        (None, None) => String::new(),
    }
}

fn names(list: &[&Assessment]) -> String {
    list.iter()
        .map(|a| a.criterion.label())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Disqualified when a deal breaker is negative; qualified when enough criteria are
/// confirmed; nurture otherwise. Each reason names the criteria and quotes the evidence.
pub fn judge(cfg: &QualifierConfig, criteria: &[Assessment]) -> (Verdict, Vec<String>) {
    let mine = of_framework(cfg, criteria);
    let with = |s: CriterionState| -> Vec<&Assessment> {
        mine.iter().copied().filter(|a| a.state == s).collect()
    };
    let (confirmed, negative) = (
        with(CriterionState::Confirmed),
        with(CriterionState::Negative),
    );
    let breakers: Vec<&Assessment> = negative
        .iter()
        .copied()
        .filter(|a| cfg.deal_breakers.contains(&a.criterion))
        .collect();
    if !breakers.is_empty() {
        let reasons = breakers
            .iter()
            .map(|a| format!("{} is negative{}", a.criterion.label(), quoted(a)))
            .collect();
        return (Verdict::Disqualified, reasons);
    }
    let mut reasons = Vec::new();
    let verdict = if confirmed.len() >= usize::from(cfg.qualify_at) {
        reasons.push(format!(
            "{} of {} criteria confirmed ({} needed): {}",
            confirmed.len(),
            mine.len(),
            cfg.qualify_at,
            names(&confirmed)
        ));
        Verdict::Qualified
    } else {
        reasons.push(format!(
            "{} of {} needed criteria confirmed{}",
            confirmed.len(),
            cfg.qualify_at,
            if confirmed.is_empty() {
                String::new()
            } else {
                format!(": {}", names(&confirmed))
            }
        ));
        let open: Vec<&Assessment> = mine
            .iter()
            .copied()
            .filter(|a| matches!(a.state, CriterionState::Unknown | CriterionState::Partial))
            .collect();
        if !open.is_empty() {
            reasons.push(format!("Still to confirm: {}", names(&open)));
        }
        Verdict::Nurture
    };
    for a in negative {
        reasons.push(format!("{} is negative{}", a.criterion.label(), quoted(a)));
    }
    (verdict, reasons)
}

/// Three questions for the criteria least known: unknown first, then partial, in the
/// framework's order.
pub fn questions(cfg: &QualifierConfig, criteria: &[Assessment]) -> Vec<String> {
    let mine = of_framework(cfg, criteria);
    [CriterionState::Unknown, CriterionState::Partial]
        .iter()
        .flat_map(|s| mine.iter().filter(move |a| a.state == *s))
        .take(3)
        .map(|a| a.criterion.question().to_string())
        .collect()
}
