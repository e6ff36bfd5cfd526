//! Passwords and tokens. Passwords are stored as argon2id PHC strings;
//! session and API tokens are random and stored only as SHA-256 hashes.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::Rng;
use sha2::{Digest, Sha256};

use crate::NewsroomError;

/// Letters and digits that cannot be mistaken for one another when read aloud or copied.
const READABLE: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// A random password of 20 readable characters (about 114 bits).
pub fn generate_password() -> String {
    let mut rng = rand::rng();
    (0..20).map(|_| char::from(READABLE[rng.random_range(0..READABLE.len())])).collect()
}

/// A random token of 32 bytes, as 64 hex digits.
pub(crate) fn generate_token() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    hex(&bytes)
}

/// The hash under which a token is stored.
pub fn hash_token(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Hashes a password with argon2id and a fresh salt.
pub(crate) fn hash_password(password: &str) -> Result<String, NewsroomError> {
    let salt_bytes: [u8; 16] = rand::rng().random();
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|e| NewsroomError::Internal(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| NewsroomError::Internal(e.to_string()))
}

/// Whether `password` matches a stored argon2 hash.
pub(crate) fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|hash| Argon2::default().verify_password(password.as_bytes(), &hash).is_ok())
}

/// A hash to verify against when the account does not exist, so a wrong
/// email costs as much time as a wrong password and reveals nothing.
pub(crate) fn decoy_hash() -> &'static str {
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Cw0bn2A4oD5Fi/Xe0Vtt7nlYp6CnlV8DRX3n+3wTjKk"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let hash = hash_password("correct horse").unwrap_or_default();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("Correct horse", &hash));
        assert!(!verify_password("anything", "not a hash"));
        assert!(!verify_password("anything", decoy_hash()));
    }

    #[test]
    fn generated_secrets_are_long_and_distinct() {
        assert_eq!(generate_password().len(), 20);
        assert_ne!(generate_password(), generate_password());
        assert_eq!(generate_token().len(), 64);
        assert_eq!(hash_token("a"), hash_token("a"));
        assert_ne!(hash_token("a"), hash_token("b"));
    }
}
