//! Checking a webhook caller's credentials: `api_key(header)`, `basic`,
//! `hmac_sha256(header)` over the raw body. Every comparison takes the same time
//! whatever the inputs: secrets are compared through their SHA-256 digests with
//! `subtle`, so neither their content nor their length leaks through timing.

use axum::http::HeaderMap;
use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::config::TriggerSecrets;
use super::job::WebhookAuth;

/// A webhook's scheme with its credentials, checked complete at start-up.
#[derive(Clone)]
pub(crate) enum Verifier {
    None,
    ApiKey { header: String, key: String },
    Basic { username: String, password: String },
    Hmac { header: String, secret: String },
}

impl Verifier {
    /// The verifier of `auth` with `secrets`; `Err` names the missing field and
    /// where to give it.
    pub(crate) fn new(
        job: &str,
        auth: &WebhookAuth,
        secrets: Option<&TriggerSecrets>,
    ) -> Result<Verifier, String> {
        let need = |value: Option<&String>, field: &str, scheme: &str| {
            value.filter(|v| !v.is_empty()).cloned().ok_or_else(|| {
                format!(
                    "job `{job}`: `auth {scheme}` needs `trigger.{field}` in the job's config \
                     (or FERRY_TRIGGER_{})",
                    field.to_ascii_uppercase()
                )
            })
        };
        let s = secrets.cloned().unwrap_or_default();
        Ok(match auth {
            WebhookAuth::None => Verifier::None,
            WebhookAuth::ApiKey { header } => Verifier::ApiKey {
                header: check_header_name(job, header)?,
                key: need(s.key.as_ref(), "key", "api_key")?,
            },
            WebhookAuth::Basic => Verifier::Basic {
                username: need(s.username.as_ref(), "username", "basic")?,
                password: need(s.password.as_ref(), "password", "basic")?,
            },
            WebhookAuth::HmacSha256 { header } => Verifier::Hmac {
                header: check_header_name(job, header)?,
                secret: need(s.secret.as_ref(), "secret", "hmac_sha256")?,
            },
        })
    }

    /// Whether the scheme needs the body to check the credentials (HMAC).
    pub(crate) fn needs_body(&self) -> bool {
        matches!(self, Verifier::Hmac { .. })
    }

    /// Whether the request carries valid credentials.
    pub(crate) fn verify(&self, headers: &HeaderMap, body: &[u8]) -> bool {
        match self {
            Verifier::None => true,
            Verifier::ApiKey { header, key } => match headers.get(header.as_str()) {
                Some(given) => same_secret(given.as_bytes(), key.as_bytes()),
                None => false,
            },
            Verifier::Basic { username, password } => {
                let Some((user, pass)) = basic_credentials(headers) else {
                    return false;
                };
                // Both compared, always: `&` rather than `&&`.
                same_secret(user.as_bytes(), username.as_bytes())
                    & same_secret(pass.as_bytes(), password.as_bytes())
            }
            Verifier::Hmac { header, secret } => {
                let Some(given) = headers.get(header.as_str()) else {
                    return false;
                };
                let given = given.to_str().unwrap_or("").trim();
                let given = given
                    .strip_prefix("sha256=")
                    .or_else(|| given.strip_prefix("SHA256="))
                    .unwrap_or(given);
                let Some(signature) = decode_hex(given) else {
                    return false;
                };
                let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes())
                else {
                    return false;
                };
                mac.update(body);
                mac.verify_slice(&signature).is_ok()
            }
        }
    }

    /// The header that carries a secret, which `trigger.headers` leaves out.
    pub(crate) fn secret_header(&self) -> Option<&str> {
        match self {
            Verifier::ApiKey { header, .. } => Some(header),
            _ => None,
        }
    }

    /// The `WWW-Authenticate` challenge of a 401, if the scheme has one.
    pub(crate) fn challenge(&self) -> Option<&'static str> {
        match self {
            Verifier::Basic { .. } => Some("Basic realm=\"ferry\", charset=\"UTF-8\""),
            _ => None,
        }
    }
}

fn check_header_name(job: &str, header: &str) -> Result<String, String> {
    axum::http::HeaderName::from_bytes(header.as_bytes())
        .map(|h| h.as_str().to_string())
        .map_err(|_| format!("job `{job}`: `{header}` is not a valid HTTP header name"))
}

/// Compares two secrets in constant time (through their digests, so that the
/// length does not show either).
pub(crate) fn same_secret(given: &[u8], expected: &[u8]) -> bool {
    let a = Sha256::digest(given);
    let b = Sha256::digest(expected);
    a.as_slice().ct_eq(b.as_slice()).into()
}

/// The user and password of an `Authorization: Basic` header.
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (user, pass) = decoded.split_once(':')?;
    Some((user.to_string(), pass.to_string()))
}

/// Lower- or upper-case hex to bytes.
fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || text.is_empty() {
        return None;
    }
    let digit = |c: u8| -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    };
    text.as_bytes()
        .chunks(2)
        .map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?))
        .collect()
}

/// The hex HMAC-SHA256 of `body` keyed with `secret`, as a caller signs it.
pub fn hmac_sha256_hex(secret: &[u8], body: &[u8]) -> String {
    let mut mac = match <Hmac<Sha256> as KeyInit>::new_from_slice(secret) {
        Ok(mac) => mac,
        Err(_) => return String::new(), // HMAC accepts keys of any length
    };
    mac.update(body);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn secrets() -> TriggerSecrets {
        TriggerSecrets {
            key: Some("k3y-value".into()),
            username: Some("commcare".into()),
            password: Some("pa55word".into()),
            secret: Some("hmac-secret".into()),
        }
    }

    #[test]
    fn api_key() {
        let auth = WebhookAuth::ApiKey {
            header: "X-Api-Key".into(),
        };
        let v = Verifier::new("j", &auth, Some(&secrets())).unwrap();
        assert!(v.verify(&headers(&[("x-api-key", "k3y-value")]), b""));
        assert!(!v.verify(&headers(&[("x-api-key", "k3y-valuE")]), b""));
        assert!(!v.verify(&headers(&[("x-api-key", "k3y")]), b""));
        assert!(!v.verify(&headers(&[]), b""));
        assert_eq!(v.secret_header(), Some("x-api-key"));
    }

    #[test]
    fn basic() {
        let v = Verifier::new("j", &WebhookAuth::Basic, Some(&secrets())).unwrap();
        let good = base64::engine::general_purpose::STANDARD.encode("commcare:pa55word");
        let bad = base64::engine::general_purpose::STANDARD.encode("commcare:nope");
        assert!(v.verify(
            &headers(&[("authorization", &format!("Basic {good}"))]),
            b""
        ));
        assert!(!v.verify(&headers(&[("authorization", &format!("Basic {bad}"))]), b""));
        assert!(!v.verify(
            &headers(&[("authorization", &format!("Bearer {good}"))]),
            b""
        ));
    }

    #[test]
    fn hmac() {
        let auth = WebhookAuth::HmacSha256 {
            header: "X-Signature".into(),
        };
        let v = Verifier::new("j", &auth, Some(&secrets())).unwrap();
        let body = br#"{"a":1}"#;
        let sig = hmac_sha256_hex(b"hmac-secret", body);
        assert!(v.verify(&headers(&[("x-signature", &sig)]), body));
        assert!(v.verify(&headers(&[("x-signature", &format!("sha256={sig}"))]), body));
        assert!(v.verify(&headers(&[("x-signature", &sig.to_uppercase())]), body));
        assert!(!v.verify(&headers(&[("x-signature", &sig)]), br#"{"a":2}"#));
        assert!(!v.verify(&headers(&[("x-signature", "zz")]), body));
    }

    #[test]
    fn missing_credentials_name_the_field() {
        let err = Verifier::new("reg", &WebhookAuth::Basic, None)
            .err()
            .unwrap();
        assert_eq!(
            err,
            "job `reg`: `auth basic` needs `trigger.username` in the job's config \
             (or FERRY_TRIGGER_USERNAME)"
        );
    }
}
