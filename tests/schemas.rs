//! The JSON Schemas in `schemas/` are generated from the Rust types; this test fails when
//! they are stale. Regenerate with `IEPCASE_UPDATE_SCHEMAS=1 cargo test --test schemas`.

use std::path::Path;

#[test]
fn schemas_are_fresh() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    let update = std::env::var_os("IEPCASE_UPDATE_SCHEMAS").is_some();
    let files = iepcase::record::schema::all_schema_files();
    let mut stale = Vec::new();
    for (name, text) in &files {
        let path = dir.join(name);
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, text).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            stale.push(name.clone());
        }
    }
    let on_disk = std::fs::read_dir(&dir).map(|d| d.count()).unwrap_or(0);
    assert!(
        stale.is_empty(),
        "stale schemas {stale:?}: run `IEPCASE_UPDATE_SCHEMAS=1 cargo test --test schemas` and commit"
    );
    assert_eq!(
        on_disk,
        files.len(),
        "schemas/ holds exactly the generated files"
    );
}

#[test]
fn example_records_validate_against_their_schema_properties() {
    // Every field used by the example case is declared in its kind's schema.
    for record in iepcase::example::records() {
        let parsed = iepcase::record::parse_record(record.text, "example").unwrap();
        let schema = iepcase::record::schema::record_schema(parsed.kind());
        let table: toml::Table = toml::from_str(record.text).unwrap();
        for key in table.keys() {
            assert!(
                schema["properties"].get(key).is_some(),
                "{}: `{key}` not in the schema",
                record.id
            );
        }
    }
}

/// Editors validate with the schemas, so they must refuse what iepcase refuses: an empty or
/// multi-line title, an hour past 23.
#[test]
fn schema_patterns_refuse_what_iepcase_refuses() {
    let schema = iepcase::record::schema::record_schema(iepcase::record::Kind::Note);
    let pattern = |field: &str| {
        regex::Regex::new(schema["properties"][field]["pattern"].as_str().unwrap()).unwrap()
    };
    let title = pattern("title");
    assert_eq!(schema["properties"]["title"]["minLength"], 1);
    assert!(title.is_match("Request for an IEE"));
    for bad in ["", "   ", "two\nlines"] {
        assert!(!title.is_match(bad), "{bad:?}");
    }
    let time = pattern("time");
    for good in ["08:30", "23:59", "16:00:00", "09:15:30.5"] {
        assert!(time.is_match(good), "{good}");
    }
    for bad in ["25:00", "24:00", "9:00", "12:60"] {
        assert!(!time.is_match(bad), "{bad}");
    }
}
