//! Marginalia: hand-annotate news articles with claims, quotes, locations and actors.
//!
//! The crate is layered: [`model`] is the domain (no IO, no UI), [`store`] reads and writes
//! RON project files, [`formats`] exports and imports datasets, [`review`] compares
//! annotators and measures their agreement, [`merge`] merges project files three ways
//! for git, [`suggest`] proposes quotes, speakers and names for a person to accept or
//! reject, [`cli`] is the headless
//! command line, and `app` (feature `gui`) is the only place egui, eframe and rfd appear.

pub mod cli;
pub mod formats;
pub mod merge;
pub mod model;
pub mod review;
pub mod store;
pub mod suggest;

#[cfg(feature = "gui")]
pub mod app;
