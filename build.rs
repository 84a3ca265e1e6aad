//! Embeds the example case (`examples/case/`) so `iepcase demo` works from the binary alone,
//! and fingerprints the code that infers links between records, so a case's cached links are
//! never used by a build that would infer them differently.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join("case");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.sort();
    let mut out = String::from(
        "/// Every file of the example case: (path relative to examples/case, content).\n",
    );
    out.push_str("pub static FILES: &[(&str, &[u8])] = &[\n");
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let rel = file
            .strip_prefix(&root)
            .expect("under root")
            .to_string_lossy()
            .replace('\\', "/");
        writeln!(
            out,
            "    ({rel:?}, include_bytes!({:?})),",
            file.display().to_string()
        )
        .expect("string write");
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("example_files.rs");
    std::fs::write(dest, out).expect("write the example file list");
    fingerprint_inference();
}

/// Sets `IEPCASE_LINKS_CODE` to a hash of the sources link inference and kept records depend
/// on (the record model, `src/links` and the locked crate versions).
fn fingerprint_inference() {
    use std::hash::{Hash, Hasher};
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    for dir in ["links", "record"] {
        let dir = src.join(dir);
        println!("cargo:rerun-if-changed={}", dir.display());
        collect(&dir, &mut files);
    }
    files.sort();
    let mut hasher = std::hash::DefaultHasher::new();
    env!("CARGO_PKG_VERSION").hash(&mut hasher);
    for file in &files {
        file.strip_prefix(&src)
            .expect("under src")
            .hash(&mut hasher);
        std::fs::read(file)
            .expect("read a source file")
            .hash(&mut hasher);
    }
    // The versions of the crates that parse records (the TOML parser above all): records kept
    // parsed are read back only by a build that would parse them the same way.
    let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.lock");
    println!("cargo:rerun-if-changed={}", lock.display());
    std::fs::read(&lock).unwrap_or_default().hash(&mut hasher);
    println!(
        "cargo:rustc-env=IEPCASE_LINKS_CODE={:016x}",
        hasher.finish()
    );
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            collect(&path, files);
        } else {
            files.push(path);
        }
    }
}
