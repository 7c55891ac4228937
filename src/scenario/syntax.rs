//! RON syntax errors in plain words.
//!
//! ron's own messages speak of its data model (`Expected struct`, `Unexpected
//! missing field named`, Rust type names such as `u32`); a continuity planner
//! editing a scenario needs to know what to type instead. Every message here
//! says what is wrong at the position and, where there is one, the fix.

use super::duration::parse_hours;
use super::suggest::nearest;

#[path = "syntax_groups.rs"]
pub(super) mod groups;
use groups::{unnamed_fields, unnamed_first_field, unnamed_parameters};

/// Deepest nesting of brackets accepted. A complete scenario nests about six
/// levels deep (`Scenario(services: [Service(backup: (restore: Pert(..)))])`);
/// the limit stops hostile or broken input long before the recursive-descent
/// parser could exhaust a 2 MiB thread stack.
pub(crate) const MAX_NESTING: usize = 64;

/// A plain-words message for a RON error.
pub(super) fn message(code: &ron::Error) -> String {
    use ron::Error as E;
    match code {
        E::Eof => "the file ends before the scenario is complete: a `(`, `[` or `\"` is not \
                   closed, or a value is missing after the last `:`"
            .to_string(),
        E::ExpectedArray => "expected a list in square brackets, such as `[\"a\", \"b\"]`".into(),
        E::ExpectedArrayEnd => {
            "expected `]` closing the list, or a comma `,` between two items".into()
        }
        E::ExpectedComma => "expected a comma `,` between two fields or list items here, or a \
                             closing bracket"
            .into(),
        E::ExpectedStructLike | E::ExpectedNamedStructLike("") => {
            "expected `(` opening a group of fields here".into()
        }
        E::ExpectedNamedStructLike("Scenario") => {
            "expected `Scenario(` here: a scenario file holds one `Scenario(...)` (see \
             scenarios/ for examples)"
                .into()
        }
        E::ExpectedNamedStructLike(name) => format!("expected `{name}(` here"),
        E::ExpectedStructLikeEnd | E::ExpectedOptionEnd => {
            "expected `)` here: a parenthesis is not closed, or a comma `,` is missing between \
             two fields"
                .into()
        }
        E::ExpectedMap => "expected `{` opening a map".into(),
        E::ExpectedMapEnd => "expected `}` closing the map".into(),
        E::ExpectedMapColon => "expected a colon `:` between a field name and its value".into(),
        E::ExpectedString => "expected a string in double quotes: durations are written with \
                              a unit, such as \"4h\", and ids as \"core-db\""
            .into(),
        E::ExpectedStringEnd => "a string is not closed: add the closing `\"`".into(),
        E::ExpectedFloat | E::ExpectedInteger => {
            "expected a number without quotes, such as 0.5 or 20000".into()
        }
        E::ExpectedBoolean => "expected `true` or `false`".into(),
        E::ExpectedIdentifier => "expected a field name or a name such as `Fixed`: check for a \
                                  stray character or a doubled comma"
            .into(),
        E::ExpectedOption => "expected an optional value (a value, `Some(...)` or `None`)".into(),
        E::ExpectedUnit => "expected `()`".into(),
        E::ExpectedDifferentStructName { expected, found } => {
            format!("`{found}(` should be `{expected}(` here")
        }
        E::ExpectedStructName(name) => format!("expected `{name}(` here"),
        E::NoSuchStructField {
            expected,
            found,
            outer,
        } => unknown_name("field", found, outer.as_deref(), expected),
        E::NoSuchEnumVariant {
            expected,
            found,
            outer,
        } => {
            let what = match outer.as_deref() {
                Some("Distribution") => "distribution",
                Some("Tier") => "tier",
                Some("Target") => "target",
                Some("Threat") => "threat kind",
                _ => "name",
            };
            unknown_name(what, found, None, expected)
        }
        E::MissingStructField { field, outer } => match outer {
            Some(outer) => {
                format!("{outer}(...) is missing the field `{field}`: add `{field}: ...`")
            }
            None => format!("the field `{field}` is missing: add `{field}: ...`"),
        },
        E::DuplicateStructField { field, outer } => match outer {
            Some(outer) => {
                format!("the field `{field}` is written twice in {outer}(...): keep one")
            }
            None => format!("the field `{field}` is written twice: keep one"),
        },
        E::InvalidValueForType { expected, found } => wrong_type(expected, found),
        E::ExpectedDifferentLength { expected, found } => {
            format!(
                "expected {expected}, found {}",
                crate::fmt::plural(*found, "value")
            )
        }
        E::IntegerOutOfBounds => "whole number out of range here: counts such as `need` and \
                                  `crews` are whole numbers from 1 up"
            .into(),
        E::InvalidIntegerDigit { digit, .. } => {
            format!("{digit:?} is not a digit: write numbers such as 12 or 0.5")
        }
        E::FloatUnderscore | E::UnderscoreAtBeginning => {
            "misplaced underscore in a number: write 20000 or 20_000".into()
        }
        E::UnexpectedChar('\'') => {
            "unexpected `'`: strings are written in double quotes, such as \"4h\"".into()
        }
        E::UnexpectedChar(c @ (')' | ']' | '}')) => {
            format!(
                "unexpected `{c}`: it does not match the bracket it closes, or a value is \
                 missing before it"
            )
        }
        E::UnexpectedChar(c) => format!("unexpected character {c:?} here"),
        E::TrailingCharacters => "unexpected text after the end of the scenario: a file holds \
                                  exactly one `Scenario(...)`; check for an extra `)` or `]`"
            .into(),
        E::UnclosedBlockComment => "a `/*` comment is never closed: add `*/`".into(),
        E::UnclosedLineComment => "a line comment is not terminated: add a line break".into(),
        E::InvalidEscape(what) => {
            format!("invalid escape in a string ({what}): write a backslash as `\\\\`")
        }
        E::NoSuchExtension(name) => format!(
            "unknown RON extension `{name}` in `#![enable(...)]`: use implicit_some, \
             unwrap_newtypes or unwrap_variant_newtypes"
        ),
        E::ExpectedAttribute | E::ExpectedAttributeEnd => {
            "malformed attribute: write `#![enable(implicit_some)]` on its own line".into()
        }
        E::ExceededRecursionLimit => "brackets nested too deep: a scenario nests only a few \
                                      levels; check for unbalanced `(` or `[`"
            .into(),
        E::Utf8Error(_) => "the file is not valid UTF-8; save it as UTF-8".into(),
        // ron suggests its raw identifier syntax (`r#3Business`), which no
        // scenario field accepts.
        E::SuggestRawIdentifier(found) | E::InvalidIdentifier(found) => bad_name(found),
        // Messages of our own (serde `expecting`, custom errors) are written
        // for planners already.
        E::Message(text) => text.clone(),
        other => other.to_string(),
    }
}

/// The names a scenario writes without quotes: tiers, distributions,
/// targets and threat kinds.
const NAME_LISTS: &[(&str, &[&str])] = &[
    (
        "tiers",
        &["Infrastructure", "Platform", "Application", "Business"],
    ),
    (
        "distributions",
        &[
            "Fixed",
            "Exponential",
            "LogNormal",
            "Triangular",
            "Uniform",
            "Pert",
            "Weibull",
            "Empirical",
        ],
    ),
    ("targets", &["Site", "Service", "Tier", "Tag"]),
    (
        "threat kinds",
        &["Outage", "Disaster", "Ransomware", "LossEvent"],
    ),
];

/// The valid names of `field` (`tiers: Infrastructure, ...`), or of every
/// field that takes names.
fn valid_names(field: Option<&str>) -> String {
    let of = |what: &str| {
        NAME_LISTS
            .iter()
            .filter(|(w, _)| what.is_empty() || *w == what)
            .map(|(w, names)| format!("{w}: {}", names.join(", ")))
            .collect::<Vec<_>>()
            .join("; ")
    };
    match field {
        Some("tier") => of("tiers"),
        _ => of(""),
    }
}

/// A name that is not an identifier (`3Business`): what names are, the
/// nearest valid one, and the lists.
fn bad_name(found: &str) -> String {
    let all = NAME_LISTS
        .iter()
        .flat_map(|(_, names)| names.iter().copied());
    let near = nearest(found, all).map_or(String::new(), |n| format!("; did you mean `{n}`?"));
    let lists = NAME_LISTS
        .iter()
        .map(|(what, names)| format!("{what}: {}", names.join(", ")))
        .collect::<Vec<_>>()
        .join("; ");
    format!(
        "`{found}` is not a name: names written without quotes start with a letter{near} \
         ({lists}); ids and durations are strings in double quotes, such as \"core-db\""
    )
}

/// An unknown field or variant: the nearest known name, then the list.
fn unknown_name(what: &str, found: &str, outer: Option<&str>, expected: &[&str]) -> String {
    let place = outer.map_or(String::new(), |o| format!(" in {o}(...)"));
    let list = expected
        .iter()
        .map(|e| format!("`{e}`"))
        .collect::<Vec<_>>()
        .join(", ");
    match nearest(found, expected.iter().copied()) {
        Some(near) => {
            format!(
                "unknown {what} `{found}`{place}; did you mean `{near}`? expected one of {list}"
            )
        }
        None if expected.is_empty() => format!("unknown {what} `{found}`{place}"),
        None => format!("unknown {what} `{found}`{place}; expected one of {list}"),
    }
}

/// A value of the wrong type, with serde's Rust type names in plain words.
fn wrong_type(expected: &str, found: &str) -> String {
    let plain = match expected {
        "u32" | "u64" | "usize" => "a whole number",
        "f64" | "f32" => "a number",
        "a boolean" | "bool" => "`true` or `false`",
        "a sequence" => "a list in square brackets",
        other => other,
    };
    let numeric = found.contains("number") || found.contains("integer");
    let hint = if plain == "a string" && numeric {
        ": durations and ids are strings in double quotes, such as \"4h\""
    } else if (plain == "a number" || plain == "a whole number") && found.contains("string") {
        ": numbers are written without quotes, such as 0.5"
    } else {
        ""
    };
    format!("expected {plain}, found {found}{hint}")
}

/// The names the scenario language writes without quotes: tiers,
/// distributions, targets and threat kinds.
const NAMES: [&str; 20] = [
    "Infrastructure",
    "Platform",
    "Application",
    "Business",
    "Fixed",
    "Exponential",
    "LogNormal",
    "Triangular",
    "Pert",
    "Uniform",
    "Weibull",
    "Empirical",
    "Site",
    "Service",
    "Tier",
    "Tag",
    "Outage",
    "Disaster",
    "Ransomware",
    "LossEvent",
];

/// The fields whose value is a single duration (a string with a unit).
const DURATIONS: [&str; 8] = [
    "after",
    "rto",
    "rpo",
    "mtpd",
    "mtbf",
    "interval",
    "retention",
    "horizon",
];

/// The fields whose value is a distribution of numbers (money, a factor).
const NUMBER_DISTRIBUTIONS: [&str; 3] = ["cost", "response_cost", "multiplier"];

/// The fields whose value is a distribution of durations.
const DURATION_DISTRIBUTIONS: [&str; 13] = [
    "delay",
    "restart",
    "ttf",
    "repair",
    "restore",
    "rebuild",
    "switchover",
    "lag",
    "time",
    "duration",
    "dwell",
    "detection",
    "containment_outage",
];

/// `cost: 5000` or `duration: 2`: a bare number in a field that takes a
/// distribution, with the fix for that field; `None` for other fields.
fn bare_number_in_distribution(field: Option<&str>, number: &str) -> Option<String> {
    let f = field?;
    if NUMBER_DISTRIBUTIONS.contains(&f) {
        return Some(format!(
            "`{f}` takes a distribution, not a bare number: write {} for exactly {number}, \
             or a distribution such as `{f}: Pert(min: ..., mode: ..., max: ...)`",
            written(field, &format!("Fixed({number})"))
        ));
    }
    DURATION_DISTRIBUTIONS.contains(&f).then(|| {
        format!(
            "`{f}` takes a distribution of durations, not a bare number: write {} for \
             exactly {number} hours (or \"{number}m\", \"{number}d\"), or a distribution \
             such as `{f}: Exponential(mean: \"{number}h\")`",
            written(field, &format!("Fixed(\"{number}h\")"))
        )
    })
}

/// Where a syntax error is, in the scenario's own terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Place<'a> {
    /// The field path, as the validator writes it:
    /// `services[0] "core-db".backup.restore` (empty at the top level).
    pub path: String,
    /// The field whose value is being written, if any (`restore`).
    pub field: Option<String>,
    /// The text before the error.
    pub before: &'a str,
    /// The text from the error on.
    pub rest: &'a str,
}

/// One open bracket while scanning.
#[derive(Debug, Default)]
struct Frame {
    /// `[`: a list, whose items are counted; otherwise a group of fields.
    list: bool,
    /// The field being written in a group of fields.
    field: Option<String>,
    /// The item being written in a list.
    index: usize,
    /// The group's `id: "..."`, when it came before the error.
    id: Option<String>,
}

/// The field path and the text around byte `offset` of `text`.
///
/// A small scanner of RON's brackets, strings, comments and `name:`
/// pairs; it only needs to be right in files that are valid up to the
/// error, which is what a parser's first error guarantees.
///
/// # Complexity
/// O(offset).
pub(super) fn place(text: &str, offset: usize) -> Place<'_> {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let (before, rest) = text.split_at(offset);
    let mut frames: Vec<Frame> = Vec::new();
    // The last identifier, which becomes a field name if `:` follows it.
    let mut pending: Option<String> = None;
    let mut chars = before.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut depth = 1usize;
                let mut last = '\0';
                for c in chars.by_ref() {
                    match (last, c) {
                        ('/', '*') => (depth, last) = (depth + 1, '\0'),
                        ('*', '/') => (depth, last) = (depth - 1, '\0'),
                        _ => last = c,
                    }
                    if depth == 0 {
                        break;
                    }
                }
            }
            '"' => {
                let mut value = String::new();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        c => value.push(c),
                    }
                }
                if let Some(f) = frames.last_mut() {
                    if !f.list && f.field.as_deref() == Some("id") && f.id.is_none() {
                        f.id = Some(value);
                    }
                }
                pending = None;
            }
            '(' | '[' | '{' => {
                frames.push(Frame {
                    list: c == '[',
                    ..Frame::default()
                });
                pending = None;
            }
            ')' | ']' | '}' => {
                frames.pop();
                pending = None;
            }
            ',' => {
                if let Some(f) = frames.last_mut() {
                    if f.list {
                        f.index += 1;
                    } else {
                        f.field = None;
                    }
                }
                pending = None;
            }
            ':' => {
                if let (Some(f), Some(name)) = (frames.last_mut(), pending.take()) {
                    if !f.list {
                        f.field = Some(name);
                    }
                }
            }
            c if c.is_alphabetic() || c == '_' => {
                let mut name = c.to_string();
                while let Some(&c) = chars.peek() {
                    if !(c.is_alphanumeric() || c == '_') {
                        break;
                    }
                    name.push(c);
                    chars.next();
                }
                pending = Some(name);
            }
            c if c.is_whitespace() => {}
            _ => pending = None,
        }
    }
    // At a closing bracket the error is about the group it closes (a
    // missing field, a value of the wrong form), not its last field.
    if rest.starts_with([')', ']', '}']) {
        if let Some(f) = frames.last_mut() {
            f.field = None;
        }
    }
    let mut path = String::new();
    for (i, f) in frames.iter().enumerate() {
        if f.list {
            path.push_str(&format!("[{}]", f.index));
            if let Some(id) = frames.get(i + 1).and_then(|next| next.id.as_ref()) {
                path.push_str(&format!(" {id:?}"));
            }
        } else if let Some(field) = &f.field {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(field);
        }
    }
    // In a list the value is an item, not a field's.
    let field = frames
        .last()
        .filter(|f| !f.list)
        .and_then(|f| f.field.clone());
    Place {
        path,
        field,
        before,
        rest,
    }
}

/// The message for a RON error at `place`: a fix in the user's own text
/// for the commonest mistakes, else [`message`].
pub(super) fn message_at(code: &ron::Error, place: &Place<'_>) -> String {
    common_mistake(code, place).unwrap_or_else(|| message(code))
}

/// Whether ron's error has a place worth a field path: an error at the
/// end of the file or deep in runaway brackets is about the whole file.
pub(super) fn has_path(code: &ron::Error) -> bool {
    !matches!(
        code,
        ron::Error::Eof
            | ron::Error::TrailingCharacters
            | ron::Error::ExceededRecursionLimit
            | ron::Error::Utf8Error(_)
            | ron::Error::UnclosedBlockComment
    )
}

/// `field: value`, or the value alone in a list.
fn written(field: Option<&str>, value: &str) -> String {
    match field {
        Some(f) => format!("`{f}: {value}`"),
        None => format!("`{value}`"),
    }
}

/// The commonest mistakes, recognised from the error and the text at it.
fn common_mistake(code: &ron::Error, place: &Place<'_>) -> Option<String> {
    let field = place.field.as_deref();
    // `success: 85%`: a percentage where a probability belongs.
    if place.rest.starts_with('%') {
        let digits = place
            .before
            .trim_end()
            .rsplit(|c: char| !(c.is_ascii_digit() || c == '.'))
            .next()
            .filter(|d| !d.is_empty())?;
        let number: f64 = digits.parse().ok()?;
        let fraction = number / 100.0;
        let what = field.map_or("this value".to_string(), |f| format!("`{f}`"));
        return Some(format!(
            "{what} is a probability from 0 to 1, not a percentage: write {} for {digits}%",
            written(field, &fraction.to_string())
        ));
    }
    if let Some(fix) = whole_number(code, place) {
        return Some(fix);
    }
    match code {
        // A string where a name or a distribution belongs.
        ron::Error::ExpectedIdentifier => {
            let quoted = place.rest.strip_prefix('"')?;
            let value = &quoted[..quoted.find('"')?];
            let name = NAMES.iter().find(|n| n.eq_ignore_ascii_case(value.trim()));
            if let Some(name) = name {
                return Some(format!(
                    "{name} is a name, not a string: write {} without the quotes",
                    written(field, name)
                ));
            }
            if place.before.trim_end().ends_with('(') {
                let fix = unnamed_parameters(place)
                    .or_else(|| unnamed_first_field(place, &format!("\"{value}\"")));
                if fix.is_some() {
                    return fix;
                }
            }
            let what = field.map_or("this value".to_string(), |f| format!("`{f}`"));
            if parse_hours(value).is_ok() {
                return Some(format!(
                    "{what} takes a distribution, not a bare duration: write {} for exactly \
                     {value}, or a distribution such as `Exponential(mean: \"{value}\")`",
                    written(field, &format!("Fixed(\"{value}\")"))
                ));
            }
            if value.trim().parse::<f64>().is_ok() {
                if let Some(fix) = bare_number_in_distribution(field, value.trim()) {
                    return Some(fix);
                }
                return Some(format!(
                    "{what} takes a distribution, not a bare number: write {} for exactly \
                     {value}, or a distribution such as `Uniform(min: ..., max: ...)`",
                    written(field, &format!("Fixed({})", value.trim()))
                ));
            }
            if place.path.ends_with(']') || place.path.contains("targets[") {
                return Some(format!(
                    "a target names its kind: write `Site(\"{value}\")`, `Service(\"{value}\")` \
                     or `Tag(\"{value}\")`"
                ));
            }
            None
        }
        // `rto: 4` or `Fixed(2h)`: a duration without its quotes or unit.
        ron::Error::ExpectedString | ron::Error::InvalidValueForType { .. }
            if place.rest.starts_with(|c: char| c.is_ascii_digit()) =>
        {
            let token = leading_token(place.rest);
            if parse_hours(token).is_ok() {
                return Some(format!(
                    "a duration is a string in double quotes: write {}",
                    written(field, &format!("\"{token}\""))
                ));
            }
            let duration_field = field.is_some_and(|f| DURATIONS.contains(&f));
            (duration_field && token.parse::<f64>().is_ok()).then(|| {
                format!(
                    "a duration is a string with its unit: write {} (or \"{token}m\", \
                     \"{token}d\")",
                    written(field, &format!("\"{token}h\""))
                )
            })
        }
        // `revenue_per_hour: "100"`: a number in quotes.
        ron::Error::ExpectedFloat
        | ron::Error::ExpectedInteger
        | ron::Error::InvalidValueForType { .. } => {
            let quoted = place.rest.strip_prefix('"')?;
            let value = quoted[..quoted.find('"')?].trim();
            value.parse::<f64>().ok()?;
            Some(format!(
                "a number is written without quotes: write {}",
                written(field, value)
            ))
        }
        // ron's "try the raw identifier `r#2000000`": a name that is not one.
        ron::Error::SuggestRawIdentifier(found) => {
            if let Some(fix) = comma_in_number(place, found) {
                return Some(fix);
            }
            if found.starts_with(|c: char| c.is_ascii_digit())
                && found
                    .chars()
                    .all(|c| c.is_ascii_digit() || "._".contains(c))
            {
                // `cost: 5000`: a number where a distribution belongs.
                return Some(
                    unnamed_parameters(place)
                        .or_else(|| bare_number_in_distribution(field, found))
                        .unwrap_or_else(|| unnamed_fields(place, found)),
                );
            }
            // `restore: 2h`: a duration without quotes.
            if parse_hours(found).is_ok() {
                let fix = if field.is_some_and(|f| DURATIONS.contains(&f)) || field.is_none() {
                    format!("\"{found}\"")
                } else {
                    format!("Fixed(\"{found}\")")
                };
                return Some(format!(
                    "a duration is a string in double quotes: write {}",
                    written(field, &fix)
                ));
            }
            let letters = found.trim_start_matches(|c: char| c.is_ascii_digit() || c == '_');
            let near = NAMES
                .iter()
                .copied()
                .find(|n| n.eq_ignore_ascii_case(letters))
                .or_else(|| nearest(letters, NAMES))
                .map(|n| format!("; did you mean {}?", written(field, n)))
                .unwrap_or_default();
            Some(format!(
                "`{found}` is not a name: names start with a letter{near} ({})",
                valid_names(field)
            ))
        }
        _ => None,
    }
}

/// The fields whose value is a count, a whole number (`u32`).
const COUNTS: [&str; 2] = ["crews", "need"];

/// `crews: 1.5`, `need: 1e3` or `crews: NaN`: a count written as another
/// kind of number, which ron reports as a missing comma after the `1`, a
/// digit that is not one, or no number at all.
fn whole_number(code: &ron::Error, place: &Place<'_>) -> Option<String> {
    let field = place.field.as_deref().filter(|f| COUNTS.contains(f))?;
    let number_goes_on = place
        .rest
        .starts_with(|c: char| c == '.' || c.eq_ignore_ascii_case(&'e'));
    let applies = match code {
        ron::Error::ExpectedComma => number_goes_on,
        ron::Error::InvalidIntegerDigit { .. } => true,
        ron::Error::ExpectedInteger => !place.rest.starts_with('"'),
        _ => false,
    };
    if !applies {
        return None;
    }
    // The value as written: from after `field:` to the end of the token.
    let start = place.before.rfind(':').map_or(0, |i| i + 1);
    let end = place
        .rest
        .find(|c: char| c.is_whitespace() || ",)]}".contains(c))
        .unwrap_or(place.rest.len());
    let value = format!("{}{}", &place.before[start..], &place.rest[..end]);
    let value = value.trim();
    let example = value
        .parse::<f64>()
        .ok()
        .filter(|v| (1.0..=1e6).contains(v))
        .map_or(2, |v| v.round() as u64);
    Some(format!(
        "`{field}` is a whole number, not `{value}`: write {}",
        written(Some(field), &example.to_string())
    ))
}

/// The number or word at the start of `text`: `2h` of `2h),`.
fn leading_token(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '.' || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// `success: 0,85` or `revenue_per_hour: 1,500`: a comma inside a number
/// makes the digits after it look like the next field's name. `found` is
/// those digits.
fn comma_in_number(place: &Place<'_>, found: &str) -> Option<String> {
    if !found.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let before = place.before.trim_end().strip_suffix(',')?.trim_end();
    let whole_start = before
        .rfind(|c: char| !(c.is_ascii_digit() || c == '.'))
        .map_or(0, |i| i + 1);
    let whole = &before[whole_start..];
    if whole.is_empty() || whole.contains('.') {
        return None;
    }
    let field = before[..whole_start]
        .trim_end()
        .strip_suffix(':')?
        .trim_end();
    let name_start = field
        .rfind(|c: char| !(c.is_alphanumeric() || c == '_'))
        .map_or(0, |i| i + 1);
    let field = &field[name_start..];
    if field.is_empty() {
        return None;
    }
    let decimal = format!("{field}: {whole}.{found}");
    if found.len() == 3 && whole != "0" {
        Some(format!(
            "a number has no thousands separator and a dot before its decimals: write \
             `{field}: {whole}{found}` (or `{decimal}` for a decimal)"
        ))
    } else {
        Some(format!(
            "a number has a dot before its decimals, not a comma: write `{decimal}`"
        ))
    }
}

/// The line of `text` that holds byte `offset`, and under it a caret at
/// the column, each indented for an error message; a long line is cut to
/// the part around the column.
pub(super) fn excerpt(text: &str, line: usize, column: usize) -> String {
    // Lines up to LONG characters are shown whole; a longer one (a
    // generated file, runaway brackets) WIDTH characters either side.
    const LONG: usize = 140;
    const WIDTH: usize = 60;
    let Some(source) = text.lines().nth(line.saturating_sub(1)) else {
        return String::new();
    };
    let chars: Vec<char> = source.chars().collect();
    let col = column.saturating_sub(1).min(chars.len());
    let (start, end) = if chars.len() <= LONG {
        (0, chars.len())
    } else {
        (col.saturating_sub(WIDTH), (col + WIDTH).min(chars.len()))
    };
    let mut shown: String = chars[start..end].iter().collect();
    let mut pad: String = chars[start..col]
        .iter()
        .map(|&c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    if start > 0 {
        shown.insert(0, '…');
        pad.insert(0, ' ');
    }
    if end < chars.len() {
        shown.push('…');
    }
    let number = line.to_string();
    let gutter = " ".repeat(number.len());
    format!(
        "\n    {number} | {}\n    {gutter} | {pad}^",
        shown.trim_end()
    )
}

#[cfg(test)]
#[path = "syntax_tests.rs"]
mod tests;
