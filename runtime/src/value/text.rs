//! [`Str`]: the runtime's immutable text, cheap to clone.
//!
//! Five representations, chosen when a `Str` is made and invisible afterwards:
//! - `Static`: text that lives for the whole process (literals of generated code,
//!   field names of shapes);
//! - `Inline`: up to [`INLINE_CAP`] bytes stored in the value itself, so short
//!   results (`"143"`, `"F"`, `"female"`) never allocate;
//! - `Heap`: a reference-counted copy;
//! - `Buf`: a reference-counted, growable buffer, made by [`Str::push_unique`]
//!   (`s = s + "text"`): while nothing else holds it, it grows in place, with
//!   spare capacity, so a loop of appends is amortised linear;
//! - `Slice`: a range of a shared input buffer ([`Source`]), so that a decoded
//!   string without escapes costs no copy and no allocation. The buffer stays
//!   alive while any slice of it does.

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::rc::Rc;

/// The longest text stored inline.
pub const INLINE_CAP: usize = 22;

/// A buffer of text that [`Str`]s may borrow from (a decoded document).
pub type Source = Rc<String>;

/// Immutable text, cheap to clone. Compares, orders and hashes by content
/// (ordering is by code point, which is the byte order of UTF-8).
#[derive(Clone)]
pub struct Str(Repr);

#[derive(Clone)]
enum Repr {
    Static(&'static str),
    Inline(Inline),
    Heap(Rc<str>),
    Buf(Rc<String>),
    Slice { src: Source, start: u32, len: u32 },
}

/// Invariant: `bytes[..len]` is valid UTF-8 (it is only ever copied from a `&str`).
#[derive(Clone, Copy)]
struct Inline {
    len: u8,
    bytes: [u8; INLINE_CAP],
}

impl Inline {
    fn new(s: &str) -> Option<Inline> {
        if s.len() > INLINE_CAP {
            return None;
        }
        let mut bytes = [0; INLINE_CAP];
        bytes[..s.len()].copy_from_slice(s.as_bytes());
        Some(Inline {
            len: s.len() as u8,
            bytes,
        })
    }

    fn as_str(&self) -> &str {
        let bytes = &self.bytes[..self.len as usize];
        // SAFETY: `bytes` was copied whole from a `&str` in `Inline::new` and is
        // never modified (the invariant of `Inline`).
        unsafe { std::str::from_utf8_unchecked(bytes) }
    }
}

impl Str {
    /// The empty string.
    pub const EMPTY: Str = Str(Repr::Static(""));

    /// Text that lives for the whole process: never copied, never counted.
    pub const fn from_static(s: &'static str) -> Str {
        Str(Repr::Static(s))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Static(s) => s,
            Repr::Inline(i) => i.as_str(),
            Repr::Heap(s) => s,
            Repr::Buf(s) => s,
            Repr::Slice { src, start, len } => {
                let start = *start as usize;
                &src[start..start + *len as usize]
            }
        }
    }

    /// `src[start..end]` without copying it (short text is copied inline instead, so
    /// it does not keep the whole buffer alive). The range must lie on character
    /// boundaries of `src`; a range that does not, or that is too far into a buffer
    /// of 4 GiB or more to be addressed, is copied.
    pub fn slice_of(src: &Source, start: usize, end: usize) -> Str {
        let Some(text) = src.get(start..end) else {
            return Str::EMPTY;
        };
        if let Some(inline) = Inline::new(text) {
            return Str(Repr::Inline(inline));
        }
        match (u32::try_from(start), u32::try_from(end - start)) {
            (Ok(start), Ok(len)) => Str(Repr::Slice {
                src: src.clone(),
                start,
                len,
            }),
            _ => Str(Repr::Heap(Rc::from(text))),
        }
    }

    /// Whether the text is stored in the value itself.
    pub fn is_inline(&self) -> bool {
        matches!(self.0, Repr::Inline(_))
    }

    /// The text, if it is static.
    pub fn as_static(&self) -> Option<&'static str> {
        match self.0 {
            Repr::Static(s) => Some(s),
            _ => None,
        }
    }

    /// Whether the text is static (see [`Str::from_static`], [`Str::into_static`]).
    pub fn is_static(&self) -> bool {
        matches!(self.0, Repr::Static(_))
    }

    /// Whether the text is a slice of a shared input buffer.
    pub fn is_borrowed_slice(&self) -> bool {
        matches!(self.0, Repr::Slice { .. })
    }

    /// The text leaked for the rest of the process, as a `Static` `Str` (used for
    /// the field names of shapes, which are shared by every record of the shape).
    pub fn into_static(self) -> Str {
        match self.0 {
            Repr::Static(_) => self,
            _ => Str(Repr::Static(Box::leak(self.as_str().into()))),
        }
    }

    /// Appends `tail` to this text: in place when this is a buffer that nothing
    /// else holds, else by copying into a new buffer with room to grow (twice the
    /// length), so that repeated appends to one variable cost amortised O(length).
    pub fn push_unique(&mut self, tail: &str) {
        if tail.is_empty() {
            return;
        }
        if let Repr::Buf(buf) = &mut self.0
            && let Some(buf) = Rc::get_mut(buf)
        {
            buf.push_str(tail);
            return;
        }
        let head = self.as_str();
        let total = head.len() + tail.len();
        if total <= INLINE_CAP {
            let mut joined = String::with_capacity(total);
            joined.push_str(head);
            joined.push_str(tail);
            *self = Str::from(joined.as_str());
            return;
        }
        let mut buf = String::with_capacity(total * 2);
        buf.push_str(head);
        buf.push_str(tail);
        *self = Str(Repr::Buf(Rc::new(buf)));
    }

    /// The number of characters (Unicode scalar values).
    pub fn char_len(&self) -> usize {
        self.as_str().chars().count()
    }
}

impl Default for Str {
    fn default() -> Str {
        Str::EMPTY
    }
}

impl From<&str> for Str {
    fn from(s: &str) -> Str {
        match Inline::new(s) {
            Some(inline) => Str(Repr::Inline(inline)),
            None => Str(Repr::Heap(Rc::from(s))),
        }
    }
}

impl From<String> for Str {
    fn from(s: String) -> Str {
        Str::from(s.as_str())
    }
}

impl From<&String> for Str {
    fn from(s: &String) -> Str {
        Str::from(s.as_str())
    }
}

impl From<Rc<str>> for Str {
    fn from(s: Rc<str>) -> Str {
        Str(Repr::Heap(s))
    }
}

impl Deref for Str {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Str {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Str {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for Str {
    fn eq(&self, other: &Str) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Str {}

impl PartialEq<str> for Str {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Str {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl Hash for Str {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialOrd for Str {
    fn partial_cmp(&self, other: &Str) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Str {
    fn cmp(&self, other: &Str) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl fmt::Debug for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn representations_agree() {
        let src: Source =
            Rc::new("{\"a\":\"a string longer than twenty-two bytes\",\"b\":\"é\"}".into());
        let long = Str::slice_of(&src, 6, 43);
        assert_eq!(long.as_str(), "a string longer than twenty-two bytes");
        assert!(long.is_borrowed_slice());
        let short = Str::slice_of(&src, 50, 52);
        assert_eq!(short, "é");
        assert!(short.is_inline());
        assert_eq!(Str::from("a string longer than twenty-two bytes"), long);
        assert_eq!(Str::from_static("é"), short);
        assert_eq!(Str::from(String::from("x")).as_str(), "x");
    }

    #[test]
    fn slice_off_character_boundary_is_empty_not_a_panic() {
        let src: Source = Rc::new("é".into());
        assert_eq!(Str::slice_of(&src, 1, 2), "");
        assert_eq!(Str::slice_of(&src, 0, 9), "");
    }

    #[test]
    fn inline_limit() {
        assert!(Str::from("x".repeat(INLINE_CAP).as_str()).is_inline());
        assert!(!Str::from("x".repeat(INLINE_CAP + 1).as_str()).is_inline());
        assert_eq!(Str::from("x".repeat(INLINE_CAP + 1)).len(), INLINE_CAP + 1);
    }

    #[test]
    fn order_is_by_code_point() {
        let mut v = vec![
            Str::from("é"),
            Str::from("z"),
            Str::from("Z"),
            Str::from(""),
        ];
        v.sort();
        assert_eq!(
            v,
            vec![Str::EMPTY, Str::from("Z"), Str::from("z"), Str::from("é")]
        );
    }

    #[test]
    fn hashes_like_str() {
        let mut m = HashMap::new();
        m.insert(Str::from("key"), 1);
        assert_eq!(m.get("key"), Some(&1));
    }

    #[test]
    fn debug_display_and_char_len() {
        let s = Str::from("Wanjiků \"K\"");
        assert_eq!(format!("{s}"), "Wanjiků \"K\"");
        assert_eq!(format!("{s:?}"), "\"Wanjiků \\\"K\\\"\"");
        assert_eq!(s.char_len(), 11);
        assert_eq!(s.len(), 12);
    }

    #[test]
    fn into_static_keeps_text() {
        let s = Str::from("a field name that is longer than inline").into_static();
        assert!(s.is_static());
        assert_eq!(s, "a field name that is longer than inline");
        assert_eq!(Str::default(), Str::EMPTY);
    }

    #[test]
    fn push_unique_grows_in_place_and_leaves_a_shared_copy_alone() {
        let mut s = Str::from("row");
        s.push_unique(" 1");
        assert!(s.is_inline());
        s.push_unique(" and a tail that does not fit inline");
        assert_eq!(s, "row 1 and a tail that does not fit inline");
        let before = s.as_str().as_ptr();
        s.push_unique("!");
        assert_eq!(
            s.as_str().as_ptr(),
            before,
            "a unique buffer grows in place"
        );
        let kept = s.clone();
        s.push_unique("?");
        assert_eq!(kept, "row 1 and a tail that does not fit inline!");
        assert_eq!(s, "row 1 and a tail that does not fit inline!?");
        s.push_unique("");
        assert_eq!(s.len(), kept.len() + 1);
    }

    #[test]
    fn size_is_three_words() {
        assert_eq!(std::mem::size_of::<Str>(), 24);
    }
}
