//! Reading large files out of git in bounded memory.
//!
//! A loose object (the way iepcase stores what it writes) is a zlib stream of `blob <size>`,
//! a NUL and the content: it is inflated here from the file, 64 KiB at a time, so a 1 GiB
//! attachment never sits in memory (libgit2's own stream maps the whole file). An object
//! inside a pack (fetched from a remote) libgit2 can only read whole: it takes its size in
//! memory once, never more.

use std::io::{BufRead, BufReader, Read};

use git2::{Oid, Repository};

/// Calls `read` with a reader over blob `oid` and its size.
pub fn with_blob_reader<T>(
    repo: &Repository,
    oid: Oid,
    read: impl FnOnce(&mut dyn BufRead, u64) -> T,
) -> Result<T, git2::Error> {
    if let Some((stream, size)) = open_loose(repo, oid) {
        let mut reader = BufReader::with_capacity(64 * 1024, stream.take(size));
        return Ok(read(&mut reader, size));
    }
    let blob = repo.find_blob(oid)?;
    let mut content = blob.content();
    Ok(read(&mut content, blob.size() as u64))
}

/// The content of loose blob `oid` as a stream, and its size; `None` when it is not a loose
/// blob this can read (then libgit2 reads it).
fn open_loose(repo: &Repository, oid: Oid) -> Option<(impl Read, u64)> {
    let hex = oid.to_string();
    let path = repo.path().join("objects").join(&hex[..2]).join(&hex[2..]);
    let file = std::fs::File::open(path).ok()?;
    let mut stream = flate2::read::ZlibDecoder::new(BufReader::with_capacity(64 * 1024, file));
    let mut header = Vec::with_capacity(32);
    let mut byte = [0u8; 1];
    loop {
        stream.read_exact(&mut byte).ok()?;
        if byte[0] == 0 {
            break;
        }
        header.push(byte[0]);
        if header.len() > 32 {
            return None;
        }
    }
    let size: u64 = std::str::from_utf8(header.strip_prefix(b"blob ")?)
        .ok()?
        .parse()
        .ok()?;
    Some((stream, size))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_loose_blob_streams_from_its_file_and_reads_whole() {
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
