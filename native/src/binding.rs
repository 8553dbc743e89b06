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
    m.add_function(wrap_pyfunction!(_panic_for_tests, m)?)?;
    Ok(())
}
