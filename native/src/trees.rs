//! Gradient-boosted tree ensembles, scored exactly as the Python definition does.
//!
//! A model is plain data (the JSON `training/train_boilerplate.py` writes): per tree, arrays
//! of feature index (-1 at leaves), threshold, left and right child and leaf value. A row goes
//! left when `value <= threshold` (so NaN goes right); the leaves of all trees are added one by
//! one from 0.0 in tree order (not pairwise, not compensated), then
//! `1 / (1 + exp(-clamp(bias + learning_rate * total, -50, 50)))`. Every operation is one IEEE
//! double operation in the same order, so the probabilities are the same floats.

use std::fmt;

/// One regression tree in array form.
#[derive(Debug, Clone, PartialEq)]
pub struct Tree {
    pub feature: Vec<i64>,
    pub threshold: Vec<f64>,
    pub left: Vec<i64>,
    pub right: Vec<i64>,
    pub value: Vec<f64>,
}

/// A tree whose arrays do not describe a tree: checked once, so scoring never indexes out of
/// bounds or loops.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelError(pub String);

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ModelError {}

/// A node in the flat form the scorer walks: children as indices into the same tree.
#[derive(Debug, Clone, Copy)]
struct Node {
    feature: u32, // u32::MAX at a leaf
    threshold: f64,
    left: u32,
    right: u32,
    value: f64,
}

const LEAF: u32 = u32::MAX;

#[derive(Debug, Clone)]
pub struct Ensemble {
    bias: f64,
    learning_rate: f64,
    width: usize,
    trees: Vec<Vec<Node>>,
}

impl Ensemble {
    /// Checks every tree: arrays of one length, children that point strictly forward (so a
    /// walk ends), feature indices below `width`.
    pub fn new(
        bias: f64,
        learning_rate: f64,
        width: usize,
        trees: &[Tree],
    ) -> Result<Self, ModelError> {
        let mut flat = Vec::with_capacity(trees.len());
        for (t, tree) in trees.iter().enumerate() {
            let n = tree.feature.len();
            if n == 0
                || [
                    tree.threshold.len(),
                    tree.left.len(),
                    tree.right.len(),
                    tree.value.len(),
                ]
                .iter()
                .any(|&len| len != n)
            {
                return Err(ModelError(format!(
                    "tree {t}: arrays empty or of different lengths"
                )));
            }
            let mut nodes = Vec::with_capacity(n);
            for i in 0..n {
                let feature = tree.feature[i];
                if feature < 0 {
                    nodes.push(Node {
                        feature: LEAF,
                        threshold: 0.0,
                        left: 0,
                        right: 0,
                        value: tree.value[i],
                    });
                    continue;
                }
                let child = |c: i64| -> Result<u32, ModelError> {
                    if c > i as i64 && (c as usize) < n {
                        Ok(c as u32)
                    } else {
                        Err(ModelError(format!(
                            "tree {t}, node {i}: child {c} is not a later node"
                        )))
                    }
                };
                if feature as usize >= width {
                    return Err(ModelError(format!(
                        "tree {t}, node {i}: feature {feature} outside a row of {width}"
                    )));
                }
                nodes.push(Node {
                    feature: feature as u32,
                    threshold: tree.threshold[i],
                    left: child(tree.left[i])?,
                    right: child(tree.right[i])?,
                    value: tree.value[i],
                });
            }
            flat.push(nodes);
        }
        Ok(Self {
            bias,
            learning_rate,
            width,
            trees: flat,
        })
    }

    pub fn width(&self) -> usize {
        self.width
    }

    /// The sum of every tree's leaf for `row`, added from 0.0 in tree order.
    pub fn total(&self, row: &[f64]) -> f64 {
        debug_assert_eq!(row.len(), self.width);
        let mut total = 0.0;
        for nodes in &self.trees {
            let mut node = &nodes[0];
            while node.feature != LEAF {
                let next = if row[node.feature as usize] <= node.threshold {
                    node.left
                } else {
                    node.right
                };
                node = &nodes[next as usize];
            }
            total += node.value;
        }
        total
    }

    /// The logistic of `bias + learning_rate * total`, the score clamped to [-50, 50].
    pub fn probability(&self, row: &[f64]) -> f64 {
        self.logistic(self.total(row))
    }

    /// Probabilities of rows laid out one after another (`rows.len()` a multiple of width).
    ///
    /// Rows go through in blocks, tree by tree (each row's leaves still added in tree order):
    /// one tree's nodes then stay in cache while a block of rows walks it.
    pub fn probabilities(&self, rows: &[f64]) -> Vec<f64> {
        const BLOCK: usize = 64;
        if self.width == 0 {
            return Vec::new();
        }
        let n = rows.len() / self.width;
        let mut out = Vec::with_capacity(n);
        let mut totals = [0.0f64; BLOCK];
        for block in rows.chunks(BLOCK * self.width) {
            let count = block.len() / self.width;
            let totals = &mut totals[..count];
            totals.fill(0.0);
            for nodes in &self.trees {
                for (r, total) in totals.iter_mut().enumerate() {
                    let row = &block[r * self.width..(r + 1) * self.width];
                    let mut node = &nodes[0];
                    while node.feature != LEAF {
                        let next = if row[node.feature as usize] <= node.threshold {
                            node.left
                        } else {
                            node.right
                        };
                        node = &nodes[next as usize];
                    }
                    *total += node.value;
                }
            }
            out.extend(totals.iter().map(|&total| self.logistic(total)));
        }
        out
    }

    fn logistic(&self, total: f64) -> f64 {
        let score = self.bias + self.learning_rate * total;
        // Python's `max(-50.0, min(50.0, score))`: min keeps 50.0 unless score is below it,
        // max keeps -50.0 unless the value is above it (so NaN becomes 50.0 there and here).
        let clamped = if score < 50.0 { score } else { 50.0 };
        let clamped = if clamped > -50.0 { clamped } else { -50.0 };
        1.0 / (1.0 + (-clamped).exp())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stump(feature: i64, threshold: f64, low: f64, high: f64) -> Tree {
        Tree {
            feature: vec![feature, -1, -1],
            threshold: vec![threshold, 0.0, 0.0],
            left: vec![1, -1, -1],
            right: vec![2, -1, -1],
            value: vec![0.0, low, high],
        }
    }

    #[test]
    fn a_row_goes_left_at_the_threshold_and_right_above_it_or_on_nan() {
        let model = Ensemble::new(0.0, 1.0, 1, &[stump(0, 0.5, -1.0, 1.0)]).unwrap();
        assert_eq!(model.total(&[0.5]), -1.0);
        assert_eq!(model.total(&[0.6]), 1.0);
        assert_eq!(model.total(&[f64::NAN]), 1.0);
    }

    #[test]
    fn leaves_are_added_in_tree_order_from_zero() {
        // 1e16 + 1.0 - 1e16 is 0.0 in order, 1.0 if the sum were compensated or reordered.
        let trees = [
            stump(0, 0.0, 1e16, 1e16),
            stump(0, 0.0, 1.0, 1.0),
            stump(0, 0.0, -1e16, -1e16),
        ];
        let model = Ensemble::new(0.0, 1.0, 1, &trees).unwrap();
        assert_eq!(model.total(&[0.0]), 0.0);
        // a leading -0.0 leaf gives 0.0 + -0.0 = 0.0, as Python's `total = 0.0; total += v`
        let model = Ensemble::new(0.0, 1.0, 1, &[stump(0, 0.0, -0.0, -0.0)]).unwrap();
        assert!(model.total(&[0.0]).is_sign_positive());
    }

    #[test]
    fn the_score_is_clamped_before_the_logistic() {
        let model = Ensemble::new(1000.0, 1.0, 1, &[stump(0, 0.0, 0.0, 0.0)]).unwrap();
        assert_eq!(model.probability(&[0.0]), 1.0 / (1.0 + (-50.0f64).exp()));
        let model = Ensemble::new(-1000.0, 1.0, 1, &[stump(0, 0.0, 0.0, 0.0)]).unwrap();
        assert_eq!(model.probability(&[0.0]), 1.0 / (1.0 + 50.0f64.exp()));
    }

    #[test]
    fn blocks_of_rows_score_as_rows_one_by_one() {
        let mut seed = 0x1234_5678_9abc_def1u64;
        let mut next = move || {
            seed ^= seed >> 12;
            seed ^= seed << 25;
            seed ^= seed >> 27;
            seed.wrapping_mul(0x2545_f491_4f6c_dd1d)
        };
        for _ in 0..50 {
            let width = 1 + (next() % 4) as usize;
            let mut trees = Vec::new();
            for _ in 0..1 + next() % 8 {
                // a random tree grown by splitting leaves; children after their parent
                let mut t = stump(0, 0.0, 0.0, 0.0);
                t.feature = vec![-1];
                t.threshold = vec![0.0];
                t.left = vec![-1];
                t.right = vec![-1];
                t.value = vec![(next() % 100) as f64 / 10.0 - 5.0];
                for _ in 0..next() % 10 {
                    let leaves: Vec<usize> =
                        (0..t.feature.len()).filter(|&i| t.feature[i] < 0).collect();
                    let node = leaves[(next() as usize) % leaves.len()];
                    t.feature[node] = (next() % width as u64) as i64;
                    t.threshold[node] = (next() % 40) as f64 / 10.0 - 2.0;
                    t.left[node] = t.feature.len() as i64;
                    t.right[node] = t.feature.len() as i64 + 1;
                    for _ in 0..2 {
                        t.feature.push(-1);
                        t.threshold.push(0.0);
                        t.left.push(-1);
                        t.right.push(-1);
                        t.value.push((next() % 100) as f64 / 10.0 - 5.0);
                    }
                }
                trees.push(t);
            }
            let model = Ensemble::new(0.1, 0.3, width, &trees).unwrap();
            let rows: Vec<f64> = (0..width * (next() % 200) as usize)
                .map(|_| match next() % 10 {
                    0 => f64::NAN,
                    1 => f64::INFINITY,
                    _ => (next() % 50) as f64 / 10.0 - 2.5,
                })
                .collect();
            let one_by_one: Vec<u64> = rows
                .chunks_exact(width)
                .map(|r| model.probability(r).to_bits())
                .collect();
            let blocks: Vec<u64> = model
                .probabilities(&rows)
                .iter()
                .map(|p| p.to_bits())
                .collect();
            assert_eq!(blocks, one_by_one);
        }
    }

    #[test]
    fn malformed_trees_are_errors_not_panics() {
        let mut cycle = stump(0, 0.0, 0.0, 0.0);
        cycle.left[0] = 0;
        assert!(Ensemble::new(0.0, 1.0, 1, &[cycle]).is_err());
        assert!(Ensemble::new(0.0, 1.0, 1, &[stump(3, 0.0, 0.0, 0.0)]).is_err());
        let mut short = stump(0, 0.0, 0.0, 0.0);
        short.value.pop();
        assert!(Ensemble::new(0.0, 1.0, 1, &[short]).is_err());
    }
}
