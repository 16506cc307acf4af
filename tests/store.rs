//! Tests of the project-file layer (`marginalia::store`) and of the headless CLI built on
//! it: one integration-test binary, so one link step; each test works in its own
//! temporary folder. The modules live in `tests/store/`.

#[path = "store/adjudicate.rs"]
mod adjudicate;
#[path = "support/binary.rs"]
#[allow(dead_code, reason = "each test crate uses what it needs of it")]
mod binary;
#[path = "store/broken.rs"]
mod broken;
#[path = "store/cli.rs"]
mod cli;
#[path = "store/common.rs"]
mod common;
#[path = "store/corpus.rs"]
mod corpus;
#[path = "store/fault.rs"]
mod fault;
#[path = "store/generate.rs"]
mod generate;
#[path = "store/merge.rs"]
mod merge;
#[path = "store/roundtrip.rs"]
mod roundtrip;
#[path = "store/save.rs"]
mod save;
#[path = "store/suggest.rs"]
mod suggest;
#[path = "store/v1.rs"]
mod v1;
#[path = "store/v2.rs"]
mod v2;
#[path = "store/verbs.rs"]
mod verbs;
