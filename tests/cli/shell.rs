//! Shell completions (case slugs and record ids completed from the workspace) and manual
//! pages.

use crate::TestEnv;

/// What the bash completion script would be told for `words`, completing word `index`.
fn complete_bash(env: &TestEnv, words: &[&str], index: usize) -> Vec<String> {
    let mut args = vec!["--", "iepcase"];
    args.extend_from_slice(words);
    let out = env
        .cmd(&args)
        .env("IEPCASE_COMPLETE", "bash")
        .env("_CLAP_COMPLETE_INDEX", index.to_string())
        .env("_CLAP_IFS", "\n")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", crate::describe(&out));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn completion_scripts_call_back_for_every_shell() {
    let env = TestEnv::bare();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let script = env.run(&["completions", shell]);
        assert!(
            script.contains("IEPCASE_COMPLETE") && script.contains("iepcase"),
            "{shell}: {script}"
        );
    }
    assert!(
        env.run(&["completions", "bash"])
            .contains("complete -o nospace")
    );
    let err = env.fail(&["completions", "tcsh"], 2);
    assert!(err.contains("bash"), "{err}");
}

#[test]
fn slugs_ids_and_commands_are_completed() {
    let env = TestEnv::with_case();
    env.run(&["case", "new", "c2", "--child", "Other Child"]);
    let id = env
        .run(&["-c", "c1", "add", "note", "--title", "x"])
        .trim()
        .to_owned();
    let other = env
        .run(&["-c", "c2", "add", "note", "--title", "y"])
        .trim()
        .to_owned();

    let commands = complete_bash(&env, &["im"], 1);
    assert_eq!(commands, ["import"]);
    let slugs = complete_bash(&env, &["-c", ""], 2);
    assert!(
        slugs.contains(&"c1".to_owned()) && slugs.contains(&"c2".to_owned()),
        "{slugs:?}"
    );

    // Record ids of the case the command would use: here, the current case.
    env.run(&["case", "use", "c1"]);
    let ids = complete_bash(&env, &["show", ""], 2);
    assert!(ids.contains(&id), "{ids:?}");
    assert!(!ids.contains(&other), "{ids:?}");
    let ids = complete_bash(&env, &["show", &id[..3]], 2);
    assert_eq!(ids, [id]);
}

#[test]
fn man_pages_print_or_are_written_for_every_command() {
    let env = TestEnv::bare();
    let page = env.run(&["man"]);
    assert!(page.starts_with(".ie"), "{}", &page[..page.len().min(200)]);
    assert!(
        page.contains("iepcase") && page.contains("import"),
        "{page}"
    );
    let dir = env.root().join("man1");
    let out = env
        .cmd(&["man", "--out", dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", crate::describe(&out));
    for name in [
        "iepcase.1",
        "iepcase-import.1",
        "iepcase-case-use.1",
        "iepcase-completions.1",
    ] {
        let text = std::fs::read_to_string(dir.join(name)).unwrap_or_else(|_| panic!("{name}"));
        assert!(text.contains(".TH"), "{name}");
    }
    assert!(String::from_utf8_lossy(&out.stderr).contains("manual pages"));
}
