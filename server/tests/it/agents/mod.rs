//! The agent runtime, its LLM providers and the agents.

mod analyst;
mod automation;
mod bench;
mod eval_model;
mod fake_llm;
mod local_model;
mod prospector;
mod providers;
mod qualifier;
mod roi;
pub(crate) mod runs;
