//! Comparing annotators and their agreement (`marginalia::review`): properties that must
//! hold for any annotations, an independent computation of the figures in Python, and
//! the `agree` command line. One test binary; the modules live in `tests/agreement/`.

#[path = "support/binary.rs"]
#[allow(dead_code, reason = "each test crate uses what it needs of it")]
mod binary;
#[path = "agreement/support.rs"]
mod support;

#[path = "agreement/cli.rs"]
mod cli;
#[path = "agreement/properties.rs"]
mod properties;
#[path = "agreement/python.rs"]
mod python;
