//! Reading a JSON document from a stream, checked to be JSON as it is read: a
//! document that stops being JSON at byte 1 fails there, without reading the
//! rest of a large input first.
//!
//! The bytes pass through the parser (which only checks the syntax) on their
//! way into the buffer that [`super::decode_vec`] then decodes without a copy.

use std::io::{self, Read};

use serde::Deserialize;
use serde::de::IgnoredAny;

use super::DecodeError;

/// Why a stream could not be read as JSON.
#[derive(Debug)]
pub enum ReadError {
    Io(io::Error),
    NotJson(DecodeError),
}

/// Passes what it reads on and keeps a copy; skips a byte order mark at the
/// start for the parser (the buffer keeps it: `decode` ignores it).
struct Keep<R> {
    inner: R,
    kept: Vec<u8>,
    /// An I/O error of the inner reader: the parser only sees that the input
    /// ended.
    error: Option<io::Error>,
}

impl<R: Read> Read for Keep<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = match self.inner.read(buf) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => return Err(e),
            Err(e) => {
                self.error = Some(e);
                return Ok(0);
            }
        };
        let start = self.kept.len();
        self.kept.extend_from_slice(&buf[..n]);
        // A byte order mark split over two reads is rare enough to leave to the
        // parser's error.
        if start == 0 && buf[..n].starts_with("\u{feff}".as_bytes()) {
            buf.copy_within(3..n, 0);
            return Ok(n - 3);
        }
        Ok(n)
    }
}

/// Reads the whole of `input`, failing as soon as it is not JSON. An input of
/// whitespace only (or nothing) is returned as it is: the caller decides what
/// no input means.
pub fn read_json(input: impl Read) -> Result<Vec<u8>, ReadError> {
    let mut keep = Keep {
        inner: input,
        kept: Vec::new(),
        error: None,
    };
    let checked = {
        let mut de = serde_json::Deserializer::from_reader(io::BufReader::new(&mut keep));
        IgnoredAny::deserialize(&mut de).and_then(|_| de.end())
    };
    if let Some(e) = keep.error.take() {
        return Err(ReadError::Io(e));
    }
    match checked {
        Ok(()) => Ok(keep.kept),
        Err(_) if keep.kept.iter().all(u8::is_ascii_whitespace) => Ok(keep.kept),
        Err(e) => Err(ReadError::NotJson(super::decode::not_json(&e))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader of `prefix` and then endless spaces: one that never ends unless
    /// the reading stops.
    struct Endless {
        prefix: Vec<u8>,
        served: usize,
    }

    impl Read for Endless {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            for b in buf.iter_mut() {
                *b = self.prefix.get(self.served).copied().unwrap_or(b' ');
                self.served += 1;
            }
            Ok(buf.len())
        }
    }

    fn message(r: Result<Vec<u8>, ReadError>) -> String {
        match r {
            Err(ReadError::NotJson(e)) => e.to_string(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn stops_at_the_first_byte_that_is_not_json() {
        let endless = Endless {
            prefix: b"x".to_vec(),
            served: 0,
        };
        assert_eq!(
            message(read_json(endless)),
            "input is not JSON: expected value at line 1, column 1"
        );
        let endless = Endless {
            prefix: b"{\"a\": [1, 2,, 3]".to_vec(),
            served: 0,
        };
        assert_eq!(
            message(read_json(endless)),
            "input is not JSON: expected value at line 1, column 13"
        );
    }

    #[test]
    fn keeps_the_bytes_of_a_document_with_or_without_a_byte_order_mark() {
        let text = "\u{feff}{\"a\": \"é\", \"b\": [1e-3]}\n";
        assert_eq!(read_json(text.as_bytes()).unwrap(), text.as_bytes());
        assert_eq!(read_json(&b" \n"[..]).unwrap(), b" \n");
        assert_eq!(
            message(read_json(&b"{} {}"[..])),
            "input is not JSON: trailing characters at line 1, column 4"
        );
        assert_eq!(
            message(read_json(&b"{\"a\":"[..])),
            "input is not JSON: unexpected end of input at line 1, column 5"
        );
    }
}
