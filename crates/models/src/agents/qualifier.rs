//! The Qualifier: BANT and MEDDPICC as structured state per lead and deal — each criterion
//! with its state, confidence, the evidence (a quoted span of an activity) and where the
//! state came from (rules, a model, a rep's override) — a verdict with its reasons and the
//! next questions to ask.

use super::settings::CommonSettings;
use crate::error::AppError;
use crate::sales::str_enum;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

str_enum!(
    Framework {
        Bant => "bant", "BANT";
        Meddpicc => "meddpicc", "MEDDPICC";
    }
);

str_enum!(
    Criterion {
        Budget => "budget", "Budget";
        Authority => "authority", "Authority";
        Need => "need", "Need";
        Timeline => "timeline", "Timeline";
        Metrics => "metrics", "Metrics";
        EconomicBuyer => "economic_buyer", "Economic buyer";
        DecisionCriteria => "decision_criteria", "Decision criteria";
        DecisionProcess => "decision_process", "Decision process";
        PaperProcess => "paper_process", "Paper process";
        IdentifyPain => "identify_pain", "Identified pain";
        Champion => "champion", "Champion";
        Competition => "competition", "Competition";
    }
);

str_enum!(
    CriterionState {
        Unknown => "unknown", "Unknown";
        Partial => "partial", "Partial";
        Confirmed => "confirmed", "Confirmed";
        Negative => "negative", "Negative";
    }
);

str_enum!(
    Origin {
        Rules => "rules", "Rules";
        Model => "model", "Model";
        Override => "override", "Override";
    }
);

str_enum!(
    Verdict {
        Qualified => "qualified", "Qualified";
        Nurture => "nurture", "Nurture";
        Disqualified => "disqualified", "Disqualified";
    }
);

impl Framework {
    pub fn criteria(self) -> &'static [Criterion] {
        use Criterion::*;
        match self {
            Framework::Bant => &[Budget, Authority, Need, Timeline],
            Framework::Meddpicc => &[
                Metrics,
                EconomicBuyer,
                DecisionCriteria,
                DecisionProcess,
                PaperProcess,
                IdentifyPain,
                Champion,
                Competition,
            ],
        }
    }
}

impl Criterion {
    /// What to ask when the criterion is not known yet.
    pub fn question(self) -> &'static str {
        match self {
            Criterion::Budget => "Is there budget set aside for this, and roughly how much?",
            Criterion::Authority => "Who besides you signs off on a purchase like this?",
            Criterion::Need => {
                "What problem would this solve for you, and what does it cost you today?"
            }
            Criterion::Timeline => {
                "By when do you need a solution in place, and what drives that date?"
            }
            Criterion::Metrics => {
                "How will you measure success — which number should move, and by how much?"
            }
            Criterion::EconomicBuyer => {
                "Who owns the budget this comes from, and can we meet them?"
            }
            Criterion::DecisionCriteria => "What will you compare the options on?",
            Criterion::DecisionProcess => {
                "What are the steps from here to a decision, and who is involved in each?"
            }
            Criterion::PaperProcess => {
                "What do legal and procurement need to sign, and how long does that take?"
            }
            Criterion::IdentifyPain => "What happens if you do nothing this year?",
            Criterion::Champion => "Who inside would push for this when we are not in the room?",
            Criterion::Competition => {
                "Who else are you looking at, including building it yourselves?"
            }
        }
    }
}

/// A quoted span of an activity that shows a criterion's state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub activity_id: Uuid,
    pub quote: String,
    pub at: DateTime<Utc>,
}

/// A rep's ruling on one criterion, kept with who made it and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Override {
    pub state: CriterionState,
    pub note: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// One criterion as it stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    pub criterion: Criterion,
    pub state: CriterionState,
    /// 0–100.
    pub confidence: u8,
    pub evidence: Option<Evidence>,
    pub origin: Origin,
    /// What the rules or the model found, when a rep overrode it.
    pub extracted: Option<CriterionState>,
    pub override_: Option<Override>,
}

/// A subject's qualification under the tenant's framework.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Qualification {
    pub framework: Framework,
    pub criteria: Vec<Assessment>,
    pub verdict: Verdict,
    pub reasons: Vec<String>,
    pub questions: Vec<String>,
    /// When a model last extracted the criteria (its run), if ever.
    pub model_run: Option<(crate::AgentRunId, DateTime<Utc>)>,
    /// Notes and activities read.
    pub sources: usize,
    pub can_override: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QualifierConfig {
    pub common: CommonSettings,
    pub framework: Framework,
    /// Confirmed criteria (of the framework's) that make a subject qualified.
    pub qualify_at: u8,
    /// Criteria whose negative state disqualifies.
    pub deal_breakers: Vec<Criterion>,
}

impl QualifierConfig {
    pub fn validate(&self) -> Result<(), AppError> {
        let n = self.framework.criteria().len() as u8;
        if !(1..=n).contains(&self.qualify_at) {
            return Err(AppError::validation(
                "qualify_at",
                format!(
                    "Must be 1 to {n}: {} has {n} criteria.",
                    self.framework.label()
                ),
            ));
        }
        if let Some(c) = self
            .deal_breakers
            .iter()
            .find(|c| !self.framework.criteria().contains(c))
        {
            return Err(AppError::validation(
                "deal_breakers",
                format!(
                    "{} is not a {} criterion.",
                    c.label(),
                    self.framework.label()
                ),
            ));
        }
        Ok(())
    }
}

/// The Qualifier's settings as a plain form.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QualifierForm {
    #[serde(default)]
    pub enabled: Option<String>,
    pub provider: String,
    #[serde(default)]
    pub base_url: String,
    #[serde(default)]
    pub model: String,
    pub temperature: String,
    pub max_tokens: String,
    pub system_prompt: String,
    pub prompt: String,
    pub framework: String,
    pub qualify_at: String,
    #[serde(default)]
    pub deal_breakers: String,
    #[serde(default)]
    pub note: String,
}

impl QualifierForm {
    pub fn from_config(c: &QualifierConfig) -> QualifierForm {
        QualifierForm {
            enabled: c.common.enabled.then(|| "on".to_string()),
            provider: c.common.model.provider.clone(),
            base_url: c.common.model.base_url.clone(),
            model: c.common.model.model.clone(),
            temperature: c.common.model.temperature.to_string(),
            max_tokens: c.common.model.max_tokens.to_string(),
            system_prompt: c.common.system_prompt.clone(),
            prompt: c.common.prompt.clone(),
            framework: c.framework.as_str().to_string(),
            qualify_at: c.qualify_at.to_string(),
            deal_breakers: c
                .deal_breakers
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            note: String::new(),
        }
    }

    /// The typed configuration; errors name the form's inputs.
    pub fn to_config(&self) -> Result<QualifierConfig, AppError> {
        let number = |field: &str, s: &str| -> Result<u32, AppError> {
            s.trim()
                .parse()
                .map_err(|_| AppError::validation(field, "Must be a whole number."))
        };
        let temperature: f32 =
            self.temperature.trim().parse().map_err(|_| {
                AppError::validation("temperature", "Must be a number such as 0.2.")
            })?;
        let framework = Framework::parse(self.framework.trim())
            .ok_or_else(|| AppError::validation("framework", "Choose BANT or MEDDPICC."))?;
        let mut deal_breakers = Vec::new();
        for word in self
            .deal_breakers
            .split(',')
            .map(str::trim)
            .filter(|w| !w.is_empty())
        {
            let key = word.to_lowercase().replace([' ', '-'], "_");
            let c = Criterion::ALL
                .iter()
                .find(|c| c.as_str() == key || c.label().eq_ignore_ascii_case(word))
                .copied()
                .ok_or_else(|| {
                    AppError::validation("deal_breakers", format!("“{word}” is not a criterion."))
                })?;
            if !deal_breakers.contains(&c) {
                deal_breakers.push(c);
            }
        }
        Ok(QualifierConfig {
            common: CommonSettings {
                enabled: self.enabled.as_deref() == Some("on"),
                model: super::settings::ModelSettings {
                    provider: self.provider.trim().to_string(),
                    base_url: self.base_url.trim().to_string(),
                    model: self.model.trim().to_string(),
                    temperature,
                    max_tokens: number("max_tokens", &self.max_tokens)?,
                },
                system_prompt: self.system_prompt.clone(),
                prompt: self.prompt.clone(),
            },
            framework,
            qualify_at: u8::try_from(number("qualify_at", &self.qualify_at)?)
                .map_err(|_| AppError::validation("qualify_at", "That is too many."))?,
            deal_breakers,
        })
    }
}

/// The Qualifier's settings page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QualifierPage {
    pub version: i32,
    pub config: QualifierConfig,
    pub providers: Vec<super::settings::ProviderOption>,
    pub history: Vec<super::settings::ConfigVersion>,
    pub can_configure: bool,
    /// Records to preview the prompt against: (`lead:<id>`, its name).
    pub preview_subjects: Vec<(String, String)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> QualifierForm {
        QualifierForm {
            provider: "builtin".into(),
            temperature: "0.1".into(),
            max_tokens: "600".into(),
            framework: "bant".into(),
            qualify_at: "3".into(),
            deal_breakers: "Budget, need".into(),
            ..Default::default()
        }
    }

    #[test]
    fn form_reads_deal_breakers_by_key_or_label() {
        let c = form().to_config().expect("reads");
        assert_eq!(c.deal_breakers, vec![Criterion::Budget, Criterion::Need]);
        assert!(c.validate().is_ok());
        let mut f = form();
        f.deal_breakers = "budget, money".into();
        let e = f.to_config().expect_err("money");
        assert!(matches!(e, AppError::Validation { ref field, .. } if field == "deal_breakers"));
    }

    #[test]
    fn deal_breakers_belong_to_the_framework() {
        let mut f = form();
        f.deal_breakers = "champion".into();
        let e = f
            .to_config()
            .expect("reads")
            .validate()
            .expect_err("breaker");
        assert!(matches!(e, AppError::Validation { ref field, .. } if field == "deal_breakers"));
        f.framework = "meddpicc".into();
        f.qualify_at = "9".into();
        let e = f
            .to_config()
            .expect("reads")
            .validate()
            .expect_err("breaker");
        assert!(matches!(e, AppError::Validation { ref field, .. } if field == "qualify_at"));
    }
}
