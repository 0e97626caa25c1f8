//! The Ferry runtime: the value model, standard library, HTTP adaptors and triggers
//! that a compiled job links against (as an rlib for `ferry run`, as a staticlib
//! inside every executable that `ferry build` writes).

pub mod abi;
pub mod arena;
pub mod error;
pub mod failure;
pub mod http;
pub mod job_main;
pub mod json;
pub mod methods;
pub mod ops;
pub mod paging;
pub mod program;
pub mod run;
pub mod secret_places;
pub mod secrets;
pub mod serve;
pub mod serve_jobs;
pub mod stack_guard;
pub mod standalone;
pub mod stdlib;
pub mod testing;
pub mod value;
