//! What the compiler tells the runtime about a program beside its code (a
//! `ferry_meta::Meta`, as JSON): constants, record shapes, type descriptors,
//! source locations, methods, adaptors, ops and trigger, loaded into the
//! runtime's own forms.

use crate::json::{FieldDesc, TypeDesc};
use crate::methods::Method;
use crate::value::{Shape, Str, Value};
use ferry_meta::{Constant, Desc, Meta};

pub use ferry_meta::{AdaptorMeta, OpMeta, TriggerMeta};

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

fn constant(c: &Constant) -> Value {
    match c {
        Constant::Null => Value::Null,
        Constant::Bool(b) => Value::Bool(*b),
        Constant::Int(n) => Value::Int(*n),
        Constant::Float(x) => Value::Float(*x),
        Constant::Str(s) => Value::Str(Str::from(s.as_str()).into_static()),
    }
}

fn desc(d: &Desc, shapes: &[&'static Shape]) -> Result<TypeDesc, String> {
    Ok(match d {
        Desc::Json => TypeDesc::Json,
        Desc::Null => TypeDesc::Null,
        Desc::Bool => TypeDesc::Bool,
        Desc::Int => TypeDesc::Int,
        Desc::Float => TypeDesc::Float,
        Desc::String => TypeDesc::String,
        Desc::Date => TypeDesc::Date,
        Desc::DateTime => TypeDesc::DateTime,
        Desc::Url => TypeDesc::Url,
        Desc::Secret => TypeDesc::Secret,
        Desc::Literal { value } => TypeDesc::Literal(constant(value)),
        Desc::Optional { of } => TypeDesc::Optional(Box::new(desc(of, shapes)?)),
        Desc::List { of } => TypeDesc::List(Box::new(desc(of, shapes)?)),
        Desc::Map { of } => TypeDesc::Map(Box::new(desc(of, shapes)?)),
        Desc::Record { shape, fields } => {
            let shape = *shapes
                .get(*shape as usize)
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
        Desc::Union { of } => TypeDesc::Union(
            of.iter()
                .map(|m| desc(m, shapes))
                .collect::<Result<Vec<_>, String>>()?
                .into_boxed_slice(),
        ),
        Desc::Named { name, body } => TypeDesc::Named {
            name: Str::from(name.as_str()),
            body: Box::new(desc(body, shapes)?),
        },
    })
}

impl Program {
    /// Reads the compiler's description of a program.
    pub fn load(meta: &[u8]) -> Result<Program, String> {
        let json: Meta = serde_json::from_slice(meta)
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
            globals: json.globals as usize,
            input: json.input as usize,
            adaptors: json.adaptors,
            ops: json.ops,
            trigger: json.trigger,
        })
    }
}
