//! JSON in and out of the value model.
//!
//! - `desc`: [`TypeDesc`], what the compiler says about a type, and
//!   its serialized form (`docs/internals/type-descriptors.md`);
//! - `decode`: JSON text to values, checked against a type on the way;
//! - `read`: a JSON document read from a stream, checked to be JSON as it is read;
//! - `convert`: `e as T` on a value in memory;
//! - `scalar`, `formats`: which scalars a type accepts; the `Date`, `DateTime`
//!   and `Url` formats;
//! - `error`: [`DecodeError`] and JSON paths; `numbers`: numbers the parser
//!   reads with a loss (beyond an exact `Int`, too close to 0 for a `Float`);
//! - `write`: values to JSON text; `raw`: the raw member text of open records;
//! - `stream`: a job's output written piece by piece ([`JsonStream`]);
//! - `serde_bridge`: to and from `serde_json::Value`.

mod convert;
mod decode;
mod desc;
mod error;
mod numbers;
pub use ferry_meta::formats;
mod raw;
mod read;
mod scalar;
mod serde_bridge;
mod stream;
mod write;

pub use convert::convert;
pub use decode::{decode, decode_owned, decode_source, decode_vec};
pub use desc::{FieldDesc, TypeDesc};
pub(crate) use error::excerpt_str;
pub use error::{DecodeError, DecodeErrorKind};
pub use raw::{find_member, parse_members, write_minified};
pub use read::{ReadError, read_json};
pub use serde_bridge::to_serde;
pub use stream::{JsonStream, reindent};
pub use write::{
    float_text, to_json_string, to_json_string_pretty, to_text, write_float, write_json,
    write_json_pretty, write_json_to, write_str,
};

/// Parses JSON text of any shape (type `Json`).
pub fn parse(text: &str) -> Result<crate::value::Value, DecodeError> {
    decode_owned(text.to_owned(), &TypeDesc::Json)
}
