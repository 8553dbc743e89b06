//! Python `re` patterns compiled with Rust's `regex`, with Python's character classes.
//!
//! The marker vocabularies are written once, as Python patterns (`vocab.py`, `patterns.py`),
//! and handed to the native core when a stage loads. The two syntaxes agree on everything these
//! patterns use except: `\w`/`\W` (Python: `isalnum()` or `_`; Rust adds marks and connector
//! punctuation), `\s`/`\S` (Python adds U+001C..U+001F), a `[` or `&&`/`~~` inside a class
//! (literal in Python, nested classes and set operations in Rust), and escapes of characters
//! that are not metacharacters (`\"`, `\'`). `translate` rewrites those.
//!
//! Known differences left: `\b` stands between Rust's word characters (so next to a combining
//! mark it may differ), and under IGNORECASE Python also matches `İ` and `ı` with `i`.

use regex::{Regex, RegexBuilder};

const WORD: &str = r"\p{L}\p{N}_";
const SPACE: &str = r"\s\x1C-\x1F";

/// A Python pattern in Rust's syntax; `ignore_case`: compiled with `re.IGNORECASE`.
pub fn translate(pattern: &str, ignore_case: bool) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let chars: Vec<char> = pattern.chars().collect();
    // case-insensitivity of the enclosing groups, innermost last (`(?i:...)` turns it on)
    let mut scopes = vec![ignore_case];
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let folding = *scopes.last().unwrap_or(&ignore_case);
        match c {
            '\\' => {
                i += 1;
                out.push_str(&escape(chars.get(i).copied(), false));
            }
            '[' => {
                let (body, end) = class_body(&chars, i + 1);
                out.push('[');
                let (negation, positive) = match body.strip_prefix('^') {
                    Some(rest) => ("^", rest),
                    None => ("", body.as_str()),
                };
                out.push_str(negation);
                if folding && covers_i(positive) {
                    // Python matches İ (lowercase i) and ı (uppercase I) wherever it matches i
                    out.push_str("\u{130}\u{131}");
                }
                out.push_str(positive);
                out.push(']');
                i = end;
            }
            '(' => {
                out.push('(');
                if chars.get(i + 1) == Some(&'?') {
                    // a group's header (`(?:`, `(?P<name>`, `(?i:`) is copied as it is
                    let mut j = i + 1;
                    let mut header = String::new();
                    while j < chars.len() && !matches!(chars[j], ':' | ')' | '>') {
                        header.push(chars[j]);
                        j += 1;
                    }
                    if j < chars.len() {
                        header.push(chars[j]);
                    }
                    let flags_on = header.starts_with("?i") || header.starts_with("?ai");
                    out.push_str(&header);
                    if header.ends_with(')') {
                        // `(?i)`: a flag for the rest of the pattern, not a group
                        if flags_on && let Some(top) = scopes.first_mut() {
                            *top = true;
                        }
                    } else {
                        scopes.push(folding || flags_on);
                    }
                    i = j;
                } else {
                    scopes.push(folding);
                }
            }
            ')' => {
                if scopes.len() > 1 {
                    scopes.pop();
                }
                out.push(')');
            }
            'i' | 'I' if folding => out.push_str("[iI\\u{130}\\u{131}]"),
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

/// A `\\x` escape (`x` = `e`) in Rust's syntax, inside a class or not.
fn escape(e: Option<char>, in_class: bool) -> String {
    let Some(e) = e else { return r"\\".to_owned() };
    match (e, in_class) {
        ('w', false) => format!("[{WORD}]"),
        ('w', true) => WORD.to_owned(),
        ('W', _) => format!("[^{WORD}]"),
        ('s', false) => format!("[{SPACE}]"),
        ('s', true) => SPACE.to_owned(),
        ('S', _) => format!("[^{SPACE}]"),
        ('Z', _) => r"\z".to_owned(),
        _ if e.is_ascii_alphanumeric() || regex_syntax::is_meta_character(e) => format!("\\{e}"),
        _ => regex_syntax::escape(&e.to_string()),
    }
}

/// The body of a class opened at `start - 1`, translated, and the index of its `]`.
fn class_body(chars: &[char], start: usize) -> (String, usize) {
    let mut body = String::new();
    let mut i = start;
    if chars.get(i) == Some(&'^') {
        body.push('^');
        i += 1;
    }
    let first = i;
    while i < chars.len() {
        let c = chars[i];
        match c {
            ']' if i > first => break,
            ']' => body.push_str("\\]"), // first in the class: a literal

            '\\' => {
                i += 1;
                body.push_str(&escape(chars.get(i).copied(), true));
            }
            // literal in Python; a nested class or a set operation in Rust
            '[' | '&' | '~' => {
                body.push('\\');
                body.push(c);
            }
            _ => body.push(c),
        }
        i += 1;
    }
    (body, i)
}

/// Whether a (translated) class body holds `i` or `I` under case folding.
fn covers_i(positive: &str) -> bool {
    RegexBuilder::new(&format!("[{positive}]"))
        .case_insensitive(true)
        .build()
        .is_ok_and(|re| re.is_match("i"))
}

/// A compiled Python pattern (`ignore_case`: `re.IGNORECASE`).
pub fn compile(pattern: &str, ignore_case: bool) -> Result<Regex, String> {
    RegexBuilder::new(&translate(pattern, ignore_case))
        .case_insensitive(ignore_case)
        .size_limit(64 << 20)
        .dfa_size_limit(16 << 20)
        .build()
        .map_err(|e| format!("pattern {pattern:?}: {e}"))
}

/// `re.match`: the pattern anchored at the start of the text.
pub fn compile_anchored(pattern: &str, ignore_case: bool) -> Result<Regex, String> {
    compile(&format!("^(?:{pattern})"), ignore_case)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_take_python_meanings() {
        let re = compile(r"^[\W_]{0,4}a\s\w$", false).unwrap();
        assert!(re.is_match("--a\x1cb"));
        assert!(!re.is_match("a\u{301} b")); // a mark is not a word character in Python
        let quotes = compile(r#"[\"'”]+$"#, false).unwrap();
        assert!(quotes.is_match("say\"'"));
        let literal = compile(r"[[&~]", false).unwrap();
        assert!(literal.is_match("&") && literal.is_match("[") && literal.is_match("~"));
        assert!(compile(r"[]a]", false).unwrap().is_match("]"));
    }

    #[test]
    fn ignore_case_matches_dotted_and_dotless_i_as_python() {
        assert!(compile("cookie", true).unwrap().is_match("coOKİe"));
        assert!(compile("[a-z]+e", true).unwrap().is_match("ıe"));
        assert!(compile("^[a-i-]$", true).unwrap().is_match("İ"));
        assert!(!compile("^[^a-i-]$", true).unwrap().is_match("ı"));
        assert!(!compile("cookie", false).unwrap().is_match("cookİe"));
        let names = compile("(?P<in_it>i)|(?i:x)i", false).unwrap();
        assert!(names.is_match("i") && !names.is_match("İ") && !names.is_match("xİ"));
        let inline = compile("(?i:i)x", false).unwrap();
        assert!(inline.is_match("İx"));
    }

    #[test]
    fn anchored_is_re_match() {
        let re = compile_anchored("b|ab", false).unwrap();
        assert!(re.is_match("abc") && !re.is_match("cab"));
        let re = compile("COOKIE", true).unwrap();
        assert!(re.is_match("we use cooKies")); // Kelvin sign folds to k, as in Python
    }
}
