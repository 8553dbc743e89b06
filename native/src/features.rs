//! The boilerplate line classifier's features: each non-blank line's own shape, its place in
//! the document and its neighbourhood, then the first pass's verdicts around it (second pass).
//!
//! The definitions (and their names, in `FEATURE_NAMES` of
//! `cleanpipe/stages/boilerplate/features.py`, which the model JSON names) are those of the
//! Python reference kept in tests/oracles/features.py; every value is computed with the same
//! IEEE operations in the same order, so the floats are the same: `log1p` of counts, ratios of
//! integers, window sums added in order from 0.0.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind};
use regex::Regex;

use crate::markers::{MarkerSpec, Markers, Pattern};
use crate::pychar;
use crate::pyregex::compile;
use crate::titles::{Similarity, TitleKeys};

/// The features of a line on its own, before the marker columns.
pub const OWN: usize = 16;
/// Context and structure columns after the marker columns.
pub const CONTEXT: usize = 28;
pub const SECOND_PASS: usize = 12;
/// A line counts as prose for the main-block search when it is a real sentence or more.
const PROSE_WORDS: usize = 10;
/// The headline repeated in the body opens the article: the best match to the title among the
/// first lines, if it is close enough.
const TITLE_REPEAT_LINES: usize = 200;
const TITLE_REPEAT_SIMILARITY: f64 = 0.8;

/// What one line looks like on its own.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shape {
    pub chars: usize,
    pub words: usize,
    pub terminal: bool,
    pub stop_ratio: f64,
    pub marker: Option<usize>,
}

impl Shape {
    pub fn prose(&self) -> bool {
        self.words >= PROSE_WORDS && self.terminal
    }
}

pub struct Spec {
    pub markers: MarkerSpec,
    pub title_prefix: Pattern,
    pub site_suffix: Pattern,
    pub stop_words: Vec<(String, Vec<String>)>,
    /// Markers that open or close a part of the page: how many stand above and below a line
    /// are features (`BOUNDARY_MARKERS`).
    pub boundary: Vec<String>,
}

pub struct Featurizer {
    markers: Markers,
    titles: TitleKeys,
    stops: HashMap<String, HashSet<String>>,
    sentence_break: Regex,
    url: Regex,
    url_words: AhoCorasick,
    date_in: Regex,
    boundary: Vec<usize>,
}

/// The features of one document's non-blank lines: a row each, row after row.
pub struct Document {
    pub width: usize,
    pub rows: Vec<f64>,
    pub shapes: Vec<Shape>,
    pub block: (usize, usize),
}

impl Featurizer {
    pub fn new(spec: &Spec) -> Result<Self, String> {
        let markers = Markers::new(&spec.markers)?;
        let boundary = spec
            .boundary
            .iter()
            .map(|name| {
                markers
                    .names()
                    .iter()
                    .position(|n| n == name)
                    .ok_or_else(|| format!("boundary marker {name:?} is not a marker"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut stops: HashMap<String, HashSet<String>> = HashMap::default();
        for (lang, words) in &spec.stop_words {
            stops.insert(lang.clone(), words.iter().cloned().collect());
        }
        let url_words = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .kind(Some(AhoCorasickKind::DFA))
            .build(["://", "www.", "@", ".com", ".org", ".net"])
            .map_err(|e| e.to_string())?;
        Ok(Self {
            markers,
            titles: TitleKeys::new(&spec.title_prefix, &spec.site_suffix)?,
            stops,
            sentence_break: compile(r#"[.!?…][\"'”’»)\]]*\s+[\"'“‘«(]?[A-ZÀ-ÖØ-Þ]"#, false)?,
            url: compile(r"https?://|www\.|\S+@\S+\.\w+|\.(?:com|org|net)\b", true)?,
            url_words,
            date_in: compile(
                concat!(
                    r"\b(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}|",
                    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}|",
                    r"\d{1,2}\.?\s+(?:de\s+)?[a-zà-ü]{3,10}\.?\s+(?:de\s+)?\d{4}|",
                    r"\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?)"
                ),
                true,
            )?,
            boundary,
        })
    }

    pub fn markers(&self) -> &Markers {
        &self.markers
    }

    pub fn titles(&self) -> &TitleKeys {
        &self.titles
    }

    pub fn has_stops(&self, key: &str) -> bool {
        self.stops.contains_key(key)
    }

    /// Columns of a line's own features: `OWN`, one per marker, `marker_any`.
    pub fn own_width(&self) -> usize {
        OWN + self.markers.names().len() + 1
    }

    pub fn width(&self) -> usize {
        self.own_width() + CONTEXT + 2 * self.boundary.len() + 3
    }

    /// A line's own features (appended to `out`) and shape.
    fn own(
        &self,
        text: &str,
        stops: &HashSet<String>,
        out: &mut Vec<f64>,
        fold: &mut String,
    ) -> Shape {
        let mut n_chars = 0usize;
        let (mut letters, mut upper, mut digits, mut symbols, mut decimals) = (0usize, 0, 0, 0, 0);
        let mut commas = 0usize;
        let mut separators = 0usize;
        // words: maximal runs of `\w`
        let (mut n_words, mut word_chars, mut initials, mut upper_initials, mut stop_hits) =
            (0usize, 0usize, 0usize, 0usize, 0usize);
        let mut word_start: Option<usize> = None;
        let mut in_word = false;
        let mut check_word = |start: usize, end: usize, stop_hits: &mut usize| {
            fold.clear();
            pychar::casefold_into(&text[start..end], fold);
            if stops.contains(fold.as_str()) {
                *stop_hits += 1;
            }
        };
        for (at, c) in text.char_indices() {
            n_chars += 1;
            let alpha = pychar::is_alpha(c);
            if alpha {
                letters += 1;
                if pychar::is_upper(c) {
                    upper += 1;
                }
            }
            if pychar::is_digit(c) {
                digits += 1;
            }
            if pychar::is_decimal(c) {
                decimals += 1;
            }
            let alnum = alpha || pychar::is_alnum(c);
            if !alnum && !pychar::is_space(c) {
                symbols += 1;
            }
            match c {
                ',' => commas += 1,
                '|' | '•' | '·' | '/' | '»' | '>' => separators += 1,
                _ => {}
            }
            let word = alnum || c == '_';
            if word {
                word_chars += 1;
                if !in_word {
                    in_word = true;
                    n_words += 1;
                    word_start = Some(at);
                    if alpha {
                        initials += 1;
                        if pychar::is_upper(c) {
                            upper_initials += 1;
                        }
                    }
                }
            } else if in_word {
                in_word = false;
                if let Some(start) = word_start.take() {
                    check_word(start, at, &mut stop_hits);
                }
            }
        }
        if let Some(start) = word_start.take() {
            check_word(start, text.len(), &mut stop_hits);
        }
        let marker = self.markers.marker_of(text);
        let terminal = is_terminal(text);
        let stop_ratio = if n_words > 0 {
            stop_hits as f64 / n_words as f64
        } else {
            0.0
        };
        let n = n_chars.max(1) as f64;
        let first = text.chars().next();
        let starts_symbol = first.is_some_and(|c| !pychar::is_alnum(c) && !"\"'“‘«¿¡(".contains(c));
        let odd = !text.is_ascii()
            && text
                .chars()
                .any(|c| matches!(c, '\u{130}' | '\u{131}' | '\u{17f}' | '\u{212a}'));
        let has_url = (odd || self.url_words.is_match(text)) && self.url.is_match(text);
        let has_date = decimals > 0 && self.date_in.is_match(text);
        let per_word = |count: usize| {
            if n_words > 0 {
                count as f64 / n_words as f64
            } else {
                0.0
            }
        };
        out.extend_from_slice(&[
            (n_chars as f64).ln_1p(),
            (n_words as f64).ln_1p(),
            f64::from(u8::from(terminal)),
            f64::from(u8::from(text.ends_with(':'))),
            stop_ratio,
            if initials > 0 {
                upper_initials as f64 / initials as f64
            } else {
                0.0
            },
            if letters > 0 {
                upper as f64 / letters as f64
            } else {
                0.0
            },
            digits as f64 / n,
            symbols as f64 / n,
            per_word(commas),
            f64::from(u8::from(starts_symbol)),
            separators.min(5) as f64,
            f64::from(u8::from(has_url)),
            (self.sentence_break.find_iter(text).count() as f64).ln_1p(),
            f64::from(u8::from(has_date)),
            per_word(word_chars),
        ]);
        let names = self.markers.names().len();
        for m in 0..names {
            out.push(f64::from(u8::from(marker == Some(m))));
        }
        out.push(f64::from(u8::from(marker.is_some())));
        Shape {
            chars: n_chars,
            words: n_words,
            terminal,
            stop_ratio,
            marker,
        }
    }

    /// Per line: its words (runs of `\w`), whether it ends a sentence, its marker: what the
    /// document-kind evidence counts.
    pub fn shapes(&self, lines: &[String]) -> Vec<(usize, bool, Option<usize>)> {
        lines
            .iter()
            .map(|text| {
                let mut words = 0;
                let mut in_word = false;
                for c in text.chars() {
                    let word = pychar::is_word(c);
                    if word && !in_word {
                        words += 1;
                    }
                    in_word = word;
                }
                (words, is_terminal(text), self.markers.marker_of(text))
            })
            .collect()
    }

    /// The features of a document's non-blank `lines` (stripped), with whether a blank line
    /// stands before and after each; `stops`: the key of a stop-word list.
    pub fn document(
        &self,
        lines: &[String],
        blank_before: &[bool],
        blank_after: &[bool],
        stops: &str,
    ) -> Result<Document, String> {
        let n = lines.len();
        if blank_before.len() != n || blank_after.len() != n {
            return Err("lines, blank_before and blank_after differ in length".into());
        }
        let stops = self
            .stops
            .get(stops)
            .ok_or_else(|| format!("no stop words {stops:?}"))?;
        let width = self.width();
        let own_width = self.own_width();
        let mut own = Vec::with_capacity(n * own_width);
        let mut shapes = Vec::with_capacity(n);
        let mut keys = Vec::with_capacity(n);
        let mut fold = String::new();
        for text in lines {
            shapes.push(self.own(text, stops, &mut own, &mut fold));
            keys.push(self.titles.key(text, false));
        }
        if n == 0 {
            return Ok(Document {
                width,
                rows: Vec::new(),
                shapes,
                block: (0, 0),
            });
        }
        let block = main_block(&shapes);
        let log1p = |k: usize| (k as f64).ln_1p();
        let signed = |k: i64| {
            let m = (k.unsigned_abs() as f64).ln_1p();
            if k < 0 { -m } else { m }
        };
        let chars: Vec<usize> = shapes.iter().map(|s| s.chars).collect();
        let prose: Vec<bool> = shapes.iter().map(Shape::prose).collect();
        let total_chars = chars.iter().sum::<usize>().max(1);
        let prose_chars_total: usize = (0..n).filter(|&i| prose[i]).map(|i| chars[i]).sum();
        let total_prose = prose_chars_total.max(1);
        let mut counts: HashMap<&str, usize> = HashMap::default();
        for key in &keys {
            *counts.entry(key.as_str()).or_insert(0) += 1;
        }
        let title = self.titles.key(&lines[0], true);
        let similarity = Similarity::new(&title);
        let similarities: Vec<f64> = keys
            .iter()
            .map(|key| {
                if !title.is_empty() && !key.is_empty() {
                    similarity.ratio(key)
                } else {
                    0.0
                }
            })
            .collect();
        let anchor = title_repeat(&similarities);
        let short_runs = short_runs(&shapes);
        let mut prose_upto = Vec::with_capacity(n + 1);
        prose_upto.push(0usize);
        for &p in &prose {
            prose_upto.push(prose_upto.last().copied().unwrap_or(0) + usize::from(p));
        }
        let log_chars: Vec<f64> = (0..n).map(|i| own[i * own_width]).collect();
        let boundary_codes: Vec<Option<usize>> = shapes
            .iter()
            .map(|s| {
                s.marker
                    .and_then(|m| self.boundary.iter().position(|&b| b == m))
            })
            .collect();
        let mut boundary_total = vec![0usize; self.boundary.len()];
        for code in boundary_codes.iter().flatten() {
            boundary_total[*code] += 1;
        }
        let mut boundary_above = vec![0usize; self.boundary.len()];
        let mut rows = vec![0.0f64; n * width];
        let (mut chars_before, mut prose_before) = (0usize, 0usize);
        let (block_start, block_end) = block;
        let shifted = |i: usize, by: isize, column: usize| -> f64 {
            let j = i as isize - by;
            if j < 0 || j >= n as isize {
                0.0
            } else {
                own[j as usize * own_width + column]
            }
        };
        for i in 0..n {
            let row = &mut rows[i * width..(i + 1) * width];
            row[..own_width].copy_from_slice(&own[i * own_width..(i + 1) * own_width]);
            let mut c = own_width;
            let mut put = |value: f64| {
                row[c] = value;
                c += 1;
            };
            let prose_chars = if prose[i] { chars[i] } else { 0 };
            let distance = if i < block_start {
                i as i64 - block_start as i64
            } else if i >= block_end {
                i as i64 - block_end as i64 + 1
            } else {
                0
            };
            put(f64::from(u8::from(i == 0)));
            put(i as f64 / n as f64);
            put(chars_before as f64 / total_chars as f64);
            put(f64::from(u8::from(blank_before[i])));
            put(f64::from(u8::from(blank_after[i])));
            let key = keys[i].as_str();
            put(log1p(if key.is_empty() { 0 } else { counts[key] - 1 }));
            put(similarities[i]);
            put(log1p(short_runs[i]));
            put(f64::from(u8::from(block_start <= i && i < block_end)));
            put(signed(distance));
            put(prose_before as f64 / total_prose as f64);
            put((total_prose - prose_before - prose_chars) as f64 / total_prose as f64);
            // the previous and next lines' chars, terminal, stop words, marker_any
            for by in [1isize, -1] {
                for column in [0, 2, 4, own_width - 1] {
                    put(shifted(i, by, column));
                }
            }
            put(shifted(i, 2, 0));
            put(shifted(i, -2, 0));
            for reach in [3usize, 10] {
                let lo = i.saturating_sub(reach);
                let hi = (i + reach + 1).min(n);
                let span = (hi - lo) as f64;
                put((prose_upto[hi] - prose_upto[lo]) as f64 / span);
                let mut sum = 0.0;
                for value in &log_chars[lo..hi] {
                    sum += value;
                }
                put(sum / span);
            }
            put(log1p(n));
            put(prose_chars_total as f64 / total_chars as f64);
            let own_code = boundary_codes[i];
            for code in 0..self.boundary.len() {
                let here = usize::from(own_code == Some(code));
                put(log1p(boundary_above[code]));
                put(log1p(boundary_total[code] - boundary_above[code] - here));
            }
            match anchor {
                Some(a) => {
                    put(1.0);
                    put(signed(i as i64 - a as i64));
                }
                None => {
                    put(0.0);
                    put(0.0);
                }
            }
            put(f64::from(u8::from(is_truncated(&lines[i]))));
            debug_assert_eq!(c, width);
            chars_before += chars[i];
            prose_before += prose_chars;
            if let Some(code) = own_code {
                boundary_above[code] += 1;
            }
        }
        Ok(Document {
            width,
            rows,
            shapes,
            block,
        })
    }
}

/// `[.!?…。！？][\"'”’»)\]]*$`: sentence punctuation, then only closing quotes and brackets.
fn is_terminal(text: &str) -> bool {
    let rest = text.trim_end_matches(['"', '\'', '”', '’', '»', ')', ']']);
    rest.ends_with(['.', '!', '?', '…', '。', '！', '？'])
}

/// `\w(?:\.{3}|…)$`: a teaser cut short by its list.
fn is_truncated(text: &str) -> bool {
    let before = if let Some(rest) = text.strip_suffix("...") {
        rest
    } else if let Some(rest) = text.strip_suffix('…') {
        rest
    } else {
        return false;
    };
    before.chars().next_back().is_some_and(pychar::is_word)
}

/// The densest run of prose lines: maximum-sum run where prose earns its length (`end`
/// exclusive). Menus and footers surround the article, so short and marker lines cost a
/// little each and prose lines earn their characters.
pub fn main_block(shapes: &[Shape]) -> (usize, usize) {
    let (mut best, mut best_span) = (0.0f64, (0, 0));
    let (mut total, mut start) = (0.0f64, 0);
    for (i, shape) in shapes.iter().enumerate() {
        let gain = if shape.prose() {
            shape.chars as f64
        } else if shape.marker.is_some() {
            -80.0
        } else if shape.words < 6 {
            -30.0
        } else {
            shape.chars as f64 * 0.2
        };
        if total <= 0.0 {
            total = 0.0;
            start = i;
        }
        total += gain;
        if total > best {
            best = total;
            best_span = (start, i + 1);
        }
    }
    best_span
}

/// For each line, the length of the run of short (at most 4 words) lines it belongs to.
fn short_runs(shapes: &[Shape]) -> Vec<usize> {
    let mut runs = vec![0; shapes.len()];
    let mut i = 0;
    while i < shapes.len() {
        if shapes[i].words > 4 {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < shapes.len() && shapes[j].words <= 4 {
            j += 1;
        }
        runs[i..j].fill(j - i);
        i = j;
    }
    runs
}

/// The line (not the first) that repeats the title best, if one does closely enough.
fn title_repeat(similarities: &[f64]) -> Option<usize> {
    let (mut best, mut at) = (0.0, None);
    for (i, &s) in similarities
        .iter()
        .enumerate()
        .take(TITLE_REPEAT_LINES)
        .skip(1)
    {
        if s > best {
            best = s;
            at = Some(i);
        }
    }
    if best >= TITLE_REPEAT_SIMILARITY {
        at
    } else {
        None
    }
}

/// The second pass's columns for each line: the first pass's probability of it and its
/// neighbourhood (row after row, `SECOND_PASS` wide).
pub fn neighbourhood(probabilities: &[f64], chars: &[usize]) -> Vec<f64> {
    let n = probabilities.len();
    let mut out = vec![0.0; n * SECOND_PASS];
    let p = probabilities;
    let mut kept_upto = Vec::with_capacity(n + 1);
    kept_upto.push(0usize);
    for i in 0..n {
        let kept = if p[i] >= 0.5 { chars[i] } else { 0 };
        kept_upto.push(kept_upto[i] + kept);
    }
    let total_kept = kept_upto[n].max(1) as f64;
    let shifted = |i: usize, by: isize| -> f64 {
        let j = i as isize - by;
        if j < 0 || j >= n as isize {
            0.0
        } else {
            p[j as usize]
        }
    };
    // the running maxima before and after each line (numpy's maximum.accumulate)
    let mut max_after = vec![0.0; n];
    let mut running = f64::NEG_INFINITY;
    for i in (0..n).rev() {
        if i + 1 < n {
            max_after[i] = running;
        }
        running = if p[i] > running || running.is_nan() {
            p[i]
        } else {
            running
        };
    }
    let mut max_before = f64::NEG_INFINITY;
    for i in 0..n {
        let row = &mut out[i * SECOND_PASS..(i + 1) * SECOND_PASS];
        let clipped = p[i].clamp(1e-6, 1.0 - 1e-6); // numpy.clip: minimum(maximum(p, lo), hi)
        row[0] = p[i];
        row[1] = (clipped / (1.0 - clipped)).ln();
        row[2] = shifted(i, 1);
        row[3] = shifted(i, -1);
        row[4] = shifted(i, 2);
        row[5] = shifted(i, -2);
        for (column, reach) in [(6, 3usize), (7, 10)] {
            let lo = i.saturating_sub(reach);
            let hi = (i + reach + 1).min(n);
            let mut sum = 0.0;
            for value in &p[lo..hi] {
                sum += value;
            }
            row[column] = sum / (hi - lo) as f64;
        }
        row[8] = if i > 0 { max_before } else { 0.0 };
        row[9] = max_after[i];
        row[10] = kept_upto[i] as f64 / total_kept;
        row[11] = (total_kept - kept_upto[i + 1] as f64) / total_kept;
        max_before = if i == 0 || p[i] > max_before || max_before.is_nan() {
            p[i]
        } else {
            max_before
        };
    }
    out
}
