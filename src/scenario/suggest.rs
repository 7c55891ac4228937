//! "Did you mean ...?": the nearest known name to a misspelt one.

/// Names longer than this are not compared (edit distance is quadratic).
const MAX_LEN: usize = 100;

/// How similar two names must be (normalised Damerau-Levenshtein, 0 to 1)
/// before one is suggested for the other.
const THRESHOLD: f64 = 0.5;

/// The candidate most similar to `name`, compared case-insensitively, when
/// it is similar enough to be a plausible typo; the first one on ties.
pub(crate) fn nearest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    if name.len() > MAX_LEN {
        return None;
    }
    let lower = name.to_lowercase();
    let mut best: Option<(f64, &str)> = None;
    for candidate in candidates {
        // An empty id (itself an error) is never the name meant.
        if candidate.is_empty() || candidate.len() > MAX_LEN || candidate == name {
            continue;
        }
        let other = candidate.to_lowercase();
        let mut score = strsim::normalized_damerau_levenshtein(&lower, &other);
        // "db" for "core-db": a fragment of the full id.
        let fragment = |a: &str, b: &str| b.len() >= 2 && a.contains(b);
        if fragment(&other, &lower) || fragment(&lower, &other) {
            score = score.max(THRESHOLD);
        }
        if score >= THRESHOLD && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// The message for a name that refers to nothing: the nearest known name,
/// or the known names when none is close, or `none_hint` when there are none.
///
/// `what` is the kind of thing named ("site", "service or group").
pub(crate) fn unknown(what: &str, name: &str, known: &[&str], none_hint: &str) -> String {
    if known.is_empty() {
        return format!("unknown {what} {name:?}: {none_hint}");
    }
    if let Some(near) = nearest(name, known.iter().copied()) {
        return format!("unknown {what} {name:?}; did you mean {near:?}?");
    }
    format!(
        "unknown {what} {name:?}; the known ones are {}",
        list(known)
    )
}

/// `"a", "b", "c"`: the first few of `known`, quoted, then how many more.
pub(crate) fn list(known: &[&str]) -> String {
    const SHOWN: usize = 8;
    let mut list = known
        .iter()
        .take(SHOWN)
        .map(|k| format!("{k:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    if known.len() > SHOWN {
        list.push_str(&format!(" and {} more", known.len() - SHOWN));
    }
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let known = ["network", "core-db", "payments"];
        assert_eq!(nearest("netwrk", known), Some("network"));
        assert_eq!(nearest("Core-DB", known), Some("core-db"));
        assert_eq!(nearest("db", known), Some("core-db"));
        assert_eq!(nearest("zzzzzz", known), None);
        assert_eq!(nearest("network", known), None);
        // An empty or one-letter id is in every name: never a suggestion.
        assert_eq!(nearest("flood", ["", "fire"]), None);
        assert_eq!(nearest("flood", ["d", "fire"]), None);
    }

    #[test]
    fn unknown_lists_the_known_names_when_none_is_close() {
        let msg = unknown("site", "mars", &["dc-east", "dc-west"], "add one");
        assert_eq!(
            msg,
            "unknown site \"mars\"; the known ones are \"dc-east\", \"dc-west\""
        );
        let msg = unknown("site", "mars", &[], "declare it under sites");
        assert_eq!(msg, "unknown site \"mars\": declare it under sites");
    }
}
