//! What the runtime is told about types and the program: representations,
//! type descriptors (how typed input is decoded, how `as` checks), and the
//! job's input, adaptors' config sections and trigger (`meta::Meta`).

use super::Lowerer;
use crate::ir::Repr;
use crate::typed::Trigger;
use crate::types::{Lit, Ty, TypeId, TypeTable};
use ferry_meta::{AdaptorMeta, Constant, Desc, FieldMeta, ShapeMeta, TriggerMeta};

/// The representation a value of this static type is held in.
pub fn repr_of(types: &TypeTable, ty: &Ty) -> Repr {
    match types.resolve(ty) {
        Ty::Int | Ty::Lit(Lit::Int(_)) => Repr::Int,
        Ty::Float => Repr::Float,
        Ty::Bool | Ty::Lit(Lit::Bool(_)) => Repr::Bool,
        Ty::Fn(_) => Repr::Closure,
        Ty::Union(members)
            if members
                .iter()
                .all(|m| matches!(types.resolve(m), Ty::Lit(Lit::Int(_)))) =>
        {
            Repr::Int
        }
        Ty::Union(members)
            if members
                .iter()
                .all(|m| matches!(types.resolve(m), Ty::Lit(Lit::Bool(_)) | Ty::Bool)) =>
        {
            Repr::Bool
        }
        _ => Repr::Value,
    }
}

impl<'a> Lowerer<'a> {
    pub(super) fn desc(&mut self, ty: &Ty) -> u32 {
        let desc = self.desc_of(ty, &mut Vec::new());
        self.meta.desc(desc)
    }

    fn desc_of(&mut self, ty: &Ty, named: &mut Vec<TypeId>) -> Desc {
        match ty {
            Ty::Error | Ty::Never | Ty::Json | Ty::Var(_) | Ty::Fn(_) => Desc::Json,
            Ty::Null => Desc::Null,
            Ty::Bool => Desc::Bool,
            Ty::Int => Desc::Int,
            Ty::Float => Desc::Float,
            Ty::String => Desc::String,
            Ty::Date => Desc::Date,
            Ty::DateTime => Desc::DateTime,
            Ty::Url => Desc::Url,
            Ty::Secret => Desc::Secret,
            Ty::Lit(lit) => Desc::Literal {
                value: match lit {
                    Lit::Str(s) => Constant::Str(s.to_string()),
                    Lit::Int(n) => Constant::Int(*n),
                    Lit::Bool(b) => Constant::Bool(*b),
                },
            },
            Ty::List(t) => Desc::List {
                of: Box::new(self.desc_of(t, named)),
            },
            Ty::Map(t) => Desc::Map {
                of: Box::new(self.desc_of(t, named)),
            },
            Ty::Record(r) => {
                let shape = self.meta.shape(ShapeMeta {
                    fields: r.fields.iter().map(|f| f.name.to_string()).collect(),
                    open: r.open,
                });
                let fields = r
                    .fields
                    .iter()
                    .map(|f| {
                        let desc = self.desc_of(&f.ty, named);
                        // Reading is lenient: a field `name?: T` may also be `null`.
                        let desc = match desc {
                            Desc::Optional { .. } | Desc::Json | Desc::Null => desc,
                            desc if f.optional => Desc::Optional { of: Box::new(desc) },
                            desc => desc,
                        };
                        FieldMeta {
                            desc,
                            optional: f.optional,
                        }
                    })
                    .collect();
                Desc::Record { shape, fields }
            }
            Ty::Union(members) => {
                let non_null: Vec<&Ty> = members.iter().filter(|m| **m != Ty::Null).collect();
                if non_null.len() + 1 == members.len() && non_null.len() == 1 {
                    return Desc::Optional {
                        of: Box::new(self.desc_of(non_null[0], named)),
                    };
                }
                Desc::Union {
                    of: members.iter().map(|m| self.desc_of(m, named)).collect(),
                }
            }
            Ty::Named(id) => {
                if named.contains(id) {
                    // A recursive type: its inner occurrences are not checked.
                    return Desc::Json;
                }
                named.push(*id);
                let t = self.types.get(*id);
                let body = self.desc_of(&t.ty.clone(), named);
                named.pop();
                Desc::Named {
                    name: t.name.clone(),
                    body: Box::new(body),
                }
            }
        }
    }

    /// `input:`, the adaptors' config sections and the trigger, for the runtime.
    pub(super) fn describe_program(&mut self) {
        let job = self.module_tree(0);
        self.meta.input = self.desc(&job.input);
        for (alias, module) in &job.uses {
            let m = self.module_tree(*module);
            let config = m
                .config
                .clone()
                .unwrap_or_else(|| Ty::record(Vec::new(), false));
            let secrets = match self.types.resolve(&config) {
                Ty::Record(r) => r
                    .fields
                    .iter()
                    .filter(|f| self.types.contains_secret(&f.ty, 0))
                    .map(|f| f.name.to_string())
                    .collect(),
                _ => Vec::new(),
            };
            let desc = self.desc(&config);
            self.meta.adaptors.push(AdaptorMeta {
                name: alias.to_string(),
                adaptor: m.adaptor_name.as_deref().unwrap_or_default().to_string(),
                config: desc,
                secrets,
                base: None,
                auth: None,
                errors: m.errors.clone(),
                types_only: !self.t.needs_config(*module),
            });
        }
        self.meta.trigger = job.trigger.as_ref().map(|t| match t {
            Trigger::Webhook {
                path,
                auth,
                header,
                reply,
            } => TriggerMeta::Webhook {
                path: path.clone(),
                auth: auth.as_ref().map(|a| a.to_string()),
                header: header.clone(),
                reply: *reply,
            },
            Trigger::Cron { schedule, tz } => TriggerMeta::Cron {
                schedule: schedule.clone(),
                tz: tz.clone(),
            },
            Trigger::Every { millis } => TriggerMeta::Every { millis: *millis },
        });
    }
}
