//! What the reports call things: the scenario's description and the
//! display `name`s of its services, groups and sites, with the id where
//! there is no name (threats have ids only).

use std::collections::BTreeMap;

use crate::model::Model;

use super::doc::{t, Block};

/// The scenario's words for the reports.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Names {
    pub description: Option<String>,
    /// Display name by id (services, groups and sites that have one).
    names: BTreeMap<String, String>,
}

impl Names {
    pub(crate) fn from_model(model: &Model) -> Names {
        let mut names = BTreeMap::new();
        let mut add = |id: &str, name: &Option<String>| {
            if let Some(n) = name.as_ref().map(|n| n.trim()).filter(|n| !n.is_empty()) {
                names.entry(id.to_string()).or_insert_with(|| n.to_string());
            }
        };
        for s in &model.services {
            add(&s.id, &s.name);
        }
        for g in &model.groups {
            add(&g.id, &g.name);
        }
        for s in &model.sites {
            add(&s.id, &s.name);
        }
        Names {
            description: model
                .description
                .as_ref()
                .map(|d| d.trim().to_string())
                .filter(|d| !d.is_empty()),
            names,
        }
    }

    /// Both sides of a comparison: A's names first, B's where A has none.
    pub(crate) fn merged(a: &Names, b: &Names) -> Names {
        let mut names = b.names.clone();
        names.extend(a.names.clone());
        Names {
            description: a.description.clone(),
            names,
        }
    }

    /// The display name of `id`, or the id when it has none.
    pub(crate) fn of(&self, id: &str) -> String {
        self.names
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }

    /// Whether `id` has a display name.
    pub(crate) fn has(&self, id: &str) -> bool {
        self.names.contains_key(id)
    }

    /// The description as the report's opening paragraph, if there is one.
    pub(crate) fn description_block(&self) -> Option<Block> {
        self.description
            .as_ref()
            .map(|d| Block::Para(vec![t(d.clone())]))
    }
}
