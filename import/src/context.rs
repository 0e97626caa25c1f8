//! What one import keeps while it works: the documents, the named types found
//! so far, the names taken, and the warnings.

use crate::load::{Docs, Loc};
use crate::names::{self, Unique};
use crate::ty::Ty;
use crate::warning::Warning;
use serde_json::Value;
use std::collections::{HashMap, HashSet};

pub struct Ctx<'d> {
    pub docs: &'d Docs,
    /// Swagger 2.0 rather than OpenAPI 3.
    pub swagger: bool,
    pub types: Types,
    warnings: Vec<Warning>,
    seen_warnings: HashSet<(String, String)>,
    /// Schemas being converted inline (not named), to stop at a cycle.
    pub inline: Vec<Loc>,
    pub depth: usize,
}

/// A `type Name = …` of the adaptor, from a schema of `components/schemas`
/// (or Swagger's `definitions`) in any of the documents.
pub struct NamedType {
    pub name: String,
    pub doc: Option<String>,
    pub ty: Ty,
}

#[derive(Default)]
pub struct Types {
    by_loc: HashMap<Loc, usize>,
    pub list: Vec<NamedType>,
    unique: Option<Unique>,
}

impl Types {
    pub fn get(&self, name: &str) -> Option<&NamedType> {
        self.list.iter().find(|t| t.name == name)
    }
}

/// `/components/schemas/Pet` and `/definitions/Pet` name a type; other
/// pointers (into `paths`, say) are inlined where they are used.
pub fn named_schema(pointer: &str) -> Option<String> {
    let rest = pointer
        .strip_prefix("/components/schemas/")
        .or_else(|| pointer.strip_prefix("/definitions/"))?;
    if rest.contains('/') {
        return None;
    }
    Some(rest.replace("~1", "/").replace("~0", "~"))
}

impl<'d> Ctx<'d> {
    pub fn new(docs: &'d Docs) -> Ctx<'d> {
        Ctx {
            docs,
            swagger: docs.main().get("swagger").is_some(),
            types: Types {
                unique: Some(Unique::for_types()),
                ..Types::default()
            },
            warnings: Vec::new(),
            seen_warnings: HashSet::new(),
            inline: Vec::new(),
            depth: 0,
        }
    }

    /// Records a warning once (a schema converted twice warns once).
    pub fn warn(&mut self, loc: &Loc, message: impl Into<String>) {
        let warning = Warning {
            pointer: self.docs.display(loc),
            message: message.into(),
        };
        if self
            .seen_warnings
            .insert((warning.pointer.clone(), warning.message.clone()))
        {
            self.warnings.push(warning);
        }
    }

    pub fn into_warnings(self) -> Vec<Warning> {
        self.warnings
    }

    pub fn get(&self, loc: &Loc) -> Option<&'d Value> {
        self.docs.get(loc)
    }

    /// The value at `loc` with its `$ref`s followed (a parameter, a response,
    /// a request body), and where it really is.
    pub fn deref(&mut self, loc: &Loc) -> Option<(Loc, &'d Value)> {
        let mut loc = loc.clone();
        for _ in 0..32 {
            let value = self.get(&loc)?;
            let Some(Value::String(reference)) = value.get("$ref") else {
                return Some((loc, value));
            };
            match self.docs.resolve(loc.doc, reference) {
                Ok(target) => loc = target,
                Err(why) => {
                    self.warn(&loc.join("$ref"), why);
                    return None;
                }
            }
        }
        self.warn(&loc, "a chain of more than 32 `$ref`s: left out");
        None
    }

    /// The named type of the schema at `loc`, converted the first time it is
    /// asked for. Its name is taken before its body is converted, so a
    /// recursive schema refers to itself by name.
    pub fn named(&mut self, loc: &Loc) -> Ty {
        if let Some(&i) = self.types.by_loc.get(loc) {
            return Ty::Named(self.types.list[i].name.clone());
        }
        let raw = named_schema(&loc.pointer).unwrap_or_else(|| "Type".to_string());
        let name = self
            .types
            .unique
            .as_mut()
            .expect("set in new")
            .take(&names::pascal_case(&raw));
        let index = self.types.list.len();
        self.types.by_loc.insert(loc.clone(), index);
        let value = self.get(loc);
        let doc = value.and_then(description);
        self.types.list.push(NamedType {
            name: name.clone(),
            doc,
            ty: Ty::Json,
        });
        let ty = self.schema(loc);
        self.types.list[index].ty = ty;
        Ty::Named(name)
    }
}

/// A schema's or operation's `description`, else its `title`.
pub fn description(value: &Value) -> Option<String> {
    ["description", "title"]
        .iter()
        .find_map(|k| value.get(*k)?.as_str())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}
