//! The fake org's OAuth endpoints: authorize (approved at once, PKCE kept), token (by code,
//! refresh token or JWT bearer) and revoke.

use super::*;

#[derive(serde::Deserialize)]
pub(super) struct AuthorizeQuery {
    client_id: String,
    redirect_uri: String,
    state: String,
    code_challenge: String,
    code_challenge_method: String,
    response_type: String,
}

/// The login page, approved at once: back to the callback with a code.
pub(super) async fn authorize(
    State(fake): State<FakeSalesforce>,
    Query(q): Query<AuthorizeQuery>,
) -> Response {
    if q.client_id != CLIENT_ID || q.response_type != "code" || q.code_challenge_method != "S256" {
        return (StatusCode::BAD_REQUEST, "error=invalid_client_id").into_response();
    }
    let mut org = fake.org();
    org.next_id += 1;
    let code = format!("aPrx-code-{}", org.next_id);
    org.codes.insert(
        code.clone(),
        (q.code_challenge.clone(), q.redirect_uri.clone()),
    );
    let sep = if q.redirect_uri.contains('?') {
        '&'
    } else {
        '?'
    };
    let location = format!(
        "{}{sep}code={code}&state={}",
        q.redirect_uri,
        models::url::encode(&q.state)
    );
    (StatusCode::FOUND, [("location", location)]).into_response()
}

fn token_error(error: &str, description: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({"error": error, "error_description": description})),
    )
        .into_response()
}

pub(super) async fn token(
    State(fake): State<FakeSalesforce>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let f = |k: &str| form.get(k).cloned().unwrap_or_default();
    let url = fake.url.clone();
    let mut org = fake.org();
    match f("grant_type").as_str() {
        "authorization_code" => {
            if f("client_id") != CLIENT_ID || f("client_secret") != CLIENT_SECRET {
                return token_error("invalid_client", "invalid client credentials");
            }
            let Some((challenge, redirect)) = org.codes.remove(&f("code")) else {
                return token_error("invalid_grant", "expired authorization code");
            };
            let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(f("code_verifier").as_bytes()));
            if computed != challenge {
                return token_error("invalid_grant", "invalid code verifier");
            }
            if redirect != f("redirect_uri") {
                return token_error(
                    "redirect_uri_mismatch",
                    "redirect_uri must match configuration",
                );
            }
            Json(org.issue_tokens(&url, true)).into_response()
        }
        "refresh_token" => {
            org.refreshes += 1;
            if org.refresh_refused || !org.refresh_tokens.contains(&f("refresh_token")) {
                return token_error("invalid_grant", "expired access/refresh token");
            }
            if f("client_id") != CLIENT_ID || f("client_secret") != CLIENT_SECRET {
                return token_error("invalid_client", "invalid client credentials");
            }
            Json(org.issue_tokens(&url, false)).into_response()
        }
        "urn:ietf:params:oauth:grant-type:jwt-bearer" => {
            let assertion = f("assertion");
            let parts: Vec<&str> = assertion.split('.').collect();
            let (Some(key), 3) = (org.jwt_public_key.clone(), parts.len()) else {
                return token_error("invalid_grant", "invalid assertion");
            };
            let signature = URL_SAFE_NO_PAD.decode(parts[2]).unwrap_or_default();
            let verified = ring::signature::UnparsedPublicKey::new(
                &ring::signature::RSA_PKCS1_2048_8192_SHA256,
                key,
            )
            .verify(format!("{}.{}", parts[0], parts[1]).as_bytes(), &signature)
            .is_ok();
            let claims: Value = URL_SAFE_NO_PAD
                .decode(parts[1])
                .ok()
                .and_then(|b| serde_json::from_slice(&b).ok())
                .unwrap_or(Value::Null);
            let fresh = claims["exp"]
                .as_i64()
                .is_some_and(|e| e > Utc::now().timestamp());
            if !verified || claims["iss"] != CLIENT_ID || !fresh || claims["sub"].as_str().is_none()
            {
                return token_error("invalid_grant", "invalid assertion");
            }
            Json(org.issue_tokens(&url, false)).into_response()
        }
        _ => token_error("unsupported_grant_type", "grant type not supported"),
    }
}

pub(super) async fn revoke(
    State(fake): State<FakeSalesforce>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let token = form.get("token").cloned().unwrap_or_default();
    let mut org = fake.org();
    org.refresh_tokens.retain(|t| t != &token);
    org.access_tokens.retain(|t| t != &token);
    org.revoked.push(token);
    StatusCode::OK.into_response()
}
