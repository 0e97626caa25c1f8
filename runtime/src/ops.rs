//! Ops at run time: requests that HTTP-bound ops build (generated code computes
//! the path, query, headers and body from the binding), and the `http` adaptor's
//! native ops, all sent with the run's client, its redactor, and each adaptor's
//! base URL, auth and retry policy.

use crate::error::{Result, RuntimeError};
use crate::http::{self, Auth, Body, Client, Request};
use crate::program::OpMeta;
use crate::run::Run;
use crate::value::{Object, Str, Value};
use std::time::Duration;

/// A run that prints its requests instead of sending them.
pub struct DryRun {
    pub recordings: http::Recordings,
}

/// Calls a native op of the program with its arguments in parameter order.
pub fn call(run: &mut Run, op: usize, args: Vec<Value>) -> Result<Value> {
    let meta = run.program.ops[op].clone();
    native(run, &meta, &args)
}

/// Sends the request an HTTP-bound op built: `{ path, query, headers, body }`,
/// with the adaptor's `base` (a URL or null) and `auth` (`{ scheme, args }` or
/// null). Answers the decoded response body.
pub fn send(
    run: &mut Run,
    op: usize,
    request: &Value,
    base: &Value,
    auth: &Value,
) -> Result<Value> {
    let meta = run.program.ops[op].clone();
    let method = http::Method::parse(&meta.method)
        .ok_or_else(|| RuntimeError::runtime(format!("`{}` is not an HTTP method", meta.method)))?;
    let field = |name: &str| {
        request
            .get_field(name)
            .map_or(Value::Null, |v| v.into_owned())
    };
    let path = text_of(&field("path")).unwrap_or_default();
    let mut req = Request::new(method, path);
    req.idempotent = meta.idempotent;
    if let Some(base) = text_of(base) {
        req = req.base(base);
    }
    req.query = query_pairs(&field("query"));
    req.headers = header_pairs(&field("headers"));
    let body = field("body");
    if !body.is_missing() {
        let content_type = req
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
            .map(|(_, v)| v.clone());
        req.body = match (&body, content_type) {
            // A text body with a content type of its own (XML, CSV) goes as it is.
            (Value::Str(text), Some(ct)) if !ct.contains("json") => {
                Body::Text(text.as_str().to_string())
            }
            // A record with a form content type is sent as a form (what
            // `http.post(…, body_format: "form")` sends): null members are
            // left out, a list repeats its key.
            (Value::Object(_) | Value::Record(_), Some(ct))
                if ct
                    .to_ascii_lowercase()
                    .starts_with("application/x-www-form-urlencoded") =>
            {
                Body::Form(query_pairs(&body))
            }
            _ => Body::Json(body.to_serde()),
        };
    }
    let auth = auth_of(auth)?;
    transmit(run, &meta, req, &auth)
}

/// The next page of a paged op: a GET of the link the last page gave, resolved
/// against that page's URL (`?offset=20`, `/api/x?page=2` and absolute links all
/// occur in real APIs).
pub fn next_page(
    run: &mut Run,
    op: usize,
    link: &Value,
    base: &Value,
    auth: &Value,
) -> Result<Value> {
    let meta = run.program.ops[op].clone();
    let link = text_of(link).ok_or_else(|| {
        RuntimeError::runtime(format!(
            "{}: the next page's link is not a string",
            meta.name
        ))
    })?;
    let mut req = match &run.last_url {
        Some(from) => Request::new(http::Method::Get, http::resolve_link(from, &link)),
        None => Request::new(http::Method::Get, link),
    };
    if let Some(base) = text_of(base) {
        req = req.base(base);
    }
    let auth = auth_of(auth)?;
    transmit(run, &meta, req, &auth)
}

/// What an op answers, checked against its return type.
pub fn check_result(run: &Run, op: usize, value: &Value) -> Result<Value> {
    let meta = &run.program.ops[op];
    crate::json::convert(value, &run.program.descs[meta.result as usize]).map_err(|e| {
        let mut error = RuntimeError::decode(e);
        error.message = format!(
            "{}: the response does not fit the op's type: {}",
            meta.name, error.message
        );
        error
    })
}

fn transmit(run: &mut Run, meta: &OpMeta, req: Request, auth: &Auth) -> Result<Value> {
    auth.register_secrets(&run.redactor);
    run.last_url = Some(with_query(req.target(), &req.query));
    let adaptor = run
        .program
        .adaptors
        .get(meta.adaptor as usize)
        .map_or("http".to_string(), |a| a.name.clone());
    let policy = run
        .policies
        .get(meta.adaptor as usize)
        .cloned()
        .unwrap_or_default();
    let client = client(run);
    let response = client
        .send(&adaptor, req, auth, &policy)
        .map_err(|e| RuntimeError::from_http(&e).redact(&run.redactor))?;
    if response.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Null);
    }
    crate::json::decode_vec(response.body.clone(), &crate::json::TypeDesc::Json).or_else(|e| {
        // A text answer (XML, CSV) is the op's answer when it returns a String.
        match run
            .program
            .descs
            .get(meta.result as usize)
            .map(|d| d.resolve())
        {
            Some(crate::json::TypeDesc::String) => {
                Ok(Value::Str(Str::from(response.text().into_owned())))
            }
            _ => {
                let excerpt: String = response.text().chars().take(200).collect();
                let mut error = RuntimeError::decode(e);
                error.message = format!(
                    "{}: the response is not JSON: {}",
                    meta.name,
                    run.redactor.redact(&excerpt)
                );
                error.path = None;
                Err(error)
            }
        }
    })
}

/// `{ scheme: "basic", args: [user, password] }` as the client's auth.
fn auth_of(auth: &Value) -> Result<Auth> {
    let Some(scheme) = auth.get_field("scheme").and_then(|s| text_of(&s)) else {
        return Ok(Auth::None);
    };
    let args: Vec<Option<String>> = match auth.get_field("args").as_deref() {
        Some(Value::List(items)) => items.iter().map(text_of).collect(),
        _ => Vec::new(),
    };
    let arg = |i: usize| args.get(i).cloned().flatten().unwrap_or_default();
    Ok(match scheme.as_str() {
        "basic" => Auth::Basic {
            user: arg(0),
            password: arg(1),
        },
        "bearer" => Auth::Bearer { token: arg(0) },
        "header" => Auth::Header {
            name: arg(0),
            value: arg(1),
        },
        "query" => Auth::Query {
            name: arg(0),
            value: arg(1),
        },
        "oauth2_client_credentials" => Auth::OAuth2ClientCredentials {
            token_url: arg(0),
            client_id: arg(1),
            client_secret: arg(2),
            scope: args.get(3).cloned().flatten(),
        },
        other => {
            return Err(RuntimeError::runtime(format!(
                "`{other}` is not an auth scheme"
            )));
        }
    })
}

fn header_pairs(v: &Value) -> Vec<(String, String)> {
    let members: Vec<(Str, Value)> = match v {
        Value::Object(o) => o.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        Value::Record(r) => r.members(),
        _ => Vec::new(),
    };
    members
        .into_iter()
        .filter_map(|(k, v)| text_of(&v).map(|v| (k.as_str().to_string(), v)))
        .collect()
}

fn client(run: &mut Run) -> Client {
    if run.http.is_none() {
        let client = match run.dry_run.take() {
            Some(dry) => Client::dry_run(
                run.redactor.clone(),
                Box::new(std::io::stderr()),
                dry.recordings,
            ),
            None => Client::new(run.redactor.clone()),
        };
        run.http = Some(client);
    }
    run.http.clone().expect("created above")
}

fn arg<'a>(meta: &OpMeta, args: &'a [Value], name: &str) -> &'a Value {
    meta.params
        .iter()
        .position(|p| p == name)
        .and_then(|i| args.get(i))
        .unwrap_or(&Value::Null)
}

/// `url` with `pairs` appended to its query, as the request goes out.
fn with_query(url: String, pairs: &[(String, String)]) -> String {
    match url::Url::parse(&url) {
        Ok(mut parsed) if !pairs.is_empty() => {
            parsed.query_pairs_mut().extend_pairs(pairs);
            parsed.to_string()
        }
        _ => url,
    }
}

fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::Str(s) => Some(s.as_str().to_string()),
        Value::Null | Value::Absent => None,
        other => Some(crate::json::to_text(other)),
    }
}

/// `http.get(url, query: …, headers: …)` and the other methods.
fn native(run: &mut Run, meta: &OpMeta, args: &[Value]) -> Result<Value> {
    let op = meta.name.rsplit('.').next().unwrap_or(&meta.name);
    let method_name = match op {
        "request" => text_of(arg(meta, args, "method")).unwrap_or_else(|| "GET".into()),
        other => other.to_uppercase(),
    };
    let method = http::Method::parse(&method_name)
        .ok_or_else(|| RuntimeError::runtime(format!("`{method_name}` is not an HTTP method")))?;
    let url = text_of(arg(meta, args, "url"))
        .ok_or_else(|| RuntimeError::runtime("the request has no URL"))?;
    let mut request = Request::new(method, url);
    request.query = query_pairs(arg(meta, args, "query"));
    request.headers = header_pairs(arg(meta, args, "headers"));
    let body = arg(meta, args, "body");
    if !body.is_missing() {
        let format = text_of(arg(meta, args, "body_format")).unwrap_or_else(|| "json".into());
        request.body = match format.as_str() {
            "form" => Body::Form(query_pairs(body)),
            "text" => Body::Text(text_of(body).unwrap_or_default()),
            _ => Body::Json(body.to_serde()),
        };
    }
    if let Value::Int(seconds) = arg(meta, args, "timeout") {
        request.timeout = Some(Duration::from_secs((*seconds).max(1) as u64));
    }
    let auth = match (
        arg(meta, args, "auth_bearer"),
        arg(meta, args, "auth_basic_user"),
        arg(meta, args, "auth_basic_password"),
    ) {
        (Value::Str(token), _, _) => Auth::Bearer {
            token: token.as_str().to_string(),
        },
        (_, Value::Str(user), password) => Auth::Basic {
            user: user.as_str().to_string(),
            password: text_of(password).unwrap_or_default(),
        },
        _ => Auth::None,
    };
    auth.register_secrets(&run.redactor);
    let policy = run
        .policies
        .get(meta.adaptor as usize)
        .cloned()
        .unwrap_or_default();
    let client = client(run);
    let response = client
        .send("http", request, &auth, &policy)
        .map_err(|e| RuntimeError::from_http(&e).redact(&run.redactor))?;
    let body = response
        .json()
        .unwrap_or_else(|_| serde_json::Value::String(response.text().into_owned()));
    let headers: Object = response
        .headers
        .iter()
        .map(|(k, v)| (Str::from(k.as_str()), Value::Str(Str::from(v.as_str()))))
        .collect();
    let shape = crate::value::Shape::intern(&["status", "headers", "body"], false);
    Ok(Value::record(crate::value::Record::new(
        shape,
        vec![
            Value::Int(i64::from(response.status)),
            Value::object(headers),
            Value::from_json(body),
        ],
        None,
    )))
}

/// A record or map of scalars as query pairs: a list repeats its key, null leaves it out.
fn query_pairs(v: &Value) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    let members: Vec<(Str, Value)> = match v {
        Value::Object(o) => o.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        Value::Record(r) => r.members(),
        _ => Vec::new(),
    };
    for (k, v) in members {
        match &v {
            Value::List(items) => {
                for item in items.iter() {
                    if let Some(t) = text_of(item) {
                        pairs.push((k.as_str().to_string(), t));
                    }
                }
            }
            other => {
                if let Some(t) = text_of(other) {
                    pairs.push((k.as_str().to_string(), t));
                }
            }
        }
    }
    pairs
}
