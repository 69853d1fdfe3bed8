//! Opaque random tokens (session cookies, invitation links). Only their SHA-256 is stored.

use sha2::{Digest, Sha256};

/// 32 random bytes, hex: 256 bits, URL- and cookie-safe.
pub fn new_token() -> String {
    let bytes: [u8; 32] = rand::random();
    hex::encode(bytes)
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A token as we issue it: 64 lower-case hex digits. Anything else is not looked up.
pub fn looks_like_token(token: &str) -> bool {
    token.len() == 64
        && token
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unique_and_well_formed() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert!(looks_like_token(&a));
        assert!(!looks_like_token("not-a-token"));
        assert_eq!(hash_token(&a), hash_token(&a));
        assert_ne!(hash_token(&a), a);
    }
}
