//! Secrets at rest (connector credentials now; LLM provider and payment keys next):
//! AES-256-GCM under a key from the environment (`CONNECTOR_KEY`, 64 hex digits). A stored value is `version ‖ key id ‖ nonce ‖
//! ciphertext+tag`; the key id (the first bytes of the key's SHA-256) tells a wrong key apart
//! from a tampered value. The plaintext never leaves this process: not in logs (the `Debug`
//! of these types hides it), not to the browser.

use crate::error::Error;
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use ring::rand::{SecureRandom, SystemRandom};
use sha2::{Digest, Sha256};

const VERSION: u8 = 1;
const KEY_ID_LEN: usize = 4;

/// The key that seals secrets at rest.
#[derive(Clone)]
pub struct SecretKey {
    key: std::sync::Arc<LessSafeKey>,
    id: [u8; KEY_ID_LEN],
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretKey({})", hex::encode(self.id))
    }
}

impl SecretKey {
    /// From 64 hex digits (32 bytes), as `CONNECTOR_KEY` holds it.
    pub fn from_hex(hex_key: &str) -> Result<SecretKey, Error> {
        let bytes = hex::decode(hex_key.trim())
            .map_err(|_| Error::Config("the key must be 64 hex digits".into()))?;
        if bytes.len() != 32 {
            return Err(Error::Config(
                "the key must be 64 hex digits (32 bytes)".into(),
            ));
        }
        let unbound = UnboundKey::new(&AES_256_GCM, &bytes)
            .map_err(|_| Error::Config("the key is not a usable AES-256 key".into()))?;
        let digest = Sha256::digest(&bytes);
        let mut id = [0u8; KEY_ID_LEN];
        id.copy_from_slice(&digest[..KEY_ID_LEN]);
        Ok(SecretKey {
            key: std::sync::Arc::new(LessSafeKey::new(unbound)),
            id,
        })
    }

    /// A fresh random key, as 64 hex digits (what `server connector-key` prints).
    pub fn generate_hex() -> Result<String, Error> {
        let mut bytes = [0u8; 32];
        SystemRandom::new()
            .fill(&mut bytes)
            .map_err(|_| Error::Config("no randomness for a key".into()))?;
        Ok(hex::encode(bytes))
    }

    /// Seals `plain`; `context` (the owning row's id) is bound in as associated data, so a
    /// sealed value copied onto another connection does not open.
    pub fn seal(&self, plain: &[u8], context: &[u8]) -> Result<Vec<u8>, Error> {
        let mut nonce = [0u8; NONCE_LEN];
        SystemRandom::new()
            .fill(&mut nonce)
            .map_err(|_| Error::Config("no randomness for a nonce".into()))?;
        let mut buf = plain.to_vec();
        self.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(context),
                &mut buf,
            )
            .map_err(|_| Error::Corrupt("sealing a secret failed".into()))?;
        let mut out = Vec::with_capacity(1 + KEY_ID_LEN + NONCE_LEN + buf.len());
        out.push(VERSION);
        out.extend_from_slice(&self.id);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&buf);
        Ok(out)
    }

    /// Opens what `seal` made with the same key and context.
    pub fn open(&self, sealed: &[u8], context: &[u8]) -> Result<Vec<u8>, Error> {
        let header = 1 + KEY_ID_LEN + NONCE_LEN;
        if sealed.len() < header || sealed[0] != VERSION {
            return Err(Error::Corrupt(
                "a sealed secret is not in a known format".into(),
            ));
        }
        if sealed[1..1 + KEY_ID_LEN] != self.id {
            return Err(Error::Config(
                "a secret was sealed with another key than this CONNECTOR_KEY".into(),
            ));
        }
        let mut nonce = [0u8; NONCE_LEN];
        nonce.copy_from_slice(&sealed[1 + KEY_ID_LEN..header]);
        let mut buf = sealed[header..].to_vec();
        let plain = self
            .key
            .open_in_place(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(context),
                &mut buf,
            )
            .map_err(|_| Error::Corrupt("a sealed secret does not authenticate".into()))?;
        Ok(plain.to_vec())
    }

    /// Seals a JSON value.
    pub fn seal_json(&self, value: &serde_json::Value, context: &[u8]) -> Result<Vec<u8>, Error> {
        let plain = serde_json::to_vec(value)
            .map_err(|e| Error::Corrupt(format!("a secret does not serialise: {e}")))?;
        self.seal(&plain, context)
    }

    /// Opens a sealed JSON value.
    pub fn open_json(&self, sealed: &[u8], context: &[u8]) -> Result<serde_json::Value, Error> {
        let plain = self.open(sealed, context)?;
        serde_json::from_slice(&plain)
            .map_err(|_| Error::Corrupt("a sealed secret does not parse".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    #[test]
    fn seals_and_opens_bound_to_its_context() {
        let key = SecretKey::from_hex(KEY).expect("ok");
        let sealed = key.seal(b"refresh-token", b"conn-1").expect("ok");
        assert!(!sealed.windows(7).any(|w| w == b"refresh"));
        assert_eq!(key.open(&sealed, b"conn-1").expect("ok"), b"refresh-token");
        assert!(key.open(&sealed, b"conn-2").is_err());
        // Two seals of the same text differ (fresh nonce).
        assert_ne!(sealed, key.seal(b"refresh-token", b"conn-1").expect("ok"));
    }

    #[test]
    fn a_tampered_value_or_another_key_does_not_open() {
        let key = SecretKey::from_hex(KEY).expect("ok");
        let mut sealed = key.seal(b"secret", b"c").expect("ok");
        let last = sealed.len() - 1;
        sealed[last] ^= 1;
        assert!(matches!(key.open(&sealed, b"c"), Err(Error::Corrupt(_))));
        let other = SecretKey::from_hex(&SecretKey::generate_hex().expect("ok")).expect("ok");
        let sealed = key.seal(b"secret", b"c").expect("ok");
        assert!(matches!(other.open(&sealed, b"c"), Err(Error::Config(_))));
        assert!(SecretKey::from_hex("abcd").is_err());
        assert!(format!("{key:?}").starts_with("SecretKey("));
    }
}
