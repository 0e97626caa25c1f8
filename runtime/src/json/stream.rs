//! [`JsonStream`]: a job's output written as JSON text a piece at a time, as
//! generated code computes it (a record's fields, then each element of a mapped
//! list), so that the values behind a written element can be released at once.
//! The text is what [`write_json`] writes for the whole value; [`reindent`]
//! turns it into what [`super::write_json_pretty`] writes.

use super::{write_json, write_str};
use crate::arena::Mark;
use crate::value::Value;

/// The text is kept in chunks of about this size: a growing `Vec` would copy it
/// over and over, and for a moment hold it twice.
const CHUNK: usize = 1 << 20;

#[derive(Default)]
pub struct JsonStream {
    /// Full chunks of the text, then `out`.
    chunks: Vec<Vec<u8>>,
    out: Vec<u8>,
    frames: Vec<Frame>,
    /// A key was just written: the value that follows takes no separator.
    after_key: bool,
}

struct Frame {
    empty: bool,
    close: u8,
    /// For a streamed list: the arena as it was before its first element.
    mark: Option<Mark>,
}

impl JsonStream {
    pub fn new() -> JsonStream {
        JsonStream::default()
    }

    fn separate(&mut self) {
        if std::mem::take(&mut self.after_key) {
            return;
        }
        if let Some(frame) = self.frames.last_mut() {
            if !frame.empty {
                self.out.push(b',');
            }
            frame.empty = false;
        }
    }

    /// Opens a record (`{`) or a list (`[`); a list being streamed element by
    /// element carries the arena `mark` its elements are released to.
    pub fn open(&mut self, list: bool, mark: Option<Mark>) {
        self.separate();
        self.out.push(if list { b'[' } else { b'{' });
        self.frames.push(Frame {
            empty: true,
            close: if list { b']' } else { b'}' },
            mark,
        });
    }

    /// Closes what the last [`JsonStream::open`] opened.
    pub fn close(&mut self) {
        if let Some(frame) = self.frames.pop() {
            self.out.push(frame.close);
        }
    }

    /// `"key":`, before the value or the [`JsonStream::open`] of a record field.
    pub fn key(&mut self, key: &str) {
        self.separate();
        write_str(key, &mut self.out);
        self.out.push(b':');
        self.after_key = true;
    }

    /// A record field; an absent value (an optional field that is not there) is
    /// left out, as a record leaves it out.
    pub fn field(&mut self, key: &str, value: &Value) {
        if !matches!(value, Value::Absent) {
            self.key(key);
            self.value(value);
        }
    }

    /// A list element, or the value after a [`JsonStream::key`].
    pub fn value(&mut self, value: &Value) {
        self.separate();
        write_json(value, &mut self.out);
        if self.out.len() >= CHUNK {
            let full = std::mem::replace(&mut self.out, Vec::with_capacity(CHUNK + CHUNK / 8));
            self.chunks.push(full);
        }
    }

    /// The mark of the innermost list being streamed.
    pub fn mark(&self) -> Option<Mark> {
        self.frames.iter().rev().find_map(|f| f.mark)
    }

    /// The text in chunks, once everything opened is closed.
    pub fn finish(mut self) -> Option<Vec<Vec<u8>>> {
        if !self.frames.is_empty() {
            return None;
        }
        self.chunks.push(self.out);
        Some(self.chunks)
    }
}

/// Compact JSON `text` indented the way `write_json_pretty` indents a value: two
/// spaces a level, `"key": value`, `[]` and `{}` when empty. Whitespace outside
/// strings is dropped; strings and numbers are copied as they are.
pub fn reindent(text: &[u8], out: &mut Vec<u8>) {
    fn newline(out: &mut Vec<u8>, depth: usize) {
        out.push(b'\n');
        out.resize(out.len() + 2 * depth, b' ');
    }
    let next_token = |from: usize| {
        text[from..]
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .map(|p| from + p)
    };
    let mut depth = 0usize;
    let mut i = 0;
    while i < text.len() {
        let b = text[i];
        match b {
            b'"' => {
                let start = i;
                i += 1;
                while i < text.len() && text[i] != b'"' {
                    i += if text[i] == b'\\' { 2 } else { 1 };
                }
                i = (i + 1).min(text.len());
                out.extend_from_slice(&text[start..i]);
                continue;
            }
            b'{' | b'[' => {
                let close = if b == b'{' { b'}' } else { b']' };
                match next_token(i + 1) {
                    Some(next) if text[next] == close => {
                        out.extend_from_slice(&[b, close]);
                        i = next;
                    }
                    _ => {
                        out.push(b);
                        depth += 1;
                        newline(out, depth);
                    }
                }
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                newline(out, depth);
                out.push(b);
            }
            b',' => {
                out.push(b',');
                newline(out, depth);
            }
            b':' => out.extend_from_slice(b": "),
            b if b.is_ascii_whitespace() => {}
            b => out.push(b),
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{parse, to_json_string, write_json_pretty};

    const DOC: &str =
        r#"{"a":[1,2.5,{"b":"x, \"y\": [z]"}],"empty":[],"none":{},"n":null,"t":true,"s":"\\"}"#;

    #[test]
    fn reindented_text_is_what_the_pretty_writer_writes() {
        let value = parse(DOC).unwrap();
        let mut pretty = Vec::new();
        write_json_pretty(&value, &mut pretty);
        let mut reindented = Vec::new();
        reindent(to_json_string(&value).as_bytes(), &mut reindented);
        assert_eq!(
            String::from_utf8(reindented).unwrap(),
            String::from_utf8(pretty).unwrap()
        );
    }

    #[test]
    fn whitespace_outside_strings_is_dropped() {
        let mut out = Vec::new();
        reindent(b"{ \"a\" : [ ] , \"b\":{\n}, \"c\": \"1 2\" }", &mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\n  \"a\": [],\n  \"b\": {},\n  \"c\": \"1 2\"\n}"
        );
    }

    #[test]
    fn a_streamed_record_is_what_writing_the_record_gives() {
        let value = parse(DOC).unwrap();
        let Value::Object(object) = &value else {
            panic!()
        };
        let mut stream = JsonStream::new();
        stream.open(false, None);
        for (key, v) in object.iter() {
            match v {
                Value::List(items) => {
                    stream.key(key);
                    stream.open(true, None);
                    for item in items.iter() {
                        stream.value(item);
                    }
                    stream.close();
                }
                v => stream.field(key, v),
            }
        }
        stream.field("gone", &Value::Absent);
        stream.close();
        assert_eq!(
            String::from_utf8(stream.finish().unwrap().concat()).unwrap(),
            to_json_string(&value)
        );
    }

    #[test]
    fn long_text_is_kept_in_chunks_that_join_up() {
        let mut stream = JsonStream::new();
        stream.open(true, None);
        let item = Value::from_static("a string of some forty bytes, give or take");
        for _ in 0..100_000 {
            stream.value(&item);
        }
        stream.close();
        let chunks = stream.finish().unwrap();
        assert!(chunks.len() > 2);
        let list = Value::list(vec![item; 100_000]);
        assert_eq!(chunks.concat(), to_json_string(&list).into_bytes());
    }

    #[test]
    fn an_unfinished_stream_has_no_text() {
        let mut stream = JsonStream::new();
        stream.open(true, None);
        stream.value(&Value::Int(1));
        assert_eq!(stream.finish(), None);
    }
}
