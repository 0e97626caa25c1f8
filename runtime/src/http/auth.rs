//! [`Auth`]: the credentials an adaptor's `auth` declaration sends with each request.

use base64::Engine as _;

use crate::secrets::{MASK, Redactor};

/// How requests of an adaptor authenticate. Every credential in it is a secret:
/// the client registers it with its [`Redactor`] before the first request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Auth {
    #[default]
    None,
    /// `Authorization: Basic base64(user:password)`.
    Basic { user: String, password: String },
    /// `Authorization: Bearer token`.
    Bearer { token: String },
    /// A header of its own, such as `X-Api-Key: value`.
    Header { name: String, value: String },
    /// A query parameter, such as `?api_key=value`.
    Query { name: String, value: String },
    /// OAuth2 client credentials grant (RFC 6749 §4.4): a token is fetched from
    /// `token_url`, cached until it expires, and sent as `Authorization: Bearer`.
    OAuth2ClientCredentials {
        token_url: String,
        client_id: String,
        client_secret: String,
        scope: Option<String>,
    },
}

impl Auth {
    /// Registers every secret of these credentials with `redactor`.
    pub fn register_secrets(&self, redactor: &Redactor) {
        match self {
            Auth::None => {}
            Auth::Basic { user, password } => redactor.add_basic_auth(user, password),
            Auth::Bearer { token } => redactor.add(token),
            Auth::Header { value, .. } | Auth::Query { value, .. } => redactor.add(value),
            Auth::OAuth2ClientCredentials {
                client_id,
                client_secret,
                ..
            } => redactor.add_basic_auth(client_id, client_secret),
        }
    }

    /// The name of the query parameter that carries the credential, if any.
    pub fn query_name(&self) -> Option<&str> {
        match self {
            Auth::Query { name, .. } => Some(name),
            _ => None,
        }
    }

    /// The header this scheme adds to every request (OAuth2's depends on the
    /// token, see [`bearer`]).
    pub(crate) fn header(&self) -> Option<(String, String)> {
        match self {
            Auth::Basic { user, password } => Some(("Authorization".into(), basic(user, password))),
            Auth::Bearer { token } => Some(("Authorization".into(), bearer(token))),
            Auth::Header { name, value } => Some((name.clone(), value.clone())),
            Auth::None | Auth::Query { .. } | Auth::OAuth2ClientCredentials { .. } => None,
        }
    }

    /// The auth header as the dry run prints it: the scheme, never the credential.
    pub(crate) fn masked_header(&self) -> Option<(String, String)> {
        match self {
            Auth::None | Auth::Query { .. } => None,
            Auth::Basic { .. } => Some(("Authorization".into(), format!("Basic {MASK}"))),
            Auth::Bearer { .. } | Auth::OAuth2ClientCredentials { .. } => {
                Some(("Authorization".into(), format!("Bearer {MASK}")))
            }
            Auth::Header { name, .. } => Some((name.clone(), MASK.into())),
        }
    }
}

/// `Basic base64(user:password)`.
pub(crate) fn basic(user: &str, password: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    format!("Basic {encoded}")
}

/// `Bearer token`.
pub(crate) fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// Header names whose values are never shown, whatever they hold.
pub(crate) fn is_sensitive_header(name: &str) -> bool {
    [
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
    ]
    .iter()
    .any(|h| name.eq_ignore_ascii_case(h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_is_standard_base64() {
        assert_eq!(
            basic("Aladdin", "open sesame"),
            "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
    }

    #[test]
    fn secrets_are_registered() {
        let r = Redactor::new();
        Auth::Query {
            name: "api_key".into(),
            value: "k-123456".into(),
        }
        .register_secrets(&r);
        Auth::OAuth2ClientCredentials {
            token_url: "https://t/token".into(),
            client_id: "client".into(),
            client_secret: "c-secret".into(),
            scope: None,
        }
        .register_secrets(&r);
        assert_eq!(r.redact("k-123456 c-secret client"), "*** *** client");
    }
}
