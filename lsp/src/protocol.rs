//! What the protocol types (`ls-types`, LSP 3.17) cannot express: the LSP 3.18
//! capability `workspace.textDocumentContent`, which tells a client that
//! `ferry-builtin:` documents can be read with `workspace/textDocumentContent`.
//! A thin `tower::Service` around the server adds it to the `initialize` result.

use crate::builtin;
use futures::future::BoxFuture;
use serde_json::{Value, json};
use std::task::{Context, Poll};
use tower::Service;
use tower_lsp_server::jsonrpc::{Request, Response};

pub const TEXT_DOCUMENT_CONTENT: &str = "workspace/textDocumentContent";

/// The server, with the capabilities `ls-types` has no field for.
#[derive(Debug)]
pub struct Extensions<S> {
    inner: S,
}

impl<S> Extensions<S> {
    pub fn new(inner: S) -> Extensions<S> {
        Extensions { inner }
    }

    pub fn inner(&self) -> &S {
        &self.inner
    }
}

/// Adds `workspace.textDocumentContent` to an `InitializeResult`.
fn extend_capabilities(result: &mut Value) {
    let Some(capabilities) = result
        .get_mut("capabilities")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let workspace = capabilities.entry("workspace").or_insert_with(|| json!({}));
    if let Some(workspace) = workspace.as_object_mut() {
        workspace.insert(
            "textDocumentContent".into(),
            json!({ "schemes": [builtin::SCHEME] }),
        );
    }
}

impl<S> Service<Request> for Extensions<S>
where
    S: Service<Request, Response = Option<Response>>,
    S::Future: Send + 'static,
{
    type Response = Option<Response>;
    type Error = S::Error;
    type Future = BoxFuture<'static, Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let initialize = request.method() == "initialize";
        let future = self.inner.call(request);
        Box::pin(async move {
            let response = future.await?;
            if !initialize {
                return Ok(response);
            }
            Ok(response.map(|response| {
                let (id, body) = response.into_parts();
                let body = body.map(|mut result| {
                    extend_capabilities(&mut result);
                    result
                });
                Response::from_parts(id, body)
            }))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_scheme_is_advertised() {
        let mut result = json!({ "capabilities": { "hoverProvider": true } });
        extend_capabilities(&mut result);
        assert_eq!(
            result,
            json!({ "capabilities": {
                "hoverProvider": true,
                "workspace": { "textDocumentContent": { "schemes": ["ferry-builtin"] } }
            } })
        );
    }
}
