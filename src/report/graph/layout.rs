//! A layered (Sugiyama-style) layout of a directed acyclic graph.
//!
//! The classic four steps, each kept simple and deterministic:
//!
//! 1. **Layering** by longest path: a node sits one layer above the highest
//!    of its dependencies, so every edge points strictly down and sinks (the
//!    infrastructure) share the bottom layer. A layer with more than
//!    [`Spacing::max_row`] nodes is wrapped into several rows, so a flat
//!    graph with hundreds of business services grows downwards instead of
//!    becoming a ribbon a hundred thousand pixels wide.
//! 2. **Proper graph**: an edge spanning several rows gets one zero-width
//!    *dummy* per row it crosses. Long edges then take part in ordering like
//!    nodes and are routed through the gaps between boxes, not across them.
//! 3. **Ordering**: alternate downward and upward sweeps that sort each row
//!    by the barycenter (mean position) of its neighbours in the row just
//!    swept, keeping the order with the fewest crossings seen.
//! 4. **Placement**: rows are packed with fixed gaps, then each row is pulled
//!    towards its neighbours' positions while keeping its order and gaps (a
//!    weighted isotonic regression solved exactly by pool-adjacent-violators),
//!    which straightens long edges and centres nodes over what they use.
//!
//! Rows are numbered from the bottom (row 0 holds the dependencies); y grows
//! downwards as in SVG, so row 0 is drawn last.

/// A point in drawing units (SVG user units).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Point {
    pub x: f64,
    pub y: f64,
}

/// Sizes and gaps of a layout, in drawing units.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Spacing {
    /// Height of every node box.
    pub node_height: f64,
    /// Vertical gap between two rows.
    pub row_gap: f64,
    /// Horizontal gap between two node boxes of a row.
    pub node_gap: f64,
    /// Horizontal gap next to an edge passing through a row.
    pub dummy_gap: f64,
    /// The most nodes a row holds before its layer wraps into more rows.
    pub max_row: usize,
    /// Fraction of a node's width over which its edge ends are spread.
    pub port_span: f64,
    /// Barycenter sweeps (each one down and one up).
    pub sweeps: usize,
    /// Placement iterations (each one down and one up).
    pub placement_rounds: usize,
}

/// A finished layout: node centres, edge polylines and the bounding box.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    /// Centre of each node's box, by node index.
    pub centres: Vec<Point>,
    /// Row of each node (0 is the bottom row). The drawing only needs the
    /// centres; the tests check the layering on this.
    #[cfg_attr(not(test), allow(dead_code))]
    pub rows: Vec<usize>,
    /// The points each edge passes through, by edge index: from the
    /// dependent's bottom side to the dependency's top side, with two points
    /// (entry and exit) for every row crossed in between. Empty for an edge
    /// whose ends are not nodes of the layout.
    pub paths: Vec<Vec<Point>>,
    /// Width of the bounding box (its left edge is at x = 0).
    pub width: f64,
    /// Height of the bounding box (its top edge is at y = 0).
    pub height: f64,
    /// Edge crossings between adjacent rows of the chosen order (a measure
    /// of quality the tests check).
    #[cfg_attr(not(test), allow(dead_code))]
    pub crossings: usize,
}

/// Lay out a graph of `widths.len()` nodes.
///
/// # Arguments
/// - `widths`: the width of each node's box.
/// - `edges`: `(dependent, dependency)` pairs of node indices.
/// - `order`: the nodes with every node after everything it depends on
///   (as [`crate::model::DependencyGraph::dependencies_first`] gives them).
///   Nodes it misses are appended in index order and repeats are ignored;
///   an edge that does not point to an earlier node of this order (possible
///   only with a cycle) is left out of the layering and drawn straight.
///
/// # Returns
/// The layout; every edge of the acyclic part goes strictly down.
///
/// # Complexity
/// With V nodes, E edges, D dummies (the sum over edges of the rows each
/// one crosses), S = [`Spacing::sweeps`] and P = [`Spacing::placement_rounds`]:
/// layering is O(V + E); each sweep sorts every row and counts crossings
/// with a Fenwick tree, O((V + D + E) log(V + D)); each placement round is
/// O(V + D + E). Total O(S·(V + D + E)·log(V + D) + P·(V + D + E)) time and
/// O(V + D + E) memory. A wrapped layer is ordered twice (before and after
/// wrapping), which at most doubles the ordering cost.
pub(crate) fn layout(
    widths: &[f64],
    edges: &[(usize, usize)],
    order: &[usize],
    spacing: &Spacing,
) -> Layout {
    let n = widths.len();
    let widths: Vec<f64> = widths
        .iter()
        .map(|&w| if w.is_finite() && w > 0.0 { w } else { 0.0 })
        .collect();
    let topo = full_order(n, order);
    let layers = longest_path_layers(n, edges, &topo);
    let max_row = spacing.max_row.max(1);

    let layer_count = layers.iter().max().map_or(0, |&l| l + 1);
    let mut per_layer = vec![0usize; layer_count];
    for &l in &layers {
        per_layer[l] += 1;
    }

    let index_seed: Vec<f64> = (0..n).map(|i| i as f64).collect();
    let mut proper = Proper::build(&widths, edges, &layers, &index_seed);
    let mut crossings = proper.order(spacing.sweeps);
    let mut rows = layers.clone();

    if per_layer.iter().any(|&c| c > max_row) {
        // Wrap wide layers round-robin along the order just found, so each
        // row keeps the left-to-right flow of the whole layer and the rows of
        // one layer interleave rather than split it into left and right.
        let wraps: Vec<usize> = per_layer.iter().map(|&c| c.div_ceil(max_row)).collect();
        let mut base = Vec::with_capacity(layer_count);
        let mut next = 0;
        for &k in &wraps {
            base.push(next);
            next += k.max(1);
        }
        let mut seed = index_seed;
        for (layer, row) in proper.rows.iter().enumerate() {
            let k = wraps[layer].max(1);
            for (j, &node) in row.iter().filter(|&&item| item < n).enumerate() {
                rows[node] = base[layer] + j % k;
                seed[node] = j as f64;
            }
        }
        proper = Proper::build(&widths, edges, &rows, &seed);
        crossings = proper.order(spacing.sweeps);
    }

    let xs = proper.place(spacing);
    proper.finish(&xs, &rows, edges, spacing, crossings)
}

/// `order` completed into a permutation of `0..n`.
fn full_order(n: usize, order: &[usize]) -> Vec<usize> {
    let mut seen = vec![false; n];
    let mut topo = Vec::with_capacity(n);
    for v in order.iter().copied().chain(0..n) {
        if v < n && !seen[v] {
            seen[v] = true;
            topo.push(v);
        }
    }
    topo
}

/// Longest-path layering: sinks at 0, every other node one above its highest
/// dependency. Edges not pointing to an earlier node of `topo` are ignored.
fn longest_path_layers(n: usize, edges: &[(usize, usize)], topo: &[usize]) -> Vec<usize> {
    let mut rank = vec![0usize; n];
    for (k, &v) in topo.iter().enumerate() {
        rank[v] = k;
    }
    let mut dependencies = vec![Vec::new(); n];
    for &(u, v) in edges {
        if u < n && v < n && rank[v] < rank[u] {
            dependencies[u].push(v);
        }
    }
    let mut layer = vec![0usize; n];
    for &u in topo {
        layer[u] = dependencies[u]
            .iter()
            .map(|&v| layer[v] + 1)
            .max()
            .unwrap_or(0);
    }
    layer
}

/// The proper layered graph: real nodes (items `0..n`) and dummies (items
/// `n..`), with links only between adjacent rows.
struct Proper {
    n: usize,
    width: Vec<f64>,
    row_of: Vec<usize>,
    /// Neighbours one row up (dependents' side).
    up: Vec<Vec<usize>>,
    /// Neighbours one row down (dependencies' side).
    down: Vec<Vec<usize>>,
    /// Per input edge: the items from the dependent to the dependency, or
    /// `None` for an edge drawn straight (not pointing down, or dangling).
    chains: Vec<Option<Vec<usize>>>,
    /// Items of each row, left to right.
    rows: Vec<Vec<usize>>,
}

impl Proper {
    /// Insert dummies and sort each row by `seed` (real nodes) with dummies
    /// after them, in edge order.
    fn build(widths: &[f64], edges: &[(usize, usize)], row: &[usize], seed: &[f64]) -> Proper {
        let n = widths.len();
        let mut width = widths.to_vec();
        let mut row_of = row.to_vec();
        let mut chains = Vec::with_capacity(edges.len());
        for &(u, v) in edges {
            if u >= n || v >= n || row[u] <= row[v] {
                chains.push(None);
                continue;
            }
            let mut chain = Vec::with_capacity(row[u] - row[v] + 1);
            chain.push(u);
            for r in (row[v] + 1..row[u]).rev() {
                chain.push(width.len());
                width.push(0.0);
                row_of.push(r);
            }
            chain.push(v);
            chains.push(Some(chain));
        }
        let items = width.len();
        let mut up = vec![Vec::new(); items];
        let mut down = vec![Vec::new(); items];
        for chain in chains.iter().flatten() {
            for pair in chain.windows(2) {
                down[pair[0]].push(pair[1]);
                up[pair[1]].push(pair[0]);
            }
        }
        let row_count = row_of.iter().max().map_or(0, |&r| r + 1);
        let mut rows = vec![Vec::new(); row_count];
        for (item, &r) in row_of.iter().enumerate() {
            rows[r].push(item);
        }
        for r in &mut rows {
            r.sort_by(|&a, &b| {
                let key = |i: usize| if i < n { seed[i] } else { f64::INFINITY };
                key(a).total_cmp(&key(b)).then(a.cmp(&b))
            });
        }
        Proper {
            n,
            width,
            row_of,
            up,
            down,
            chains,
            rows,
        }
    }

    /// Position of each item within its row.
    fn positions(&self) -> Vec<usize> {
        let mut pos = vec![0; self.width.len()];
        for row in &self.rows {
            for (k, &i) in row.iter().enumerate() {
                pos[i] = k;
            }
        }
        pos
    }

    /// Barycenter sweeps; keeps the order with the fewest crossings and
    /// returns that number.
    fn order(&mut self, sweeps: usize) -> usize {
        let mut pos = self.positions();
        let mut best = self.crossings(&pos);
        let mut best_rows = self.rows.clone();
        let top = self.rows.len().saturating_sub(1);
        for _ in 0..sweeps {
            if best == 0 {
                break;
            }
            for down_pass in [true, false] {
                if down_pass {
                    for r in (0..top).rev() {
                        let adjacent = self.rows[r + 1].len();
                        reorder(&mut self.rows[r], &self.up, &mut pos, adjacent);
                    }
                } else {
                    for r in 1..=top {
                        let adjacent = self.rows[r - 1].len();
                        reorder(&mut self.rows[r], &self.down, &mut pos, adjacent);
                    }
                }
                let c = self.crossings(&pos);
                if c < best {
                    best = c;
                    best_rows.clone_from(&self.rows);
                }
            }
        }
        self.rows = best_rows;
        best
    }

    /// Crossings between every pair of adjacent rows: for the links between
    /// rows r + 1 and r sorted by upper position, the inversions of their
    /// lower positions, counted with a Fenwick tree.
    fn crossings(&self, pos: &[usize]) -> usize {
        let mut total = 0;
        let mut links = Vec::new();
        for r in 0..self.rows.len().saturating_sub(1) {
            links.clear();
            for &u in &self.rows[r + 1] {
                for &d in &self.down[u] {
                    links.push((pos[u], pos[d]));
                }
            }
            links.sort_unstable();
            let mut tree = vec![0usize; self.rows[r].len() + 1];
            for (seen, &(_, lower)) in links.iter().enumerate() {
                // Earlier links ending at or left of `lower` do not cross.
                let mut at_or_left = 0;
                let mut i = lower + 1;
                while i > 0 {
                    at_or_left += tree[i];
                    i &= i - 1;
                }
                total += seen - at_or_left;
                let mut i = lower + 1;
                while i < tree.len() {
                    tree[i] += 1;
                    i += i & i.wrapping_neg();
                }
            }
        }
        total
    }

    /// Gap required between the centres of two neighbours in a row.
    fn separation(&self, a: usize, b: usize, spacing: &Spacing) -> f64 {
        let gap = if a < self.n && b < self.n {
            spacing.node_gap
        } else {
            spacing.dummy_gap
        };
        (self.width[a] + self.width[b]) / 2.0 + gap
    }

    /// x of every item's centre; the leftmost box edge is at 0.
    fn place(&self, spacing: &Spacing) -> Vec<f64> {
        let mut x = vec![0.0; self.width.len()];
        for row in &self.rows {
            let mut at = 0.0;
            for (k, &i) in row.iter().enumerate() {
                if k > 0 {
                    at += self.separation(row[k - 1], i, spacing);
                }
                x[i] = at;
            }
            // Centre every row on x = 0 to start.
            let mid = at / 2.0;
            for &i in row {
                x[i] -= mid;
            }
        }
        let top = self.rows.len().saturating_sub(1);
        for _ in 0..spacing.placement_rounds {
            for r in (0..top).rev() {
                self.pull_row(r, true, &mut x, spacing);
            }
            for r in 1..=top {
                self.pull_row(r, false, &mut x, spacing);
            }
        }
        let left = self
            .rows
            .iter()
            .flatten()
            .map(|&i| x[i] - self.width[i] / 2.0)
            .fold(f64::INFINITY, f64::min);
        if left.is_finite() {
            for v in &mut x {
                *v -= left;
            }
        }
        x
    }

    /// Move row `r` towards its neighbours above (`from_above`) or below,
    /// keeping its order and gaps. Dummies look both ways and pull harder
    /// on each other, which keeps long edges straight.
    fn pull_row(&self, r: usize, from_above: bool, x: &mut [f64], spacing: &Spacing) {
        const DUMMY_LINK: f64 = 8.0;
        const ALONE: f64 = 0.05;
        let row = &self.rows[r];
        let mut targets = Vec::with_capacity(row.len());
        let mut weights = Vec::with_capacity(row.len());
        for &i in row {
            let (mut sum, mut weight) = (0.0, 0.0);
            let dummy = i >= self.n;
            let sides: [&[usize]; 2] = match (dummy, from_above) {
                (true, _) => [&self.up[i], &self.down[i]],
                (false, true) => [&self.up[i], &[]],
                (false, false) => [&self.down[i], &[]],
            };
            for &j in sides.iter().copied().flatten() {
                let w = if dummy && j >= self.n {
                    DUMMY_LINK
                } else {
                    1.0
                };
                sum += w * x[j];
                weight += w;
            }
            if weight > 0.0 {
                targets.push(sum / weight);
                weights.push(weight);
            } else {
                targets.push(x[i]);
                weights.push(ALONE);
            }
        }
        let gaps: Vec<f64> = row
            .windows(2)
            .map(|p| self.separation(p[0], p[1], spacing))
            .collect();
        for (&i, v) in row
            .iter()
            .zip(isotonic_with_gaps(&targets, &weights, &gaps))
        {
            x[i] = v;
        }
    }

    /// Turn item positions into node centres and edge paths.
    fn finish(
        &self,
        xs: &[f64],
        rows: &[usize],
        edges: &[(usize, usize)],
        spacing: &Spacing,
        crossings: usize,
    ) -> Layout {
        let h = spacing.node_height;
        let pitch = h + spacing.row_gap;
        let top = self.rows.len().saturating_sub(1);
        let y = |row: usize| (top - row.min(top)) as f64 * pitch + h / 2.0;

        // Spread the ends of a node's edges along its side, ordered by where
        // each edge goes next, so they leave side by side without crossing.
        let mut out_port = vec![0.0; edges.len()];
        let mut in_port = vec![0.0; edges.len()];
        let mut leaving = vec![Vec::new(); self.n];
        let mut arriving = vec![Vec::new(); self.n];
        for (e, chain) in self.chains.iter().enumerate() {
            if let Some(chain) = chain {
                if let (Some(&u), Some(&after), Some(&before), Some(&v)) = (
                    chain.first(),
                    chain.get(1),
                    chain.len().checked_sub(2).and_then(|k| chain.get(k)),
                    chain.last(),
                ) {
                    leaving[u].push((xs[after], e));
                    arriving[v].push((xs[before], e));
                }
            }
        }
        for (node, ends) in leaving.iter_mut().enumerate() {
            spread_ports(ends, self.width[node] * spacing.port_span, &mut out_port);
        }
        for (node, ends) in arriving.iter_mut().enumerate() {
            spread_ports(ends, self.width[node] * spacing.port_span, &mut in_port);
        }

        let centres: Vec<Point> = (0..self.n)
            .map(|i| Point {
                x: xs[i],
                y: y(self.row_of[i]),
            })
            .collect();
        let paths = edges
            .iter()
            .enumerate()
            .map(|(e, &(u, v))| match self.chains.get(e) {
                Some(Some(chain)) => {
                    let mut points = Vec::with_capacity(2 * chain.len());
                    points.push(Point {
                        x: xs[u] + out_port[e],
                        y: centres[u].y + h / 2.0,
                    });
                    for &d in &chain[1..chain.len() - 1] {
                        let yd = y(self.row_of[d]);
                        points.push(Point {
                            x: xs[d],
                            y: yd - h / 2.0,
                        });
                        points.push(Point {
                            x: xs[d],
                            y: yd + h / 2.0,
                        });
                    }
                    points.push(Point {
                        x: xs[v] + in_port[e],
                        y: centres[v].y - h / 2.0,
                    });
                    points
                }
                _ if u < self.n && v < self.n => vec![
                    Point {
                        x: centres[u].x,
                        y: centres[u].y + h / 2.0,
                    },
                    Point {
                        x: centres[v].x,
                        y: centres[v].y - h / 2.0,
                    },
                ],
                _ => Vec::new(),
            })
            .collect();
        let width = (0..self.width.len())
            .map(|i| xs[i] + self.width[i] / 2.0)
            .fold(0.0, f64::max);
        let height = if self.rows.is_empty() {
            0.0
        } else {
            top as f64 * pitch + h
        };
        Layout {
            centres,
            rows: rows.to_vec(),
            paths,
            width,
            height,
            crossings,
        }
    }
}

/// Offsets from a node's centre for the edge ends on one side, given as
/// (x where the edge goes next, edge index): evenly spread over `span`, in
/// the order of where they go.
fn spread_ports(ends: &mut [(f64, usize)], span: f64, port: &mut [f64]) {
    ends.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let count = ends.len() as f64;
    for (k, &(_, e)) in ends.iter().enumerate() {
        port[e] = ((k as f64 + 1.0) / (count + 1.0) - 0.5) * span;
    }
}

/// Reorder one row by the barycenter of each item's neighbours in the
/// adjacent row (`adjacent` items long). An item without neighbours there
/// keeps its relative place, scaled to the adjacent row's length.
fn reorder(row: &mut [usize], neighbours: &[Vec<usize>], pos: &mut [usize], adjacent: usize) {
    let scale = if row.len() > 1 {
        adjacent.saturating_sub(1) as f64 / (row.len() - 1) as f64
    } else {
        0.0
    };
    let mut keyed: Vec<(f64, usize, usize)> = row
        .iter()
        .map(|&i| {
            let ns = &neighbours[i];
            let key = if ns.is_empty() {
                pos[i] as f64 * scale
            } else {
                ns.iter().map(|&j| pos[j] as f64).sum::<f64>() / ns.len() as f64
            };
            (key, pos[i], i)
        })
        .collect();
    keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    for (k, &(_, _, i)) in keyed.iter().enumerate() {
        row[k] = i;
        pos[i] = k;
    }
}

/// The positions closest to `targets` (weighted least squares) such that
/// position k + 1 is at least `gaps[k]` right of position k.
///
/// Subtracting the cumulative gaps turns the constraints into plain
/// monotonicity, which pool-adjacent-violators solves exactly in one pass.
///
/// # Complexity
/// O(n) amortised.
fn isotonic_with_gaps(targets: &[f64], weights: &[f64], gaps: &[f64]) -> Vec<f64> {
    let mut offsets = Vec::with_capacity(targets.len());
    let mut at = 0.0;
    for k in 0..targets.len() {
        if k > 0 {
            at += gaps.get(k - 1).copied().unwrap_or(0.0);
        }
        offsets.push(at);
    }
    // Blocks of pooled items: (total weight, weighted sum, item count).
    let mut blocks: Vec<(f64, f64, usize)> = Vec::with_capacity(targets.len());
    for k in 0..targets.len() {
        let w = weights[k];
        blocks.push((w, w * (targets[k] - offsets[k]), 1));
        while blocks.len() >= 2 {
            let (w2, s2, c2) = blocks[blocks.len() - 1];
            let (w1, s1, c1) = blocks[blocks.len() - 2];
            if s1 / w1 <= s2 / w2 {
                break;
            }
            blocks.pop();
            let last = blocks.len() - 1;
            blocks[last] = (w1 + w2, s1 + s2, c1 + c2);
        }
    }
    let mut out = Vec::with_capacity(targets.len());
    for (w, s, c) in blocks {
        let level = s / w;
        for _ in 0..c {
            out.push(level + offsets[out.len()]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPACING: Spacing = Spacing {
        node_height: 20.0,
        row_gap: 30.0,
        node_gap: 10.0,
        dummy_gap: 4.0,
        max_row: 1000,
        port_span: 0.6,
        sweeps: 8,
        placement_rounds: 8,
    };

    /// Dependencies first, for graphs whose edges go from higher to lower
    /// indices.
    fn topo_of(n: usize) -> Vec<usize> {
        (0..n).collect()
    }

    /// A fixed pseudo-random DAG with edges from higher to lower indices.
    fn random_dag(n: usize, per_node: usize, seed: u64) -> Vec<(usize, usize)> {
        let mut s = seed;
        let mut next = |bound: usize| {
            s = s
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((s >> 33) % bound as u64) as usize
        };
        let mut edges = Vec::new();
        for u in 1..n {
            for _ in 0..next(per_node + 1) {
                let v = next(u);
                if !edges.contains(&(u, v)) {
                    edges.push((u, v));
                }
            }
        }
        edges
    }

    fn check_separation(layout: &Layout, widths: &[f64]) {
        let mut by_row: Vec<Vec<usize>> = Vec::new();
        for (i, &r) in layout.rows.iter().enumerate() {
            if by_row.len() <= r {
                by_row.resize(r + 1, Vec::new());
            }
            by_row[r].push(i);
        }
        for row in &mut by_row {
            row.sort_by(|&a, &b| layout.centres[a].x.total_cmp(&layout.centres[b].x));
            for p in row.windows(2) {
                // An edge may pass between them: then each side keeps the
                // smaller dummy gap.
                let gap = SPACING.node_gap.min(2.0 * SPACING.dummy_gap);
                let need = (widths[p[0]] + widths[p[1]]) / 2.0 + gap;
                let have = layout.centres[p[1]].x - layout.centres[p[0]].x;
                assert!(have >= need - 1e-6, "overlap: {have} < {need}");
            }
        }
    }

    #[test]
    fn dependencies_sit_strictly_below_their_dependents() {
        for seed in 1..6 {
            let n = 60;
            let edges = random_dag(n, 3, seed);
            let widths = vec![40.0; n];
            let layout = layout(&widths, &edges, &topo_of(n), &SPACING);
            for &(u, v) in &edges {
                assert!(layout.rows[u] > layout.rows[v]);
                assert!(layout.centres[u].y < layout.centres[v].y);
            }
            check_separation(&layout, &widths);
            for (path, &(u, v)) in layout.paths.iter().zip(&edges) {
                assert!(path.len() >= 2);
                // Paths only go down, from the dependent to the dependency.
                assert!(path.windows(2).all(|p| p[0].y <= p[1].y));
                assert!(
                    (path[0].y - (layout.centres[u].y + SPACING.node_height / 2.0)).abs() < 1e-9
                );
                let end = path[path.len() - 1];
                assert!((end.y - (layout.centres[v].y - SPACING.node_height / 2.0)).abs() < 1e-9);
            }
        }
    }

    #[test]
    fn longest_path_puts_sinks_at_the_bottom() {
        // 3 → 2 → 1 → 0 and 3 → 0: the long path decides.
        let edges = [(3, 2), (2, 1), (1, 0), (3, 0)];
        let layout = layout(&[10.0; 4], &edges, &[0, 1, 2, 3], &SPACING);
        assert_eq!(layout.rows, vec![0, 1, 2, 3]);
        // The long edge 3 → 0 passes through two rows: 2 + 2·2 points.
        assert_eq!(layout.paths[3].len(), 6);
    }

    #[test]
    fn barycenter_sweeps_remove_avoidable_crossings() {
        // Top row 4, 5, 6, 7 over bottom row 0..4, wired in reverse: the
        // initial order crosses every pair, the sweeps untangle it.
        let edges = [(4, 3), (5, 2), (6, 1), (7, 0)];
        let layout = layout(&[10.0; 8], &edges, &[0, 1, 2, 3, 4, 5, 6, 7], &SPACING);
        assert_eq!(layout.crossings, 0);
        for &(u, v) in &edges {
            // Straight down once untangled.
            assert!((layout.centres[u].x - layout.centres[v].x).abs() < 1e-6);
        }
    }

    #[test]
    fn crossing_count_matches_brute_force() {
        let n = 40;
        let edges = random_dag(n, 2, 7);
        let layers = longest_path_layers(n, &edges, &(0..n).collect::<Vec<_>>());
        let seed: Vec<f64> = (0..n).map(|i| i as f64).collect();
        let proper = Proper::build(&[10.0; 40], &edges, &layers, &seed);
        let pos = proper.positions();
        let mut brute = 0;
        for r in 0..proper.rows.len().saturating_sub(1) {
            let mut links = Vec::new();
            for &u in &proper.rows[r + 1] {
                for &d in &proper.down[u] {
                    links.push((pos[u], pos[d]));
                }
            }
            for (i, a) in links.iter().enumerate() {
                for b in &links[i + 1..] {
                    if (a.0 < b.0 && a.1 > b.1) || (a.0 > b.0 && a.1 < b.1) {
                        brute += 1;
                    }
                }
            }
        }
        assert_eq!(proper.crossings(&pos), brute);
    }

    #[test]
    fn wide_layers_wrap_into_rows() {
        // 100 leaves over one root: with 10 per row, 10 rows of leaves.
        let n = 101;
        let edges: Vec<(usize, usize)> = (1..n).map(|u| (u, 0)).collect();
        let mut spacing = SPACING;
        spacing.max_row = 10;
        let widths = vec![30.0; n];
        let layout = layout(&widths, &edges, &(0..n).collect::<Vec<_>>(), &spacing);
        let rows = layout.rows.iter().max().copied().unwrap_or(0) + 1;
        assert_eq!(rows, 11);
        for r in 1..rows {
            assert_eq!(layout.rows.iter().filter(|&&x| x == r).count(), 10);
        }
        for &(u, v) in &edges {
            assert!(layout.centres[u].y < layout.centres[v].y);
        }
        check_separation(&layout, &widths);
        assert!(layout.width < 10.0 * 50.0 + 100.0 * 5.0);
    }

    #[test]
    fn isotonic_regression_keeps_gaps_and_fits_targets() {
        // Unconstrained when the targets are far enough apart.
        assert_eq!(
            isotonic_with_gaps(&[0.0, 10.0], &[1.0, 1.0], &[5.0]),
            vec![0.0, 10.0]
        );
        // Pooled when they collide: centred on the mean, gap kept.
        assert_eq!(
            isotonic_with_gaps(&[5.0, 5.0], &[1.0, 1.0], &[4.0]),
            vec![3.0, 7.0]
        );
        // Weights pull the pooled block towards the heavier item.
        let out = isotonic_with_gaps(&[0.0, 0.0], &[3.0, 1.0], &[4.0]);
        assert!((out[1] - out[0] - 4.0).abs() < 1e-12);
        assert!((out[0] + 1.0).abs() < 1e-12);
    }

    #[test]
    fn cycles_and_bad_input_do_not_panic() {
        // A cycle (impossible after validation), a self loop, a dangling
        // edge, an order with repeats and misses.
        let edges = [(0, 1), (1, 0), (2, 2), (0, 9)];
        let layout = layout(&[10.0, f64::NAN, 10.0], &edges, &[1, 1, 7], &SPACING);
        assert_eq!(layout.centres.len(), 3);
        assert_eq!(layout.paths.len(), 4);
        assert!(layout.paths[3].is_empty());
        assert!(layout.width.is_finite() && layout.height.is_finite());
        let empty = super::layout(&[], &[], &[], &SPACING);
        assert_eq!((empty.width, empty.height), (0.0, 0.0));
    }

    #[test]
    fn layout_is_deterministic() {
        let edges = random_dag(200, 3, 11);
        let widths: Vec<f64> = (0..200).map(|i| 30.0 + (i % 7) as f64 * 10.0).collect();
        let order: Vec<usize> = (0..200).collect();
        let a = layout(&widths, &edges, &order, &SPACING);
        let b = layout(&widths, &edges, &order, &SPACING);
        assert_eq!(a.centres, b.centres);
        assert_eq!(a.paths, b.paths);
    }
}
