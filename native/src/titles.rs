//! Title keys and their similarity: what `titles.title_key` and rapidfuzz's `fuzz.ratio`
//! compute, for the classifier's title features.

use rustc_hash::FxHashMap as HashMap;

use regex::Regex;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

use crate::markers::Pattern;
use crate::pychar;
use crate::pyregex::compile;

pub struct TitleKeys {
    prefix: Regex,
    site_suffix: Regex,
}

impl TitleKeys {
    /// `prefix` and `site_suffix`: the patterns of `titles.py` ("Read: ...", "... | Site").
    pub fn new(prefix: &Pattern, site_suffix: &Pattern) -> Result<Self, String> {
        Ok(Self {
            prefix: compile(&prefix.0, prefix.1)?,
            site_suffix: compile(&site_suffix.0, site_suffix.1)?,
        })
    }

    /// A comparison key: NFKC, prefix and (optionally) site suffix gone, case folded, every
    /// run of non-word characters one space, stripped.
    pub fn key(&self, line: &str, strip_suffix: bool) -> String {
        let normal: String;
        // most lines are NFKC already: the quick check spares normalizing them
        let text = if line.is_ascii() || is_nfkc_quick(line.chars()) == IsNormalized::Yes {
            line
        } else {
            normal = line.nfkc().collect();
            &normal
        };
        let text = pychar::strip(text);
        let text = self.prefix.replace(text, "");
        let text = if strip_suffix {
            self.site_suffix.replace(&text, "")
        } else {
            text
        };
        // casefold, then `[\W_]+` -> " ", then strip: words joined by single spaces
        let mut folded = String::with_capacity(text.len());
        pychar::casefold_into(&text, &mut folded);
        let mut key = String::with_capacity(folded.len());
        let mut gap = false;
        for c in folded.chars() {
            if c != '_' && pychar::is_alnum(c) {
                if gap && !key.is_empty() {
                    key.push(' ');
                }
                gap = false;
                key.push(c);
            } else {
                gap = true;
            }
        }
        key
    }
}

/// rapidfuzz's `fuzz.ratio(a, b) / 100` for non-empty strings: `1 - indel / (len a + len b)`,
/// where the Indel distance is `len a + len b - 2 * LCS` over code points.
pub struct Similarity {
    /// per pattern character, the bit mask of its positions (`words` u64 each)
    ascii: Vec<u64>,
    other: HashMap<char, Vec<u64>>,
    words: usize,
    len: usize,
}

impl Similarity {
    pub fn new(pattern: &str) -> Self {
        let chars: Vec<char> = pattern.chars().collect();
        let words = chars.len().div_ceil(64).max(1);
        let mut ascii = vec![0u64; 128 * words];
        let mut other: HashMap<char, Vec<u64>> = HashMap::default();
        for (i, &c) in chars.iter().enumerate() {
            let bit = 1u64 << (i % 64);
            if c.is_ascii() {
                ascii[c as usize * words + i / 64] |= bit;
            } else {
                other.entry(c).or_insert_with(|| vec![0; words])[i / 64] |= bit;
            }
        }
        Self {
            ascii,
            other,
            words,
            len: chars.len(),
        }
    }

    fn mask(&self, c: char) -> Option<&[u64]> {
        if c.is_ascii() {
            let at = c as usize * self.words;
            Some(&self.ascii[at..at + self.words])
        } else {
            self.other.get(&c).map(Vec::as_slice)
        }
    }

    /// The longest common subsequence with `text` (Hyyrö's bit-parallel form, any length).
    fn lcs(&self, text: &str) -> usize {
        let words = self.words;
        if words == 1 {
            let mut v = u64::MAX;
            for c in text.chars() {
                if let Some(m) = self.mask(c) {
                    let x = v & m[0];
                    v = v.wrapping_add(x) | (v - x);
                }
            }
            let mask = if self.len == 64 {
                u64::MAX
            } else {
                (1u64 << self.len) - 1
            };
            (!v & mask).count_ones() as usize
        } else {
            let mut v = vec![u64::MAX; words];
            for c in text.chars() {
                let Some(m) = self.mask(c) else { continue };
                let mut carry = 0u64;
                for w in 0..words {
                    let x = v[w] & m[w];
                    let (sum, c1) = v[w].overflowing_add(x);
                    let (sum, c2) = sum.overflowing_add(carry);
                    carry = u64::from(c1 || c2);
                    v[w] = sum | (v[w] - x);
                }
            }
            let mut zeros = 0;
            for (w, word) in v.iter().enumerate() {
                let bits = (self.len - w * 64).min(64);
                let mask = if bits == 64 {
                    u64::MAX
                } else {
                    (1u64 << bits) - 1
                };
                zeros += (!word & mask).count_ones() as usize;
            }
            zeros
        }
    }

    pub fn ratio(&self, text: &str) -> f64 {
        let total = self.len + pychar::len(text);
        if total == 0 {
            return 1.0;
        }
        let distance = total - 2 * self.lcs(text);
        let similarity = 1.0 - distance as f64 / total as f64;
        similarity * 100.0 / 100.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator (xorshift64*), so the property tests need no crate.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    fn dp_lcs(a: &[char], b: &[char]) -> usize {
        let mut row = vec![0usize; b.len() + 1];
        for &x in a {
            let mut diagonal = 0;
            for (j, &y) in b.iter().enumerate() {
                let above = row[j + 1];
                row[j + 1] = if x == y {
                    diagonal + 1
                } else {
                    above.max(row[j])
                };
                diagonal = above;
            }
        }
        row[b.len()]
    }

    #[test]
    fn bit_parallel_lcs_equals_the_dynamic_programme() {
        let alphabet: Vec<char> = "abcé日 ".chars().collect();
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for _ in 0..400 {
            let word = |rng: &mut Rng| -> String {
                let n = rng.below(150) as usize;
                (0..n)
                    .map(|_| alphabet[rng.below(alphabet.len() as u64) as usize])
                    .collect()
            };
            let (a, b) = (word(&mut rng), word(&mut rng));
            let want = dp_lcs(
                &a.chars().collect::<Vec<_>>(),
                &b.chars().collect::<Vec<_>>(),
            );
            assert_eq!(Similarity::new(&a).lcs(&b), want, "{a:?} {b:?}");
        }
    }

    #[test]
    fn lcs_over_word_boundaries() {
        let long: String = "ab".repeat(70); // 140 chars: three words of bits
        let s = Similarity::new(&long);
        assert_eq!(s.lcs(&long), 140);
        assert_eq!(s.lcs("ba"), 2);
        assert_eq!(s.lcs("zzz"), 0);
        let s = Similarity::new("kitten");
        assert_eq!(s.lcs("sitting"), 4);
        assert_eq!(s.ratio("kitten"), 1.0);
    }
}
