//! Argon2id password hashing, on a blocking thread (it is deliberately slow).

use crate::error::Error;
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use std::sync::OnceLock;

pub async fn hash_password(password: String) -> Result<String, Error> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| Error::Task(format!("hashing: {e}")))
    })
    .await
    .map_err(|e| Error::Task(e.to_string()))?
}

/// Checks `password` against `hash`. With `hash = None` (no such account) it still spends the
/// time of a real check, so response times do not tell which e-mails have accounts.
pub async fn verify_password(password: String, hash: Option<String>) -> Result<bool, Error> {
    tokio::task::spawn_blocking(move || {
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| dummy_hash().to_string());
        let parsed =
            PasswordHash::new(&hash).map_err(|e| Error::Task(format!("stored hash: {e}")))?;
        let ok = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        Ok(known && ok)
    })
    .await
    .map_err(|e| Error::Task(e.to_string()))?
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(b"no account has this password", &salt)
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_only_their_password() {
        let hash = hash_password("correct horse battery".into())
            .await
            .expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(
            verify_password("correct horse battery".into(), Some(hash.clone()))
                .await
                .expect("verify")
        );
        assert!(!verify_password("wrong horse battery".into(), Some(hash))
            .await
            .expect("verify"));
        assert!(!verify_password("anything".into(), None)
            .await
            .expect("verify"));
    }
}
