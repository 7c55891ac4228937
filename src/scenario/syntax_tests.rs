//! Tests of the syntax error messages (`super::syntax`).

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

fn at<'a>(text: &'a str, needle: &str) -> Place<'a> {
    place(text, text.find(needle).expect("the needle is in the text"))
}

#[test]
fn the_path_names_lists_ids_and_fields() {
    let text = r#"Scenario(name: "x", // a comment: (not a bracket
        services: [Service(id: "a"), Service(id: "db", backup: (interval: "4h", restore: "2h"))])"#;
    let p = at(text, r#""2h""#);
    assert_eq!(p.path, r#"services[1] "db".backup.restore"#);
    assert_eq!(p.field.as_deref(), Some("restore"));
    let p = at(text, "Service(id: \"a\"");
    assert_eq!(p.path, "services[0]");
    let text = "Scenario(risk_appetite: [(loss: 1, probability: 0.1), (2000000, 0.10)])";
    assert_eq!(at(text, "2000000").path, "risk_appetite[1]");
}

#[test]
fn the_excerpt_puts_a_caret_under_the_column() {
    let text = "a\n  tier: \"Business\",\n";
    assert_eq!(
        excerpt(text, 2, 9),
        "\n    2 |   tier: \"Business\",\n      |         ^"
    );
    let long = format!("{}X{}", "a".repeat(200), "b".repeat(200));
    assert_eq!(excerpt(&long, 2, 1), "", "no such line");
    let e = excerpt(&long, 1, 201);
    assert!(e.contains("…") && e.lines().count() == 3, "{e}");
    let caret = e.lines().nth(2).expect("a caret line");
    let line = e.lines().nth(1).expect("a source line");
    assert_eq!(
        line.chars().nth(caret.chars().count() - 1),
        Some('X'),
        "{e}"
    );
}

proptest::proptest! {
    /// Any text, any offset: a place and an excerpt, never a panic
    /// (the scanner sees files that are broken by definition).
    #[test]
    fn any_text_has_a_place(text in "[ -~\n\t\"()\\[\\]{}é/*:,]{0,80}", at in 0usize..100, line in 0usize..5, col in 0usize..90) {
        let p = place(&text, at);
        proptest::prop_assert_eq!(p.before.len() + p.rest.len(), text.len());
        let _ = excerpt(&text, line, col);
    }
}
