//! SHA-256 helpers: a hashing writer and hex digests.

use std::io::{self, Write};

use sha2::{Digest, Sha256};

/// Passes bytes through to a writer while hashing them.
pub struct Sha256Writer<W> {
    inner: W,
    sha: Sha256,
}

impl<W: Write> Sha256Writer<W> {
    /// Wraps `inner`.
    pub fn new(inner: W) -> Self {
        Sha256Writer {
            inner,
            sha: Sha256::new(),
        }
    }

    /// The SHA-256 of everything written, lowercase hex.
    pub fn finish(self) -> String {
        hex::encode(self.sha.finalize())
    }
}

impl<W: Write> Write for Sha256Writer<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.sha.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// SHA-256 of `data`, lowercase hex.
pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}
