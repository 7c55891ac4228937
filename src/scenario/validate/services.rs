//! Services and groups: each service's fields, its hard and soft
//! dependencies, its failure, backup and failover; each group; then the
//! dependency graph, checked for cycles.

use super::*;
use crate::model::ServiceKind;
use petgraph::visit::EdgeRef;

/// A dependency or membership as declared, with where it was declared.
pub(super) struct Link {
    from: NodeRef,
    to: NodeRef,
    edge: Edge,
    path: String,
}

pub(super) fn service(
    cx: &mut Ctx,
    names: &Names,
    links: &mut Vec<Link>,
    i: usize,
    s: &raw::Service,
) -> Option<Service> {
    let p = service_path(i, &s.id);
    let me = NodeRef::Service(ServiceId(i as u32));
    names.report_node(cx, &p, s.name.as_ref());

    let site = written(
        s.site
            .as_deref()
            .map(|name| names.site(cx, &at(&p, "site"), name)),
    );
    let depends_on = hard_dependencies(cx, names, links, &p, me, s);
    let degrades_on = soft_dependencies(cx, names, links, &p, me, s);
    let failure = written(
        s.failure
            .as_ref()
            .map(|f| failure(cx, &at(&p, "failure"), f)),
    );
    let restart = written(s.restart.as_ref().map(|d| cx.dist(&at(&p, "restart"), d)));
    let backup = written(
        s.backup
            .as_ref()
            .map(|b| backup(cx, names, &at(&p, "backup"), b, me)),
    );
    let failover = written(
        s.failover
            .as_ref()
            .map(|f| failover(cx, names, &at(&p, "failover"), f, s.site.as_deref(), me)),
    );
    let rto = cx.opt_hours(&at(&p, "rto"), s.rto.as_deref());
    let rpo = cx.opt_hours(&at(&p, "rpo"), s.rpo.as_deref());
    let mtpd = written(
        s.mtpd
            .as_deref()
            .map(|t| cx.positive_hours(&at(&p, "mtpd"), t, "the MTPD")),
    );
    let mbco = written(s.mbco.map(|x| cx.fraction(&at(&p, "mbco"), x, "the MBCO")));
    let revenue_per_hour = cx.money(&at(&p, "revenue_per_hour"), s.revenue_per_hour);
    let cost_per_outage = cx.money(&at(&p, "cost_per_outage"), s.cost_per_outage);
    let data_loss_cost_per_hour = cx.money(
        &at(&p, "data_loss_cost_per_hour"),
        s.data_loss_cost_per_hour,
    );
    let mtpd_penalty = cx.money(&at(&p, "mtpd_penalty"), s.mtpd_penalty);
    if s.mtpd.is_none() && s.mtpd_penalty.is_some_and(|x| x > 0.0) {
        cx.issue(
            at(&p, "mtpd_penalty"),
            "an MTPD penalty without an MTPD never applies: add mtpd: \"24h\" (the longest \
             tolerable outage), or remove the penalty",
        );
    }
    let revenue_profile = super::impact::revenue_profile(cx, &p, s);
    let impact = super::impact::impact(cx, &p, s);
    let spread_probability = written(
        s.spread_probability
            .map(|x| cx.probability(&at(&p, "spread_probability"), x)),
    );
    let kind = s.kind.unwrap_or_default();
    let kind_ok = kind != ServiceKind::Function || function_fields(cx, &p, s);
    let mut tags_ok = true;
    for (j, tag) in s.tags.iter().enumerate() {
        if tag.trim().is_empty() {
            cx.issue(
                format!("{p}.tags[{j}]"),
                "the tag is empty: remove it or name it, such as \"pci\"",
            );
            tags_ok = false;
        } else if !cx.plain_text(&format!("{p}.tags[{j}]"), tag, "the tag", false) {
            tags_ok = false;
        }
    }

    Some(Service {
        id: s.id.clone(),
        name: s.name.clone(),
        tier: s.tier.unwrap_or(Tier::Application),
        kind: kind_ok.then_some(kind)?,
        site: site?,
        depends_on: depends_on?,
        degrades_on: degrades_on?,
        failure: failure?,
        restart: restart?,
        backup: backup?,
        failover: failover?,
        rto: rto?,
        rpo: rpo?,
        mtpd: mtpd?,
        mbco: mbco?,
        revenue_per_hour: revenue_per_hour?,
        cost_per_outage: cost_per_outage?,
        data_loss_cost_per_hour: data_loss_cost_per_hour?,
        mtpd_penalty: mtpd_penalty?,
        revenue_profile: revenue_profile?,
        impact: impact?,
        segmented: s.segmented.unwrap_or(false),
        spread_probability: spread_probability?,
        tags: tags_ok.then(|| s.tags.clone())?,
    })
}

/// A `Function` has no state of its own: a `failure`, `backup` or
/// `failover` on one is an issue naming where it belongs. False when any.
fn function_fields(cx: &mut Ctx, p: &str, s: &raw::Service) -> bool {
    let fields = [
        (
            "failure",
            s.failure.is_some(),
            "it does not fail at random: put the failure on the system it runs on",
        ),
        (
            "backup",
            s.backup.is_some(),
            "it has no data to back up or restore: put the backup on the systems it depends on",
        ),
        (
            "failover",
            s.failover.is_some(),
            "it does not fail over: give the failover to the systems it depends on",
        ),
    ];
    let mut ok = true;
    for (field, written, why) in fields {
        if written {
            cx.issue(
                at(p, field),
                format!(
                    "{:?} is a Function (a business function or process, with no state of its \
                     own), so {why}; or remove kind: Function",
                    s.id
                ),
            );
            ok = false;
        }
    }
    ok
}

pub(super) fn hard_dependencies(
    cx: &mut Ctx,
    names: &Names,
    links: &mut Vec<Link>,
    p: &str,
    me: NodeRef,
    s: &raw::Service,
) -> Option<Vec<NodeRef>> {
    let list = NodeList {
        field: "depends_on",
        kind: EdgeKind::Hard,
        itself: |name| format!("{name:?} depends on itself: remove this entry"),
    };
    list.resolve(cx, names, links, p, me, &s.depends_on)
}

/// A list of node names that links its owner to each of them
/// (`depends_on`, a group's `members`): each name must exist, differ from
/// the owner and appear once.
pub(super) struct NodeList<F: Fn(&str) -> String> {
    field: &'static str,
    kind: EdgeKind,
    /// The issue when the owner names itself.
    itself: F,
}

impl<F: Fn(&str) -> String> NodeList<F> {
    /// The nodes, in order, with one link each; `None` after reporting
    /// every bad entry.
    fn resolve(
        &self,
        cx: &mut Ctx,
        names: &Names,
        links: &mut Vec<Link>,
        p: &str,
        me: NodeRef,
        list: &[String],
    ) -> Option<Vec<NodeRef>> {
        let mut out = Vec::new();
        let mut ok = true;
        for (j, name) in list.iter().enumerate() {
            let path = format!("{p}.{}[{j}]", self.field);
            let Some(node) = names.node(cx, &path, name) else {
                ok = false;
                continue;
            };
            if node == me {
                cx.issue(path, (self.itself)(name));
                ok = false;
                continue;
            }
            if out.contains(&node) {
                cx.issue(
                    path,
                    format!("{name:?} is listed twice in {}: remove one", self.field),
                );
                ok = false;
                continue;
            }
            links.push(Link {
                from: me,
                to: node,
                edge: Edge {
                    kind: self.kind,
                    capacity: 0.0,
                },
                path,
            });
            out.push(node);
        }
        ok.then_some(out)
    }
}

pub(super) fn soft_dependencies(
    cx: &mut Ctx,
    names: &Names,
    links: &mut Vec<Link>,
    p: &str,
    me: NodeRef,
    s: &raw::Service,
) -> Option<Vec<SoftDependency>> {
    let mut out: Vec<SoftDependency> = Vec::new();
    let mut ok = true;
    for (j, dep) in s.degrades_on.iter().enumerate() {
        let base = format!("{p}.degrades_on[{j}]");
        let path = at(&base, "service");
        let capacity = cx.fraction(&at(&base, "capacity"), dep.capacity, "the capacity");
        let name = &dep.service;
        let target = names.node(cx, &path, name).filter(|&t| {
            if t == me {
                cx.issue(
                    &path,
                    format!("{name:?} degrades on itself: remove this entry"),
                );
            }
            t != me
        });
        let (Some(target), Some(capacity)) = (target, capacity) else {
            ok = false;
            continue;
        };
        if s.depends_on.iter().any(|d| d == name) {
            cx.issue(
                path,
                format!(
                    "{name:?} is also in depends_on: a service either depends on another (down \
                     with it) or degrades on it (loses capacity), not both; remove one"
                ),
            );
            ok = false;
            continue;
        }
        if out.iter().any(|d| d.target == target) {
            cx.issue(
                path,
                format!("{name:?} is listed twice in degrades_on: remove one"),
            );
            ok = false;
            continue;
        }
        links.push(Link {
            from: me,
            to: target,
            edge: Edge {
                kind: EdgeKind::Soft,
                capacity,
            },
            path,
        });
        out.push(SoftDependency { target, capacity });
    }
    ok.then_some(out)
}

pub(super) fn failure(cx: &mut Ctx, p: &str, f: &raw::Failure) -> Option<FailureModel> {
    let ttf = match (&f.mtbf, &f.ttf) {
        (Some(mtbf), None) => {
            let path = at(p, "mtbf");
            cx.positive_hours(&path, mtbf, "the MTBF")
                .and_then(|h| Dist::exponential(h.get()).ok())
        }
        (None, Some(ttf)) => cx.dist(&at(p, "ttf"), ttf),
        (None, None) => {
            cx.issue(
                p,
                "says how long repairs take but not how often failures happen: add mtbf: \
                 \"2000h\" (mean time between failures) or ttf: Weibull(shape: 1.5, \
                 scale: \"300d\")",
            );
            None
        }
        (Some(_), Some(_)) => {
            cx.issue(
                p,
                "gives both mtbf and ttf: keep one (mtbf for a constant failure rate, ttf for \
                 any other lifetime distribution)",
            );
            None
        }
    };
    // A mean time to failure below a year over the cap fails more often
    // than anything may happen (`ttf: Fixed("0h")` would never let time
    // move on).
    let min_ttf = crate::model::HOURS_PER_YEAR / MAX_RATE_PER_YEAR;
    if let Some(d) = ttf
        .as_ref()
        .filter(|d| d.mean().is_nan() || d.mean() < min_ttf)
    {
        let field = if f.mtbf.is_some() { "mtbf" } else { "ttf" };
        cx.issue(
            at(p, field),
            format!(
                "a mean time to failure of {:.3} seconds is a failure more than \
                 {MAX_RATE_PER_YEAR} times a year, more than a simulation can follow: write the \
                 time between failures, such as mtbf: \"2000h\" (at least {:.1} seconds)",
                d.mean() * 3600.0,
                min_ttf * 3600.0
            ),
        );
        return None;
    }
    let repair = cx.dist(&at(p, "repair"), &f.repair);
    Some(FailureModel {
        ttf: ttf?,
        repair: repair?,
    })
}

pub(super) fn backup(
    cx: &mut Ctx,
    names: &Names,
    p: &str,
    b: &raw::Backup,
    me: NodeRef,
) -> Option<BackupModel> {
    let interval = written(
        b.interval
            .as_deref()
            .map(|t| cx.positive_hours(&at(p, "interval"), t, "the backup interval")),
    );
    let restore = written(b.restore.as_ref().map(|d| cx.dist(&at(p, "restore"), d)));
    let rebuild = written(b.rebuild.as_ref().map(|d| cx.dist(&at(p, "rebuild"), d)));
    let retention = written(
        b.retention
            .as_deref()
            .map(|t| cx.positive_hours(&at(p, "retention"), t, "the retention")),
    );
    let mut ok = true;
    match (&b.interval, &b.restore, &b.rebuild) {
        (Some(every), None, _) => {
            cx.issue(
                p,
                format!(
                    "backups run every {every:?} but nothing says how long a restore takes: add \
                     restore: Pert(min: \"2h\", mode: \"4h\", max: \"16h\")"
                ),
            );
            ok = false;
        }
        (None, Some(_), _) => {
            cx.issue(
                p,
                "a restore without a backup interval: add interval: \"24h\" (how often backups \
                 run), which sets the data lost by a restore",
            );
            ok = false;
        }
        (None, None, None) => {
            cx.issue(
                p,
                "gives no way back: add interval and restore (restore from backup) or rebuild \
                 (rebuild from scratch), or remove the backup",
            );
            ok = false;
        }
        _ => {}
    }
    if let (Some(Some(keep)), Some(Some(every))) = (retention, interval) {
        if keep < every {
            cx.issue(
                at(p, "retention"),
                format!(
                    "backups are kept for {keep} but run only every {every}: some of the time no \
                     backup exists; keep them at least as long as the interval"
                ),
            );
            ok = false;
        }
    }
    if b.retention.is_some() && b.interval.is_none() {
        cx.issue(
            at(p, "retention"),
            "a retention without a backup interval: add interval, or remove the retention",
        );
        ok = false;
    }
    let site = written(b.site.as_deref().map(|name| {
        let path = at(p, "site");
        let site = names.site(cx, &path, name)?;
        if b.interval.is_none() {
            cx.issue(
                path,
                format!(
                    "backups kept at {name:?}, but there are none: add interval and restore \
                     (how often backups run, how long a restore takes), or remove the site"
                ),
            );
            return None;
        }
        Some(site)
    }));
    let requires = plan_nodes(cx, names, p, "requires", me, &b.requires);
    let model = BackupModel {
        interval: interval?,
        restore: restore?,
        rebuild: rebuild?,
        immutable: b.immutable.unwrap_or(false),
        retention: retention?,
        site: site?,
        requires: requires?,
    };
    ok.then_some(model)
}

pub(super) fn failover(
    cx: &mut Ctx,
    names: &Names,
    p: &str,
    f: &raw::Failover,
    home: Option<&str>,
    me: NodeRef,
) -> Option<FailoverModel> {
    let site_path = at(p, "site");
    let site = if home.is_none() {
        let fix = names.other_site(&f.site).map_or(
            "add site: (the id of the site where it runs)".to_string(),
            |s| format!("add site: {s:?} (where it runs)"),
        );
        cx.issue(
            &site_path,
            format!(
                "the service has no site, so it cannot fail over (a failover moves it from its \
                 own site to {:?}): {fix}, or remove the failover",
                f.site
            ),
        );
        None
    } else if home == Some(f.site.as_str()) {
        cx.issue(
            &site_path,
            format!(
                "fails over to its own site {:?}: a failover must go to another site",
                f.site
            ),
        );
        None
    } else {
        names.site(cx, &site_path, &f.site)
    };
    let switchover = cx.dist(&at(p, "switchover"), &f.switchover);
    let success = match f.success {
        None => Some(Probability::ONE),
        Some(x) => cx.probability(&at(p, "success"), x),
    };
    let depends_on = written(
        f.depends_on
            .as_ref()
            .map(|list| plan_nodes(cx, names, p, "depends_on", me, list)),
    );
    let requires = plan_nodes(cx, names, p, "requires", me, &f.requires);
    let invoke_after = written(
        f.invoke_after
            .as_deref()
            .map(|t| cx.positive_hours(&at(p, "invoke_after"), t, "invoke_after")),
    );
    let lag = match &f.replication {
        None | Some(raw::Replication::Synchronous) => Some(None),
        Some(raw::Replication::Asynchronous { lag }) => {
            cx.dist(&at(&at(p, "replication"), "lag"), lag).map(Some)
        }
    };
    Some(FailoverModel {
        site: site?,
        switchover: switchover?,
        success: success?,
        depends_on: depends_on?,
        invoke_after: invoke_after?,
        lag: lag?,
        requires: requires?,
    })
}

/// A list of nodes in a service's DR plan (a failover's `depends_on` and
/// `requires`, a backup's `requires`): each must exist, differ from the
/// service and appear once. They are not edges of the dependency graph
/// (they hold only after a failover, or for a restore);
/// [`dr_plan_cycles`] checks they do not lead back.
fn plan_nodes(
    cx: &mut Ctx,
    names: &Names,
    p: &str,
    field: &str,
    me: NodeRef,
    list: &[String],
) -> Option<Vec<NodeRef>> {
    let mut out = Vec::new();
    let mut ok = true;
    for (j, name) in list.iter().enumerate() {
        let path = format!("{p}.{field}[{j}]");
        let Some(node) = names.node(cx, &path, name) else {
            ok = false;
            continue;
        };
        if node == me {
            cx.issue(
                path,
                format!("{name:?} is the service itself: remove this entry"),
            );
            ok = false;
        } else if out.contains(&node) {
            cx.issue(
                path,
                format!("{name:?} is listed twice in {field}: remove one"),
            );
            ok = false;
        } else {
            out.push(node);
        }
    }
    ok.then_some(out)
}

pub(super) fn group(
    cx: &mut Ctx,
    names: &Names,
    links: &mut Vec<Link>,
    k: usize,
    g: &raw::Group,
) -> Option<Group> {
    let p = group_path(k, &g.id);
    let me = NodeRef::Group(GroupId(k as u32));
    names.report_node(cx, &p, g.name.as_ref());
    let list = NodeList {
        field: "members",
        kind: EdgeKind::Member,
        itself: |_| "a group cannot be its own member: remove this entry".to_string(),
    };
    let members = list.resolve(cx, names, links, &p, me, &g.members);
    let mut ok = members.is_some();
    let n = g.members.len();
    if n == 0 {
        cx.issue(
            at(&p, "members"),
            "the group has no members: list the services it is made of, such as \
             [\"api-1\", \"api-2\"]",
        );
        ok = false;
    } else if g.need == 0 {
        cx.issue(
            at(&p, "need"),
            format!(
                "need is 0: write how many of the {n} members must work for the group to \
                 work, from 1 to {n}"
            ),
        );
        ok = false;
    } else if g.need as usize > n {
        let (has, fix) = match n {
            1 => ("its only member".to_string(), "use need: 1".to_string()),
            _ => (
                format!("its {n} members"),
                format!("use a number from 1 to {n}"),
            ),
        };
        cx.issue(
            at(&p, "need"),
            format!(
                "need {} is more than {has}, so the group could never work: {fix}, or add members",
                g.need
            ),
        );
        ok = false;
    }
    let members = members.filter(|_| ok)?;
    Some(Group {
        id: g.id.clone(),
        name: g.name.clone(),
        members,
        need: g.need,
    })
}

/// A failover's `depends_on` must not lead back to the service (the
/// standby cannot need what needs it), and what a restore or a switchover
/// `requires` must not be down whenever the service is (it would wait for
/// ever).
pub(super) fn dr_plan_cycles(
    cx: &mut Ctx,
    raw: &raw::Scenario,
    services: &[Option<Service>],
    graph: &DependencyGraph,
) {
    let order = graph.dependencies_first().ok();
    for (i, svc) in services.iter().enumerate() {
        let Some(svc) = svc.as_ref() else { continue };
        let r = &raw.services[i];
        let me = NodeRef::Service(ServiceId(i as u32));
        let wait = "it is down whenever the service is, so the";
        let lists = [
            (
                "failover.depends_on",
                svc.failover.as_ref().and_then(|f| f.depends_on.as_ref()),
                r.failover.as_ref().and_then(|f| f.depends_on.as_ref()),
                "the standby cannot need what needs it".to_string(),
            ),
            (
                "failover.requires",
                svc.failover.as_ref().map(|f| &f.requires),
                r.failover.as_ref().map(|f| &f.requires),
                format!("{wait} switchover would wait for ever"),
            ),
            (
                "backup.requires",
                svc.backup.as_ref().map(|b| &b.requires),
                r.backup.as_ref().map(|b| &b.requires),
                format!("{wait} restore would wait for ever"),
            ),
        ];
        // What is down whenever this service is (a dependency cycle,
        // reported already, leaves it unknown), worked out for the nodes
        // named only, each from its own dependencies.
        let mut down = order.as_ref().map(|_| HashMap::new());
        for (field, nodes, names, why) in lists {
            let (Some(nodes), Some(names)) = (nodes, names) else {
                continue;
            };
            for (j, &d) in nodes.iter().enumerate() {
                let leads_back = if field == "failover.depends_on" {
                    let to = graph.index(me);
                    petgraph::algo::has_path_connecting(&graph.graph, graph.index(d), to, None)
                } else {
                    down.as_mut()
                        .is_some_and(|memo| down_with(graph, raw, me, d, memo))
                };
                if leads_back {
                    let p = service_path(i, &r.id);
                    cx.issue(
                        format!("{p}.{field}[{j}]"),
                        format!(
                            "{:?} depends on {:?} itself: {why}; remove this entry",
                            names.get(j).map_or("", String::as_str),
                            r.id
                        ),
                    );
                }
            }
        }
    }
}

/// Whether `target` is not functional while `me` alone is down: it is
/// `me`, a service with a hard dependency that is not, or a group left
/// with fewer than `need` working members (soft dependants keep working,
/// degraded). Walks `target`'s own dependencies only, without recursion
/// (chains may be thousands deep), remembering each node's answer in
/// `memo` (kept for one `me`): O(the nodes and edges below `target`).
fn down_with(
    graph: &DependencyGraph,
    raw: &raw::Scenario,
    me: NodeRef,
    target: NodeRef,
    memo: &mut HashMap<NodeRef, bool>,
) -> bool {
    let deps = |node: NodeRef| {
        graph
            .graph
            .edges(graph.index(node))
            .filter(move |e| matches!(node, NodeRef::Group(_)) || e.weight().kind == EdgeKind::Hard)
            .map(|e| graph.graph[e.target()])
    };
    let mut seen: HashSet<NodeRef> = HashSet::new();
    let mut stack = vec![(target, false)];
    while let Some((node, expanded)) = stack.pop() {
        if memo.contains_key(&node) {
            continue;
        }
        if node == me {
            memo.insert(node, true);
            continue;
        }
        if !expanded {
            if seen.insert(node) {
                stack.push((node, true));
                stack.extend(
                    deps(node)
                        .filter(|d| !memo.contains_key(d))
                        .map(|d| (d, false)),
                );
            }
            continue;
        }
        let is_down = match node {
            NodeRef::Service(_) => deps(node).any(|d| memo[&d]),
            NodeRef::Group(g) => {
                deps(node).filter(|d| !memo[d]).count() < raw.groups[g.index()].need as usize
            }
        };
        memo.insert(node, is_down);
    }
    memo[&target]
}

/// The graph of every resolved link; each cycle is an issue naming its nodes.
pub(super) fn dependency_graph(
    cx: &mut Ctx,
    raw: &raw::Scenario,
    links: &[Link],
) -> DependencyGraph {
    let mut graph = DependencyGraph::new(raw.services.len(), raw.groups.len());
    for link in links {
        graph.add_edge(link.from, link.to, link.edge);
    }
    let id = |node: NodeRef| match node {
        NodeRef::Service(s) => raw.services[s.index()].id.as_str(),
        NodeRef::Group(g) => raw.groups[g.index()].id.as_str(),
    };
    for cycle in cycles(&graph) {
        let (Some(&first), Some(&second)) = (cycle.first(), cycle.get(1).or(cycle.first())) else {
            continue;
        };
        let path = links
            .iter()
            .find(|l| l.from == first && l.to == second)
            .map_or_else(|| "services".to_string(), |l| l.path.clone());
        let ring = cycle
            .iter()
            .chain([&first])
            .map(|&n| id(n))
            .collect::<Vec<_>>()
            .join(" -> ");
        cx.issue(
            path,
            format!(
                "dependency cycle {ring}: a service cannot depend on itself, even through \
                 others; remove one of these dependencies"
            ),
        );
    }
    graph
}

/// One cycle per strongly connected component with more than one node,
/// each the shortest cycle through the component's first node, in a
/// deterministic order. Iterative throughout (Kosaraju, BFS), so a long
/// dependency chain cannot overflow the stack.
pub(super) fn cycles(graph: &DependencyGraph) -> Vec<Vec<NodeRef>> {
    let g = &graph.graph;
    let mut components: Vec<Vec<NodeIndex>> = kosaraju_scc(g)
        .into_iter()
        .filter(|c| c.len() > 1)
        .map(|mut c| {
            c.sort();
            c
        })
        .collect();
    components.sort();
    let mut out = Vec::new();
    for component in components {
        let start = component[0];
        let inside: HashSet<NodeIndex> = component.iter().copied().collect();
        let mut parent: HashMap<NodeIndex, NodeIndex> = HashMap::new();
        let mut queue = VecDeque::from([start]);
        let mut last = None;
        'search: while let Some(n) = queue.pop_front() {
            let mut next: Vec<NodeIndex> = g.neighbors(n).filter(|m| inside.contains(m)).collect();
            next.sort();
            for m in next {
                if m == start {
                    last = Some(n);
                    break 'search;
                }
                if let Entry::Vacant(slot) = parent.entry(m) {
                    slot.insert(n);
                    queue.push_back(m);
                }
            }
        }
        let mut ring = Vec::new();
        let mut at = last;
        while let Some(n) = at {
            ring.push(g[n]);
            at = if n == start {
                None
            } else {
                parent.get(&n).copied()
            };
        }
        ring.reverse();
        if !ring.is_empty() {
            out.push(ring);
        }
    }
    out
}
