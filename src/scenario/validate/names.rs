//! Every id of the scenario, indexed once, and references resolved
//! against them with a "did you mean" for the unknown ones.

use std::collections::HashMap;

use crate::error::Issue;
use crate::model::{GroupId, NodeRef, ServiceId, SiteId};

use super::{at, group_path, service_path, threat_path, Ctx};
use crate::scenario::{raw, suggest};

/// Every id of the scenario, indexed once. Problems with the ids (empty,
/// duplicate) are found here and reported when the validator reaches the
/// entity, so that issues stay in file order.
pub(super) struct Names<'a> {
    /// Issues with an entity's id, by the entity's path.
    id_issues: HashMap<String, Issue>,
    sites: HashMap<&'a str, SiteId>,
    site_list: Vec<&'a str>,
    /// Services and groups share one namespace: both can be depended on.
    nodes: HashMap<&'a str, NodeRef>,
    node_list: Vec<&'a str>,
    service_list: Vec<&'a str>,
}

impl<'a> Names<'a> {
    pub(super) fn index(raw: &'a raw::Scenario) -> Self {
        let mut names = Names {
            id_issues: HashMap::new(),
            sites: HashMap::new(),
            site_list: Vec::new(),
            nodes: HashMap::new(),
            node_list: Vec::new(),
            service_list: Vec::new(),
        };
        for (i, site) in raw.sites.iter().enumerate() {
            let path = format!("sites[{i}] {:?}", site.id);
            if names.check_id(&path, &site.id) {
                match names.sites.get(site.id.as_str()).copied() {
                    Some(first) => names.id_issue(
                        &path,
                        format!(
                            "duplicate site id {:?}: sites[{}] already has it; give every site \
                             its own id",
                            site.id,
                            first.index()
                        ),
                    ),
                    None => {
                        names.sites.insert(&site.id, SiteId(i as u32));
                        names.site_list.push(&site.id);
                    }
                }
            }
        }
        let services = raw.services.iter().enumerate().map(|(i, s)| {
            (
                service_path(i, &s.id),
                s.id.as_str(),
                NodeRef::Service(ServiceId(i as u32)),
            )
        });
        let groups = raw.groups.iter().enumerate().map(|(k, g)| {
            (
                group_path(k, &g.id),
                g.id.as_str(),
                NodeRef::Group(GroupId(k as u32)),
            )
        });
        for (path, id, node) in services.chain(groups) {
            if !names.check_id(&path, id) {
                continue;
            }
            match names.nodes.get(id).copied() {
                Some(first) => {
                    let owner = match first {
                        NodeRef::Service(s) => service_path(s.index(), id),
                        NodeRef::Group(g) => group_path(g.index(), id),
                    };
                    names.id_issue(
                        &path,
                        format!(
                            "duplicate id {id:?}: {owner} already has it; services and groups \
                             share one namespace (both can be depended on), so give each its own id"
                        ),
                    );
                }
                None => {
                    names.nodes.insert(id, node);
                    names.node_list.push(id);
                    if matches!(node, NodeRef::Service(_)) {
                        names.service_list.push(id);
                    }
                }
            }
        }
        let mut threats: HashMap<&str, usize> = HashMap::new();
        for (i, t) in raw.threats.iter().enumerate() {
            let id = threat_id(t);
            let path = threat_path(i, id);
            if !names.check_id(&path, id) {
                continue;
            }
            if let Some(first) = threats.insert(id, i) {
                // Keep pointing at the first one for later duplicates.
                threats.insert(id, first);
                names.id_issue(
                    &path,
                    format!(
                        "duplicate threat id {id:?}: threats[{first}] already has it; give \
                         every threat its own id"
                    ),
                );
            }
        }
        names
    }

    /// The first site other than `not`, to suggest one.
    pub(super) fn other_site(&self, not: &str) -> Option<&str> {
        self.site_list.iter().copied().find(|&s| s != not)
    }

    fn id_issue(&mut self, entity: &str, message: String) {
        self.id_issues.insert(
            entity.to_string(),
            Issue {
                path: at(entity, "id"),
                message,
            },
        );
    }

    /// An id must say something; `false` after noting why not.
    fn check_id(&mut self, entity: &str, id: &str) -> bool {
        if id.trim().is_empty() {
            self.id_issue(
                entity,
                "the id is empty: give it a short name, such as \"core-db\"".to_string(),
            );
            false
        } else {
            if let Some((i, c)) = super::bad_char(id, false) {
                // Still indexed, so references to it do not add noise.
                self.id_issue(
                    entity,
                    format!(
                        "the id contains the control character {} at character {}: ids \
                         appear in terminals, reports, charts and file names, where it would \
                         garble or hide text; remove it (write plain text, such as \"core-db\")",
                        super::char_name(c),
                        i + 1
                    ),
                );
            }
            true
        }
    }

    /// Report the problem with an entity's id, if it has one.
    pub(super) fn report_id(&self, cx: &mut Ctx, entity: &str) {
        if let Some(issue) = self.id_issues.get(entity) {
            cx.issues.push(issue.clone());
        }
    }

    /// Report the problem with a node's id, then check its display name.
    pub(super) fn report_node(&self, cx: &mut Ctx, entity: &str, name: Option<&String>) {
        self.report_id(cx, entity);
        if let Some(name) = name {
            cx.plain_text(&super::at(entity, "name"), name, "the name", false);
        }
    }

    pub(super) fn site(&self, cx: &mut Ctx, path: &str, name: &str) -> Option<SiteId> {
        let found = self.sites.get(name).copied();
        if found.is_none() {
            cx.issue(
                path,
                suggest::unknown(
                    "site",
                    name,
                    &self.site_list,
                    &format!("declare it under sites: [Site(id: {name:?})]"),
                ),
            );
        }
        found
    }

    /// A service or a group (anything that can be depended on).
    pub(super) fn node(&self, cx: &mut Ctx, path: &str, name: &str) -> Option<NodeRef> {
        let found = self.nodes.get(name).copied();
        if found.is_none() {
            cx.issue(
                path,
                suggest::unknown(
                    "service or group",
                    name,
                    &self.node_list,
                    "the scenario declares no services",
                ),
            );
        }
        found
    }

    /// A service only; `why` says why a group does not fit here.
    pub(super) fn service(
        &self,
        cx: &mut Ctx,
        path: &str,
        name: &str,
        why: &str,
    ) -> Option<ServiceId> {
        match self.nodes.get(name) {
            Some(NodeRef::Service(s)) => Some(*s),
            Some(NodeRef::Group(_)) => {
                cx.issue(path, format!("{name:?} is a group, not a service: {why}"));
                None
            }
            None => {
                cx.issue(
                    path,
                    suggest::unknown(
                        "service",
                        name,
                        &self.service_list,
                        "the scenario declares no services",
                    ),
                );
                None
            }
        }
    }
}

pub(super) fn threat_id(t: &raw::Threat) -> &str {
    match t {
        raw::Threat::Outage { id, .. }
        | raw::Threat::Disaster { id, .. }
        | raw::Threat::Ransomware { id, .. }
        | raw::Threat::LossEvent { id, .. } => id,
    }
}
