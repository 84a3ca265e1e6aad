//! An in-memory Typst world: the bundle template compiled into the binary, the bundle's data
//! as a virtual `/data.json`, attachments as virtual files, and fonts embedded in the binary.
//!
//! Nothing is read from disk or the system: no system fonts, no packages, no clock. User text
//! only ever reaches Typst as data, read by the template with `json(...)`, never as markup.

use std::collections::HashMap;
use std::sync::OnceLock;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, Source, VirtualPath};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// The bundle template.
const TEMPLATE: &str = include_str!("bundle.typ");
/// The path the template reads the bundle's data from.
pub const DATA_PATH: &str = "/data.json";

/// Fonts and the standard library, loaded once per process.
struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| {
        let fonts: Vec<Font> = typst_assets::fonts()
            .flat_map(|data| Font::iter(Bytes::new(data)))
            .collect();
        Shared {
            library: LazyHash::new(Library::default()),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
        }
    })
}

/// One compilation's files.
pub struct BundleWorld {
    main: Source,
    files: HashMap<FileId, Bytes>,
}

impl BundleWorld {
    /// A world whose `/data.json` is `data` and whose other files are `files` (absolute
    /// virtual paths such as `/att/3`).
    pub fn new(data: Vec<u8>, files: Vec<(String, Vec<u8>)>) -> BundleWorld {
        Self::with_template(TEMPLATE, data, files)
    }

    /// The same with another template as the main file (a letter's).
    pub fn with_template(
        template: &str,
        data: Vec<u8>,
        files: Vec<(String, Vec<u8>)>,
    ) -> BundleWorld {
        let main_id = FileId::new(None, VirtualPath::new("/main.typ"));
        let mut map = HashMap::new();
        map.insert(
            FileId::new(None, VirtualPath::new(DATA_PATH)),
            Bytes::new(data),
        );
        for (path, bytes) in files {
            map.insert(
                FileId::new(None, VirtualPath::new(&path)),
                Bytes::new(bytes),
            );
        }
        BundleWorld {
            main: Source::new(main_id, template.to_owned()),
            files: map,
        }
    }
}

impl World for BundleWorld {
    fn library(&self) -> &LazyHash<Library> {
        &shared().library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &shared().book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotFound(id.vpath().as_rootless_path().into()))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files
            .get(&id)
            .cloned()
            .ok_or_else(|| FileError::NotFound(id.vpath().as_rootless_path().into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        shared().fonts.get(index).cloned()
    }

    /// Bundles take their dates from the source commit, never from the clock.
    fn today(&self, _offset: Option<i64>) -> Option<Datetime> {
        None
    }
}
