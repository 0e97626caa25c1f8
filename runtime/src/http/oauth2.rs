//! OAuth2 client credentials (RFC 6749 §4.4): one token per set of credentials,
//! fetched once, shared by all requests, refreshed when it expires and once after
//! a 401.
//!
//! The token request is `POST token_url` with the form `grant_type=client_credentials`
//! (and `scope` if given). The client authenticates the standard way first, with
//! HTTP Basic (`client_id:client_secret`, §2.3.1); if the server answers 400 or 401
//! to that, it tries once more with `client_id` and `client_secret` in the form
//! body, the alternative the RFC allows, and keeps using whichever worked.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::auth::Auth;
use super::client::{Live, NoBearer};
use super::error::{HttpError, status_line};
use super::prepare::prepare;
use super::request::Request;
use super::retry::Policy;
use crate::secrets::Redactor;

/// The credentials of one OAuth2 client.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Credentials {
    pub token_url: String,
    pub client_id: String,
    pub client_secret: String,
    pub scope: Option<String>,
}

impl Credentials {
    pub fn from_auth(auth: &Auth) -> Option<Credentials> {
        match auth {
            Auth::OAuth2ClientCredentials {
                token_url,
                client_id,
                client_secret,
                scope,
            } => Some(Credentials {
                token_url: token_url.clone(),
                client_id: client_id.clone(),
                client_secret: client_secret.clone(),
                scope: scope.clone(),
            }),
            _ => None,
        }
    }
}

/// Tokens of one client, by credentials.
#[derive(Default)]
pub(crate) struct TokenCache {
    slots: Mutex<HashMap<Credentials, Arc<tokio::sync::Mutex<Slot>>>>,
}

#[derive(Default)]
struct Slot {
    token: Option<Token>,
    /// Whether this server wants the client credentials in the form body.
    credentials_in_body: bool,
}

struct Token {
    access: String,
    /// When to stop using it: a little before it expires. `None`: until a 401.
    refresh_at: Option<Instant>,
}

impl TokenCache {
    /// A valid access token, fetched if there is none or it has expired. Callers
    /// that ask at the same time wait for one fetch.
    pub async fn token(
        &self,
        live: &Live,
        adaptor: &str,
        creds: &Credentials,
        policy: &Policy,
        redactor: &Redactor,
    ) -> Result<String, HttpError> {
        let slot = self.slot(creds);
        let mut slot = slot.lock().await;
        if let Some(token) = &slot.token
            && token.refresh_at.is_none_or(|at| Instant::now() < at)
        {
            return Ok(token.access.clone());
        }
        slot.token = None;
        let token = fetch(live, adaptor, creds, &mut slot, policy, redactor).await?;
        let access = token.access.clone();
        slot.token = Some(token);
        Ok(access)
    }

    /// Forgets `used` (a token the server answered 401 to), unless another request
    /// already replaced it.
    pub async fn invalidate(&self, creds: &Credentials, used: &str) {
        let slot = self.slot(creds);
        let mut slot = slot.lock().await;
        if slot.token.as_ref().is_some_and(|t| t.access == used) {
            slot.token = None;
        }
    }

    fn slot(&self, creds: &Credentials) -> Arc<tokio::sync::Mutex<Slot>> {
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        slots.entry(creds.clone()).or_default().clone()
    }
}

async fn fetch(
    live: &Live,
    adaptor: &str,
    creds: &Credentials,
    slot: &mut Slot,
    policy: &Policy,
    redactor: &Redactor,
) -> Result<Token, HttpError> {
    let first = request_token(
        live,
        adaptor,
        creds,
        slot.credentials_in_body,
        policy,
        redactor,
    )
    .await;
    match first {
        Err(HttpError::Status {
            status: 400 | 401, ..
        }) if !slot.credentials_in_body => {
            let token = request_token(live, adaptor, creds, true, policy, redactor).await;
            let token = token.map_err(|e| oauth2_error(adaptor, creds, e, redactor))?;
            slot.credentials_in_body = true;
            Ok(token)
        }
        other => other.map_err(|e| oauth2_error(adaptor, creds, e, redactor)),
    }
}

/// One token request (with retries), and its decoding.
async fn request_token(
    live: &Live,
    adaptor: &str,
    creds: &Credentials,
    credentials_in_body: bool,
    policy: &Policy,
    redactor: &Redactor,
) -> Result<Token, HttpError> {
    let mut form = vec![("grant_type".to_string(), "client_credentials".to_string())];
    if let Some(scope) = &creds.scope {
        form.push(("scope".to_string(), scope.clone()));
    }
    let auth = if credentials_in_body {
        form.push(("client_id".to_string(), creds.client_id.clone()));
        form.push(("client_secret".to_string(), creds.client_secret.clone()));
        Auth::None
    } else {
        Auth::Basic {
            user: creds.client_id.clone(),
            password: creds.client_secret.clone(),
        }
    };
    let req = Request::post(&creds.token_url)
        .header("Accept", "application/json")
        .form(form)
        // Asking for a token changes nothing on the server: safe to retry.
        .idempotent(true);
    let prepared = prepare(adaptor, req, &auth, policy, redactor)?;
    let started = Instant::now();
    let response = live.run(&prepared, policy, &NoBearer, redactor).await?;
    let json = response.json()?;
    let access = json
        .get("access_token")
        .and_then(|t| t.as_str())
        .filter(|t| !t.is_empty())
        .ok_or_else(|| HttpError::OAuth2 {
            adaptor: adaptor.to_string(),
            token_url: redactor.redact(&creds.token_url).into_owned(),
            reason: "the response has no access_token".to_string(),
        })?;
    redactor.add(access);
    let expires_in = match json.get("expires_in") {
        Some(serde_json::Value::Number(n)) => n.as_f64(),
        Some(serde_json::Value::String(s)) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    let refresh_at = expires_in
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(|seconds| {
            let lifetime = Duration::from_secs_f64(seconds.min(1e9));
            // Stop using it a little early: a tenth of its life, at most 30 s.
            let margin = (lifetime / 10).min(Duration::from_secs(30));
            started + (lifetime - margin)
        });
    Ok(Token {
        access: access.to_string(),
        refresh_at,
    })
}

/// A token endpoint's refusal, as an OAuth2 error; other failures (cannot
/// connect, timed out) already name the token URL and stay as they are.
fn oauth2_error(
    adaptor: &str,
    creds: &Credentials,
    err: HttpError,
    redactor: &Redactor,
) -> HttpError {
    let reason = match &err {
        HttpError::Status {
            status, message, ..
        } => {
            if message.is_empty() {
                format!("it answered {}", status_line(*status))
            } else {
                format!("it answered {}: {message}", status_line(*status))
            }
        }
        HttpError::NotJson { excerpt, .. } => {
            format!("the response is not JSON: \"{excerpt}\"")
        }
        _ => return err,
    };
    HttpError::OAuth2 {
        adaptor: adaptor.to_string(),
        token_url: redactor.redact(&creds.token_url).into_owned(),
        reason,
    }
}
