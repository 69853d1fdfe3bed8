//! The built-in extraction: every BANT and MEDDPICC criterion read from notes and
//! activities by phrase rules, sentence by sentence, each finding with the sentence it
//! came from. No model, so it is the same on every machine and explains itself: the quote.
//!
//! Per sentence, a criterion's patterns are tried in order and the first that matches
//! decides (so "budget not yet approved" is read as pending before "budget … approved" is
//! read as confirmed). A confirmation that is hedged ("if the budget is approved") counts as
//! partial; a negated phrase ("nothing urgent") is passed over for the next pattern. Across
//! sentences the newest decisive finding (confirmed or negative) wins; a partial mention
//! only stands when nothing decisive was said.

use chrono::{DateTime, Utc};
use models::agents::qualifier::{Criterion, CriterionState};
use regex::Regex;
use std::sync::OnceLock;
use uuid::Uuid;

/// A note or activity to read.
#[derive(Debug, Clone)]
pub struct Source {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub text: String,
}

/// What the rules (or a model) found about one criterion.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub criterion: Criterion,
    pub state: CriterionState,
    pub confidence: u8,
    /// The source and the sentence quoted from it; none when unknown.
    pub evidence: Option<(Uuid, DateTime<Utc>, String)>,
}

use CriterionState::{Confirmed as C, Negative as N, Partial as P};

const NEED_NEGATIVE: &str = r"\b(no|don't|do not|doesn't|does not|didn't|did not)\s+(really\s+|real\s+|immediate\s+|current\s+|actual\s+)?(need|pain|problem|use case|interest)|\bnot (really )?(interested|a priority|a fit|relevant|looking|a problem|an issue)\b|\b(happy|satisfied|fine|content|pleased) with (their|our|the|its) (current|existing|own|present)|\bno longer (need|interested|looking)|\b(already|just) (bought|signed with|renewed|chose|went with|purchased)|\bworks (fine|well) for (us|them)|\bno (real )?pain\b|\bnothing (is )?broken\b|\bnot (looking|in the market) for\b";
const NEED_PARTIAL: &str = r"\b(exploring|researching|curious|browsing|early stages?|just looking|nice[- ]to[- ]have|evaluating options|looking around|considering|thinking about)\b";
const NEED_CONFIRMED: &str = r"\b(struggl\w*|pain( point)?s?|painful|frustrat\w*|problems? with|losing|lose|loses|wast\w+|manual(ly)?|spreadsheets?|broken|bottleneck\w*|churn\w*|errors?|too slow|can't scale|cannot scale|doesn't scale|unhappy|not happy|complain\w*|hates?|too much time|takes too long|time[- ]consuming|lost (\w+\s+){0,3}(deals?|customers?|clients?|revenue|money|business|hours)|missed|(want|wants|need|needs|looking for) (a |an )?(replacement|new \w+|better \w+)|need(s|ed)? to (replace|fix|solve|automate|consolidate|improve|reduce|cut|speed up|get rid of|modernize|modernise)|must (replace|fix|solve)|looking to (replace|fix|solve|automate|consolidate)|hurting|costing (them|us) \w+|missed (targets?|quota|deadlines?)|falling through the cracks|no visibility|lack of visibility|outgrown)\b";
const NEED_MENTION: &str = r"\b(interested|interest|wants? to (see|learn|know)|(asked for|requested|booked) a (\w+\s+)?demo)\b";

/// Each criterion's patterns, in the order they are tried.
fn table() -> Vec<(Criterion, CriterionState, u8, &'static str)> {
    use Criterion::*;
    vec![
        // Budget.
        // Names the money but says nothing of it.
        (
            Budget,
            CriterionState::Unknown,
            0,
            r"\bno budget (conversation|discussion|talk|info\w*|details)|\bbudget (was |has )?(not|n't|never) (been )?(discussed|mentioned|raised|asked)|\bdidn't (discuss|ask about|talk about) (the )?budget",
        ),
        (
            Budget,
            P,
            55,
            r"\b(pending|awaiting|waiting (on|for)|need(s)? to (find|get|secure|request)|looking for|requesting|applying for|asking for|submitted)\s+(\w+\s+){0,2}budget|\bbudget\s+(\w+\s+){0,3}(pending|tbd|unclear|unknown|under review|not (yet|been) (approved|confirmed|set|final\w*)|not final\w*|being (discussed|reviewed|finalised|finalized)|to be (confirmed|decided|approved))|\b(next|new) (year's |fiscal |fy )?budget (cycle|year|round)|\bbudget (cycle|planning|season|review)\b",
        ),
        (
            Budget,
            N,
            85,
            r"\b(no|zero|without( a)?|lack of|lacks?|don't have( a| any)?|do not have( a| any)?|doesn't have( a| any)?|does not have( a| any)?|haven't got( a| any)?|has no|have no|there's no|there is no)\s+(\w+\s+)?budget\b|\bbudget\s+(is\s+|was\s+|has been\s+|got\s+|just\s+|been\s+)*(frozen|cut|slashed|gone|exhausted|spent|pulled|withdrawn|not available|unavailable|zero|rejected|denied|reallocated)|\b(can't|cannot|can not|couldn't|could not) afford\b|\btoo expensive\b|\bout of (our|their) (price range|budget)\b|\b(hiring|spending|budget) freeze\b|\bno money\b|\bnot in (the|our|their) budget\b|\bbudget\s+(\w+\s+){0,2}(not|never) (been )?(approved|granted|signed off)",
        ),
        (
            Budget,
            C,
            85,
            r"\bbudget\s+(is\s+|was\s+|has been\s+|got\s+|been\s+|now\s+|already\s+|just\s+|finally\s+)*(approved|allocated|confirmed|signed off|secured|set aside|in place|earmarked|available|ring-?fenced|there)\b|\b(approved|allocated|secured|confirmed|earmarked|set aside|ring-?fenced)\s+(a\s+|the\s+|their\s+|our\s+)?(\w+\s+){0,2}budget|\b(have|has|got)\s+(a\s+|the\s+)?(\w+\s+)?budget\b|\bbudget of\s+(about\s+|around\s+|roughly\s+)?[$€£]?\d|[$€£]\s?\d[\d,.]*\s*(k|m|million|thousand)?\s+(\w+\s+)?(budget|allocated|approved|set aside)|\b\d+\s?(k|m)\s+budget\b|\bbudget(ed)? (for|at) [$€£]?\d|\b(is|are|was) funded\b|\b(funding|funds|money)\s+(is\s+|was\s+|has been\s+)?(approved|allocated|secured|set aside|earmarked|in place|available)|\b(have|has|got) (the )?(funding|funds)\b|\b\d[\d,.]*\s?(k|m|million|thousand)\s+(is\s+|are\s+)?(available|approved|allocated|set aside|earmarked)|\b(approved|signed off on|sanctioned|okayed) the (spend|purchase|investment|funding)|\bspend (is |was |has been )?approved",
        ),
        (Budget, P, 45, r"\b(fund|funds|funding)\b"),
        (Budget, P, 50, r"\bbudget\w*\b"),
        // Authority.
        (
            Authority,
            N,
            80,
            r"\b(not|isn't|is not|wasn't|was not|aren't|are not|i'm not|am not)\s+(the\s+|a\s+)?(final\s+|real\s+)?(decision[- ]?maker|buyer|one who (decides|signs)|person who (decides|signs))|\bno (authority|decision(-making)? power|say in|buying power|purchasing power|signing authority)\b|\b(can't|cannot|can not|doesn't|does not|don't|do not)\s+(make|sign|approve|decide)\b|\bhas no (say|authority)\b|\bgatekeeper\b|\binfluencer only\b|\bjust (an? )?(intern|researcher|gathering information for)",
        ),
        (
            Authority,
            P,
            60,
            r"\b(their|his|her|the) (boss|manager|vp|cfo|ceo|cro|coo|director|head of \w+|board|founder|owner)( of \w+)?\b.{0,30}\b(will decide|decides|has the final say|makes the (final )?call|approves|signs off|must approve|needs to approve|would have to sign)|\b(would|will) have to (sign|approve)|\b(has|have|needs?) to (sign off|approve)\b|\bwill (involve|loop in|bring in|include|consult)\b|\b(needs?|has|have|must|will|wants?|going) to\s+(run it by|run this by|check with|loop in|involve|get approval from|get sign[- ]?off from|consult|talk to|bring in|ask)\b|\b(approval|sign[- ]?off) (from|of) (his|her|their|the)\b|\bneeds? (approval|sign[- ]?off)\b|\b(influencer|recommends?|recommender)\b|\bpart of the (buying |decision |evaluation )?(committee|group)\b|\b(committee|board) (decides|approval|will decide)",
        ),
        (
            Authority,
            C,
            85,
            r"\b(is|she's|he's|they're|i'm|am|are|was|as)\s+(the\s+|a\s+)?(final\s+|ultimate\s+|key\s+|main\s+|sole\s+)?(decision[- ]?maker|economic buyer|budget holder|signatory|approver)|\b(signs? off|makes? the (final )?(call|decision)|has (the )?(final say|authority|sign[- ]?off|signing authority)|owns the budget|can sign|will sign|approves? (the )?(purchase|spend|budget|deal))|\b(ceo|cfo|coo|cto|cro|founder|owner|president|vp|vice president|head of \w+|director)\b.{0,40}\b(approved|confirmed|signs|will approve|decides|signed off|gave the go-?ahead)|\b(approved|signed off|confirmed) by (the |their )?(ceo|cfo|coo|cto|cro|founder|owner|president|vp|vice president|director)\b|\bdecision[- ]?maker\b",
        ),
        // Need.
        (Need, N, 80, NEED_NEGATIVE),
        (Need, P, 50, NEED_PARTIAL),
        (Need, C, 80, NEED_CONFIRMED),
        (Need, P, 45, NEED_MENTION),
        // Timeline.
        (
            Timeline,
            N,
            80,
            r"\bno (timeline|timeframe|time frame|deadline|urgency|date)\b|\b(on hold|paused|shelved|postponed|deprioriti[sz]ed|not this year|put on ice|frozen until)\b|\bnot (until|before) (20\d\d|next year)\b|\brevisit (in|next) (20\d\d|next year|a year|12 months)\b|\bnot (in|for) the foreseeable\b|\bnot (a priority|happening|planned|in scope)\b.{0,20}\b(this|next) (year|quarter)",
        ),
        (
            Timeline,
            C,
            80,
            r"\b(on|by|before|until)\s+(the\s+)?\d{1,2}(st|nd|rd|th)?\s+(of\s+)?(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\b|\b(by|before|until|in|for|end of|start of|early|mid|late|beginning of)\s+(the\s+)?(q[1-4]|january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|the end of (the )?(month|quarter|year)|month[- ]end|quarter[- ]end|year[- ]end|this quarter|next quarter|this month|next month)\b|\b(deadline|go[- ]?live|launch date|cut-?over|renewal date|contract (ends|expires|runs out)|expires)\b|\bwithin (\d+|two|three|four|six|a couple of|a few) (days|weeks)\b|\b(this|next) (week|month|quarter)\b|\b(asap|immediately|right away)\b|\b(start|kick ?off|begin|roll ?out|implement)\w* (on|in|by) \w+",
        ),
        (
            Timeline,
            P,
            50,
            r"\b(no rush|sometime|some time|eventually|at some point|later (this|next) year|next year|in the (future|long run)|h[12]|second half|first half|not urgent|down the road|within the year|in (a|a few|six|6|12|twelve|nine|9) months|timeline|timing|when to start)\b",
        ),
        // Metrics.
        (
            Metrics,
            N,
            70,
            r"\bno (clear )?(metrics|kpis|business case|roi|numbers)\b|\b(can't|cannot|couldn't) (quantify|measure)",
        ),
        (
            Metrics,
            C,
            80,
            r"\b(reduce|increase|cut|save|saving|improve|grow|lift|boost|lower|shorten|raise|double|halve)\w*\b.{0,50}(\d+\s?(%|percent|hours|days|k\b|m\b)|by half|in half|[$€£]\s?\d)|\d+\s?(%|percent)\s+(reduction|increase|improvement|faster|more|fewer|less)|\broi of\b|\bpayback (in|of|within)\b",
        ),
        (
            Metrics,
            P,
            50,
            r"\b(roi|kpis?|metrics?|measure\w*|business case|payback|efficiency|success criteria)\b",
        ),
        // Economic buyer.
        (
            EconomicBuyer,
            N,
            75,
            r"\b(no access to|can't (get|reach)( to)?|cannot (get|reach)( to)?|won't (meet|engage)|refuses? to (meet|engage)|blocked from|no contact with)\s+(the\s+)?(cfo|ceo|economic buyer|budget holder|exec\w*|leadership|owner|founder)",
        ),
        (
            EconomicBuyer,
            C,
            85,
            r"\b(economic buyer|budget (holder|owner)|owns the budget|signs the (check|cheque|contract|po))\b|\b(met|meeting|met with|spoke (to|with)|talked (to|with)|call with|demo (to|for)|presented to)\s+(the\s+|their\s+)?(cfo|ceo|coo|cro|vp of finance|vp finance|finance director|owner|founder)\b|\b(cfo|ceo|coo|cro|vp finance|finance director|founder|owner)\b.{0,30}\b(approved|signs|will sign|is the buyer|owns|controls the budget|holds the budget|joined)",
        ),
        (
            EconomicBuyer,
            P,
            50,
            r"\b(cfo|ceo|coo|cro|vp of finance|vp finance|finance director|founder|owner|board|leadership|exec\w* sponsor)\b",
        ),
        // Decision criteria.
        (
            DecisionCriteria,
            N,
            70,
            r"\bno (clear |defined )?(criteria|requirements)\b|\b(criteria|requirements) (are )?(unclear|unknown|undefined)",
        ),
        (
            DecisionCriteria,
            C,
            80,
            r"\b(shared|sent|listed|gave|agreed|defined|documented|wrote up|walked us through)\s+(us\s+)?(their|the|its|a|our)\s+(\w+\s+)?(criteria|requirements|must[- ]haves|scorecard|rfp|checklist|evaluation matrix)|\b(criteria|requirements|must[- ]haves?) (are|is|include|includes)\b|\b(evaluat\w+|decid\w+|judg\w+|scor\w+|choos\w+|compar\w+) (on|against|based on|by) (price|security|integration|ease|support|features?|sso|api|cost|speed|reporting|\w+ and \w+)",
        ),
        (
            DecisionCriteria,
            P,
            50,
            r"\b(criteria|requirements?|must[- ]haves?|checklist|scorecard|rfp|deal[- ]breakers?|key factors?)\b",
        ),
        // Decision process.
        (
            DecisionProcess,
            N,
            70,
            r"\b(no|unclear|unknown|don't know (the|their)|no defined) (decision |buying |approval |evaluation )?process\b",
        ),
        (
            DecisionProcess,
            C,
            80,
            r"\b(decision|buying|approval|evaluation|selection) process\b.{0,80}\b(then|after|followed|first|before|steps?|stages?)\b|\b(first|step one)\b.{0,60}\b(then|after that|next|finally)\b|\b(security review|pilot|poc|proof of concept|trial|committee|steering|board (meeting|review|approval))\b.{0,60}\b(then|before|after|followed by|leads to)\b|\b(process|steps) (is|are|will be|looks like)\b|\bdecision (on|by|at) (the )?\w+",
        ),
        (
            DecisionProcess,
            P,
            50,
            r"\b(security review|pilot|poc|proof of concept|trial|committee|steering|shortlist\w*|decision process|buying process|approval process|evaluation process|next steps?)\b",
        ),
        // Paper process.
        (
            PaperProcess,
            N,
            70,
            r"\b(legal|procurement|finance) (rejected|blocked|refused|declined)\b",
        ),
        (
            PaperProcess,
            C,
            80,
            r"\b(msa|dpa|nda|redlines?|legal review|contract review|procurement|purchase order|po|vendor (onboarding|registration|form)|security questionnaire|signature|docusign|order form|contract)\b.{0,40}\b(sent|signed|submitted|approved|reviewing|started|in review|redlin\w+|takes|weeks|days|under way|underway|returned|countersigned|in progress|with legal|begun|kicked off)|\b(sent|signed|submitted|returned|started|reviewing)\s+(the\s+|our\s+|their\s+)?(msa|dpa|nda|contract|order form|security questionnaire|purchase order|po|paperwork|redlines?)\b",
        ),
        (
            PaperProcess,
            P,
            50,
            r"\b(msa|dpa|redlines?|legal|procurement|purchase order|vendor onboarding|security questionnaire|paperwork|contract)\b",
        ),
        // Identified pain: the same phrases as need.
        (IdentifyPain, N, 75, NEED_NEGATIVE),
        (IdentifyPain, C, 80, NEED_CONFIRMED),
        // Champion.
        (
            Champion,
            N,
            80,
            r"\b(no (champion|sponsor|internal advocate)|champion (left|quit|departed|moved on)|left the company|lost (our|the|their) (champion|sponsor)|sceptic\w*|skeptic\w*|against us|prefers? (a |the )?competitor|blocker|blocking us)\b",
        ),
        (
            Champion,
            C,
            80,
            r"\b(champion\w*|internal (advocate|sponsor)|sponsor|advocate|pushing for us|pushing internally|selling (it |us )?internally|on our side|big fan|fan of (us|the product|ours)|loves? (us|the product|our \w+)|will push|vouch\w*|introduced us to|coach(ing)? us)\b",
        ),
        (
            Champion,
            P,
            50,
            r"\b(friendly|supportive|enthusiastic|excited|keen|positive|liked the demo|receptive|warm)\b",
        ),
        // Competition.
        (
            Competition,
            N,
            75,
            r"\b(no (other )?(competitors?|competition|alternatives?|other vendors?)|only (vendor|option|one) (they'?re|they are|we're|we are) (looking at|considering|talking to)|sole[- ]source|not (looking at|talking to|evaluating) (anyone|anybody|any other|other))\b",
        ),
        (
            Competition,
            C,
            80,
            r"\b(also (looking at|evaluating|talking to|considering|speaking with|trialling|trialing)|competitors?|competing|compared (us )?(with|to|against)|versus|vs\.?|incumbent|currently (use|using|on)|alternatives?|shortlist(ed)?|bake[- ]?off|build (it )?(themselves|ourselves|in[- ]house)|in[- ]house (tool|build|solution))\b|\b(salesforce|hubspot|pipedrive|zoho|apollo|outreach|salesloft|gong|clari|dynamics|freshsales|copper|attio|close\.com)\b",
        ),
        (
            Competition,
            P,
            50,
            r"\b(other (vendors?|options|tools|solutions|providers)|options)\b",
        ),
    ]
}

struct Rule {
    criterion: Criterion,
    state: CriterionState,
    confidence: u8,
    re: Regex,
}

fn rules() -> &'static [Rule] {
    static RULES: OnceLock<Vec<Rule>> = OnceLock::new();
    RULES.get_or_init(|| {
        table()
            .into_iter()
            .map(|(criterion, state, confidence, p)| Rule {
                criterion,
                state,
                confidence,
                // The patterns are constants: a broken one fails every test at once.
                re: Regex::new(p).expect("a qualifier pattern compiles"),
            })
            .collect()
    })
}

fn guard(p: &str) -> Regex {
    Regex::new(p).expect("a qualifier guard compiles")
}

/// Words just before a confirmation that turn it into a hope.
fn hedged(before: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        guard(r"\b(if|maybe|might|perhaps|possibly|hopefully|unless|whether|once|hope|hoping|expects?|expecting|should)\b")
    })
    .is_match(before)
}

/// A negation just before a match ("they don't have budget approved").
fn negated(before: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        guard(r"(\b(not|no|never|without|nobody|none|nothing)\b|n't)\s*(\w+\s*){0,2}$")
    })
    .is_match(before)
}

/// Lower case, straight apostrophes, one space between words: what the patterns read.
pub fn normalize(text: &str) -> String {
    text.to_lowercase()
        .replace(['\u{2019}', '\u{2018}', '`'], "'")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A text's sentences, as written (the quotes shown).
pub fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let end = match c {
            '\n' | ';' | '!' | '?' => true,
            // A full stop ends a sentence only before a space (not in "$1.5M" or "close.com").
            '.' => chars.get(i + 1).is_none_or(|n| n.is_whitespace()),
            _ => false,
        };
        if end {
            if c != '\n' {
                cur.push(c);
            }
            let s = cur.trim();
            if s.chars().any(char::is_alphanumeric) {
                out.push(s.to_string());
            }
            cur.clear();
        } else {
            cur.push(c);
        }
    }
    let s = cur.trim();
    if s.chars().any(char::is_alphanumeric) {
        out.push(s.to_string());
    }
    out
}

/// The first pattern of `criterion` that one sentence matches, after the guards.
fn read(criterion: Criterion, sentence: &str) -> Option<(CriterionState, u8)> {
    for rule in rules().iter().filter(|r| r.criterion == criterion) {
        let Some(m) = rule.re.find(sentence) else {
            continue;
        };
        let before = &sentence[..m.start()];
        match rule.state {
            // Words that name the criterion but say nothing of it.
            CriterionState::Unknown => return None,
            N => return Some((N, rule.confidence)),
            // "nothing urgent", "not a decision maker yet": not this rule; maybe a later one.
            _ if negated(before) => continue,
            C if hedged(before) => return Some((P, 45)),
            s => return Some((s, rule.confidence)),
        }
    }
    None
}

const MAX_QUOTE: usize = 300;

/// Every criterion as the sources show it: one finding per criterion, in `Criterion::ALL`
/// order.
pub fn extract(sources: &[Source]) -> Vec<Finding> {
    let mut sorted: Vec<&Source> = sources.iter().collect();
    sorted.sort_by_key(|s| s.at);
    let split: Vec<(&Source, Vec<(String, String)>)> = sorted
        .into_iter()
        .map(|s| {
            let parts = sentences(&s.text)
                .into_iter()
                .map(|q| (normalize(&q), q))
                .collect();
            (s, parts)
        })
        .collect();
    Criterion::ALL
        .iter()
        .map(|&criterion| {
            // (state, confidence, source, quote, sentences agreeing before it)
            type Kept<'a> = Option<(CriterionState, u8, &'a Source, &'a str, u8)>;
            let mut decisive: Kept = None;
            let mut partial: Kept = None;
            for (source, parts) in &split {
                for (norm, quote) in parts {
                    let Some((state, conf)) = read(criterion, norm) else {
                        continue;
                    };
                    let slot = if state == P {
                        &mut partial
                    } else {
                        &mut decisive
                    };
                    let agreeing = match slot {
                        Some((s, .., n)) if *s == state => n.saturating_add(1),
                        _ => 0,
                    };
                    *slot = Some((state, conf, source, quote.as_str(), agreeing));
                }
            }
            match decisive.or(partial) {
                Some((state, conf, source, quote, agreeing)) => Finding {
                    criterion,
                    state,
                    confidence: conf.saturating_add(agreeing.saturating_mul(5)).min(95),
                    evidence: Some((
                        source.id,
                        source.at,
                        quote.chars().take(MAX_QUOTE).collect(),
                    )),
                },
                None => Finding {
                    criterion,
                    state: CriterionState::Unknown,
                    confidence: 0,
                    evidence: None,
                },
            }
        })
        .collect()
}
