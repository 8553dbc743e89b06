//! The Python face of the crate: `cleanpipe._native`.
//!
//! Every entry point runs its Rust work under `guarded`: a panic becomes a `NativeError` (a
//! `RuntimeError`), which the pipeline records as that document's error and goes on. PyO3's
//! own `PanicException` derives from `BaseException`, so an `except Exception` around one
//! document would not catch it and the whole run would stop.

use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use pyo3::create_exception;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use pyo3::types::PyDict;

use crate::features::{self, Featurizer, Spec};
use crate::markers::{MarkerSpec, Pattern};
use crate::trees::{Ensemble, Tree};

create_exception!(
    cleanpipe._native,
    NativeError,
    PyRuntimeError,
    "A failure inside cleanpipe's native code (a bug): the document it happened on fails, the run goes on."
);

static QUIET_PANICS: Once = Once::new();

/// Runs `work`, turning a panic into a `NativeError` carrying the panic's message.
fn guarded<T>(work: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    match panic::catch_unwind(AssertUnwindSafe(work)) {
        Ok(result) => result,
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_owned());
            Err(NativeError::new_err(format!(
                "native code panicked: {message}"
            )))
        }
    }
}

fn floats(data: &[u8]) -> PyResult<Vec<f64>> {
    if !data.len().is_multiple_of(8) {
        return Err(PyValueError::new_err(
            "expected float64 bytes (a multiple of 8 long)",
        ));
    }
    Ok(data
        .chunks_exact(8)
        .map(|b| f64::from_ne_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]))
        .collect())
}

fn float_bytes(values: &[f64]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_ne_bytes()).collect()
}

/// A tree ensemble (`TreeEnsemble` of `cleanpipe.stages.treemodel`) compiled for scoring.
#[pyclass(module = "cleanpipe._native", frozen)]
struct TreeModel {
    ensemble: Ensemble,
}

type TreeArrays = (Vec<i64>, Vec<f64>, Vec<i64>, Vec<i64>, Vec<f64>);

#[pymethods]
impl TreeModel {
    /// `trees`: per tree (feature, threshold, left, right, value), as in the model JSON.
    #[new]
    fn new(bias: f64, learning_rate: f64, width: usize, trees: Vec<TreeArrays>) -> PyResult<Self> {
        guarded(|| {
            let trees: Vec<Tree> = trees
                .into_iter()
                .map(|(feature, threshold, left, right, value)| Tree {
                    feature,
                    threshold,
                    left,
                    right,
                    value,
                })
                .collect();
            Ensemble::new(bias, learning_rate, width, &trees)
                .map(|ensemble| Self { ensemble })
                .map_err(|e| PyValueError::new_err(e.to_string()))
        })
    }

    #[getter]
    fn width(&self) -> usize {
        self.ensemble.width()
    }

    /// Probabilities of rows given as float64 bytes (row after row), as float64 bytes.
    fn probabilities<'py>(&self, py: Python<'py>, rows: &[u8]) -> PyResult<Bound<'py, PyBytes>> {
        let out = guarded(|| {
            let rows = floats(rows)?;
            if self.ensemble.width() == 0 || !rows.len().is_multiple_of(self.ensemble.width()) {
                return Err(PyValueError::new_err(format!(
                    "{} floats are not whole rows of {}",
                    rows.len(),
                    self.ensemble.width()
                )));
            }
            Ok(float_bytes(&self.ensemble.probabilities(&rows)))
        })?;
        Ok(PyBytes::new(py, &out))
    }
}

fn item<'py, T: FromPyObjectOwned<'py>>(spec: &Bound<'py, PyDict>, key: &str) -> PyResult<T> {
    match spec.get_item(key)? {
        Some(value) => value.extract::<T>().map_err(|e| {
            let e: PyErr = e.into();
            PyValueError::new_err(format!("line features spec: {key}: {e}"))
        }),
        None => Err(PyValueError::new_err(format!(
            "line features spec: {key} is missing"
        ))),
    }
}

fn spec_of(spec: &Bound<'_, PyDict>) -> PyResult<Spec> {
    let markers = MarkerSpec {
        names: item(spec, "marker_names")?,
        cookie_banner: item::<Pattern>(spec, "cookie_banner")?,
        copyright: item(spec, "copyright")?,
        short_lines: item(spec, "short_lines")?,
        date_verb: item(spec, "date_verb")?,
        cookie_notice: item(spec, "cookie_notice")?,
        byline: item(spec, "byline")?,
        caption_head: item(spec, "caption_head")?,
        caption_agency: item(spec, "caption_agency")?,
        caption_credit: item(spec, "caption_credit")?,
        cookie_words: item(spec, "cookie_words")?,
        copyright_words: item(spec, "copyright_words")?,
        agency_words: item(spec, "agency_words")?,
    };
    Ok(Spec {
        markers,
        title_prefix: item(spec, "title_prefix")?,
        site_suffix: item(spec, "site_suffix")?,
        stop_words: item(spec, "stop_words")?,
        boundary: item(spec, "boundary_markers")?,
    })
}

/// The boilerplate classifier's line features (native/src/features.rs), built from the
/// Python vocabularies (`vocab.native_spec()`).
#[pyclass(module = "cleanpipe._native", frozen)]
struct LineFeatures {
    featurizer: Featurizer,
}

/// What `LineFeatures.document` returns: rows (float64 bytes), per line chars, words,
/// terminal, stop ratio (float64 bytes) and marker (-1 for none), and the main block.
type DocumentOut<'py> = (
    Bound<'py, PyBytes>,
    Vec<usize>,
    Vec<usize>,
    Vec<bool>,
    Bound<'py, PyBytes>,
    Vec<i64>,
    (usize, usize),
);

fn document_out<'py>(py: Python<'py>, rows: &[f64], doc: &features::Document) -> DocumentOut<'py> {
    let shapes = &doc.shapes;
    let ratios: Vec<f64> = shapes.iter().map(|s| s.stop_ratio).collect();
    (
        PyBytes::new(py, &float_bytes(rows)),
        shapes.iter().map(|s| s.chars).collect(),
        shapes.iter().map(|s| s.words).collect(),
        shapes.iter().map(|s| s.terminal).collect(),
        PyBytes::new(py, &float_bytes(&ratios)),
        shapes
            .iter()
            .map(|s| s.marker.map_or(-1, |m| m as i64))
            .collect(),
        doc.block,
    )
}

type ShapesOut = (Vec<usize>, Vec<bool>, Vec<Option<String>>);

#[pymethods]
impl LineFeatures {
    #[new]
    fn new(spec: &Bound<'_, PyDict>) -> PyResult<Self> {
        let spec = spec_of(spec)?;
        guarded(|| {
            Featurizer::new(&spec)
                .map(|featurizer| Self { featurizer })
                .map_err(PyValueError::new_err)
        })
    }

    #[getter]
    fn width(&self) -> usize {
        self.featurizer.width()
    }

    /// The marker name of a line, or None.
    fn marker_of(&self, line: &str) -> PyResult<Option<String>> {
        guarded(|| {
            let markers = self.featurizer.markers();
            Ok(markers.marker_of(line).map(|m| markers.names()[m].clone()))
        })
    }

    fn title_key(&self, line: &str, strip_suffix: bool) -> PyResult<String> {
        guarded(|| Ok(self.featurizer.titles().key(line, strip_suffix)))
    }

    /// Per line: words (runs of `\w`), ends a sentence, marker name or None.
    fn shapes(&self, lines: Vec<String>) -> PyResult<ShapesOut> {
        guarded(|| {
            let names = self.featurizer.markers().names();
            let mut words = Vec::with_capacity(lines.len());
            let mut terminal = Vec::with_capacity(lines.len());
            let mut markers = Vec::with_capacity(lines.len());
            for (w, t, m) in self.featurizer.shapes(&lines) {
                words.push(w);
                terminal.push(t);
                markers.push(m.map(|m| names[m].clone()));
            }
            Ok((words, terminal, markers))
        })
    }

    /// `shapes` of the non-blank lines of `text` (split on `\n`, stripped of the characters
    /// in `edge`: `stage._BLANK_EDGE`), without building the lines in Python.
    fn text_shapes(&self, text: &str, edge: &str) -> PyResult<ShapesOut> {
        let edge: Vec<char> = edge.chars().collect();
        let lines: Vec<String> = text
            .split('\n')
            .map(|line| line.trim_matches(edge.as_slice()))
            .filter(|line| !line.is_empty())
            .map(str::to_owned)
            .collect();
        self.shapes(lines)
    }

    fn has_stops(&self, key: &str) -> bool {
        self.featurizer.has_stops(key)
    }

    /// The feature rows of a document's non-blank (stripped) lines and their shapes.
    fn document<'py>(
        &self,
        py: Python<'py>,
        lines: Vec<String>,
        blank_before: Vec<bool>,
        blank_after: Vec<bool>,
        stops: &str,
    ) -> PyResult<DocumentOut<'py>> {
        let doc = guarded(|| {
            self.featurizer
                .document(&lines, &blank_before, &blank_after, stops)
                .map_err(PyValueError::new_err)
        })?;
        Ok(document_out(py, &doc.rows, &doc))
    }
}

/// The line classifier's two passes over a document, in one call: the features, the first
/// pass's probabilities, their neighbourhood, the second pass's probabilities.
#[pyclass(module = "cleanpipe._native", frozen)]
struct LineClassifier {
    features: Py<LineFeatures>,
    first: Py<TreeModel>,
    second: Py<TreeModel>,
}

/// Second-pass rows built at once: bounds their memory on a long document.
const SECOND_PASS_BLOCK: usize = 8192;

#[pymethods]
impl LineClassifier {
    #[new]
    fn new(
        features: Py<LineFeatures>,
        first: Py<TreeModel>,
        second: Py<TreeModel>,
    ) -> PyResult<Self> {
        let width = features.get().featurizer.width();
        if first.get().ensemble.width() != width
            || second.get().ensemble.width() != width + features::SECOND_PASS
        {
            return Err(PyValueError::new_err(
                "the tree models do not read the line features' columns",
            ));
        }
        Ok(Self {
            features,
            first,
            second,
        })
    }

    /// The second pass's probability of each non-blank (stripped) line, with the lines'
    /// shapes and the main block, as `LineFeatures.document` gives them (probabilities in
    /// place of the rows).
    fn score<'py>(
        &self,
        py: Python<'py>,
        lines: Vec<String>,
        blank_before: Vec<bool>,
        blank_after: Vec<bool>,
        stops: &str,
    ) -> PyResult<DocumentOut<'py>> {
        let (doc, second) = guarded(|| {
            let doc = self
                .features
                .get()
                .featurizer
                .document(&lines, &blank_before, &blank_after, stops)
                .map_err(PyValueError::new_err)?;
            let first = self.first.get().ensemble.probabilities(&doc.rows);
            let chars: Vec<usize> = doc.shapes.iter().map(|s| s.chars).collect();
            let context = features::neighbourhood(&first, &chars);
            let (width, extra) = (doc.width, features::SECOND_PASS);
            let mut second = Vec::with_capacity(first.len());
            let mut rows = Vec::new();
            for start in (0..first.len()).step_by(SECOND_PASS_BLOCK) {
                let end = (start + SECOND_PASS_BLOCK).min(first.len());
                rows.clear();
                for i in start..end {
                    rows.extend_from_slice(&doc.rows[i * width..(i + 1) * width]);
                    rows.extend_from_slice(&context[i * extra..(i + 1) * extra]);
                }
                second.extend(self.second.get().ensemble.probabilities(&rows));
            }
            Ok((doc, second))
        })?;
        Ok(document_out(py, &second, &doc))
    }
}

/// The second pass's columns of each line from the first pass's probabilities (float64
/// bytes) and the lines' lengths in characters.
#[pyfunction]
fn neighbourhood<'py>(
    py: Python<'py>,
    probabilities: &[u8],
    chars: Vec<usize>,
) -> PyResult<Bound<'py, PyBytes>> {
    let out = guarded(|| {
        let p = floats(probabilities)?;
        if p.len() != chars.len() {
            return Err(PyValueError::new_err(
                "probabilities and chars differ in length",
            ));
        }
        Ok(float_bytes(&features::neighbourhood(&p, &chars)))
    })?;
    Ok(PyBytes::new(py, &out))
}

/// The densest run of prose lines (`features::main_block`) of lines given by their chars,
/// words, terminal punctuation and whether they carry a marker.
#[pyfunction]
fn main_block(
    chars: Vec<usize>,
    words: Vec<usize>,
    terminal: Vec<bool>,
    marker: Vec<bool>,
) -> PyResult<(usize, usize)> {
    guarded(|| {
        let n = chars.len();
        if words.len() != n || terminal.len() != n || marker.len() != n {
            return Err(PyValueError::new_err("the line arrays differ in length"));
        }
        let shapes: Vec<features::Shape> = (0..n)
            .map(|i| features::Shape {
                chars: chars[i],
                words: words[i],
                terminal: terminal[i],
                stop_ratio: 0.0,
                marker: marker[i].then_some(0),
            })
            .collect();
        Ok(features::main_block(&shapes))
    })
}

/// A Python `re` pattern compiled by Rust's `regex` with Python's class meanings
/// (`pyregex`), for whole-text scans where Python's engine walks every character.
#[pyclass(module = "cleanpipe._native", name = "Pattern", frozen)]
struct PythonPattern {
    regex: regex::Regex,
}

#[pymethods]
impl PythonPattern {
    #[new]
    fn new(pattern: &str, ignore_case: bool) -> PyResult<Self> {
        guarded(|| {
            crate::pyregex::compile(pattern, ignore_case)
                .map(|regex| Self { regex })
                .map_err(PyValueError::new_err)
        })
    }

    /// `len(pattern.findall(text))`, counting no further than `at_most`.
    fn count(&self, text: &str, at_most: usize) -> PyResult<usize> {
        guarded(|| Ok(self.regex.find_iter(text).take(at_most).count()))
    }

    /// Whether `pattern.search(text)` finds a match.
    fn search(&self, text: &str) -> PyResult<bool> {
        guarded(|| Ok(self.regex.is_match(text)))
    }
}

/// Panics inside native code, for the tests of the panic boundary.
#[pyfunction]
fn _panic_for_tests(message: &str) -> PyResult<()> {
    guarded(|| panic!("{message}"))
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    // A panic is reported through NativeError's message; the default hook would also print
    // it on stderr, in the middle of a progress bar.
    QUIET_PANICS.call_once(|| panic::set_hook(Box::new(|_| {})));
    m.add("NativeError", m.py().get_type::<NativeError>())?;
    m.add_class::<TreeModel>()?;
    m.add_class::<LineFeatures>()?;
    m.add_class::<LineClassifier>()?;
    m.add_class::<PythonPattern>()?;
    m.add_function(wrap_pyfunction!(neighbourhood, m)?)?;
    m.add_function(wrap_pyfunction!(main_block, m)?)?;
    m.add_function(wrap_pyfunction!(_panic_for_tests, m)?)?;
    Ok(())
}
