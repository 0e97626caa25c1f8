//! Names made valid and unique, and text written as Ferry literals and comments.

use ferry_compiler::syntax::token::Keyword;
use std::collections::HashSet;

/// Types every Ferry file already has: an adaptor type may not take these names.
const BUILTIN_TYPES: &[&str] = &[
    "Bool", "Int", "Float", "String", "Date", "DateTime", "Url", "Secret", "Json", "Null", "Error",
];

/// Words that are keywords of an op binding, or expressions of their own:
/// a parameter named so would be read as something else.
const RESERVED_PARAMS: &[&str] = &["body", "result", "paged", "next", "items", "idempotent"];

pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn is_keyword(s: &str) -> bool {
    Keyword::parse(s).is_some()
}

/// The words of a name: `listPets`, `list-pets`, `List_Pets2` → list, pets(2).
fn words(s: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            continue;
        }
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1).copied();
        let boundary = c.is_ascii_uppercase()
            && prev.is_some_and(|p| {
                p.is_ascii_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase()))
            });
        if boundary && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        word.push(c);
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// `listPets` → `list_pets`: the name of an op.
pub fn snake_case(s: &str) -> String {
    let joined = words(s)
        .iter()
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("_");
    fix_start(joined, "op")
}

/// `pet-category` → `PetCategory`: the name of a type.
pub fn pascal_case(s: &str) -> String {
    let joined: String = words(s)
        .iter()
        .map(|w| {
            let mut chars = w.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect();
    fix_start(joined, "T")
}

/// A parameter or config field: the API's own name when it is an identifier,
/// else its words in camel case (`page[size]` → `pageSize`).
pub fn variable(s: &str) -> String {
    let name = if is_identifier(s) {
        s.to_string()
    } else {
        let mut out = String::new();
        for (i, w) in words(s).iter().enumerate() {
            if i == 0 {
                let mut chars = w.chars();
                if let Some(first) = chars.next() {
                    out.push(first.to_ascii_lowercase());
                    out.push_str(chars.as_str());
                }
            } else {
                let mut chars = w.chars();
                if let Some(first) = chars.next() {
                    out.push(first.to_ascii_uppercase());
                    out.push_str(chars.as_str());
                }
            }
        }
        fix_start(out, "p")
    };
    if is_keyword(&name) || RESERVED_PARAMS.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

/// An empty name, or one that starts with a digit, gets a prefix.
fn fix_start(s: String, prefix: &str) -> String {
    match s.chars().next() {
        None => prefix.to_string(),
        Some(c) if c.is_ascii_digit() => format!("{prefix}{s}"),
        _ => s,
    }
}

/// Hands out names that are unique within one scope (types, ops, parameters).
#[derive(Default)]
pub struct Unique {
    taken: HashSet<String>,
}

impl Unique {
    /// A scope where the built-in type names are taken.
    pub fn for_types() -> Unique {
        let mut unique = Unique::default();
        for name in BUILTIN_TYPES {
            unique.taken.insert(name.to_string());
        }
        unique
    }

    pub fn take(&mut self, wanted: &str) -> String {
        let wanted = if is_keyword(wanted) {
            format!("{wanted}_")
        } else {
            wanted.to_string()
        };
        if self.taken.insert(wanted.clone()) {
            return wanted;
        }
        (2..)
            .map(|n| format!("{wanted}{n}"))
            .find(|name| self.taken.insert(name.clone()))
            .expect("an unused name")
    }
}

/// A field name in a record type or literal: bare when it is an identifier or
/// a keyword, else quoted. `String` is quoted (`{String: T}` is a map).
pub fn field_name(name: &str) -> String {
    if is_identifier(name) && name != "String" {
        name.to_string()
    } else {
        string_literal(name)
    }
}

/// A Ferry string literal of `s`, with no interpolation.
pub fn string_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        escape_into(c, &mut out);
    }
    out.push('"');
    out
}

pub fn escape_into(c: char, out: &mut String) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '$' => out.push_str("\\$"),
        '\n' => out.push_str("\\n"),
        '\t' => out.push_str("\\t"),
        '\r' => out.push_str("\\r"),
        c if c.is_control() => out.push_str(&format!("\\u{{{:X}}}", c as u32)),
        c => out.push(c),
    }
}

/// `///` lines of `text`, each indented by `indent`; trailing blanks dropped.
pub fn doc_comment(text: &str, indent: &str) -> String {
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    let start = lines.iter().position(|l| !l.trim().is_empty());
    let end = lines.iter().rposition(|l| !l.trim().is_empty());
    let (Some(start), Some(end)) = (start, end) else {
        return String::new();
    };
    let mut out = String::new();
    let mut blank = false;
    for line in &lines[start..=end] {
        let line: String = line.chars().filter(|c| !c.is_control()).collect();
        if line.trim().is_empty() {
            // One blank doc line between paragraphs, never two.
            if !blank {
                out.push_str(indent);
                out.push_str("///\n");
            }
            blank = true;
            continue;
        }
        blank = false;
        out.push_str(indent);
        out.push_str("/// ");
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_ops_types_and_parameters() {
        assert_eq!(snake_case("listPets"), "list_pets");
        assert_eq!(snake_case("getHTTPResponse"), "get_http_response");
        assert_eq!(snake_case("repos/get-content"), "repos_get_content");
        assert_eq!(snake_case("2fa.enable"), "op2fa_enable");
        assert_eq!(pascal_case("pet-category"), "PetCategory");
        assert_eq!(pascal_case("v1.Pod"), "V1Pod");
        assert_eq!(pascal_case("404"), "T404");
        assert_eq!(variable("page[size]"), "pageSize");
        assert_eq!(variable("X-Request-ID"), "xRequestID");
        assert_eq!(variable("Last-Event-ID"), "lastEventID");
        assert_eq!(variable("type"), "type_");
        assert_eq!(variable("body"), "body_");
        assert_eq!(variable("petId"), "petId");
    }

    #[test]
    fn unique_names_get_numbers() {
        let mut unique = Unique::for_types();
        assert_eq!(unique.take("Pet"), "Pet");
        assert_eq!(unique.take("Pet"), "Pet2");
        assert_eq!(unique.take("String"), "String2");
        assert_eq!(unique.take("match"), "match_");
    }

    #[test]
    fn literals_and_docs() {
        assert_eq!(string_literal("a\"b${c}\n"), r#""a\"b\${c}\n""#);
        assert_eq!(field_name("@name"), "\"@name\"");
        assert_eq!(field_name("type"), "type");
        assert_eq!(field_name("String"), "\"String\"");
        assert_eq!(
            doc_comment("\nFirst.\n\n\n Second. \n", "  "),
            "  /// First.\n  ///\n  ///  Second.\n"
        );
    }
}
