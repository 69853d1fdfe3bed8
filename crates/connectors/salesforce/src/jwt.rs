//! The JWT bearer flow's assertion: RS256 over `{iss, sub, aud, exp}`, signed with the
//! connected app's private key (PEM, PKCS#8 or PKCS#1).

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use models::AppError;
use ring::rand::SystemRandom;
use ring::signature::{RsaKeyPair, RSA_PKCS1_SHA256};

/// Reads a PEM private key; errors name the field `jwt_private_key`.
pub fn parse_pem(pem: &str) -> Result<RsaKeyPair, AppError> {
    let invalid = |why: &str| {
        AppError::validation(
            "jwt_private_key",
            format!("Paste the connected app's RSA private key in PEM form ({why})."),
        )
    };
    let pkcs8 = pem.contains("-----BEGIN PRIVATE KEY-----");
    let pkcs1 = pem.contains("-----BEGIN RSA PRIVATE KEY-----");
    if !pkcs8 && !pkcs1 {
        return Err(invalid("no BEGIN PRIVATE KEY line"));
    }
    let body: String = pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .flat_map(|l| l.trim().chars())
        .collect();
    let der = STANDARD
        .decode(body)
        .map_err(|_| invalid("the key is not valid base64"))?;
    let key = if pkcs8 {
        RsaKeyPair::from_pkcs8(&der)
    } else {
        RsaKeyPair::from_der(&der)
    };
    key.map_err(|_| invalid("not a usable RSA key of 2048 bits or more"))
}

/// A signed assertion for `client_id` acting as `username`, valid three minutes.
pub fn assertion(
    pem: &str,
    client_id: &str,
    username: &str,
    audience: &str,
    now: i64,
) -> Result<String, AppError> {
    let key = parse_pem(pem)?;
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","typ":"JWT"}"#);
    let claims = serde_json::json!({
        "iss": client_id, "sub": username, "aud": audience, "exp": now + 180,
    });
    let claims = URL_SAFE_NO_PAD.encode(claims.to_string());
    let signing_input = format!("{header}.{claims}");
    let mut signature = vec![0u8; key.public().modulus_len()];
    key.sign(
        &RSA_PKCS1_SHA256,
        &SystemRandom::new(),
        signing_input.as_bytes(),
        &mut signature,
    )
    .map_err(|_| AppError::validation("jwt_private_key", "The key could not sign."))?;
    Ok(format!(
        "{signing_input}.{}",
        URL_SAFE_NO_PAD.encode(signature)
    ))
}
