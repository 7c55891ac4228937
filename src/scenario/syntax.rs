//! RON syntax errors in plain words.
//!
//! ron's own messages speak of its data model (`Expected struct`, `Unexpected
//! missing field named`, Rust type names such as `u32`); a continuity planner
//! editing a scenario needs to know what to type instead. Every message here
//! says what is wrong at the position and, where there is one, the fix.

use super::suggest::nearest;

/// Deepest nesting of brackets accepted. A complete scenario nests about six
/// levels deep (`Scenario(services: [Service(backup: (restore: Pert(..)))])`);
/// the limit stops hostile or broken input long before the recursive-descent
/// parser could exhaust a 2 MiB thread stack.
pub const MAX_NESTING: usize = 64;

/// A plain-words message for a RON error.
pub fn message(code: &ron::Error) -> String {
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
            format!("expected {expected}, found {found} value(s)")
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
const NAMES: &[(&str, &[&str])] = &[
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

/// A name that is not an identifier (`3Business`): what names are, the
/// nearest valid one, and the lists.
fn bad_name(found: &str) -> String {
    let all = NAMES.iter().flat_map(|(_, names)| names.iter().copied());
    let near = nearest(found, all).map_or(String::new(), |n| format!("; did you mean `{n}`?"));
    let lists = NAMES
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_field_names_the_nearest() {
        let msg = message(&ron::Error::NoSuchStructField {
            expected: &["mtbf", "ttf", "repair"],
            found: "mtfb".into(),
            outer: Some("Failure".into()),
        });
        assert!(msg.contains("did you mean `mtbf`?"), "{msg}");
        assert!(msg.contains("`repair`"), "{msg}");
    }

    #[test]
    fn a_name_starting_with_a_digit_is_not_a_raw_identifier() {
        let msg = message(&ron::Error::SuggestRawIdentifier("3Business".into()));
        assert!(!msg.contains("r#"), "{msg}");
        assert!(msg.contains("did you mean `Business`?"), "{msg}");
        assert!(
            msg.contains("Infrastructure, Platform, Application, Business"),
            "{msg}"
        );
    }

    #[test]
    fn wrong_types_are_in_plain_words() {
        let msg = wrong_type("u32", "the floating point number `1.5`");
        assert_eq!(
            msg,
            "expected a whole number, found the floating point number `1.5`"
        );
        let msg = wrong_type("a string", "the unsigned integer `4`");
        assert!(msg.contains("\"4h\""), "{msg}");
    }
}
