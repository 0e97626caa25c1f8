//! What the compiler tells the runtime about a program beside its code (the
//! compiler's `ir::Meta`, as JSON): constants, record shapes, type descriptors,
//! source locations, methods, adaptors, ops and trigger.

use crate::json::{FieldDesc, TypeDesc};
use crate::methods::Method;
use crate::value::{Shape, Str, Value};
use serde::Deserialize;

/// A loaded program.
pub struct Program {
    pub job: String,
    pub constants: Vec<Value>,
    pub shapes: Vec<&'static Shape>,
    pub descs: Vec<TypeDesc>,
    pub locations: Vec<String>,
    pub methods: Vec<Method>,
    pub globals: usize,
    pub input: usize,
    pub adaptors: Vec<AdaptorMeta>,
    pub ops: Vec<OpMeta>,
    pub trigger: Option<TriggerMeta>,
}

#[derive(Deserialize)]
struct MetaJson {
    job: String,
    constants: Vec<ConstJson>,
    shapes: Vec<ShapeJson>,
    descs: Vec<DescJson>,
    locations: Vec<String>,
    methods: Vec<String>,
    globals: usize,
    input: usize,
    adaptors: Vec<AdaptorMeta>,
    ops: Vec<OpMeta>,
    trigger: Option<TriggerMeta>,
}

#[derive(Deserialize, Clone)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
enum ConstJson {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
}

#[derive(Deserialize)]
struct ShapeJson {
    fields: Vec<String>,
    open: bool,
}

#[derive(Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
enum DescJson {
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
    Literal {
        value: ConstJson,
    },
    Optional {
        of: Box<DescJson>,
    },
    List {
        of: Box<DescJson>,
    },
    Map {
        of: Box<DescJson>,
    },
    Record {
        shape: usize,
        fields: Vec<FieldJson>,
    },
    Union {
        of: Vec<DescJson>,
    },
    Named {
        name: String,
        body: Box<DescJson>,
    },
}

#[derive(Deserialize)]
struct FieldJson {
    desc: DescJson,
    optional: bool,
}

/// An adaptor as the job uses it.
#[derive(Deserialize, Clone, Debug)]
pub struct AdaptorMeta {
    /// Its config section (the name the job uses it under).
    pub name: String,
    pub adaptor: String,
    pub config: usize,
    pub secrets: Vec<String>,
    pub base: Option<u32>,
    pub auth: Option<u32>,
}

#[derive(Deserialize, Clone, Debug)]
pub struct OpMeta {
    pub name: String,
    pub params: Vec<String>,
    pub adaptor: usize,
    pub native: bool,
    pub method: String,
    pub idempotent: bool,
    pub result: usize,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TriggerMeta {
    Webhook {
        path: String,
        auth: Option<String>,
        header: Option<String>,
    },
    Cron {
        schedule: String,
        tz: Option<String>,
    },
    Every {
        millis: u64,
    },
}

fn constant(c: &ConstJson) -> Value {
    match c {
        ConstJson::Null => Value::Null,
        ConstJson::Bool(b) => Value::Bool(*b),
        ConstJson::Int(n) => Value::Int(*n),
        ConstJson::Float(x) => Value::Float(*x),
        ConstJson::Str(s) => Value::Str(Str::from(s.as_str()).into_static()),
    }
}

fn desc(d: &DescJson, shapes: &[&'static Shape]) -> Result<TypeDesc, String> {
    Ok(match d {
        DescJson::Json => TypeDesc::Json,
        DescJson::Null => TypeDesc::Null,
        DescJson::Bool => TypeDesc::Bool,
        DescJson::Int => TypeDesc::Int,
        DescJson::Float => TypeDesc::Float,
        DescJson::String => TypeDesc::String,
        DescJson::Date => TypeDesc::Date,
        DescJson::DateTime => TypeDesc::DateTime,
        DescJson::Url => TypeDesc::Url,
        DescJson::Secret => TypeDesc::Secret,
        DescJson::Literal { value } => TypeDesc::Literal(constant(value)),
        DescJson::Optional { of } => TypeDesc::Optional(Box::new(desc(of, shapes)?)),
        DescJson::List { of } => TypeDesc::List(Box::new(desc(of, shapes)?)),
        DescJson::Map { of } => TypeDesc::Map(Box::new(desc(of, shapes)?)),
        DescJson::Record { shape, fields } => {
            let shape = *shapes
                .get(*shape)
                .ok_or("a descriptor names a shape that does not exist")?;
            let fields = fields
                .iter()
                .map(|f| {
                    Ok(FieldDesc {
                        desc: desc(&f.desc, shapes)?,
                        optional: f.optional,
                    })
                })
                .collect::<Result<Vec<_>, String>>()?;
            TypeDesc::Record {
                shape,
                fields: fields.into_boxed_slice(),
            }
        }
        DescJson::Union { of } => TypeDesc::Union(
            of.iter()
                .map(|m| desc(m, shapes))
                .collect::<Result<Vec<_>, String>>()?
                .into_boxed_slice(),
        ),
        DescJson::Named { name, body } => TypeDesc::Named {
            name: Str::from(name.as_str()),
            body: Box::new(desc(body, shapes)?),
        },
    })
}

impl Program {
    /// Reads the compiler's description of a program.
    pub fn load(meta: &[u8]) -> Result<Program, String> {
        let json: MetaJson = serde_json::from_slice(meta)
            .map_err(|e| format!("the program's metadata is damaged: {e}"))?;
        let shapes: Vec<&'static Shape> = json
            .shapes
            .iter()
            .map(|s| {
                let fields: Vec<&str> = s.fields.iter().map(|f| f.as_str()).collect();
                Shape::intern(&fields, s.open)
            })
            .collect();
        let descs = json
            .descs
            .iter()
            .map(|d| desc(d, &shapes))
            .collect::<Result<Vec<_>, String>>()?;
        let methods = json
            .methods
            .iter()
            .map(|m| Method::parse(m).ok_or_else(|| format!("this runtime has no method `{m}`: rebuild the job with this version of ferry")))
            .collect::<Result<Vec<_>, String>>()?;
        Ok(Program {
            job: json.job,
            constants: json.constants.iter().map(constant).collect(),
            shapes,
            descs,
            locations: json.locations,
            methods,
            globals: json.globals,
            input: json.input,
            adaptors: json.adaptors,
            ops: json.ops,
            trigger: json.trigger,
        })
    }
}
