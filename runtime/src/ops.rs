//! Ops at run time: the `http` adaptor's native ops, sent with the run's client.

use crate::error::{Result, RuntimeError};
use crate::http::{self, Auth, Body, Client, Policy, Request};
use crate::program::OpMeta;
use crate::run::Run;
use crate::value::{Object, Str, Value};
use std::time::Duration;

/// A run that prints its requests instead of sending them.
pub struct DryRun {
    pub recordings: http::Recordings,
}

/// Calls op `op` of the program with its arguments in parameter order.
pub fn call(run: &mut Run, op: usize, args: Vec<Value>) -> Result<Value> {
    let meta = run.program.ops[op].clone();
    if meta.native {
        return native(run, &meta, &args);
    }
    Err(RuntimeError::runtime(format!(
        "`{}` is declared with an HTTP binding, which this runtime cannot send yet",
        meta.name
    )))
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
    if let Value::Object(headers) = arg(meta, args, "headers") {
        request.headers = headers
            .iter()
            .filter_map(|(k, v)| text_of(v).map(|v| (k.as_str().to_string(), v)))
            .collect();
    }
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
    let client = client(run);
    let response = client
        .send("http", request, &auth, &Policy::default())
        .map_err(|e| RuntimeError::from_http(&e))?;
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
