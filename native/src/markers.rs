//! `marker_of`: the boilerplate category of a short line (a share row, a cookie notice, a
//! byline...), or none. The patterns come from the Python vocabularies (`vocab.py`,
//! `patterns.py`); the order in which they are tried and the word limits are here.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind};
use std::sync::Mutex;

use regex::Regex;
use rustc_hash::FxHashMap;

use crate::pychar;
use crate::pyregex::{compile, compile_anchored};

/// A Python pattern and whether it is compiled with `re.IGNORECASE`.
pub type Pattern = (String, bool);

/// What `Markers` is built from: every pattern as Python wrote it.
#[derive(Debug, Clone)]
pub struct MarkerSpec {
    /// The marker names in feature order (`MARKER_NAMES`): a marker is an index into them.
    pub names: Vec<String>,
    pub cookie_banner: Pattern,
    pub copyright: Pattern,
    /// The whole-line patterns tried in turn (the first that matches names the line), each
    /// with the marker name it gives.
    pub short_lines: Vec<(String, Pattern)>,
    pub date_verb: Pattern,
    pub cookie_notice: Pattern,
    pub byline: Pattern,
    pub caption_head: Pattern,
    pub caption_agency: Pattern,
    pub caption_credit: Pattern,
    /// Words (lower case) one of which every match of a pattern holds.
    pub cookie_words: Vec<String>,
    pub copyright_words: Vec<String>,
    pub agency_words: Vec<String>,
}

pub struct Markers {
    names: Vec<String>,
    /// `marker_of` of recent short lines: menus, share rows and footers recur from page to
    /// page of a site, and the document-kind evidence and the line features ask for the same
    /// lines. A pure function of the line, so the cache changes no result; bounded.
    recent: Mutex<FxHashMap<String, Option<usize>>>,
    cookie_banner: Regex,
    copyright: Regex,
    /// the whole-line patterns in the order they are tried, each with the marker it gives
    short_lines: Vec<(Regex, usize)>,
    date_line: usize,
    cookie_code: usize,
    copyright_code: usize,
    byline_code: usize,
    caption_code: usize,
    date_verb: Regex,
    cookie_notice: Regex,
    byline: Regex,
    caption_head: Regex,
    caption_agency: Regex,
    caption_credit: Regex,
    cookie_words: AhoCorasick,
    copyright_words: AhoCorasick,
    agency_words: AhoCorasick,
}

const MAX_MARKER_WORDS: usize = 14;
const CACHED_BYTES: usize = 200;
const CACHED_LINES: usize = 16_384;

fn words(list: &[String]) -> Result<AhoCorasick, String> {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .kind(Some(AhoCorasickKind::DFA))
        .build(list)
        .map_err(|e| e.to_string())
}

/// Whether the literal prefilters may be trusted: under case folding, `ſ` matches `s` and the
/// Kelvin sign `k`, which an ASCII case-insensitive search would not find (Python's prefilter
/// stands aside for `İ` and `ı` as well).
fn has_odd_case(text: &str) -> bool {
    !text.is_ascii()
        && text
            .chars()
            .any(|c| matches!(c, '\u{130}' | '\u{131}' | '\u{17f}' | '\u{212a}'))
}

impl Markers {
    pub fn new(spec: &MarkerSpec) -> Result<Self, String> {
        let code = |name: &str| -> Result<usize, String> {
            spec.names
                .iter()
                .position(|n| n == name)
                .ok_or_else(|| format!("marker {name:?} is not among the marker names"))
        };
        if !spec.short_lines.iter().all(|(_, (_, i))| *i) {
            return Err("the short-line patterns must all ignore case".into());
        }
        // One regex each, tried in turn: one alternation of them all (or a RegexSet) is too
        // large for the lazy DFA's cache and falls back to the much slower PikeVM.
        let short_lines = spec
            .short_lines
            .iter()
            .map(|(name, (p, i))| Ok((compile_anchored(p, *i)?, code(name)?)))
            .collect::<Result<Vec<_>, String>>()?;
        Ok(Self {
            names: spec.names.clone(),
            recent: Mutex::new(FxHashMap::default()),
            cookie_banner: compile(&spec.cookie_banner.0, spec.cookie_banner.1)?,
            copyright: compile(&spec.copyright.0, spec.copyright.1)?,
            short_lines,
            date_line: code("date_line")?,
            cookie_code: code("cookie_notice")?,
            copyright_code: code("copyright")?,
            byline_code: code("byline")?,
            caption_code: code("caption")?,
            date_verb: compile_anchored(&spec.date_verb.0, spec.date_verb.1)?,
            cookie_notice: compile_anchored(&spec.cookie_notice.0, spec.cookie_notice.1)?,
            byline: compile_anchored(&spec.byline.0, spec.byline.1)?,
            caption_head: compile_anchored(&spec.caption_head.0, spec.caption_head.1)?,
            caption_agency: compile(&spec.caption_agency.0, spec.caption_agency.1)?,
            caption_credit: compile_anchored(&spec.caption_credit.0, spec.caption_credit.1)?,
            cookie_words: words(&spec.cookie_words)?,
            copyright_words: words(&spec.copyright_words)?,
            agency_words: words(&spec.agency_words)?,
        })
    }

    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The marker of a line (an index into `names`), or None.
    ///
    /// Long lines are never markers: the patterns would otherwise catch sentences of the
    /// article ("Facebook said on Monday it would...") that merely begin like a marker.
    pub fn marker_of(&self, line: &str) -> Option<usize> {
        if line.len() > CACHED_BYTES {
            return self.find_marker(line);
        }
        // A poisoned lock (a panic while it was held) only loses the cache.
        if let Ok(recent) = self.recent.lock()
            && let Some(&known) = recent.get(line)
        {
            return known;
        }
        let found = self.find_marker(line);
        if let Ok(mut recent) = self.recent.lock() {
            if recent.len() >= CACHED_LINES {
                recent.clear();
            }
            recent.insert(line.to_owned(), found);
        }
        found
    }

    fn find_marker(&self, line: &str) -> Option<usize> {
        let text = pychar::strip(line);
        if text.is_empty() {
            return None;
        }
        let n_words = pychar::split_count(text);
        let odd = has_odd_case(text);
        let may_hold = |words: &AhoCorasick| odd || words.is_match(text);
        // Consent banners run long (a paragraph of purposes and vendors): no word limit
        // short of a full article paragraph's.
        if n_words <= 250 && may_hold(&self.cookie_words) && self.cookie_banner.is_match(text) {
            return Some(self.cookie_code);
        }
        let copyright = may_hold(&self.copyright_words) && self.copyright.is_match(text);
        if n_words > MAX_MARKER_WORDS && !copyright {
            return None;
        }
        let short = self
            .short_lines
            .iter()
            .find(|(re, _)| re.is_match(text))
            .map(|&(_, m)| m);
        if short == Some(self.date_line) {
            return short;
        }
        if text.chars().any(pychar::is_decimal) && self.date_verb.is_match(text) {
            return Some(self.date_line);
        }
        if short.is_some() {
            return short;
        }
        if copyright && n_words <= 40 {
            return Some(self.copyright_code);
        }
        if n_words <= 8 && self.cookie_notice.is_match(text) {
            return Some(self.cookie_code);
        }
        if n_words <= 10 && self.byline.is_match(text) {
            return Some(self.byline_code);
        }
        let caption = self.caption_head.is_match(text)
            || (may_hold(&self.agency_words) && self.caption_agency.is_match(text))
            || (text.contains('(') && self.caption_credit.is_match(text));
        caption.then_some(self.caption_code)
    }
}
