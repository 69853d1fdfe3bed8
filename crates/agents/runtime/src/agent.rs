//! What an agent implements, and the registry the server fills.

use llm::OutputSchema;
use models::agents::automation::{BulkScope, WorkflowEvent};
use models::agents::run::RunSubject;
use models::agents::AgentKind;
use models::AppError;
use platform::db::Conn;
use platform::Error;
use serde_json::Value;
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What an agent's deterministic core made of a subject, ready for the model.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The subject's name, as the ledger lists it.
    pub subject_name: String,
    /// The facts the run saw (the ledger's inputs snapshot).
    pub inputs: Value,
    /// The prompt's variables. All of them are data: the runtime fences each one, so a
    /// record's text can never read as an instruction.
    pub variables: serde_json::Map<String, Value>,
    /// The core's result (scores, state, maths), which `apply` writes.
    pub core: Value,
    /// What the built-in provider answers: the agent's own text from its core.
    pub builtin_answer: String,
    /// The JSON the answer must be, when the agent wants structure rather than prose.
    pub output: Option<OutputSchema>,
}

/// A stored run, as `apply` gets it.
pub struct Applied<'a> {
    pub run: models::AgentRunId,
    pub tenant: models::TenantId,
    pub subject: RunSubject,
    /// The provider kind that answered (`builtin` for the agent's own text).
    pub provider: &'a str,
    pub prepared: &'a Prepared,
    pub output: &'a Value,
}

/// A bulk run's records: a scope's subjects in id order from a cursor, and how many.
pub trait BulkRecords: Send + Sync {
    fn next<'a>(
        &'a self,
        conn: &'a mut Conn,
        after: Option<uuid::Uuid>,
        limit: i64,
    ) -> BoxFuture<'a, Result<Vec<RunSubject>, Error>>;
    /// The progress bar's total, asked once when the bulk run starts.
    fn count<'a>(&'a self, conn: &'a mut Conn) -> BoxFuture<'a, Result<i64, Error>>;
}

pub trait Agent: Send + Sync + 'static {
    fn kind(&self) -> AgentKind;
    /// A fresh tenant's configuration (version 1).
    fn default_config(&self) -> Value;
    /// Checks a configuration, returning its normal form or a field error.
    fn validate(&self, config: &Value) -> Result<Value, AppError>;
    /// The variables a prompt may use, with sample values: templates are rendered against
    /// them on save, so an unknown variable is a field error then, not a failed run later.
    fn sample_variables(&self) -> serde_json::Map<String, Value>;
    /// Reads the subject and runs the deterministic core, in the tenant's transaction.
    fn prepare<'a>(
        &'a self,
        conn: &'a mut Conn,
        tenant: models::TenantId,
        config: &'a Value,
        subject: RunSubject,
    ) -> BoxFuture<'a, Result<Prepared, Error>>;
    /// The model's answer as the output to store, or why it is not acceptable (the model
    /// is asked once more with that reason).
    fn parse(&self, prepared: &Prepared, answer: &str) -> Result<Value, String>;
    /// Writes what the run decided about its subject, in the transaction that stores the run.
    fn apply<'a>(
        &'a self,
        conn: &'a mut Conn,
        run: Applied<'a>,
    ) -> BoxFuture<'a, Result<(), Error>>;
    /// What a bulk run can cover (none: the agent has no bulk runs). A scope whose subject
    /// is the whole pipeline (`SubjectKind::Tenant`) is one run.
    fn bulk_scopes(&self) -> Vec<BulkScope> {
        Vec::new()
    }
    /// The records of the scope named `scope`, or a field error for one it does not offer.
    fn bulk_records<'a>(
        &'a self,
        _conn: &'a mut Conn,
        _scope: &'a str,
    ) -> BoxFuture<'a, Result<Box<dyn BulkRecords>, Error>> {
        Box::pin(async {
            Err(AppError::validation("scope", "This agent has no bulk runs.").into())
        })
    }
    /// A few records to preview a prompt against (the most recently changed), with names.
    fn preview_subjects<'a>(
        &'a self,
        _conn: &'a mut Conn,
    ) -> BoxFuture<'a, Result<Vec<(RunSubject, String)>, Error>> {
        Box::pin(async { Ok(Vec::new()) })
    }
    /// The record events it can run on (the run is about that record).
    fn workflow_events(&self) -> &'static [WorkflowEvent] {
        &[]
    }
    /// After a new configuration version is saved (the Prospector rescores every lead).
    fn after_save<'a>(
        &'a self,
        _conn: &'a mut Conn,
        _ctx: &'a platform::RequestContext,
        _version: i32,
        _config: &'a Value,
    ) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(async { Ok(()) })
    }
}

/// A configuration (stored, or submitted) read into an agent's typed struct; what does not
/// read is a validation error on `config` saying why.
pub fn typed_config<T: serde::de::DeserializeOwned>(v: &Value) -> Result<T, AppError> {
    serde_json::from_value(v.clone()).map_err(|e| {
        AppError::validation("config", format!("The configuration does not read: {e}"))
    })
}

/// `Agent::validate` for a typed configuration: read it, run its own checks, and return its
/// normal form.
pub fn validated_config<T: serde::de::DeserializeOwned + serde::Serialize>(
    v: &Value,
    check: impl FnOnce(&T) -> Result<(), AppError>,
) -> Result<Value, AppError> {
    let cfg = typed_config::<T>(v)?;
    check(&cfg)?;
    serde_json::to_value(cfg)
        .map_err(|_| AppError::validation("config", "The configuration does not read."))
}

/// The longest narrative an agent keeps.
pub const MAX_NARRATIVE: usize = 4000;

/// A narrative answer (a brief, a summary) as the output `{"brief": …}`, or why it is not
/// acceptable: empty, or longer than `MAX_NARRATIVE` characters.
pub fn narrative(answer: &str, what: &str) -> Result<Value, String> {
    let text = answer.trim();
    if text.is_empty() {
        return Err(format!("the {what} is empty."));
    }
    if text.chars().count() > MAX_NARRATIVE {
        return Err(format!(
            "the {what} is longer than {MAX_NARRATIVE} characters."
        ));
    }
    Ok(serde_json::json!({ "brief": text }))
}

#[derive(Clone, Default)]
pub struct AgentRegistry {
    agents: BTreeMap<&'static str, Arc<dyn Agent>>,
}

impl AgentRegistry {
    pub fn new() -> AgentRegistry {
        AgentRegistry::default()
    }

    pub fn agent(mut self, agent: impl Agent) -> AgentRegistry {
        self.agents.insert(agent.kind().as_str(), Arc::new(agent));
        self
    }

    pub fn get(&self, kind: AgentKind) -> Result<Arc<dyn Agent>, Error> {
        self.agents
            .get(kind.as_str())
            .cloned()
            .ok_or_else(|| AppError::not_found("That agent").into())
    }

    pub fn all(&self) -> Vec<Arc<dyn Agent>> {
        self.agents.values().cloned().collect()
    }
}
