//! Dataset export and import (`marginalia::formats`): golden files, round trips in every
//! offset unit, the checks import makes, export options, the command line, and the
//! Python check that spaCy and seqeval read the output.
//!
//! `MARGINALIA_BLESS=1 cargo test --test formats` rewrites the fixture project and the
//! golden files; check the diff by eye before committing it.

#[path = "support/binary.rs"]
#[allow(dead_code, reason = "each test crate uses what it needs of it")]
mod binary;
#[path = "formats/support.rs"]
mod support;

#[path = "formats/cli.rs"]
mod cli;
#[cfg(unix)]
#[path = "formats/edges.rs"]
mod edges;
#[path = "formats/export_options.rs"]
mod export_options;
#[path = "formats/golden.rs"]
mod golden;
#[path = "formats/import_checks.rs"]
mod import_checks;
#[path = "formats/python.rs"]
mod python;
#[path = "formats/round_trip.rs"]
mod round_trip;
