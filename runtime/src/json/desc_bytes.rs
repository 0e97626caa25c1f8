//! The serialized form of a [`TypeDesc`]: compact bytes the compiler embeds in a
//! program as static data, loaded once when the program starts. The format is
//! described in `docs/internals/type-descriptors.md`; in short:
//!
//! ```text
//! descriptor = "FTD" version:u8(=1) node
//! node       = tag:u8 payload        (tags below)
//! uint       = LEB128, unsigned      str = uint(len) UTF-8 bytes
//! ```

use super::desc::{FieldDesc, TypeDesc};
use crate::value::{Shape, Str, Value};

const MAGIC: &[u8; 3] = b"FTD";
const VERSION: u8 = 1;
/// Descriptors nested deeper than this are refused (a guard for corrupt input).
const MAX_DEPTH: usize = 256;

mod tag {
    pub const JSON: u8 = 0x00;
    pub const NULL: u8 = 0x01;
    pub const BOOL: u8 = 0x02;
    pub const INT: u8 = 0x03;
    pub const FLOAT: u8 = 0x04;
    pub const STRING: u8 = 0x05;
    pub const DATE: u8 = 0x06;
    pub const DATETIME: u8 = 0x07;
    pub const URL: u8 = 0x08;
    pub const SECRET: u8 = 0x09;
    pub const LIT_NULL: u8 = 0x10;
    pub const LIT_FALSE: u8 = 0x11;
    pub const LIT_TRUE: u8 = 0x12;
    /// payload: the integer, zigzag LEB128
    pub const LIT_INT: u8 = 0x13;
    /// payload: str
    pub const LIT_STR: u8 = 0x14;
    /// payload: node
    pub const OPTIONAL: u8 = 0x20;
    pub const LIST: u8 = 0x21;
    pub const MAP: u8 = 0x22;
    /// payload: flags:u8 (bit 0: open) uint(n) n × (name:str flags:u8 (bit 0: optional) node)
    pub const RECORD: u8 = 0x23;
    /// payload: uint(n) n × node
    pub const UNION: u8 = 0x24;
    /// payload: name:str node
    pub const NAMED: u8 = 0x25;
}

impl TypeDesc {
    /// The descriptor as bytes (see the module docs). Fails only for a literal
    /// type whose value is not a string, an integer, a boolean or null.
    pub fn to_bytes(&self) -> Result<Vec<u8>, String> {
        let mut out = MAGIC.to_vec();
        out.push(VERSION);
        write_node(self, &mut out)?;
        Ok(out)
    }

    /// The descriptor written by [`TypeDesc::to_bytes`]. The shapes of its records
    /// are interned (made once per process, then shared).
    pub fn from_bytes(bytes: &[u8]) -> Result<TypeDesc, String> {
        let mut r = Reader { bytes, at: 0 };
        if r.take(3)? != MAGIC {
            return Err("not a Ferry type descriptor (no \"FTD\" at the start)".into());
        }
        let version = r.byte()?;
        if version != VERSION {
            return Err(format!(
                "type descriptor version {version} is not supported (this runtime reads {VERSION})"
            ));
        }
        let desc = r.node(0)?;
        if r.at != bytes.len() {
            return Err(format!(
                "type descriptor: {} bytes left over at byte {}",
                bytes.len() - r.at,
                r.at
            ));
        }
        Ok(desc)
    }
}

fn write_uint(mut n: u64, out: &mut Vec<u8>) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn write_text(s: &str, out: &mut Vec<u8>) {
    write_uint(s.len() as u64, out);
    out.extend_from_slice(s.as_bytes());
}

fn write_node(desc: &TypeDesc, out: &mut Vec<u8>) -> Result<(), String> {
    match desc {
        TypeDesc::Json => out.push(tag::JSON),
        TypeDesc::Null => out.push(tag::NULL),
        TypeDesc::Bool => out.push(tag::BOOL),
        TypeDesc::Int => out.push(tag::INT),
        TypeDesc::Float => out.push(tag::FLOAT),
        TypeDesc::String => out.push(tag::STRING),
        TypeDesc::Date => out.push(tag::DATE),
        TypeDesc::DateTime => out.push(tag::DATETIME),
        TypeDesc::Url => out.push(tag::URL),
        TypeDesc::Secret => out.push(tag::SECRET),
        TypeDesc::Literal(Value::Null) => out.push(tag::LIT_NULL),
        TypeDesc::Literal(Value::Bool(false)) => out.push(tag::LIT_FALSE),
        TypeDesc::Literal(Value::Bool(true)) => out.push(tag::LIT_TRUE),
        TypeDesc::Literal(Value::Int(i)) => {
            out.push(tag::LIT_INT);
            write_uint(((i << 1) ^ (i >> 63)) as u64, out);
        }
        TypeDesc::Literal(Value::Str(s)) => {
            out.push(tag::LIT_STR);
            write_text(s, out);
        }
        TypeDesc::Literal(other) => {
            return Err(format!("a literal type cannot be {}", other.kind_name()));
        }
        TypeDesc::Optional(inner) => {
            out.push(tag::OPTIONAL);
            write_node(inner, out)?;
        }
        TypeDesc::List(inner) => {
            out.push(tag::LIST);
            write_node(inner, out)?;
        }
        TypeDesc::Map(inner) => {
            out.push(tag::MAP);
            write_node(inner, out)?;
        }
        TypeDesc::Record { shape, fields } => {
            out.push(tag::RECORD);
            out.push(u8::from(shape.open));
            write_uint(fields.len() as u64, out);
            for (name, field) in shape.fields.iter().zip(fields.iter()) {
                write_text(name, out);
                out.push(u8::from(field.optional));
                write_node(&field.desc, out)?;
            }
        }
        TypeDesc::Union(members) => {
            out.push(tag::UNION);
            write_uint(members.len() as u64, out);
            for member in members.iter() {
                write_node(member, out)?;
            }
        }
        TypeDesc::Named { name, body } => {
            out.push(tag::NAMED);
            write_text(name, out);
            write_node(body, out)?;
        }
    }
    Ok(())
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self
            .at
            .checked_add(n)
            .filter(|end| *end <= self.bytes.len());
        let Some(end) = end else {
            return Err(format!(
                "type descriptor ends early (at byte {})",
                self.bytes.len()
            ));
        };
        let part = &self.bytes[self.at..end];
        self.at = end;
        Ok(part)
    }

    fn byte(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }

    fn uint(&mut self) -> Result<u64, String> {
        let start = self.at;
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            n |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(n);
            }
        }
        Err(format!("type descriptor: number too long at byte {start}"))
    }

    /// A count of items that each take at least one byte (so a corrupt count
    /// cannot make us allocate more than the input could hold).
    fn count(&mut self) -> Result<usize, String> {
        let start = self.at;
        let n = self.uint()?;
        usize::try_from(n)
            .ok()
            .filter(|n| *n <= self.bytes.len() - self.at)
            .ok_or_else(|| format!("type descriptor: count {n} too large at byte {start}"))
    }

    fn text(&mut self) -> Result<&'a str, String> {
        let len = self.count()?;
        let start = self.at;
        std::str::from_utf8(self.take(len)?)
            .map_err(|_| format!("type descriptor: invalid UTF-8 at byte {start}"))
    }

    fn node(&mut self, depth: usize) -> Result<TypeDesc, String> {
        if depth > MAX_DEPTH {
            return Err(format!("type descriptor nested deeper than {MAX_DEPTH}"));
        }
        let at = self.at;
        let inner = |r: &mut Reader<'a>| r.node(depth + 1).map(Box::new);
        Ok(match self.byte()? {
            tag::JSON => TypeDesc::Json,
            tag::NULL => TypeDesc::Null,
            tag::BOOL => TypeDesc::Bool,
            tag::INT => TypeDesc::Int,
            tag::FLOAT => TypeDesc::Float,
            tag::STRING => TypeDesc::String,
            tag::DATE => TypeDesc::Date,
            tag::DATETIME => TypeDesc::DateTime,
            tag::URL => TypeDesc::Url,
            tag::SECRET => TypeDesc::Secret,
            tag::LIT_NULL => TypeDesc::Literal(Value::Null),
            tag::LIT_FALSE => TypeDesc::Literal(Value::Bool(false)),
            tag::LIT_TRUE => TypeDesc::Literal(Value::Bool(true)),
            tag::LIT_INT => {
                let z = self.uint()?;
                TypeDesc::Literal(Value::Int(((z >> 1) as i64) ^ -((z & 1) as i64)))
            }
            tag::LIT_STR => TypeDesc::Literal(Value::Str(Str::from(self.text()?))),
            tag::OPTIONAL => TypeDesc::Optional(inner(self)?),
            tag::LIST => TypeDesc::List(inner(self)?),
            tag::MAP => TypeDesc::Map(inner(self)?),
            tag::RECORD => {
                let open = self.byte()? & 1 == 1;
                let n = self.count()?;
                let mut names = Vec::with_capacity(n);
                let mut fields = Vec::with_capacity(n);
                for _ in 0..n {
                    names.push(self.text()?);
                    let optional = self.byte()? & 1 == 1;
                    fields.push(FieldDesc {
                        desc: self.node(depth + 1)?,
                        optional,
                    });
                }
                TypeDesc::Record {
                    shape: Shape::intern(&names, open),
                    fields: fields.into(),
                }
            }
            tag::UNION => {
                let n = self.count()?;
                let mut members = Vec::with_capacity(n);
                for _ in 0..n {
                    members.push(self.node(depth + 1)?);
                }
                TypeDesc::Union(members.into())
            }
            tag::NAMED => {
                let name = Str::from(self.text()?);
                TypeDesc::Named {
                    name,
                    body: inner(self)?,
                }
            }
            other => {
                return Err(format!(
                    "type descriptor: unknown tag 0x{other:02x} at byte {at}"
                ));
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registration() -> TypeDesc {
        let visit = TypeDesc::record(
            vec![
                ("weight_kg", FieldDesc::required(TypeDesc::Float)),
                ("height_cm", FieldDesc::required(TypeDesc::Int)),
                (
                    "hiv_status",
                    FieldDesc::required(TypeDesc::enumeration(&[
                        "negative", "positive", "unknown",
                    ])),
                ),
            ],
            false,
        );
        let form = TypeDesc::record(
            vec![
                ("@name", FieldDesc::required(TypeDesc::String)),
                (
                    "sex",
                    FieldDesc::required(TypeDesc::enumeration(&["female", "male"])),
                ),
                (
                    "village",
                    FieldDesc::required(TypeDesc::optional(TypeDesc::String)),
                ),
                ("n", FieldDesc::optional(TypeDesc::Literal(Value::Int(-42)))),
                ("visit", FieldDesc::required(visit)),
            ],
            true,
        );
        TypeDesc::list(TypeDesc::named(
            "Registration",
            TypeDesc::record(
                vec![
                    ("id", FieldDesc::required(TypeDesc::String)),
                    ("received_on", FieldDesc::required(TypeDesc::DateTime)),
                    ("form", FieldDesc::required(form)),
                    (
                        "m",
                        FieldDesc::required(TypeDesc::map(TypeDesc::Union(
                            vec![
                                TypeDesc::Null,
                                TypeDesc::Bool,
                                TypeDesc::Json,
                                TypeDesc::Date,
                                TypeDesc::Url,
                                TypeDesc::Secret,
                                TypeDesc::Literal(Value::Null),
                                TypeDesc::Literal(Value::Bool(true)),
                                TypeDesc::Literal(Value::Bool(false)),
                                TypeDesc::Literal(Value::Int(i64::MIN)),
                            ]
                            .into(),
                        ))),
                    ),
                ],
                true,
            ),
        ))
    }

    #[test]
    fn round_trip() {
        let desc = registration();
        let bytes = desc.to_bytes().unwrap();
        assert_eq!(&bytes[..4], b"FTD\x01");
        let back = TypeDesc::from_bytes(&bytes).unwrap();
        assert_eq!(back.to_string(), desc.to_string());
        assert_eq!(back.to_bytes().unwrap(), bytes);
        let TypeDesc::List(named) = &back else {
            panic!("not a list")
        };
        let TypeDesc::Record { shape, .. } = named.resolve() else {
            panic!("not a record")
        };
        let TypeDesc::List(named0) = &desc else {
            panic!("not a list")
        };
        let TypeDesc::Record { shape: shape0, .. } = named0.resolve() else {
            panic!("not a record")
        };
        assert!(std::ptr::eq(*shape, *shape0), "shapes are interned");
    }

    #[test]
    fn exact_bytes_of_a_small_type() {
        let desc = TypeDesc::record(
            vec![
                ("a", FieldDesc::optional(TypeDesc::optional(TypeDesc::Int))),
                ("b", FieldDesc::required(TypeDesc::literal_str("x"))),
            ],
            true,
        );
        assert_eq!(
            desc.to_bytes().unwrap(),
            b"FTD\x01\x23\x01\x02\x01a\x01\x20\x03\x01b\x00\x14\x01x".to_vec()
        );
        assert_eq!(
            TypeDesc::Literal(Value::Int(-1)).to_bytes().unwrap(),
            b"FTD\x01\x13\x01"
        );
        assert_eq!(
            TypeDesc::Literal(Value::Int(300)).to_bytes().unwrap(),
            b"FTD\x01\x13\xd8\x04"
        );
    }

    #[test]
    fn bad_literals_do_not_serialize() {
        let e = TypeDesc::Literal(Value::Float(1.5)).to_bytes().unwrap_err();
        assert_eq!(e, "a literal type cannot be a number");
    }

    #[test]
    fn corrupt_input_is_an_error_never_a_panic() {
        assert!(
            TypeDesc::from_bytes(b"")
                .unwrap_err()
                .contains("ends early")
        );
        assert!(
            TypeDesc::from_bytes(b"XYZ\x01\x00")
                .unwrap_err()
                .contains("not a Ferry type descriptor")
        );
        assert!(
            TypeDesc::from_bytes(b"FTD\x02\x00")
                .unwrap_err()
                .contains("version 2")
        );
        assert!(
            TypeDesc::from_bytes(b"FTD\x01\x7f")
                .unwrap_err()
                .contains("unknown tag 0x7f at byte 4")
        );
        assert!(
            TypeDesc::from_bytes(b"FTD\x01\x00\x00")
                .unwrap_err()
                .contains("left over")
        );
        assert!(
            TypeDesc::from_bytes(b"FTD\x01\x24\xff\xff\xff\xff\x0f")
                .unwrap_err()
                .contains("too large")
        );
        assert!(
            TypeDesc::from_bytes(b"FTD\x01\x14\x02\xff\xfe")
                .unwrap_err()
                .contains("invalid UTF-8")
        );
        assert!(
            TypeDesc::from_bytes(b"FTD\x01\x13\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01")
                .unwrap_err()
                .contains("too long")
        );
        let deep = [b"FTD\x01".to_vec(), vec![tag::LIST; 1000], vec![tag::INT]].concat();
        assert!(TypeDesc::from_bytes(&deep).unwrap_err().contains("deeper"));
        // every truncation of a valid descriptor fails cleanly
        let bytes = registration().to_bytes().unwrap();
        for n in 0..bytes.len() {
            assert!(TypeDesc::from_bytes(&bytes[..n]).is_err());
        }
        // and so does every single-byte corruption (or it loads something)
        for i in 4..bytes.len() {
            let mut b = bytes.clone();
            b[i] ^= 0xa5;
            let _ = TypeDesc::from_bytes(&b);
        }
    }
}
