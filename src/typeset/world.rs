//! An in-memory Typst world: a template compiled into the binary, the document's data as a
//! virtual `/data.json`, attachments as virtual files, and fonts embedded in the binary.
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

/// The path the template reads the bundle's data from.
const DATA_PATH: &str = "/data.json";

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
pub struct DocumentWorld {
    main: Source,
    files: HashMap<FileId, Bytes>,
}

impl DocumentWorld {
    /// A world whose main file is `template`, whose `/data.json` is `data` and whose other
    /// files are `files` (absolute virtual paths such as `/att/3`).
    pub fn new(template: &str, data: Vec<u8>, files: Vec<(String, Vec<u8>)>) -> DocumentWorld {
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
        DocumentWorld {
            main: Source::new(main_id, template.to_owned()),
            files: map,
        }
    }
}

impl World for DocumentWorld {
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

    /// Documents take their dates from their data (a bundle's source commit, a letter's
    /// date), never from the clock.
    fn today(&self, _offset: Option<i64>) -> Option<Datetime> {
        None
    }
}
