//! [`ValueArena`]: where the values that generated code points to live.
//!
//! Generated code passes `*const Value` around. A variable owns its value in a
//! slot of its function's frame (docs/internals/native-code.md, "Memory"); the
//! values that runtime calls give back — temporaries — live here, in chunks that
//! never move, until the region they were made in ends: generated code takes a
//! [`Mark`] before each statement of a function's body and before each loop, and
//! releases back to it after the statement and at the top of every round. A
//! streamed output releases each element's values the same way.

use std::cell::UnsafeCell;

use crate::value::Value;

/// Values per chunk: the first chunk's size; later chunks double, up to
/// [`MAX_CHUNK`].
const FIRST_CHUNK: usize = 256;
const MAX_CHUNK: usize = 64 * 1024;

/// How far the arena is filled: [`ValueArena::release`] drops what came after.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mark {
    chunks: usize,
    len: usize,
}

impl Mark {
    /// The mark as one word, for generated code (a chunk holds at most
    /// [`MAX_CHUNK`] values, so `len` fits in 32 bits).
    pub fn to_word(self) -> i64 {
        ((self.chunks as i64) << 32) | self.len as i64
    }

    pub fn from_word(word: i64) -> Mark {
        Mark {
            chunks: (word >> 32) as usize,
            len: (word & 0xffff_ffff) as usize,
        }
    }
}

#[derive(Default)]
pub struct ValueArena {
    inner: UnsafeCell<Chunks>,
}

#[derive(Default)]
struct Chunks {
    /// Never empty once something is allocated; a chunk's `Vec` never grows
    /// past its capacity, so its values never move.
    full: Vec<Vec<Value>>,
    /// A released chunk kept for the next allocation, so that a mark at a chunk's
    /// end does not free and allocate a chunk for every element.
    spare: Option<Vec<Value>>,
}

impl ValueArena {
    pub fn new() -> ValueArena {
        ValueArena::default()
    }

    /// Keeps `value` until the run ends or a release before it; the pointer is
    /// valid until then.
    pub fn alloc(&self, value: Value) -> *const Value {
        // SAFETY: the arena is not `Sync`, and no reference into `inner` outlives
        // this call or `mark`/`release`; values are reached only through the raw
        // pointers handed out, which moving a chunk's `Vec` header does not move.
        let chunks = unsafe { &mut *self.inner.get() };
        let needs_chunk = chunks
            .full
            .last()
            .is_none_or(|last| last.len() == last.capacity());
        if needs_chunk {
            let size = chunks
                .full
                .last()
                .map_or(FIRST_CHUNK, |last| (last.capacity() * 2).min(MAX_CHUNK));
            let chunk = match chunks.spare.take() {
                Some(spare) if spare.capacity() >= size => spare,
                _ => Vec::with_capacity(size),
            };
            chunks.full.push(chunk);
        }
        let last = chunks.full.last_mut().expect("a chunk was just ensured");
        last.push(value);
        last.last().expect("a value was just pushed") as *const Value
    }

    /// Where the arena is now.
    pub fn mark(&self) -> Mark {
        // SAFETY: as in `alloc`.
        let chunks = unsafe { &*self.inner.get() };
        Mark {
            chunks: chunks.full.len(),
            len: chunks.full.last().map_or(0, Vec::len),
        }
    }

    /// Drops every value allocated after `mark`. A mark that lies beyond the
    /// arena's end (an inner region already released further back) drops nothing.
    ///
    /// # Safety
    /// No pointer to such a value may be used afterwards.
    pub unsafe fn release(&self, mark: Mark) {
        // SAFETY: as in `alloc`; the caller vouches for the pointers.
        let chunks = unsafe { &mut *self.inner.get() };
        if chunks.full.len() < mark.chunks {
            return;
        }
        while chunks.full.len() > mark.chunks {
            let mut chunk = chunks.full.pop().expect("more chunks than the mark");
            chunk.clear();
            if chunks
                .spare
                .as_ref()
                .is_none_or(|s| s.capacity() < chunk.capacity())
            {
                chunks.spare = Some(chunk);
            }
        }
        if let Some(last) = chunks.full.last_mut() {
            last.truncate(mark.len);
        }
    }

    /// How many values the arena holds (for tests and the memory benchmark).
    pub fn len(&self) -> usize {
        // SAFETY: as in `alloc`.
        let chunks = unsafe { &*self.inner.get() };
        chunks.full.iter().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::rc::Rc;

    #[test]
    fn values_stay_put_across_chunks_and_release_drops_only_later_ones() {
        let arena = ValueArena::new();
        let first: Vec<*const Value> = (0..1000).map(|n| arena.alloc(Value::Int(n))).collect();
        let mark = arena.mark();
        let shared = Rc::new(vec![Value::Int(7)]);
        for _ in 0..5000 {
            arena.alloc(Value::List(shared.clone()));
        }
        assert_eq!(Rc::strong_count(&shared), 5001);
        unsafe { arena.release(mark) };
        assert_eq!(Rc::strong_count(&shared), 1);
        assert_eq!(arena.mark(), mark);
        for (n, p) in first.iter().enumerate() {
            assert!(matches!(unsafe { &**p }, Value::Int(v) if *v == n as i64));
        }
        let again = arena.alloc(Value::Int(-1));
        assert!(matches!(unsafe { &*again }, Value::Int(-1)));
        assert!(matches!(unsafe { &*first[999] }, Value::Int(999)));
    }

    #[test]
    fn a_mark_at_a_chunk_boundary_reuses_the_spare_chunk() {
        let arena = ValueArena::new();
        for n in 0..FIRST_CHUNK {
            arena.alloc(Value::Int(n as i64));
        }
        let mark = arena.mark();
        for round in 0..3 {
            let p = arena.alloc(Value::Int(round));
            assert!(matches!(unsafe { &*p }, Value::Int(r) if *r == round));
            unsafe { arena.release(mark) };
            assert_eq!(arena.mark(), mark);
        }
    }

    #[test]
    fn a_mark_past_the_end_releases_nothing_and_marks_travel_as_words() {
        let arena = ValueArena::new();
        let outer = arena.mark();
        for n in 0..(FIRST_CHUNK as i64 + 10) {
            arena.alloc(Value::Int(n));
        }
        let inner = arena.mark();
        assert_eq!(Mark::from_word(inner.to_word()), inner);
        unsafe { arena.release(outer) };
        let kept: Vec<*const Value> = (0..20).map(|n| arena.alloc(Value::Int(n))).collect();
        unsafe { arena.release(inner) };
        assert_eq!(arena.len(), 20);
        for (n, p) in kept.iter().enumerate() {
            assert!(matches!(unsafe { &**p }, Value::Int(v) if *v == n as i64));
        }
    }

    #[test]
    fn releasing_to_an_empty_mark_empties_the_arena() {
        let arena = ValueArena::new();
        let mark = arena.mark();
        for n in 0..600 {
            arena.alloc(Value::Int(n));
        }
        unsafe { arena.release(mark) };
        assert_eq!(arena.mark(), mark);
        let p = arena.alloc(Value::Int(3));
        assert!(matches!(unsafe { &*p }, Value::Int(3)));
    }
}
