//! Stripe's webhook signatures, as documented: the `Stripe-Signature` header holds `t=`
//! (the Unix time of signing) and one or more `v1=` (hex HMAC-SHA256 of `"{t}.{body}"`
//! under the endpoint's secret). A signature older (or newer) than the tolerance is refused,
//! so a captured delivery cannot be replayed later; within it, the event id is kept once.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How far a signature's time may be from ours (Stripe's libraries use 5 minutes).
pub const TOLERANCE_SECS: i64 = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureError {
    Missing,
    Malformed,
    Stale,
    Mismatch,
}

impl SignatureError {
    pub fn message(self) -> &'static str {
        match self {
            Self::Missing => "the Stripe-Signature header is missing",
            Self::Malformed => "the Stripe-Signature header is not t=…,v1=…",
            Self::Stale => "the signature is older than five minutes (or from the future)",
            Self::Mismatch => "no v1 signature matches this body under the webhook secret",
        }
    }
}

/// Checks `header` against `body`; the signing time when it holds.
pub fn verify(
    header: Option<&str>,
    body: &[u8],
    secret: &str,
    now: i64,
) -> Result<i64, SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    let mut time = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => time = Some(t.parse::<i64>().map_err(|_| SignatureError::Malformed)?),
            Some(("v1", v)) => {
                signatures.push(hex::decode(v).map_err(|_| SignatureError::Malformed)?)
            }
            Some(_) => {}
            None => return Err(SignatureError::Malformed),
        }
    }
    let time = time.ok_or(SignatureError::Malformed)?;
    if signatures.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if (now - time).abs() > TOLERANCE_SECS {
        return Err(SignatureError::Stale);
    }
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).map_err(|_| SignatureError::Mismatch)?;
    mac.update(time.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    // Constant-time comparison of each candidate.
    if signatures
        .iter()
        .any(|s| mac.clone().verify_slice(s).is_ok())
    {
        Ok(time)
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// A header as Stripe signs `body` at `time`: for test fixtures and stand-ins.
pub fn sign(body: &[u8], secret: &str, time: i64) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(m) => m,
        Err(_) => return String::new(),
    };
    mac.update(format!("{time}.").as_bytes());
    mac.update(body);
    format!("t={time},v1={}", hex::encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test_secret";
    const BODY: &[u8] = br#"{"id":"evt_1","type":"invoice.paid"}"#;

    #[test]
    fn a_signature_computed_independently_verifies() {
        // Python: hmac.new(b"whsec_test_secret", b'1700000000.' + BODY, hashlib.sha256).
        let header =
            "t=1700000000,v1=46dc069361a7691082640523fa33fe5d6c8c88d5f5e257cdf8cf11539d166595";
        assert_eq!(sign(BODY, SECRET, 1_700_000_000), header);
        assert_eq!(
            verify(Some(header), BODY, SECRET, 1_700_000_100),
            Ok(1_700_000_000)
        );
    }

    #[test]
    fn wrong_stale_or_malformed_signatures_are_refused() {
        let now = 1_700_000_000;
        let good = sign(BODY, SECRET, now);
        assert_eq!(
            verify(None, BODY, SECRET, now),
            Err(SignatureError::Missing)
        );
        assert_eq!(
            verify(Some("v1=abc"), BODY, SECRET, now),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify(Some("t=x,v1=00"), BODY, SECRET, now),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify(Some(&good), b"{}", SECRET, now),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(Some(&good), BODY, "whsec_other", now),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(Some(&good), BODY, SECRET, now + 301),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify(Some(&good), BODY, SECRET, now - 301),
            Err(SignatureError::Stale)
        );
        // Several v1 entries (a secret being rolled): any one may match.
        let rolled = format!(
            "t={now},v1={},{}",
            "ab".repeat(32),
            &good[good.find(",v1=").map_or(0, |i| i + 1)..]
        );
        assert_eq!(verify(Some(&rolled), BODY, SECRET, now), Ok(now));
    }
}
