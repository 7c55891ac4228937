//! Groups of fields and forms written without their names: `Site("dc-1")`,
//! `(0.5, time: ...)`, `LogNormal("1h", "8h")`; the fix names them.

use super::Place;

/// The lists whose items are groups of fields: the group's name as the
/// reference writes it, and its first field.
const FIELD_LISTS: [(&str, &str, &str); 10] = [
    ("sites", "Site", "id"),
    ("services", "Service", "id"),
    ("groups", "Group", "id"),
    ("insurance", "Policy", "id"),
    ("common_factors", "", "id"),
    ("teams", "", "id"),
    ("triggers", "", "threat"),
    ("degrades_on", "", "service"),
    ("attack_paths", "", "from"),
    ("impact", "", "after"),
];

/// The fields whose value is a group of fields: its name and first field.
const FIELD_GROUPS: [(&str, &str, &str); 5] = [
    ("failure", "", "mtbf"),
    ("backup", "", "interval"),
    ("failover", "", "site"),
    ("spread", "", "probability"),
    ("plan", "Plan", "crews"),
];

/// The group of fields being written at `place` (its name and first
/// field): a field's own (`failure: (...)`), or an item of a list
/// (`sites[0]`, `services[1] "db"`), not a field inside that item.
fn group_at(place: &Place<'_>) -> Option<(&'static str, &'static str)> {
    let last = place.path.rsplit('.').next()?;
    if let Some((_, name, first)) = FIELD_GROUPS.iter().find(|(f, _, _)| *f == last) {
        return Some((name, first));
    }
    let (list, item) = place.path.rsplit_once('[')?;
    let after = item.split_once(']')?.1.trim();
    if !(after.is_empty() || after.starts_with('"') && after.ends_with('"')) {
        return None;
    }
    let list = list.rsplit('.').next()?;
    let (_, name, first) = FIELD_LISTS.iter().find(|(l, _, _)| *l == list)?;
    Some((name, first))
}

/// `("storm", threats: ...)`: a group of fields whose first value is
/// written without its name (`value` as written, quotes included).
pub(super) fn unnamed_first_field(place: &Place<'_>, value: &str) -> Option<String> {
    let (name, first) = group_at(place)?;
    Some(format!(
        "the fields of `{name}(...)` are written with their names, `name: value`: write \
         `{name}({first}: {value}, ...)`"
    ))
}

/// The forms whose parameters have names, in the reference's order.
const PARAMETERS: [(&str, &[&str]); 7] = [
    ("Exponential", &["mean"]),
    ("LogNormal", &["median", "p90"]),
    ("Triangular", &["min", "mode", "max"]),
    ("Pert", &["min", "mode", "max"]),
    ("Uniform", &["min", "max"]),
    ("Weibull", &["shape", "scale"]),
    ("Asynchronous", &["lag"]),
];

/// `LogNormal("1h", "8h")` or `Asynchronous("5m")`: a form's parameters
/// written without their names; the fix names them, with the values as
/// written.
pub(super) fn unnamed_parameters(place: &Place<'_>) -> Option<String> {
    let before = place.before.trim_end().strip_suffix('(')?;
    let form = before.rsplit(|c: char| !c.is_alphanumeric()).next()?;
    let inside = place.rest.split(')').next().unwrap_or_default();
    let values: Vec<Option<&str>> = inside
        .split(',')
        .map(str::trim)
        .map(|v| {
            (!v.is_empty() && v.len() <= 24 && !v.contains(|c| "\n:(".contains(c))).then_some(v)
        })
        .collect();
    name_the_parameters(form, &values)
}

/// The fix for form `form` (`LogNormal`) written with `values` but
/// without its parameters' names: the named form to write (a name without
/// a value, or with one not worth repeating, gets `...`), or `None` for a
/// form without named parameters.
/// The parser's hint and the validator's refusal of an unnamed
/// `rate_per_year` both say it so.
pub(crate) fn name_the_parameters(form: &str, values: &[Option<&str>]) -> Option<String> {
    let (form, names) = PARAMETERS.iter().find(|(f, _)| *f == form)?;
    let fields: Vec<String> = names
        .iter()
        .zip(values.iter().copied().chain(std::iter::repeat(None)))
        .map(|(n, v)| match (v, *form) {
            (Some(v), "Asynchronous") => format!("{n}: Fixed({v})"),
            (v, _) => format!("{n}: {}", v.unwrap_or("...")),
        })
        .collect();
    let or = match *form {
        "LogNormal" => ", or `LogNormal(low: ..., high: ...)` for a 90% interval",
        "Asynchronous" => {
            " for a lag of exactly that, or a distribution such as `Exponential(mean: ...)`"
        }
        _ => "",
    };
    Some(format!(
        "the parameters of `{form}(...)` are written with their names: write `{form}({})`{or}",
        fields.join(", ")
    ))
}

/// A group of fields written without its field names, `(2000000, 0.10)`.
pub(super) fn unnamed_fields(place: &Place<'_>, found: &str) -> String {
    let inside = place.rest.split(')').next().unwrap_or(found);
    let values: Vec<&str> = inside.split(',').map(str::trim).collect();
    let in_appetite = place
        .path
        .rsplit_once('[')
        .is_some_and(|(list, _)| list.ends_with("risk_appetite"));
    if in_appetite {
        let (loss, probability) = match values.as_slice() {
            [loss, probability] => (*loss, *probability),
            _ => (found, "0.01"),
        };
        return format!(
            "each point of the risk appetite names its two fields: write `(loss: {loss}, \
             probability: {probability})`"
        );
    }
    unnamed_first_field(place, found).unwrap_or_else(|| {
        "a number where a field name belongs: the fields of `(...)` are written with their \
         names, `name: value` (docs/scenario-language.md lists each group's fields)"
            .to_string()
    })
}
