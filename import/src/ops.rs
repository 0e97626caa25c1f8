//! Operations → ops: parameters, request body, result, paging.

use crate::context::{Ctx, description};
use crate::load::Loc;
use crate::names::{self, Unique};
use crate::ty::{Lit, Ty};
use serde_json::Value;

pub struct Op {
    pub name: String,
    pub doc: String,
    pub params: Vec<Param>,
    pub result: Ty,
    pub method: &'static str,
    /// The path as a Ferry string expression.
    pub path: String,
    /// Query and header entries: the name as sent, and the expression.
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
    pub paged: Option<Paging>,
}

/// `paged [KIND "PARAM"] [next E] items E [total E]`.
pub struct Paging {
    /// `("page", "page")`, `("offset", "skip")`, `("cursor", "after")`; `None`
    /// for a `next` link.
    pub by: Option<(&'static str, String)>,
    pub next: Option<String>,
    pub items: String,
    pub total: Option<String>,
}

pub struct Param {
    pub name: String,
    pub ty: Ty,
    /// `= literal` for an optional parameter; `= null` when there is none.
    pub default: Option<String>,
}

const METHODS: &[(&str, &str)] = &[
    ("get", "GET"),
    ("put", "PUT"),
    ("post", "POST"),
    ("delete", "DELETE"),
    ("options", ""),
    ("head", "HEAD"),
    ("patch", "PATCH"),
    ("trace", ""),
];

/// Fields that hold the link to the next page, as real APIs name them.
const NEXT_LINKS: &[&str] = &[
    "next",
    "nextLink",
    "next_link",
    "nextPage",
    "next_page",
    "nextUrl",
    "next_url",
    "nextPageUrl",
    "next_page_url",
    "@odata.nextLink",
];
/// Fields whose record holds such a link (`links.next`, `_links.next.href`).
const LINK_HOLDERS: &[&str] = &["links", "_links", "meta", "pagination", "paging", "page"];
/// Query parameters that number pages, skip items, or carry a cursor.
const PAGE_PARAMS: &[&str] = &["page", "pageNumber", "page_number", "pageNo"];
const OFFSET_PARAMS: &[&str] = &["offset", "skip", "$skip"];
const CURSOR_PARAMS: &[&str] = &[
    "cursor",
    "after",
    "starting_after",
    "page_token",
    "pageToken",
    "next_token",
    "nextToken",
    "continuation",
    "continuationToken",
];
/// Body fields that give the next page's cursor (also inside a `LINK_HOLDERS`
/// record or `response_metadata`).
const NEXT_CURSORS: &[&str] = &[
    "next_cursor",
    "nextCursor",
    "next_page_token",
    "nextPageToken",
    "next_token",
    "nextToken",
    "continuation",
    "continuationToken",
];
/// Body fields that count every item (not only this page's).
const TOTALS: &[&str] = &[
    "total",
    "total_count",
    "totalCount",
    "total_results",
    "totalResults",
    "total_items",
    "totalItems",
    "totalElements",
    "@odata.count",
];

/// `target.name` (or `target?.name`), `target["@odata.nextLink"]` for a name
/// that is not an identifier.
fn access(target: &str, name: &str, optional: bool) -> String {
    if names::is_identifier(name) {
        format!("{target}{}{name}", if optional { "?." } else { "." })
    } else {
        format!("{target}[{}]", names::string_literal(name))
    }
}

/// What a parameter becomes when it cannot be sent as declared.
enum Unsendable {
    /// Left out, with this reason.
    Skip(String),
}

fn root() -> Loc {
    Loc {
        doc: 0,
        pointer: String::new(),
    }
}

impl<'d> Ctx<'d> {
    pub fn ops(&mut self) -> Vec<Op> {
        let paths_at = root().join("paths");
        let Some(paths) = self.get(&paths_at).and_then(Value::as_object) else {
            return Vec::new();
        };
        let mut op_names = Unique::default();
        let mut ops = Vec::new();
        for path in paths.keys() {
            let Some((item_at, item)) = self.deref(&paths_at.join(path)) else {
                continue;
            };
            let Some(item) = item.as_object() else {
                continue;
            };
            for &(key, method) in METHODS {
                if !item.contains_key(key) {
                    continue;
                }
                let at = item_at.join(key);
                if method.is_empty() {
                    self.warn(
                        &at,
                        format!(
                            "`{}` requests cannot be declared: the operation is left out",
                            key.to_uppercase()
                        ),
                    );
                    continue;
                }
                if let Some(op) = self.operation(path, &item_at, &at, method, &mut op_names) {
                    ops.push(op);
                }
            }
        }
        ops
    }

    fn operation(
        &mut self,
        path: &str,
        item_at: &Loc,
        at: &Loc,
        method: &'static str,
        op_names: &mut Unique,
    ) -> Option<Op> {
        let op = self.get(at)?;
        let wanted = match op.get("operationId").and_then(Value::as_str) {
            Some(id) => names::snake_case(id),
            None => names::snake_case(&format!("{method} {path}").replace(['{', '}'], "")),
        };
        let name = op_names.take(&wanted);
        let mut params: Vec<Param> = Vec::new();
        let mut optional: Vec<Param> = Vec::new();
        let mut taken = Unique::default();
        let mut path_vars: Vec<(String, String)> = Vec::new();
        let mut query = Vec::new();
        let mut headers = Vec::new();
        let mut form: Vec<(String, String)> = Vec::new();
        let mut body = None;
        let mut param_docs: Vec<(String, String)> = Vec::new();
        // Query parameters by the name sent, with their types, to see paging by.
        let mut query_params: Vec<(String, Ty)> = Vec::new();

        for (p_at, p) in self.parameters(item_at, at) {
            let raw = p
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let place = p.get("in").and_then(Value::as_str).unwrap_or("");
            let required = place == "path" || p.get("required") == Some(&Value::Bool(true));
            let schema_at = if self.swagger {
                if place == "body" {
                    p_at.join("schema")
                } else {
                    p_at.clone()
                }
            } else if p.get("schema").is_some() {
                p_at.join("schema")
            } else {
                self.warn(
                    &p_at,
                    "a parameter without a `schema` (a `content` one) is sent as JSON text",
                );
                p_at.join("schema")
            };
            let ty = if self.get(&schema_at).is_some() {
                self.schema(&schema_at)
            } else {
                Ty::Json
            };
            let sendable = self.sendable(place, &raw, &ty, &p_at);
            let expr_of = |ident: &str| ident.to_string();
            let ident = match &sendable {
                Err(Unsendable::Skip(why)) => {
                    if required {
                        self.warn(
                            &p_at,
                            format!("{why}, and it is required: the operation is left out"),
                        );
                        return None;
                    }
                    self.warn(&p_at, format!("{why}: the parameter is left out"));
                    continue;
                }
                // A body is named after its type (`pet`), not `body`.
                Ok(()) if place == "body" => taken.take(&names::variable(&match &ty {
                    Ty::Named(n) => names::snake_case(n),
                    _ => "payload".to_string(),
                })),
                Ok(()) => taken.take(&names::variable(&raw)),
            };
            if let Some(d) = description(p) {
                param_docs.push((ident.clone(), d));
            }
            let default = self
                .get(&schema_at)
                .and_then(|s| s.get("default"))
                .and_then(|d| self.default_literal(&ty, d));
            let (ty_of_param, default_text) = match (required, default) {
                (true, _) => (ty.clone(), None),
                (false, Some(d)) => (ty.clone(), Some(d)),
                (false, None) => (ty.clone().optional(), Some("null".to_string())),
            };
            let value_ty = ty_of_param.clone();
            let param = Param {
                name: ident.clone(),
                ty: ty_of_param,
                default: default_text,
            };
            if required {
                params.push(param)
            } else {
                optional.push(param)
            }
            match place {
                "path" => path_vars.push((raw, ident)),
                "query" => {
                    query_params.push((raw.clone(), ty.clone()));
                    query.push((raw, expr_of(&ident)))
                }
                "header" => headers.push((raw, self.header_value(&ident, &value_ty))),
                "body" => body = Some(ident),
                "formData" => form.push((raw, ident)),
                _ => {}
            }
        }

        // OpenAPI 3's request body.
        if !self.swagger && op.get("requestBody").is_some() {
            let (rb_at, rb) = self.deref(&at.join("requestBody"))?;
            let required = rb.get("required") == Some(&Value::Bool(true));
            let content = rb.get("content").and_then(Value::as_object);
            let media: Vec<&String> = content.map(|c| c.keys().collect()).unwrap_or_default();
            let pick = media
                .iter()
                .find(|m| is_json(m))
                .map(|m| (*m, BodyKind::Json))
                .or_else(|| {
                    media
                        .iter()
                        .find(|m| m.starts_with("application/x-www-form-urlencoded"))
                        .map(|m| (*m, BodyKind::Form))
                })
                .or_else(|| {
                    media
                        .iter()
                        .find(|m| is_text(m))
                        .map(|m| (*m, BodyKind::Text))
                });
            match pick {
                None if media.is_empty() => {}
                None => {
                    let list = media
                        .iter()
                        .map(|m| format!("`{m}`"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    self.warn(
                        &rb_at.join("content"),
                        format!("a request body of {list} cannot be sent by a declared op (only JSON, form and text bodies): the operation is left out"),
                    );
                    return None;
                }
                Some((media_type, kind)) => {
                    let schema_at = rb_at.join("content").join(media_type).join("schema");
                    let ty = match kind {
                        BodyKind::Text => Ty::String,
                        _ if self.get(&schema_at).is_some() => self.schema(&schema_at),
                        _ => Ty::Json,
                    };
                    let wanted = match &ty {
                        Ty::Named(n) => names::snake_case(n),
                        _ => "payload".to_string(),
                    };
                    let ident = taken.take(&names::variable(&wanted));
                    if let Some(d) = description(rb) {
                        param_docs.push((ident.clone(), d));
                    }
                    let param = Param {
                        name: ident.clone(),
                        ty: if required {
                            ty.clone()
                        } else {
                            ty.clone().optional()
                        },
                        default: (!required).then(|| "null".to_string()),
                    };
                    if required {
                        params.push(param)
                    } else {
                        optional.push(param)
                    }
                    match kind {
                        BodyKind::Json => {}
                        BodyKind::Form => headers.push((
                            "Content-Type".into(),
                            "\"application/x-www-form-urlencoded\"".into(),
                        )),
                        BodyKind::Text => {
                            headers.push(("Content-Type".into(), names::string_literal(media_type)))
                        }
                    }
                    body = Some(ident);
                }
            }
        }

        // Swagger 2.0's form parameters: one record, sent as a form.
        if !form.is_empty() {
            let consumes = self.consumes(op);
            if consumes.iter().any(|c| c.starts_with("multipart/"))
                && !consumes
                    .iter()
                    .any(|c| c.starts_with("application/x-www-form-urlencoded"))
            {
                self.warn(&at.join("consumes"), "a multipart/form-data body cannot be sent by a declared op: the operation is left out");
                return None;
            }
            headers.push((
                "Content-Type".into(),
                "\"application/x-www-form-urlencoded\"".into(),
            ));
            let entries: Vec<String> = form
                .iter()
                .map(|(raw, ident)| format!("{}: {ident}", names::field_name(raw)))
                .collect();
            body = Some(format!("{{ {} }}", entries.join(", ")));
        }

        // The path, with its parameters interpolated.
        let mut path_expr = String::from("\"");
        let mut rest = path;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}').map(|c| open + c) else {
                break;
            };
            for c in rest[..open].chars() {
                names::escape_into(c, &mut path_expr);
            }
            let var = &rest[open + 1..close];
            let ident = match path_vars.iter().find(|(raw, _)| raw == var) {
                Some((_, ident)) => ident.clone(),
                None => {
                    self.warn(
                        at,
                        format!("the path parameter `{var}` is not declared: it is a `String`"),
                    );
                    let ident = taken.take(&names::variable(var));
                    params.push(Param {
                        name: ident.clone(),
                        ty: Ty::String,
                        default: None,
                    });
                    path_vars.push((var.to_string(), ident.clone()));
                    ident
                }
            };
            path_expr.push_str(&format!("${{{ident}}}"));
            rest = &rest[close + 1..];
        }
        for c in rest.chars() {
            names::escape_into(c, &mut path_expr);
        }
        path_expr.push('"');

        let (result, errors) = self.result(at, op);
        let mut result = result;
        let mut paged = None;
        if method == "GET"
            && let Some((item, paging)) = self.paging(&result, &query_params)
        {
            result = Ty::List(Box::new(item));
            paged = Some(paging);
        }

        params.extend(optional);
        let doc = self.op_doc(op, method, path, &param_docs, &errors, paged.is_some());
        Some(Op {
            name,
            doc,
            params,
            result,
            method,
            path: path_expr,
            query,
            headers,
            body,
            paged,
        })
    }

    /// The path item's parameters and the operation's, the operation's
    /// replacing those of the same name and place.
    fn parameters(&mut self, item_at: &Loc, at: &Loc) -> Vec<(Loc, &'d Value)> {
        let mut out: Vec<(Loc, &'d Value)> = Vec::new();
        for owner in [item_at, at] {
            let list_at = owner.join("parameters");
            let count = self
                .get(&list_at)
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            for i in 0..count {
                let Some((p_at, p)) = self.deref(&list_at.join(&i.to_string())) else {
                    continue;
                };
                let key = |v: &Value| (v.get("name").cloned(), v.get("in").cloned());
                out.retain(|(_, q)| key(q) != key(p));
                out.push((p_at, p));
            }
        }
        out
    }

    /// Whether a parameter of this place and type can be sent.
    fn sendable(&mut self, place: &str, raw: &str, ty: &Ty, at: &Loc) -> Result<(), Unsendable> {
        let structured = matches!(self.resolve(ty), Ty::Record(_) | Ty::Map(_));
        match place {
            "path" | "query" if structured => Err(Unsendable::Skip(format!(
                "the {place} parameter `{raw}` is an object, whose serialization cannot be declared"
            ))),
            "header" => {
                if ["accept", "content-type", "authorization"]
                    .contains(&raw.to_ascii_lowercase().as_str())
                {
                    return Err(Unsendable::Skip(format!(
                        "the header `{raw}` is set by the runtime (OpenAPI says to ignore it)"
                    )));
                }
                match self.scalar(ty) {
                    Some(_) => Ok(()),
                    None => Err(Unsendable::Skip(format!(
                        "the header `{raw}` is a list or an object, which cannot be sent as a header"
                    ))),
                }
            }
            "cookie" => Err(Unsendable::Skip(format!(
                "the cookie `{raw}` cannot be sent by a declared op"
            ))),
            "path" | "query" | "body" | "formData" => {
                if place == "formData"
                    && matches!(ty, Ty::String)
                    && self
                        .get(at)
                        .and_then(|p| p.get("type"))
                        .and_then(Value::as_str)
                        == Some("file")
                {
                    return Err(Unsendable::Skip(format!(
                        "the file `{raw}` is uploaded as multipart/form-data, which a declared op cannot send"
                    )));
                }
                Ok(())
            }
            other => Err(Unsendable::Skip(format!(
                "a parameter `in: {other}` is not an OpenAPI place"
            ))),
        }
    }

    /// A named type's definition, through any chain of names.
    pub fn resolve<'t>(&'t self, ty: &'t Ty) -> &'t Ty {
        let mut ty = ty;
        for _ in 0..16 {
            match ty {
                Ty::Named(name) => match self.types.get(name) {
                    Some(t) => ty = &t.ty,
                    None => return ty,
                },
                Ty::Optional(inner) => ty = inner,
                _ => return ty,
            }
        }
        ty
    }

    /// Whether a header of this type is text, or a number or Bool to convert.
    fn scalar(&self, ty: &Ty) -> Option<bool> {
        match self.resolve(ty) {
            Ty::String | Ty::Date | Ty::DateTime | Ty::Url | Ty::Lit(Lit::Str(_)) => Some(true),
            Ty::Int | Ty::Float | Ty::Bool | Ty::Lit(_) => Some(false),
            Ty::Union(members) if members.iter().all(|m| matches!(m, Ty::Lit(Lit::Str(_)))) => {
                Some(true)
            }
            Ty::Union(members) if members.iter().all(|m| matches!(m, Ty::Lit(_))) => Some(false),
            _ => None,
        }
    }

    fn header_value(&self, ident: &str, ty: &Ty) -> String {
        // `Bool` has no `to_string`: a `match` writes it as JSON does.
        let boolean = matches!(self.resolve(ty), Ty::Bool | Ty::Lit(Lit::Bool(_)));
        match self.scalar(ty) {
            Some(true) | None => ident.to_string(),
            Some(false) if boolean && ty.is_optional() => {
                format!("match {ident} {{ true => \"true\", false => \"false\", null => null }}")
            }
            Some(false) if boolean => {
                format!("match {ident} {{ true => \"true\", false => \"false\" }}")
            }
            Some(false) if ty.is_optional() => format!("{ident}?.to_string()"),
            Some(false) => format!("{ident}.to_string()"),
        }
    }

    fn consumes(&self, op: &Value) -> Vec<String> {
        op.get("consumes")
            .or_else(|| self.docs.main().get("consumes"))
            .and_then(Value::as_array)
            .map(|c| {
                c.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A schema's `default` as a Ferry literal of the parameter's type.
    fn default_literal(&self, ty: &Ty, value: &Value) -> Option<String> {
        match (self.resolve(ty), value) {
            (Ty::String, Value::String(s)) => Some(names::string_literal(s)),
            (Ty::Int, Value::Number(n)) => n
                .as_i64()
                .or_else(|| {
                    n.as_f64()
                        .filter(|f| f.fract() == 0.0 && f.abs() < 1e15)
                        .map(|f| f as i64)
                })
                .filter(|n| *n >= 0)
                .map(|n| n.to_string()),
            (Ty::Float, Value::Number(n)) => {
                n.as_f64().filter(|f| f.is_finite() && *f >= 0.0).map(|f| {
                    let text = f.to_string();
                    if text.contains(['.', 'e']) {
                        text
                    } else {
                        format!("{text}.0")
                    }
                })
            }
            (Ty::Bool, Value::Bool(b)) => Some(b.to_string()),
            (Ty::Lit(lit), v) if lit_matches(lit, v) => Some(lit.render()),
            (Ty::Union(members), v) => members.iter().find_map(|m| match m {
                Ty::Lit(lit) if lit_matches(lit, v) => Some(lit.render()),
                _ => None,
            }),
            (Ty::List(inner), Value::Array(items)) => {
                let parts: Option<Vec<String>> = items
                    .iter()
                    .map(|i| self.default_literal(inner, i))
                    .collect();
                parts.map(|p| format!("[{}]", p.join(", ")))
            }
            _ => None,
        }
    }

    /// The type of the first 2xx response, and the other responses for the doc.
    fn result(&mut self, at: &Loc, op: &Value) -> (Ty, Vec<String>) {
        let responses_at = at.join("responses");
        let codes: Vec<String> = op
            .get("responses")
            .and_then(Value::as_object)
            .map(|r| r.keys().cloned().collect())
            .unwrap_or_default();
        let success = codes
            .iter()
            .filter(|c| c.starts_with('2'))
            .min_by_key(|c| c.replace(['X', 'x'], "0"))
            .cloned();
        let mut errors = Vec::new();
        for code in codes.iter().filter(|c| Some(*c) != success.as_ref()) {
            let Some((r_at, response)) = self.deref(&responses_at.join(code)) else {
                continue;
            };
            let mut line = format!("`{code}`");
            if let Some(d) = response.get("description").and_then(Value::as_str) {
                let d = d.lines().next().unwrap_or("").trim();
                if !d.is_empty() {
                    line.push_str(": ");
                    line.push_str(d);
                }
            }
            if let Some(Ty::Named(name)) = self.response_type(&r_at, response, false) {
                line.push_str(&format!(" (`{name}`)"));
            }
            errors.push(line);
        }
        let Some(code) = success else {
            return (Ty::Json, errors);
        };
        let Some((r_at, response)) = self.deref(&responses_at.join(&code)) else {
            return (Ty::Json, errors);
        };
        (
            self.response_type(&r_at, response, true)
                .unwrap_or(Ty::Json),
            errors,
        )
    }

    /// The type of a response's body: its JSON schema, `String` for text.
    fn response_type(&mut self, at: &Loc, response: &'d Value, warn: bool) -> Option<Ty> {
        if self.swagger {
            response.get("schema")?;
            return Some(self.schema(&at.join("schema")));
        }
        let content = response.get("content")?.as_object()?;
        if let Some(media) = content.keys().find(|m| is_json(m)) {
            let schema_at = at.join("content").join(media).join("schema");
            return Some(if self.get(&schema_at).is_some() {
                self.schema(&schema_at)
            } else {
                Ty::Json
            });
        }
        if content.keys().any(|m| is_text(m)) {
            return Some(Ty::String);
        }
        let media = content.keys().next()?;
        if warn {
            self.warn(&at.join("content"), format!("a `{media}` response cannot be decoded: the op answers its bytes as text (`String`)"));
        }
        Some(Ty::String)
    }

    /// A list op when the result is a page, and the way to the next page is
    /// plain: one list field and a link to the next page; else a cursor
    /// parameter and a field that gives the next one; else a page-number or
    /// offset parameter (for a result that is a list, too). Answers the
    /// element type and the `paged` clause.
    fn paging(&self, result: &Ty, query: &[(String, Ty)]) -> Option<(Ty, Paging)> {
        let is_int = |ty: &Ty| matches!(self.resolve(ty), Ty::Int);
        let param = |names: &[&str], fits: &dyn Fn(&Ty) -> bool| {
            query
                .iter()
                .find(|(name, ty)| names.contains(&name.as_str()) && fits(ty))
                .map(|(name, _)| name.clone())
        };
        let counted = |items: String| {
            let by = param(PAGE_PARAMS, &is_int)
                .map(|p| ("page", p))
                .or_else(|| param(OFFSET_PARAMS, &is_int).map(|p| ("offset", p)))?;
            Some(Paging {
                by: Some(by),
                next: None,
                items,
                total: None,
            })
        };
        let record = match self.resolve(result) {
            Ty::List(item) => return Some(((**item).clone(), counted("body".to_string())?)),
            Ty::Record(record) => record,
            _ => return None,
        };
        let lists: Vec<_> = record
            .fields
            .iter()
            .filter_map(|f| match self.resolve(&f.ty) {
                Ty::List(item) => Some((f, item)),
                _ => None,
            })
            .collect();
        let [(list, item)] = lists.as_slice() else {
            return None;
        };
        let items = access("body", &list.name, false);
        let item = (***item).clone();
        if let Some(next) = self.next_link(record) {
            let paging = Paging {
                by: None,
                next: Some(next),
                items,
                total: None,
            };
            return Some((item, paging));
        }
        let total = self.body_field(record, TOTALS, &is_int);
        let cursor_param = param(CURSOR_PARAMS, &|ty| matches!(self.resolve(ty), Ty::String));
        let next_cursor = self.body_field(record, NEXT_CURSORS, &|ty| {
            matches!(self.resolve(ty), Ty::String | Ty::Int)
        });
        let paging = match (cursor_param, next_cursor) {
            (Some(p), Some(next)) => Paging {
                by: Some(("cursor", p)),
                next: Some(next),
                items,
                total,
            },
            _ => Paging {
                total,
                ..counted(items)?
            },
        };
        Some((item, paging))
    }

    /// `body.next`, `body.links?.next`, `body._links?.next?.href`: the field of
    /// a page that links to the next one.
    fn next_link(&self, record: &crate::ty::Record) -> Option<String> {
        let is_link = |ty: &Ty| matches!(self.resolve(ty), Ty::String | Ty::Url);
        if let Some(next) = self.body_field(record, NEXT_LINKS, &is_link) {
            return Some(next);
        }
        for holder in record
            .fields
            .iter()
            .filter(|f| LINK_HOLDERS.contains(&f.name.as_str()))
        {
            let Ty::Record(inner) = self.resolve(&holder.ty) else {
                continue;
            };
            let base = access("body", &holder.name, false);
            for field in &inner.fields {
                if let Ty::Record(link) = self.resolve(&field.ty)
                    && NEXT_LINKS.contains(&field.name.as_str())
                    && link
                        .fields
                        .iter()
                        .any(|f| f.name == "href" && is_link(&f.ty))
                {
                    return Some(access(&access(&base, &field.name, true), "href", true));
                }
            }
        }
        None
    }

    /// The first field named one of `names` whose type fits, at the top of the
    /// page (`body.total`) or one level down in a record that holds paging
    /// details (`body.meta?.total`).
    fn body_field(
        &self,
        record: &crate::ty::Record,
        names: &[&str],
        fits: &dyn Fn(&Ty) -> bool,
    ) -> Option<String> {
        let find = |r: &crate::ty::Record| {
            r.fields
                .iter()
                .find(|f| names.contains(&f.name.as_str()) && fits(&f.ty))
                .map(|f| f.name.clone())
        };
        if let Some(name) = find(record) {
            return Some(access("body", &name, false));
        }
        for holder in record
            .fields
            .iter()
            .filter(|f| LINK_HOLDERS.contains(&f.name.as_str()) || f.name == "response_metadata")
        {
            if let Ty::Record(inner) = self.resolve(&holder.ty)
                && let Some(name) = find(inner)
            {
                return Some(access(&access("body", &holder.name, false), &name, true));
            }
        }
        None
    }

    fn op_doc(
        &self,
        op: &Value,
        method: &str,
        path: &str,
        params: &[(String, String)],
        errors: &[String],
        paged: bool,
    ) -> String {
        let mut parts: Vec<String> = Vec::new();
        let summary = op
            .get("summary")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty());
        if let Some(summary) = summary {
            parts.push(summary.to_string());
        }
        if let Some(d) = op.get("description").and_then(Value::as_str).map(str::trim)
            && !d.is_empty()
            && Some(d) != summary
        {
            parts.push(d.to_string());
        }
        let mut line = format!("`{method} {path}`");
        if let Some(id) = op.get("operationId").and_then(Value::as_str) {
            line.push_str(&format!(" (operation `{id}`)"));
        }
        if paged {
            line.push_str(", every page");
        }
        line.push('.');
        parts.push(line);
        if op.get("deprecated") == Some(&Value::Bool(true)) {
            parts.push("Deprecated: the API may remove this operation.".to_string());
        }
        if !params.is_empty() {
            let lines: Vec<String> = params
                .iter()
                .map(|(name, d)| {
                    format!(
                        "- `{name}`: {}",
                        d.lines().map(str::trim).collect::<Vec<_>>().join(" ")
                    )
                })
                .collect();
            parts.push(lines.join("\n"));
        }
        if !errors.is_empty() {
            let lines: Vec<String> = errors.iter().map(|e| format!("- {e}")).collect();
            parts.push(format!("Other responses:\n{}", lines.join("\n")));
        }
        parts.join("\n\n")
    }
}

#[derive(Clone, Copy)]
enum BodyKind {
    Json,
    Form,
    Text,
}

fn is_json(media: &str) -> bool {
    let m = media.to_ascii_lowercase();
    m.starts_with("application/json") || m.contains("+json") || m == "*/*" || m == "application/*"
}

fn is_text(media: &str) -> bool {
    let m = media.to_ascii_lowercase();
    m.starts_with("text/") || m.contains("xml")
}

fn lit_matches(lit: &Lit, value: &Value) -> bool {
    match (lit, value) {
        (Lit::Str(a), Value::String(b)) => a == b,
        (Lit::Int(a), Value::Number(b)) => b.as_i64() == Some(*a),
        (Lit::Bool(a), Value::Bool(b)) => a == b,
        _ => false,
    }
}
