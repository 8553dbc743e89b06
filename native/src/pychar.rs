//! Python's `str` character predicates, so the native features count what the Python
//! definitions count.
//!
//! `str.isalpha` is the Unicode categories L*, `isdecimal` Nd, `isalnum` L* or N* (checked
//! over every assigned character of Python 3.11's Unicode 14.0), `isdigit` Nd plus the
//! "digit" numerics below, `isupper` the Uppercase property (Rust's `is_uppercase`), `isspace`
//! the list below; `casefold` is a table generated from Python (tools/gen_casefold.py).
//! Rust's own `is_alphabetic`/`is_numeric`/`is_whitespace` differ (marks, letter numbers,
//! U+001C..U+001F), which is why they are not used.

use std::sync::OnceLock;

use regex_syntax::hir::{Class, HirKind};

use crate::casefold_table::CASEFOLD;

type Ranges = Vec<(u32, u32)>;

fn class_ranges(pattern: &str) -> Ranges {
    // A fixed, valid class pattern: parsing it cannot fail.
    let hir = regex_syntax::Parser::new()
        .parse(pattern)
        .expect("a valid class");
    match hir.kind() {
        HirKind::Class(Class::Unicode(class)) => class
            .ranges()
            .iter()
            .map(|r| (r.start() as u32, r.end() as u32))
            .collect(),
        _ => unreachable!("{pattern} is a Unicode class"),
    }
}

fn in_ranges(ranges: &[(u32, u32)], c: char) -> bool {
    let cp = c as u32;
    ranges
        .binary_search_by(|&(lo, hi)| {
            if hi < cp {
                std::cmp::Ordering::Less
            } else if lo > cp {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

fn letters() -> &'static Ranges {
    static R: OnceLock<Ranges> = OnceLock::new();
    R.get_or_init(|| class_ranges(r"\p{L}"))
}

fn alnums() -> &'static Ranges {
    static R: OnceLock<Ranges> = OnceLock::new();
    R.get_or_init(|| class_ranges(r"[\p{L}\p{N}]"))
}

fn decimals() -> &'static Ranges {
    static R: OnceLock<Ranges> = OnceLock::new();
    R.get_or_init(|| class_ranges(r"\p{Nd}"))
}

/// Numerics of type Digit outside Nd (superscripts, circled digits...): `isdigit` but not
/// `isdecimal` in Python 3.11.
const DIGIT_NOT_DECIMAL: [(u32, u32); 20] = [
    (178, 179),
    (185, 185),
    (4969, 4977),
    (6618, 6618),
    (8304, 8304),
    (8308, 8313),
    (8320, 8329),
    (9312, 9320),
    (9332, 9340),
    (9352, 9360),
    (9450, 9450),
    (9461, 9469),
    (9471, 9471),
    (10102, 10110),
    (10112, 10120),
    (10122, 10130),
    (68160, 68163),
    (69216, 69224),
    (69714, 69722),
    (127232, 127242),
];

pub fn is_alpha(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else {
        in_ranges(letters(), c)
    }
}

pub fn is_alnum(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        in_ranges(alnums(), c)
    }
}

/// A character of Python's regex `\w`: `isalnum()` or the underscore.
pub fn is_word(c: char) -> bool {
    c == '_' || is_alnum(c)
}

pub fn is_decimal(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_digit()
    } else {
        in_ranges(decimals(), c)
    }
}

pub fn is_digit(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_digit()
    } else {
        in_ranges(decimals(), c) || in_ranges(&DIGIT_NOT_DECIMAL, c)
    }
}

pub fn is_upper(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_uppercase()
    } else {
        c.is_uppercase()
    }
}

pub fn is_space(c: char) -> bool {
    matches!(
        c,
        '\t'..='\r'
            | '\x1c'..='\x1f'
            | ' '
            | '\u{85}'
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
    )
}

/// `str.strip()` with no argument.
pub fn strip(text: &str) -> &str {
    text.trim_matches(is_space)
}

/// `str.split()` with no argument: the count of its pieces.
pub fn split_count(text: &str) -> usize {
    text.split(is_space)
        .filter(|piece| !piece.is_empty())
        .count()
}

/// `str.casefold()`, appended to `out`.
pub fn casefold_into(text: &str, out: &mut String) {
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            match CASEFOLD.binary_search_by_key(&(c as u32), |&(cp, _)| cp) {
                Ok(i) => out.push_str(CASEFOLD[i].1),
                Err(_) => out.push(c),
            }
        }
    }
}

pub fn casefold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    casefold_into(text, &mut out);
    out
}

/// `len(text)` of a Python string: its code points.
pub fn len(text: &str) -> usize {
    if text.is_ascii() {
        text.len()
    } else {
        text.chars().count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn predicates_follow_python_where_rust_differs() {
        assert!(!is_alpha('\u{301}')); // a combining mark: Rust's is_alphabetic says no too
        assert!(!is_alpha('\u{2160}')); // Ⅰ, a letter number: Alphabetic, not L
        assert!(is_alnum('\u{2160}') && is_alnum('²') && !is_alnum('\u{301}'));
        assert!(is_digit('²') && !is_decimal('²'));
        assert!(is_space('\x1c') && !'\x1c'.is_whitespace());
        assert!(is_word('_') && !is_word('-'));
    }

    #[test]
    fn casefold_is_full_folding() {
        assert_eq!(casefold("Straße ǅ ſ K"), "strasse ǆ s k");
        assert_eq!(casefold("ÀÉÎ"), "àéî");
        assert_eq!(strip("\x1c a b \u{3000}"), "a b");
        assert_eq!(split_count(" a\x1fb  c "), 3);
        assert_eq!(split_count(" a\u{3000}b  c "), 3);
        assert_eq!(split_count(""), 0);
    }
}
