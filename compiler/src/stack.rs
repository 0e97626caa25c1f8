//! Deeply nested source without stack overflows.
//!
//! The parser, checker, lowerer and formatter recurse over the syntax tree, and a
//! real file can nest deeply (a sum of thousands of terms is a left-nested tree of
//! that depth). Each recursive step runs inside [`deep`], which grows the stack on
//! demand (the `stacker` crate, as rustc does) instead of overflowing it.

/// Stack left before a new segment is allocated.
const RED_ZONE: usize = 128 * 1024;
/// The size of each new segment.
const SEGMENT: usize = 2 * 1024 * 1024;

/// Runs `f`, first growing the stack when less than a red zone is left.
#[inline]
pub fn deep<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(RED_ZONE, SEGMENT, f)
}
