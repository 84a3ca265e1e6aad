//! Sync over a real OpenSSH server: key files, passphrase-protected keys, ssh-agent, wrong
//! keys, a server that is down, and host keys that are unknown or changed.

use std::path::PathBuf;

use crate::servers::ssh::{self, Agent, Key, Sshd, fingerprint_of};
use crate::sync::{bare_repo, public_key};
use crate::{TestEnv, describe};

/// Alice with case `c1`, a key of hers, and an sshd serving an empty bare repository for it.
struct Scene {
    alice: TestEnv,
    sshd: Sshd,
    repo: PathBuf,
    url: String,
}

/// `authorize` says which of Alice's keys the server accepts; `passphrase` protects her key
/// file in ~/.ssh.
fn scene(passphrase: &str, authorize: bool) -> Option<(Scene, Key)> {
    if !ssh::available() {
        return None;
    }
    let alice = TestEnv::with_case();
    let key = Key::new(&alice.home.join(".ssh/id_ed25519"), passphrase);
    let served = alice.root().join("served");
    std::fs::create_dir_all(&served).unwrap();
    let repo = served.join("c1.git");
    bare_repo(&repo);
    let authorized = if authorize {
        vec![key.public_line.clone()]
    } else {
        Vec::new()
    };
    let sshd = Sshd::start(&alice.root().join("sshd"), &authorized, &[]);
    let url = sshd.url(&repo);
    alice.run(&["remote", "add", "origin", &url]);
    Some((
        Scene {
            alice,
            sshd,
            repo,
            url,
        },
        key,
    ))
}

/// The commit the served repository's `main` points at, if any.
fn served_main(repo: &std::path::Path) -> Option<git2::Oid> {
    git2::Repository::open_bare(repo)
        .ok()?
        .refname_to_id("refs/heads/main")
        .ok()
}

#[test]
fn sync_and_clone_with_a_key_file() {
    let Some((s, key)) = scene("", true) else {
        return;
    };
    s.sshd.trust(&s.alice.home);
    let bob = TestEnv::bare();
    bob.run(&["init", bob.ws.to_str().unwrap()]);
    let bobs_key = Key::new(&bob.home.join(".ssh/id_ed25519"), "");
    std::fs::write(
        &s.sshd.authorized_keys,
        format!("{}\n{}\n", key.public_line, bobs_key.public_line),
    )
    .unwrap();
    s.sshd.trust(&bob.home);
    s.alice.run(&["share", &public_key(&bob)]);
    let id = s.alice.add_note("Sent over SSH");
    s.alice.run(&["sync"]);
    assert!(served_main(&s.repo).is_some(), "pushed to the server");
    assert!(
        s.sshd
            .log()
            .contains(&format!("Accepted publickey for {}", ssh::user_name())),
        "{}",
        s.sshd.log()
    );
    assert!(
        s.sshd.log().contains(&key.fingerprint()),
        "Alice's key file was used"
    );

    bob.run(&["clone", &s.url, "c1"]);
    assert!(
        bob.run(&["-c", "c1", "show", &id])
            .contains("Sent over SSH")
    );
    bob.run(&["-c", "c1", "edit", &id, "--set", "summary=Bob over SSH"]);
    bob.run(&["-c", "c1", "sync"]);
    s.alice.run(&["sync"]);
    assert!(s.alice.run(&["show", &id]).contains("Bob over SSH"));
    assert!(s.sshd.log().contains(&bobs_key.fingerprint()));
}

#[test]
fn a_passphrase_protected_key_is_asked_for() {
    let Some((s, key)) = scene("correct horse", true) else {
        return;
    };
    s.sshd.trust(&s.alice.home);
    s.alice.add_note("Behind a passphrase");

    // No terminal and no passphrase: the key cannot be used, and the hint says so.
    let out = s.alice.without_terminal(&["sync"]);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("did not accept any of your credentials")
            && err.contains("(no passphrase given)")
            && err.contains("type the key's passphrase"),
        "{err}"
    );
    assert!(served_main(&s.repo).is_none());

    // A wrong one is told apart from a key the server refuses.
    let mut wrong = s.alice.cmd(&["sync"]);
    wrong.env("IEPCASE_SSH_PASSPHRASE", "wrong horse");
    let out = wrong.output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("the passphrase for the SSH key") && err.contains("is not right"),
        "{err}"
    );

    // Typed at the terminal: iepcase asks, once, and hands it to libssh2.
    let out = s.alice.in_terminal(&["sync"], "correct horse\n");
    assert!(out.status.success(), "{}", describe(&out));
    let screen = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        screen.matches("Passphrase for SSH key").count(),
        1,
        "asked once: {screen}"
    );
    assert!(!screen.contains("correct horse"), "not echoed: {screen}");
    assert!(served_main(&s.repo).is_some());
    assert!(s.sshd.log().contains(&key.fingerprint()));

    // For scripts, IEPCASE_SSH_PASSPHRASE.
    s.alice.add_note("Second");
    let mut scripted = s.alice.cmd(&["sync"]);
    scripted.env("IEPCASE_SSH_PASSPHRASE", "correct horse");
    let out = scripted.output().unwrap();
    assert!(out.status.success(), "{}", describe(&out));
}

#[test]
fn a_key_in_ssh_agent() {
    let Some((s, _unused)) = scene("", false) else {
        return;
    };
    s.sshd.trust(&s.alice.home);
    // The agent's key lives outside ~/.ssh, where iepcase would not find it by itself.
    let agent_key = Key::new(&s.alice.root().join("agent-keys/id_ed25519"), "");
    std::fs::write(
        &s.sshd.authorized_keys,
        format!("{}\n", agent_key.public_line),
    )
    .unwrap();
    let err = s.alice.fail(&["sync"], 1);
    assert!(
        err.contains("did not accept any of your credentials"),
        "{err}"
    );

    let agent = Agent::start(s.alice.root());
    agent.add(&agent_key);
    let mut cmd = s.alice.cmd(&["sync"]);
    cmd.env("SSH_AUTH_SOCK", &agent.socket);
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}\n{}", describe(&out), s.sshd.log());
    assert!(served_main(&s.repo).is_some());
    assert!(s.sshd.log().contains(&agent_key.fingerprint()));
}

#[test]
fn a_key_the_server_does_not_know_is_an_authentication_error() {
    let Some((s, _key)) = scene("", false) else {
        return;
    };
    s.sshd.trust(&s.alice.home);
    s.alice.add_note("Not sent");
    let err = s.alice.fail(&["sync"], 1);
    assert!(
        err.contains(&format!(
            "the remote {} did not accept any of your credentials",
            s.url
        )),
        "{err}"
    );
    assert!(
        !err.contains("tried the keys in your ssh-agent")
            && err.contains("tried the key")
            && err.contains(".ssh/id_ed25519")
            && err.contains("hint: give the host your public key"),
        "{err}"
    );
    assert!(served_main(&s.repo).is_none());
}

#[test]
fn a_server_that_is_down_is_a_network_error() {
    let Some((s, _key)) = scene("", true) else {
        return;
    };
    s.sshd.trust(&s.alice.home);
    let Scene { alice, sshd, .. } = s;
    drop(sshd);
    let err = alice.fail(&["sync"], 1);
    assert!(
        err.contains("cannot reach the remote") && err.contains("check your connection"),
        "{err}"
    );
    assert!(!err.contains("credentials"), "{err}");
}

#[test]
fn an_unknown_host_key_is_refused_until_its_fingerprint_is_trusted() {
    let Some((s, _key)) = scene("", true) else {
        return;
    };
    let fingerprint = fingerprint_of(&s.sshd.host_key.private.with_extension("pub"));
    s.alice.add_note("Wait for trust");
    let err = s.alice.fail(&["sync"], 1);
    assert!(
        err.contains(&format!(
            "the host key of [127.0.0.1]:{} is not known",
            s.sshd.port
        )) && err.contains(&format!("ssh-ed25519 key with fingerprint {fingerprint}")),
        "{err}"
    );
    let command = format!(
        "iepcase remote trust 127.0.0.1:{} --fingerprint {fingerprint}",
        s.sshd.port
    );
    assert!(err.contains(&command), "the hint gives the command: {err}");
    assert!(served_main(&s.repo).is_none(), "nothing sent");

    // Looking is not trusting.
    let out = s
        .alice
        .cmd(&["remote", "trust", "origin"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains(&fingerprint));
    // A fingerprint that is not the server's is refused.
    let err = s.alice.fail(
        &[
            "remote",
            "trust",
            &s.url,
            "--fingerprint",
            "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        ],
        3,
    );
    assert!(
        err.contains(&format!("presents the key {fingerprint}")),
        "{err}"
    );
    let known_hosts = s.alice.home.join(".ssh/known_hosts");
    assert!(!known_hosts.exists());

    // The command from the hint, as printed.
    let args: Vec<&str> = command.split(' ').skip(1).collect();
    let out = s.alice.cmd(&args).output().unwrap();
    assert!(out.status.success(), "{}", describe(&out));
    let lines = std::fs::read_to_string(&known_hosts).unwrap();
    assert_eq!(lines.trim(), s.sshd.known_hosts_line(), "OpenSSH's format");
    s.alice.run(&["sync"]);
    assert!(served_main(&s.repo).is_some());
    // OpenSSH agrees with the line written.
    let out = std::process::Command::new("ssh-keygen")
        .arg("-F")
        .arg(format!("[127.0.0.1]:{}", s.sshd.port))
        .arg("-f")
        .arg(&known_hosts)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", describe(&out));
}

#[test]
fn a_changed_host_key_is_refused_as_a_possible_attack() {
    let Some((s, _key)) = scene("", true) else {
        return;
    };
    // Alice trusted the server's earlier key; the one it presents now is another.
    let earlier = Key::new(&s.alice.root().join("earlier-host-key"), "");
    let blob = earlier.public_line.split_whitespace().nth(1).unwrap();
    let known_hosts = s.alice.home.join(".ssh/known_hosts");
    std::fs::create_dir_all(known_hosts.parent().unwrap()).unwrap();
    std::fs::write(
        &known_hosts,
        format!("[127.0.0.1]:{} ssh-ed25519 {blob}\n", s.sshd.port),
    )
    .unwrap();
    s.alice.add_note("Must not leave");
    let new_fingerprint = fingerprint_of(&s.sshd.host_key.private.with_extension("pub"));
    let err = s.alice.fail(&["sync"], 3);
    assert!(
        err.contains(&format!(
            "the host key of [127.0.0.1]:{} has changed",
            s.sshd.port
        )) && err.contains(&new_fingerprint)
            && err.contains("this may be an attack")
            && err.contains("line 1 of")
            && err.contains("ssh-keygen -R"),
        "{err}"
    );
    assert!(served_main(&s.repo).is_none(), "nothing sent");
    // Not even trusting the new fingerprint gets past it: the old key must go first.
    let err = s.alice.fail(
        &[
            "remote",
            "trust",
            "origin",
            "--fingerprint",
            &new_fingerprint,
        ],
        3,
    );
    assert!(err.contains("has changed"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&known_hosts)
            .unwrap()
            .lines()
            .count(),
        1,
        "known_hosts untouched"
    );
    let err = s.alice.fail(&["clone", &s.url, "copy"], 3);
    assert!(err.contains("has changed"), "{err}");
    assert!(!s.alice.case_dir("copy").exists());
}

/// A forced command for sshd that notes how many connections are open while each one runs
/// (in `dir/counts`, one number a line), then runs the git command asked for.
fn counting_command(dir: &std::path::Path) -> PathBuf {
    std::fs::create_dir_all(dir.join("open")).unwrap();
    let script = dir.join("count-connections");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\n\
             open='{open}'\n\
             touch \"$open/$$\"\n\
             sleep 0.3\n\
             ls \"$open\" | wc -l >> '{counts}'\n\
             sh -c \"$SSH_ORIGINAL_COMMAND\"\n\
             status=$?\n\
             rm -f \"$open/$$\"\n\
             exit $status\n",
            open = dir.join("open").display(),
            counts = dir.join("counts").display(),
        ),
    )
    .unwrap();
    crate::crash::make_executable(&script);
    script
}

#[test]
fn every_case_gets_a_remote_and_syncs_in_parallel_with_a_total() {
    if !ssh::available() {
        return;
    }
    let alice = TestEnv::with_case();
    let slugs: Vec<String> = (1..=8).map(|n| format!("c{n}")).collect();
    for slug in &slugs[1..] {
        alice.run(&["case", "new", slug, "--child", &format!("Child {slug}")]);
    }
    for slug in &slugs {
        alice.run(&[
            "-c",
            slug,
            "add",
            "note",
            "--date",
            "2026-01-15",
            "--title",
            &format!("Note of {slug}"),
        ]);
    }
    let key = Key::new(&alice.home.join(".ssh/id_ed25519"), "");
    let served = alice.root().join("served");
    std::fs::create_dir_all(&served).unwrap();
    // c5's repository was never made on the server: that case fails, the others go on.
    for slug in slugs.iter().filter(|s| *s != "c5") {
        bare_repo(&served.join(format!("{slug}.git")));
    }
    let counter = alice.root().join("connections");
    let command = counting_command(&counter);
    let sshd = Sshd::start(
        &alice.root().join("sshd"),
        &[format!(
            "command=\"{}\" {}",
            command.display(),
            key.public_line
        )],
        &[],
    );
    sshd.trust(&alice.home);

    let template = format!("{}/{{slug}}.git", sshd.url(&served));
    let out = alice.run(&["remote", "add", "origin", "--all", &template]);
    for slug in &slugs {
        let url = template.replace("{slug}", slug);
        assert!(
            out.lines()
                .any(|l| l.starts_with(slug.as_str()) && l.contains(&url) && l.contains("added")),
            "{slug}: {out}"
        );
    }
    assert!(
        alice
            .run(&["-c", "c3", "remote", "list"])
            .contains(&template.replace("{slug}", "c3"))
    );
    // Again: nothing changes, and it says so.
    let again = alice.run(&["remote", "add", "origin", "--all", &template]);
    assert_eq!(
        again.matches("already there").count(),
        slugs.len(),
        "{again}"
    );
    // A template without {slug} would give every case the same repository.
    let err = alice.fail(&["remote", "add", "backup", "--all", &sshd.url(&served)], 2);
    assert!(err.contains("has no {slug}"), "{err}");

    let out = alice
        .cmd(&["sync", "--all", "--jobs", "3"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let table = String::from_utf8_lossy(&out.stdout);
    let err = String::from_utf8_lossy(&out.stderr);
    for slug in &slugs {
        let row = table
            .lines()
            .find(|l| l.split_whitespace().next() == Some(slug.as_str()))
            .unwrap_or_else(|| panic!("no line for {slug}: {table}"));
        if slug == "c5" {
            assert!(row.contains("there is no repository"), "{row}");
        } else {
            assert!(row.contains("origin"), "{row}");
            assert!(served_main(&served.join(format!("{slug}.git"))).is_some());
        }
    }
    assert!(
        err.contains("8 cases: 7 synced, 1 failed;") && err.contains("0 conflicts"),
        "{err}"
    );
    let counts: Vec<usize> = std::fs::read_to_string(counter.join("counts"))
        .unwrap()
        .lines()
        .map(|l| l.trim().parse().unwrap())
        .collect();
    // A fetch and a push for each of the 7 cases, and the failed fetch of c5.
    assert_eq!(counts.len(), 15, "{counts:?}");
    let most = counts.iter().copied().max().unwrap();
    assert!(most <= 3, "at most 3 connections at once: {counts:?}");
    assert!(most >= 2, "cases ran side by side: {counts:?}");

    // Nothing changed: every case syncs, with nothing to push.
    bare_repo(&served.join("c5.git"));
    let out = alice.cmd(&["sync", "--all"]).output().unwrap();
    assert!(out.status.success(), "{}", describe(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("8 cases: 8 synced, 0 failed;"), "{err}");
}
