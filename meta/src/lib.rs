//! Every agreement between the compiler and the runtime, defined once so the two
//! cannot drift apart (`docs/internals/native-code.md`):
//!
//! - [`Meta`]: what a compiled program tells the runtime beside its code —
//!   constants, record shapes, type descriptors, source locations, the methods it
//!   calls, its adaptors and trigger. The compiler writes it as JSON into the
//!   program; the runtime reads it back (`ferry_runtime::program::Program::load`);
//! - [`abi`]: the runtime functions generated code calls, with their signatures,
//!   and the layout of `Ctx`;
//! - [`methods`]: the standard library's methods by name;
//! - [`formats`]: the text rules of `Date`, `DateTime` and `Url`.

pub mod abi;
pub mod errors;
pub mod formats;
pub mod methods;

use serde::{Deserialize, Serialize};

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Meta {
    /// The job's file name, for messages.
    pub job: String,
    pub constants: Vec<Constant>,
    pub shapes: Vec<ShapeMeta>,
    pub descs: Vec<Desc>,
    /// `file:line:col` of each operation that can fail.
    pub locations: Vec<String>,
    /// Standard-library methods and functions, by name; call sites use the index.
    pub methods: Vec<String>,
    /// How many `const`s the job has.
    pub globals: u32,
    /// The descriptor of `input:`.
    pub input: u32,
    pub adaptors: Vec<AdaptorMeta>,
    pub ops: Vec<OpMeta>,
    pub trigger: Option<TriggerMeta>,
    /// A hash of the job's source and its adaptors' sources: what `serve`
    /// records with each run (empty when not stamped).
    #[serde(default)]
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Constant {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ShapeMeta {
    pub fields: Vec<String>,
    pub open: bool,
}

/// A type descriptor (the runtime's `TypeDesc`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum Desc {
    Json,
    Null,
    Bool,
    Int,
    Float,
    String,
    Date,
    DateTime,
    Url,
    Secret,
    Literal { value: Constant },
    Optional { of: Box<Desc> },
    List { of: Box<Desc> },
    Map { of: Box<Desc> },
    Record { shape: u32, fields: Vec<FieldMeta> },
    Union { of: Vec<Desc> },
    Named { name: String, body: Box<Desc> },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldMeta {
    pub desc: Desc,
    pub optional: bool,
}

/// An adaptor as the job uses it: its config section and how it authenticates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdaptorMeta {
    /// The name the job uses it under (its config section).
    pub name: String,
    /// The adaptor's own name.
    pub adaptor: String,
    /// The config section's descriptor.
    pub config: u32,
    /// The config fields that are secrets.
    pub secrets: Vec<String>,
    /// The function computing `base` (a string), if any.
    pub base: Option<u32>,
    /// The function computing `auth` (a record `{ scheme, args }`), if any.
    pub auth: Option<u32>,
    /// The adaptor's `errors { }`: statuses it marks retryable, where its
    /// failures' details are.
    #[serde(default, skip_serializing_if = "is_default")]
    pub errors: errors::ErrorsMeta,
    /// The job uses it only for its types: it calls none of its ops and reads
    /// none of its config, so a run does not ask for its config section.
    #[serde(default, skip_serializing_if = "is_default")]
    pub types_only: bool,
}

fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpMeta {
    /// `dhis2.create_tracked_entity`.
    pub name: String,
    /// Its parameters' names, in the order calls pass arguments.
    pub params: Vec<String>,
    /// Index into `adaptors`.
    pub adaptor: u32,
    /// `native` ops are implemented by the runtime (`http.get`, …).
    pub native: bool,
    pub method: String,
    pub idempotent: bool,
    /// The descriptor of the op's result type.
    pub result: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TriggerMeta {
    Webhook {
        path: String,
        auth: Option<String>,
        header: Option<String>,
        /// `reply`: the caller waits for the run's result.
        #[serde(default)]
        reply: bool,
    },
    Cron {
        schedule: String,
        tz: Option<String>,
    },
    Every {
        millis: u64,
    },
}

impl Meta {
    pub fn constant(&mut self, c: Constant) -> u32 {
        match self.constants.iter().position(|k| *k == c) {
            Some(i) => i as u32,
            None => {
                self.constants.push(c);
                self.constants.len() as u32 - 1
            }
        }
    }

    pub fn shape(&mut self, shape: ShapeMeta) -> u32 {
        match self.shapes.iter().position(|s| *s == shape) {
            Some(i) => i as u32,
            None => {
                self.shapes.push(shape);
                self.shapes.len() as u32 - 1
            }
        }
    }

    pub fn desc(&mut self, desc: Desc) -> u32 {
        match self.descs.iter().position(|d| *d == desc) {
            Some(i) => i as u32,
            None => {
                self.descs.push(desc);
                self.descs.len() as u32 - 1
            }
        }
    }

    pub fn method(&mut self, name: &str) -> u32 {
        match self.methods.iter().position(|m| m == name) {
            Some(i) => i as u32,
            None => {
                self.methods.push(name.to_string());
                self.methods.len() as u32 - 1
            }
        }
    }

    pub fn location(&mut self, text: String) -> u32 {
        self.locations.push(text);
        self.locations.len() as u32 - 1
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }
}
