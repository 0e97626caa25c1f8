//! [`ValueArena`]: where the values that generated code points to live.
//!
//! Generated code passes `*const Value` around and never frees anything, so a
//! value must stay where it is for as long as code may hold its pointer: the
//! arena allocates in chunks that never move. Most values then live until the
//! run ends. The one exception is a streamed output (`docs/internals/native-code.md`,
//! "Streamed output"): each element of a mapped list is written out and every
//! value made for it is released, back to a [`Mark`] taken before it.

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

    /// Drops every value allocated after `mark`.
    ///
    /// # Safety
    /// No pointer to such a value may be used afterwards.
    pub unsafe fn release(&self, mark: Mark) {
        // SAFETY: as in `alloc`; the caller vouches for the pointers.
        let chunks = unsafe { &mut *self.inner.get() };
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
