//! One `Diagnostic` type for every stage: the lexer, the parser, the checker.
//! Rendered with ariadne on a terminal, as JSON for tools, and as ranges for the LSP.

use crate::source::{SourceId, SourceMap, Span};
use ariadne::{Color, Config, IndexType, Label as AriadneLabel, Report, ReportKind};
use serde_json::{Value, json};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A secondary place that explains the diagnostic ("declared here").
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    pub file: SourceId,
    pub span: Span,
    pub message: String,
}

/// One replacement in the diagnostic's own file.
#[derive(Clone, Debug, PartialEq)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

/// A fix the LSP offers as a quick fix, and `ferry check` shows as help.
#[derive(Clone, Debug, PartialEq)]
pub struct Fix {
    pub message: String,
    pub edits: Vec<Edit>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A stable code, `E0xxx` (see `docs/diagnostics.md`).
    pub code: &'static str,
    pub message: String,
    pub file: SourceId,
    pub span: Span,
    /// What the primary span shows; the message is used when empty.
    pub label: String,
    pub labels: Vec<Label>,
    pub notes: Vec<String>,
    pub fix: Option<Fix>,
}

impl Diagnostic {
    pub fn error(
        code: &'static str,
        file: SourceId,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            file,
            span,
            label: String::new(),
            labels: Vec::new(),
            notes: Vec::new(),
            fix: None,
        }
    }

    pub fn warning(
        code: &'static str,
        file: SourceId,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, file, span, message)
        }
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    pub fn with_secondary(
        mut self,
        file: SourceId,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        self.labels.push(Label {
            file,
            span,
            message: message.into(),
        });
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn with_fix(mut self, message: impl Into<String>, edits: Vec<Edit>) -> Self {
        self.fix = Some(Fix {
            message: message.into(),
            edits,
        });
        self
    }

    /// A fix that replaces the primary span.
    pub fn with_replacement(
        self,
        message: impl Into<String>,
        replacement: impl Into<String>,
    ) -> Self {
        let span = self.span;
        self.with_fix(
            message,
            vec![Edit {
                span,
                replacement: replacement.into(),
            }],
        )
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Orders diagnostics by file and position, as a reader meets them.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by_key(|d| (d.file, d.span.start, d.span.end));
}

/// Renders diagnostics as the terminal shows them.
pub fn render(diagnostics: &[Diagnostic], sources: &SourceMap, color: bool) -> String {
    // Indexing the lines of every source (megabytes for a generated adaptor)
    // is for diagnostics only.
    if diagnostics.is_empty() {
        return String::new();
    }
    let mut out = Vec::new();
    // One cache of the sources' lines for every diagnostic: building it per
    // diagnostic made rendering quadratic in a file with many warnings.
    let mut cache = ariadne::sources(
        sources
            .iter()
            .map(|(_, source)| (source.name.clone(), source.text.to_string())),
    );
    for diagnostic in diagnostics {
        render_one(diagnostic, sources, color, &mut cache, &mut out);
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn render_one(
    d: &Diagnostic,
    sources: &SourceMap,
    color: bool,
    cache: &mut impl ariadne::Cache<String>,
    out: &mut Vec<u8>,
) {
    let name = |file: SourceId| sources.get(file).name.clone();
    let kind = match d.severity {
        Severity::Error => ReportKind::Error,
        Severity::Warning => ReportKind::Warning,
    };
    let primary = (name(d.file), clamp(d.span, sources, d.file));
    let (main_color, other_color) = match d.severity {
        Severity::Error => (Color::Red, Color::Blue),
        Severity::Warning => (Color::Yellow, Color::Blue),
    };
    let mut report = Report::build(kind, primary.clone())
        .with_config(
            Config::default()
                .with_index_type(IndexType::Byte)
                .with_color(color),
        )
        .with_code(d.code)
        .with_message(&d.message)
        .with_label(
            AriadneLabel::new(primary)
                .with_message(if d.label.is_empty() {
                    &d.message
                } else {
                    &d.label
                })
                .with_color(main_color)
                .with_order(0),
        );
    for (i, label) in d.labels.iter().enumerate() {
        report = report.with_label(
            AriadneLabel::new((name(label.file), clamp(label.span, sources, label.file)))
                .with_message(&label.message)
                .with_color(other_color)
                .with_order(i as i32 + 1),
        );
    }
    for note in &d.notes {
        report = report.with_note(note);
    }
    if let Some(fix) = &d.fix {
        report = report.with_help(fix_help(fix));
    }
    // Writing into a Vec cannot fail; a failure would only lose this rendering.
    let _ = report.finish().write(cache, &mut *out);
}

fn clamp(span: Span, sources: &SourceMap, file: SourceId) -> std::ops::Range<usize> {
    let len = sources.get(file).text.len();
    let start = (span.start as usize).min(len);
    let end = (span.end as usize).clamp(start, len);
    start..end
}

fn fix_help(fix: &Fix) -> String {
    match fix.edits.as_slice() {
        [edit]
            if !edit.replacement.contains('\n')
                && !edit.replacement.trim().is_empty()
                && !fix
                    .message
                    .contains(&format!("`{}`", edit.replacement.trim())) =>
        {
            format!("{}: `{}`", fix.message, edit.replacement.trim())
        }
        _ => fix.message.clone(),
    }
}

/// The JSON form of `ferry check --format json`: lines and columns are 1-based,
/// columns count characters.
pub fn to_json(d: &Diagnostic, sources: &SourceMap) -> Value {
    let position = |file: SourceId, span: Span| {
        let source = sources.get(file);
        let start = source.line_col(span.start as usize);
        let end = source.line_col(span.end as usize);
        (
            source.name.clone(),
            start.line + 1,
            start.col + 1,
            end.line + 1,
            end.col + 1,
        )
    };
    let (file, line, column, end_line, end_column) = position(d.file, d.span);
    let labels: Vec<Value> = d
        .labels
        .iter()
        .map(|l| {
            let (file, line, column, end_line, end_column) = position(l.file, l.span);
            json!({ "file": file, "line": line, "column": column, "end_line": end_line,
                    "end_column": end_column, "message": l.message })
        })
        .collect();
    let fixes: Vec<Value> = d
        .fix
        .iter()
        .map(|fix| {
            let edits: Vec<Value> = fix
                .edits
                .iter()
                .map(|e| {
                    let (_, line, column, end_line, end_column) = position(d.file, e.span);
                    json!({ "line": line, "column": column, "end_line": end_line,
                            "end_column": end_column, "replacement": e.replacement })
                })
                .collect();
            json!({ "message": fix.message, "edits": edits })
        })
        .collect();
    json!({
        "severity": d.severity.as_str(),
        "code": d.code,
        "message": d.message,
        "file": file,
        "line": line,
        "column": column,
        "end_line": end_line,
        "end_column": end_column,
        "label": if d.label.is_empty() { &d.message } else { &d.label },
        "labels": labels,
        "notes": d.notes,
        "fixes": fixes,
    })
}
