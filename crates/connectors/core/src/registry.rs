//! The connectors and sync targets a server offers, filled at start-up by the composition
//! root (`server`): connectors from their crates, targets from the verticals.

use super::target::SyncTarget;
use connector_api::Connector;
use models::connectors::SyncObject;
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Clone, Default)]
pub struct ConnectorRegistry {
    connectors: HashMap<&'static str, Arc<dyn Connector>>,
    targets: HashMap<SyncObject, Arc<dyn SyncTarget>>,
}

impl ConnectorRegistry {
    pub fn new() -> ConnectorRegistry {
        ConnectorRegistry::default()
    }

    pub fn connector(mut self, connector: impl Connector) -> ConnectorRegistry {
        self.connectors
            .insert(connector.kind(), Arc::new(connector));
        self
    }

    pub fn target(mut self, target: impl SyncTarget) -> ConnectorRegistry {
        self.targets.insert(target.object(), Arc::new(target));
        self
    }

    pub fn get(&self, kind: &str) -> Option<Arc<dyn Connector>> {
        self.connectors.get(kind).cloned()
    }

    pub fn target_for(&self, object: SyncObject) -> Option<Arc<dyn SyncTarget>> {
        self.targets.get(&object).cloned()
    }

    /// Every connector, by display name.
    pub fn all(&self) -> Vec<Arc<dyn Connector>> {
        let mut all: Vec<_> = self.connectors.values().cloned().collect();
        all.sort_by_key(|c| c.display_name());
        all
    }
}
