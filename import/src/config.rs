//! `servers` → `base`, and security schemes → `config` fields and `auth`.

use crate::context::Ctx;
use crate::load::Loc;
use crate::names::{self, Unique};
use crate::ty::{Lit, Ty};
use serde_json::Value;

pub struct ConfigField {
    pub name: String,
    pub ty: String,
    pub doc: String,
}

pub struct Config {
    pub fields: Vec<ConfigField>,
    pub base: String,
    pub auth: Option<String>,
}

fn root() -> Loc {
    Loc {
        doc: 0,
        pointer: String::new(),
    }
}

impl<'d> Ctx<'d> {
    pub fn config(&mut self) -> Config {
        let mut unique = Unique::default();
        let mut fields = Vec::new();
        let base = self.base(&mut unique, &mut fields);
        let auth = self.auth(&mut unique, &mut fields);
        Config { fields, base, auth }
    }

    /// The first server's URL; its variables become config fields. A job can
    /// always point the adaptor elsewhere with `baseUrl` (a test server).
    fn base(&mut self, unique: &mut Unique, fields: &mut Vec<ConfigField>) -> String {
        let main = self.docs.main();
        let (url, variables, others) = if self.swagger {
            let host = main.get("host").and_then(Value::as_str);
            let base_path = main.get("basePath").and_then(Value::as_str).unwrap_or("");
            let schemes: Vec<&str> = main
                .get("schemes")
                .and_then(Value::as_array)
                .map(|s| s.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let scheme = if schemes.is_empty() || schemes.contains(&"https") {
                "https"
            } else {
                schemes[0]
            };
            let url = match host {
                Some(host) => format!("{scheme}://{host}{base_path}"),
                None => base_path.to_string(),
            };
            (url, None, Vec::new())
        } else {
            let servers: Vec<&Value> = main
                .get("servers")
                .and_then(Value::as_array)
                .map(|s| s.iter().collect())
                .unwrap_or_default();
            let url = servers
                .first()
                .and_then(|s| s.get("url"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let variables = servers
                .first()
                .and_then(|s| s.get("variables"))
                .and_then(Value::as_object);
            let others: Vec<String> = servers
                .iter()
                .skip(1)
                .filter_map(|s| {
                    let url = s.get("url")?.as_str()?;
                    Some(match s.get("description").and_then(Value::as_str) {
                        Some(d) => format!("{url} ({})", d.trim()),
                        None => url.to_string(),
                    })
                })
                .collect();
            (url, variables, others)
        };
        let url = url.trim_end_matches('/').to_string();
        let base_url = unique.take("baseUrl");
        let absolute = url.starts_with("http://") || url.starts_with("https://");
        let mut doc = if absolute {
            format!("The API's base URL, when not {url} (a test server, say).")
        } else if url.is_empty() {
            "The API's base URL (the document names no server).".to_string()
        } else {
            format!("The API's base URL: its server's address followed by `{url}`.")
        };
        if !others.is_empty() {
            doc.push_str("\nOther servers: ");
            doc.push_str(&others.join(", "));
            doc.push('.');
        }
        if !absolute {
            fields.push(ConfigField {
                name: base_url.clone(),
                ty: "Url".to_string(),
                doc,
            });
            return format!("config.{base_url}");
        }
        fields.push(ConfigField {
            name: base_url.clone(),
            ty: "Url?".to_string(),
            doc,
        });
        // `https://{region}.example.com` → "https://${config.region ?? "eu"}.example.com"
        let mut template = String::from("\"");
        let mut rest = url.as_str();
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}').map(|c| open + c) else {
                break;
            };
            escape_text(&rest[..open], &mut template);
            let var = &rest[open + 1..close];
            let spec = variables.and_then(|v| v.get(var));
            let name = unique.take(&names::variable(var));
            let default = spec.and_then(|s| s.get("default")).and_then(Value::as_str);
            let ty = match spec.and_then(|s| s.get("enum")).and_then(Value::as_array) {
                Some(values) if !values.is_empty() => Ty::union(
                    values
                        .iter()
                        .filter_map(Value::as_str)
                        .map(|v| Ty::Lit(Lit::Str(v.to_string())))
                        .collect(),
                ),
                _ => Ty::String,
            };
            let mut field_doc = spec
                .and_then(|s| s.get("description"))
                .and_then(Value::as_str)
                .map(|d| d.trim().to_string())
                .unwrap_or_else(|| format!("`{{{var}}}` in the server's URL."));
            match default {
                Some(default) => {
                    field_doc.push_str(&format!("\nDefault: \"{default}\"."));
                    template.push_str(&format!(
                        "${{config.{name} ?? {}}}",
                        names::string_literal(default)
                    ));
                    fields.push(ConfigField {
                        name,
                        ty: ty.optional().render(),
                        doc: field_doc,
                    });
                }
                None => {
                    template.push_str(&format!("${{config.{name}}}"));
                    fields.push(ConfigField {
                        name,
                        ty: ty.render(),
                        doc: field_doc,
                    });
                }
            }
            rest = &rest[close + 1..];
        }
        escape_text(rest, &mut template);
        template.push('"');
        format!("config.{base_url} ?? {template}")
    }

    /// The one `auth` of the adaptor: the first security scheme the document
    /// requires. The others are named in warnings.
    fn auth(&mut self, unique: &mut Unique, fields: &mut Vec<ConfigField>) -> Option<String> {
        let main = self.docs.main();
        let schemes_at = if self.swagger {
            root().join("securityDefinitions")
        } else {
            root().join("components").join("securitySchemes")
        };
        let mut required: Vec<(String, Vec<String>)> = Vec::new();
        let mut note = |req: &Value| {
            for requirement in req.as_array().into_iter().flatten() {
                for (name, scopes) in requirement.as_object().into_iter().flatten() {
                    if !required.iter().any(|(n, _)| n == name) {
                        let scopes = scopes
                            .as_array()
                            .map(|s| {
                                s.iter()
                                    .filter_map(Value::as_str)
                                    .map(str::to_string)
                                    .collect()
                            })
                            .unwrap_or_default();
                        required.push((name.clone(), scopes));
                    }
                }
            }
        };
        if let Some(security) = main.get("security") {
            note(security);
        }
        for (_, item) in main
            .get("paths")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            for (_, op) in item.as_object().into_iter().flatten() {
                if let Some(security) = op.get("security") {
                    note(security);
                }
            }
        }
        let mut chosen = None;
        for (name, scopes) in &required {
            let at = schemes_at.join(name);
            if chosen.is_some() {
                self.warn(
                    &at,
                    format!("an adaptor has one `auth`: it authenticates with `{}`, not with this scheme", chosen.as_ref().map_or("", |(n, _): &(String, String)| n.as_str())),
                );
                continue;
            }
            let Some((at, scheme)) = self.deref(&at) else {
                self.warn(
                    &schemes_at,
                    format!("the security scheme `{name}` is not defined"),
                );
                continue;
            };
            if let Some(auth) = self.scheme(&at, scheme, scopes, unique, fields) {
                chosen = Some((name.clone(), auth));
            }
        }
        chosen.map(|(_, auth)| auth)
    }

    fn scheme(
        &mut self,
        at: &Loc,
        scheme: &Value,
        scopes: &[String],
        unique: &mut Unique,
        fields: &mut Vec<ConfigField>,
    ) -> Option<String> {
        let kind = scheme.get("type").and_then(Value::as_str).unwrap_or("");
        let http = scheme
            .get("scheme")
            .and_then(Value::as_str)
            .map(str::to_ascii_lowercase);
        let described = |fallback: &str| {
            scheme
                .get("description")
                .and_then(Value::as_str)
                .map(|d| d.trim().to_string())
                .filter(|d| !d.is_empty())
                .unwrap_or_else(|| fallback.to_string())
        };
        let mut field = |name: &str, ty: &str, doc: String| {
            let name = unique.take(name);
            fields.push(ConfigField {
                name: name.clone(),
                ty: ty.to_string(),
                doc,
            });
            name
        };
        match (kind, http.as_deref()) {
            ("basic", _) | ("http", Some("basic")) => {
                let user = field(
                    "username",
                    "String",
                    described("The user name for HTTP basic auth."),
                );
                let password = field(
                    "password",
                    "Secret",
                    "The password for HTTP basic auth.".into(),
                );
                Some(format!("basic(config.{user}, config.{password})"))
            }
            ("http", Some("bearer")) => {
                let token = field("token", "Secret", described("The bearer token."));
                Some(format!("bearer(config.{token})"))
            }
            ("apiKey", _) => {
                let key_name = scheme.get("name").and_then(Value::as_str).unwrap_or("");
                let place = scheme.get("in").and_then(Value::as_str).unwrap_or("");
                let key = field(
                    "apiKey",
                    "Secret",
                    described(&format!("The API key, sent as `{key_name}` ({place}).")),
                );
                let key_name_lit = names::string_literal(key_name);
                match place {
                    "header" => Some(format!("header({key_name_lit}, config.{key})")),
                    "query" => Some(format!("query({key_name_lit}, config.{key})")),
                    "cookie" => {
                        let mut cookie = String::from("\"");
                        escape_text(key_name, &mut cookie);
                        cookie.push_str(&format!("=${{config.{key}}}\""));
                        Some(format!("header(\"Cookie\", {cookie})"))
                    }
                    _ => {
                        fields.pop();
                        self.warn(
                            at,
                            format!(
                                "an API key `in: {place}` cannot be sent: the adaptor has no auth"
                            ),
                        );
                        None
                    }
                }
            }
            ("oauth2", _) => {
                let client_credentials = if self.swagger {
                    (scheme.get("flow").and_then(Value::as_str) == Some("application"))
                        .then_some(scheme)
                } else {
                    scheme.get("flows").and_then(|f| f.get("clientCredentials"))
                };
                if let Some(flow) = client_credentials
                    && let Some(token_url) = flow.get("tokenUrl").and_then(Value::as_str)
                {
                    let id = field(
                        "clientId",
                        "String",
                        described("The OAuth2 client ID (client credentials flow)."),
                    );
                    let secret =
                        field("clientSecret", "Secret", "The OAuth2 client secret.".into());
                    let scope = if scopes.is_empty() {
                        String::new()
                    } else {
                        format!(", {}", names::string_literal(&scopes.join(" ")))
                    };
                    return Some(format!(
                        "oauth2_client_credentials({}, config.{id}, config.{secret}{scope})",
                        names::string_literal(token_url)
                    ));
                }
                let token = field(
                    "accessToken",
                    "Secret",
                    described(
                        "An OAuth2 access token, obtained outside the job (the document offers no client credentials flow).",
                    ),
                );
                Some(format!("bearer(config.{token})"))
            }
            ("openIdConnect", _) => {
                let token = field(
                    "accessToken",
                    "Secret",
                    described("An OpenID Connect access token, obtained outside the job."),
                );
                Some(format!("bearer(config.{token})"))
            }
            _ => {
                let what = http.map_or(kind.to_string(), |h| format!("{kind} {h}"));
                self.warn(
                    at,
                    format!(
                        "the security scheme `{what}` is not supported: the adaptor has no auth"
                    ),
                );
                None
            }
        }
    }
}

/// Text inside a string literal that has interpolations.
fn escape_text(text: &str, out: &mut String) {
    for c in text.chars() {
        names::escape_into(c, out);
    }
}
