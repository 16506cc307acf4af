//! Reviewing colleagues' work: comparing annotators, agreement, adjudication. No egui.

pub mod adjudicate;
