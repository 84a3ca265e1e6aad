//! Reading large files out of git in bounded memory.
//!
//! libgit2 streams loose objects from disk (the way iepcase stores attachments it encrypts);
//! objects inside a pack (fetched from a remote) it can only read whole, so those take their
//! size in memory once, never more.

use std::io::{BufRead, BufReader};

use git2::{Oid, Repository};

/// Calls `read` with a reader over blob `oid` and its size.
pub fn with_blob_reader<T>(
    repo: &Repository,
    oid: Oid,
    read: impl FnOnce(&mut dyn BufRead, u64) -> T,
) -> Result<T, git2::Error> {
    let odb = repo.odb()?;
    if let Ok((stream, size, git2::ObjectType::Blob)) = odb.reader(oid) {
        let mut reader = BufReader::with_capacity(64 * 1024, stream);
        return Ok(read(&mut reader, size as u64));
    }
    let blob = repo.find_blob(oid)?;
    let mut content = blob.content();
    Ok(read(&mut content, blob.size() as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loose_and_packed_blobs_read_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let repo = crate::git::init(dir.path()).unwrap();
        let data: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        let oid = repo.blob(&data).unwrap();
        let read = with_blob_reader(&repo, oid, |r, size| {
            let mut out = Vec::new();
            std::io::Read::read_to_end(r, &mut out).unwrap();
            (out, size)
        })
        .unwrap();
        assert_eq!(read, (data.clone(), data.len() as u64));
        assert!(with_blob_reader(&repo, Oid::ZERO_SHA1, |_, _| ()).is_err());
    }
}
