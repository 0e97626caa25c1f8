//! `textDocument/documentSymbol`: the outline of a job or an adaptor file.
//!
//! | item | kind | children |
//! |---|---|---|
//! | `adaptor NAME`, `use NAME` | module | |
//! | `trigger ...` | event | |
//! | `input: T` | variable | T's fields |
//! | `type Name = {..}` / literal union / other | struct / enum / type parameter | fields / members |
//! | `const` | constant | |
//! | top-level `let`, `var` | variable | |
//! | `fn` | function (detail: the signature) | |
//! | `op` | method (detail: the signature) | |
//! | `test "name"` | function (detail: `test`) | |
//! | `config { }` | object | its fields |
//! | `auth`, `base` | property | |
//!
//! A symbol's range includes its doc comment; its selection range is its name.

use crate::documents::Snapshot;
use crate::positions::Encoding;
use ferry_compiler::source::Span;
use ferry_compiler::syntax::ast::*;
use tower_lsp_server::ls_types::{DocumentSymbol, Location, SymbolInformation, SymbolKind, Uri};

/// How long a detail (a type or signature as written) may be before it is cut.
const MAX_DETAIL: usize = 80;

pub fn document_symbols(
    snapshot: &Snapshot,
    file: &File,
    encoding: Encoding,
) -> Vec<DocumentSymbol> {
    let outline = Outline { snapshot, encoding };
    let mut symbols = Vec::new();
    if let Some(header) = &file.adaptor {
        symbols.push(outline.symbol(
            header.name.name.to_string(),
            Some("adaptor".into()),
            SymbolKind::MODULE,
            with_doc(header.span, &header.doc),
            header.name.span,
            Vec::new(),
        ));
    }
    symbols.extend(file.items.iter().filter_map(|item| outline.item(item)));
    symbols
}

/// Symbols as a flat list, for clients without hierarchical symbol support.
pub fn flatten(uri: &Uri, symbols: Vec<DocumentSymbol>) -> Vec<SymbolInformation> {
    fn add(
        uri: &Uri,
        symbol: DocumentSymbol,
        container: Option<&str>,
        out: &mut Vec<SymbolInformation>,
    ) {
        #[allow(deprecated)]
        out.push(SymbolInformation {
            name: symbol.name.clone(),
            kind: symbol.kind,
            tags: None,
            deprecated: None,
            location: Location {
                uri: uri.clone(),
                range: symbol.range,
            },
            container_name: container.map(str::to_string),
        });
        for child in symbol.children.into_iter().flatten() {
            add(uri, child, Some(&symbol.name), out);
        }
    }
    let mut out = Vec::new();
    for symbol in symbols {
        add(uri, symbol, None, &mut out);
    }
    out
}

fn with_doc(span: Span, doc: &Option<Doc>) -> Span {
    doc.as_ref().map_or(span, |doc| doc.span.to(span))
}

/// Source text with its whitespace collapsed, cut at `MAX_DETAIL` characters.
pub fn source(src: &str, span: Span) -> String {
    let slice = src.get(span.range()).unwrap_or_default();
    let collapsed = slice.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() > MAX_DETAIL {
        let cut: String = collapsed.chars().take(MAX_DETAIL - 1).collect();
        format!("{cut}…")
    } else {
        collapsed
    }
}

/// A `fn` or `op` signature as written, from the end of its name:
/// `(a: T, b: U = 1) -> R`.
pub fn signature(src: &str, name: &Ident, params: &[Param], ret: &Option<Type>) -> String {
    let end = match ret {
        Some(ty) => ty.span.end as usize,
        None => {
            // The `)` after the last parameter (or after the name).
            let from = params.last().map_or(name.span.end, |p| p.span.end) as usize;
            src.get(from..)
                .and_then(|rest| rest.find(')'))
                .map_or(from, |i| from + i + 1)
        }
    };
    source(src, Span::new(name.span.end as usize, end))
}

struct Outline<'a> {
    snapshot: &'a Snapshot,
    encoding: Encoding,
}

impl Outline<'_> {
    fn symbol(
        &self,
        name: String,
        detail: Option<String>,
        kind: SymbolKind,
        range: Span,
        selection: Span,
        children: Vec<DocumentSymbol>,
    ) -> DocumentSymbol {
        let text = &self.snapshot.text;
        #[allow(deprecated)]
        DocumentSymbol {
            // An empty name is invalid in the protocol (a name still being typed).
            name: if name.is_empty() { "?".into() } else { name },
            detail,
            kind,
            tags: None,
            deprecated: None,
            range: text.range(range, self.encoding),
            selection_range: text.range(selection, self.encoding),
            children: (!children.is_empty()).then_some(children),
        }
    }

    fn source(&self, span: Span) -> String {
        source(self.snapshot.text.as_str(), span)
    }

    fn item(&self, item: &Item) -> Option<DocumentSymbol> {
        let range = with_doc(item.span, &item.doc);
        let keyword =
            |len: usize| Span::new(item.span.start as usize, item.span.start as usize + len);
        Some(match &item.kind {
            ItemKind::Use { adaptor, alias } => {
                let name = alias.as_ref().unwrap_or(adaptor);
                let detail = alias
                    .as_ref()
                    .map(|_| format!("use {} as {}", adaptor.name, name.name));
                self.symbol(
                    name.name.to_string(),
                    detail,
                    SymbolKind::MODULE,
                    range,
                    name.span,
                    Vec::new(),
                )
            }
            ItemKind::Trigger(trigger) => {
                let (name, selection) = match trigger {
                    Trigger::Webhook { path, .. } => (format!("webhook {}", path.value), path.span),
                    Trigger::Cron { schedule, .. } => {
                        (format!("cron {}", schedule.value), schedule.span)
                    }
                    Trigger::Every(duration) => (
                        format!("every {}", self.source(duration.span)),
                        duration.span,
                    ),
                };
                self.symbol(
                    name,
                    Some("trigger".into()),
                    SymbolKind::EVENT,
                    range,
                    selection,
                    Vec::new(),
                )
            }
            ItemKind::Input(ty) => self.symbol(
                "input".into(),
                Some(self.source(ty.span)),
                SymbolKind::VARIABLE,
                range,
                keyword("input".len()),
                self.type_children(ty),
            ),
            ItemKind::Type { name, ty } => {
                let kind = match &ty.kind {
                    TypeKind::Record { .. } => SymbolKind::STRUCT,
                    TypeKind::Union(members)
                        if members
                            .iter()
                            .all(|m| matches!(m.kind, TypeKind::Literal(_))) =>
                    {
                        SymbolKind::ENUM
                    }
                    _ => SymbolKind::TYPE_PARAMETER,
                };
                let detail = (kind == SymbolKind::TYPE_PARAMETER).then(|| self.source(ty.span));
                self.symbol(
                    name.name.to_string(),
                    detail,
                    kind,
                    range,
                    name.span,
                    self.type_children(ty),
                )
            }
            ItemKind::Const { name, ty, .. } => self.symbol(
                name.name.to_string(),
                ty.as_ref().map(|ty| self.source(ty.span)),
                SymbolKind::CONSTANT,
                range,
                name.span,
                Vec::new(),
            ),
            ItemKind::Fn(decl) => self.symbol(
                decl.name.name.to_string(),
                Some(self.signature(&decl.name, &decl.params, &decl.ret)),
                SymbolKind::FUNCTION,
                range,
                decl.name.span,
                Vec::new(),
            ),
            ItemKind::Op(op) => self.symbol(
                op.name.name.to_string(),
                Some(self.signature(&op.name, &op.params, &op.ret)),
                SymbolKind::METHOD,
                range,
                op.name.span,
                Vec::new(),
            ),
            ItemKind::Test { name, .. } => self.symbol(
                name.value.clone(),
                Some("test".into()),
                SymbolKind::FUNCTION,
                range,
                name.span,
                Vec::new(),
            ),
            ItemKind::Config { fields } => self.symbol(
                "config".into(),
                None,
                SymbolKind::OBJECT,
                range,
                keyword("config".len()),
                fields.iter().map(|f| self.field(f)).collect(),
            ),
            ItemKind::Errors(decl) => self.symbol(
                "errors".into(),
                Some(format!("{} entries", decl.entries.len())),
                SymbolKind::OBJECT,
                range,
                keyword("errors".len()),
                Vec::new(),
            ),
            ItemKind::Auth(expr) | ItemKind::Base(expr) => {
                let name = if matches!(item.kind, ItemKind::Auth(_)) {
                    "auth"
                } else {
                    "base"
                };
                self.symbol(
                    name.into(),
                    Some(self.source(expr.span)),
                    SymbolKind::PROPERTY,
                    range,
                    keyword(name.len()),
                    Vec::new(),
                )
            }
            ItemKind::Stmt(Stmt {
                kind: StmtKind::Let {
                    name, ty, mutable, ..
                },
                ..
            }) => self.symbol(
                name.name.to_string(),
                Some(match ty {
                    Some(ty) => format!(
                        "{}: {}",
                        if *mutable { "var" } else { "let" },
                        self.source(ty.span)
                    ),
                    None => (if *mutable { "var" } else { "let" }).to_string(),
                }),
                SymbolKind::VARIABLE,
                range,
                name.span,
                Vec::new(),
            ),
            ItemKind::Stmt(_) | ItemKind::Error => return None,
        })
    }

    fn signature(&self, name: &Ident, params: &[Param], ret: &Option<Type>) -> String {
        signature(self.snapshot.text.as_str(), name, params, ret)
    }

    fn field(&self, field: &FieldType) -> DocumentSymbol {
        let name = if field.optional {
            format!("{}?", field.name.name)
        } else {
            field.name.name.to_string()
        };
        self.symbol(
            name,
            Some(self.source(field.ty.span)),
            SymbolKind::FIELD,
            with_doc(field.span, &field.doc),
            field.name.span,
            self.type_children(&field.ty),
        )
    }

    /// A record's fields (of an optional or list too), a literal union's members.
    fn type_children(&self, ty: &Type) -> Vec<DocumentSymbol> {
        match &ty.kind {
            TypeKind::Record { fields, .. } => fields.iter().map(|f| self.field(f)).collect(),
            TypeKind::Optional(inner) | TypeKind::List(inner) => self.type_children(inner),
            TypeKind::Union(members)
                if members
                    .iter()
                    .all(|m| matches!(m.kind, TypeKind::Literal(_))) =>
            {
                members
                    .iter()
                    .map(|member| {
                        self.symbol(
                            self.source(member.span),
                            None,
                            SymbolKind::ENUM_MEMBER,
                            member.span,
                            member.span,
                            Vec::new(),
                        )
                    })
                    .collect()
            }
            _ => Vec::new(),
        }
    }
}
