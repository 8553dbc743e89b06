//! cleanpipe's native text path: the per-document work the Python stages call into.
//!
//! The pure-Rust core (this crate without features) is what `cargo test` checks; the Python
//! binding (`--features python`, turned on by maturin) is a thin layer over it in `binding`,
//! where every entry point catches panics so none crosses into Python.

mod casefold_table;
pub mod features;
pub mod markers;
pub mod pychar;
pub mod pyregex;
pub mod titles;
pub mod trees;

#[cfg(feature = "python")]
mod binding;
